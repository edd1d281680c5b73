import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels } from '@starling/core';
import { GossipHost, type GossipRound, type HostLog, runGossipCoordinator, runGossipInline } from '@starling/worker';
import type { ExperimentConfig } from '../config/schema.js';
import type { PreparedGossip } from './gossip-prepare.js';

/** What a gossip runtime reports at the end besides the per-round callbacks. */
export interface GossipRuntimeReport {
  readonly rounds: number;
  /** Each host's gossip endpoint and nodes (empty inline). */
  readonly hosts: Readonly<Record<string, { endpoint: string; nodes: number[] }>>;
  /** Peers whose host was lost before the end. */
  readonly lost: readonly number[];
}

const BIN = fileURLToPath(new URL('../../bin/starling.js', import.meta.url));

function ipc(run: string, what: string): string {
  return `ipc://${join(tmpdir(), `starling-${run}-${process.pid}-${what}.sock`)}`;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
  });
}

/**
 * Runs the gossip rounds in the configured runtime. `inline`: every peer in this thread with an in-memory
 * exchange. `threads`: one gossip host in this process carrying every peer (its own gossip ROUTER, tcp or
 * ipc), training in its pool. `processes`: `workers` child processes (`starling peer`), the peers split
 * in contiguous blocks (workers = peers gives one process per peer). `cluster`: waits for `hosts`
 * `starling peer --connect` hosts started elsewhere. Outside inline, this process is the coordinator:
 * rendezvous and monitor only, never on the gossip path.
 */
export async function executeGossip(
  cfg: ExperimentConfig,
  prep: PreparedGossip,
  kernels: Kernels,
  log: HostLog,
  onRound: (r: GossipRound) => void | Promise<void>,
): Promise<GossipRuntimeReport> {
  const rt = cfg.runtime;
  if (rt.kind === 'inline') {
    const r = await runGossipInline({ run: cfg.name, setup: prep.setup, partition: prep.parts, kernels, onRound, log });
    return { rounds: r.rounds, hosts: {}, lost: [] };
  }
  const hosts = rt.kind === 'threads' ? 1 : rt.kind === 'cluster' ? rt.hosts : rt.workers;
  const transport = rt.kind === 'cluster' ? 'tcp' : rt.transport;
  const children: ChildProcess[] = [];
  let local: Promise<GossipHost> | null = null;
  const startHosts = (address: string) => {
    if (rt.kind === 'cluster') {
      process.stderr.write(
        `listening on ${address}; waiting for ${hosts} gossip host(s): starling peer --connect <this host's address>\n`,
      );
      return;
    }
    const bind = (i: number) => (transport === 'tcp' ? 'tcp://127.0.0.1:*' : ipc(cfg.name, `gossip-${i}`));
    if (rt.kind === 'threads') {
      local = GossipHost.start({ connect: address, hostId: 'host-0', bind: bind(0), log });
      return;
    }
    const threads = Math.max(1, Math.floor(availableParallelism() / hosts));
    for (let i = 0; i < hosts; i++) {
      const args = ['peer', '--connect', address, '--host-id', `host-${i}`, '--threads', String(threads)];
      const child = spawn(process.execPath, [BIN, ...args, '--bind', bind(i)], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) =>
        log.warn({ host: `host-${i}`, stderr: chunk.toString().trim() }, 'peer output'),
      );
      children.push(child);
    }
  };
  try {
    const report = await runGossipCoordinator({
      bind: rt.kind === 'cluster' ? rt.bind : transport === 'tcp' ? 'tcp://127.0.0.1:*' : ipc(cfg.name, 'coordinator'),
      run: cfg.name,
      hosts,
      setup: prep.setup,
      partition: prep.parts,
      modelSize: prep.model.layout.size,
      joinTimeoutMs: rt.kind === 'cluster' ? rt.joinTimeoutS * 1000 : 60_000,
      log,
      onListening: startHosts,
      onRound,
    });
    return { rounds: report.rounds, hosts: report.hosts, lost: report.lost };
  } finally {
    const host = await (local as Promise<GossipHost> | null);
    if (host) {
      await Promise.race([host.finished, new Promise((r) => setTimeout(r, 5000).unref())]);
      await host.close('run finished');
    }
    await Promise.all(children.map(waitExit));
  }
}
