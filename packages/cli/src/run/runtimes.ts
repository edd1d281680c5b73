import { spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels } from '@starling/core';
import { type RoundSummary, type RoundTraffic, runInline, runZmqServer, type ServerLog } from '@starling/server';
import type { JsonValue } from '@starling/transport';
import { type NodeUplink, nodeUplink, VirtualClients, WorkerHost } from '@starling/worker';
import type { ExperimentConfig } from '../config/schema.js';
import type { PreparedRun } from './prepare.js';

/** What a runtime reports at the end besides the per-round callbacks. */
export interface RuntimeReport {
  readonly rounds: number;
  readonly links: Record<string, { bytesUp: number; bytesDown: number }>;
  /** Refused messages by reason (transport reasons, and `update` for updates the server refused). */
  readonly rejected: Record<string, number>;
}

export type OnRound = (summary: RoundSummary, traffic: RoundTraffic) => void | Promise<void>;

const BIN = fileURLToPath(new URL('../../bin/starling.js', import.meta.url));

function endpointFor(transport: 'tcp' | 'ipc', runName: string): string {
  return transport === 'tcp'
    ? 'tcp://127.0.0.1:*'
    : `ipc://${join(tmpdir(), `starling-${runName}-${process.pid}.sock`)}`;
}

/** Runs every round in the configured runtime; the round logic is the same object in all of them. */
export async function executeRounds(
  cfg: ExperimentConfig,
  prep: PreparedRun,
  kernels: Kernels,
  log: ServerLog,
  onRound: OnRound,
): Promise<RuntimeReport> {
  const rt = cfg.runtime;
  const ids = prep.parts.map((_, i) => i);
  if (rt.kind === 'inline') {
    const nodes = new VirtualClients(prep.setup, prep.parts, kernels);
    // Each node's uplink compressor lives here from its first round to the end, as on a worker host.
    const uplinks = new Map<number, NodeUplink>();
    const { decoder, downlink } = prep.compression;
    const encodeUp = (id: number, delta: Float32Array, round: number) => {
      let u = uplinks.get(id);
      if (!u) uplinks.set(id, (u = nodeUplink(prep.setup, id, prep.model.layout, kernels)!));
      return { ...u.encode(delta, round), codec: u.compressor.kind };
    };
    const rounds = await runInline(prep.machine, nodes, prep.setup.local, onRound, {
      decoder,
      downlink: downlink ?? undefined,
      encodeUp: prep.setup.compression?.up ? encodeUp : undefined,
    });
    return { rounds, links: {}, rejected: {} };
  }
  const hosts = rt.kind === 'threads' ? 1 : rt.kind === 'cluster' ? rt.hosts : rt.workers;
  const children: ReturnType<typeof spawn>[] = [];
  let host: WorkerHost | null = null;
  const startHosts = (address: string) => {
    if (rt.kind === 'cluster') {
      process.stderr.write(
        `listening on ${address}; waiting for ${hosts} worker host(s): starling worker --connect <this host's address>\n`,
      );
      return;
    }
    if (rt.kind === 'threads') {
      host = new WorkerHost({ connect: address, hostId: 'host-0', log });
      return;
    }
    const threads = Math.max(1, Math.floor(availableParallelism() / hosts));
    for (let i = 0; i < hosts; i++) {
      const child = spawn(
        process.execPath,
        [BIN, 'worker', '--connect', address, '--host-id', `host-${i}`, '--threads', String(threads)],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      child.stderr?.on('data', (chunk: Buffer) =>
        log.warn({ host: `host-${i}`, stderr: chunk.toString().trim() }, 'worker output'),
      );
      children.push(child);
    }
  };
  try {
    const report = await runZmqServer(
      prep.machine,
      ids,
      {
        bind: rt.kind === 'cluster' ? rt.bind : endpointFor(rt.transport, cfg.name),
        run: cfg.name,
        hosts,
        hostConfig: (_host, nodes) => prep.hostSetup(nodes) as unknown as JsonValue,
        joinTimeoutMs: rt.kind === 'cluster' ? rt.joinTimeoutS * 1000 : 60_000,
        log,
        onListening: startHosts,
        updates: prep.compression.decoder,
        downlink: prep.compression.downlink ?? undefined,
        nonFiniteScan: kernels.compress?.firstNonFinite,
      },
      onRound,
    );
    // Transport-level refusals by reason, plus updates the server refused (malformed payload, late, ...).
    const rejected = {
      ...report.stats.rejected,
      ...(report.rejectedUpdates ? { update: report.rejectedUpdates } : {}),
    };
    return { rounds: report.rounds, links: report.links, rejected };
  } finally {
    await (host as WorkerHost | null)?.close('run finished');
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
          }),
      ),
    );
  }
}
