import type { Kernels } from '@starling/core';
import { type RoundSummary, type RoundTraffic, runInline, runZmqServer, type ServerLog } from '@starling/server';
import { SharedLane, toJsonValue } from '@starling/transport';
import { type NodeUplink, nodeUplink, VirtualClients } from '@starling/worker';
import type { ExperimentConfig } from '../../config/schema.js';
import {
  hostCount,
  hostWaitMs,
  joinTimeoutMs,
  type LaunchedHosts,
  launchHosts,
  localEndpoint,
} from '../../hosts/launcher.js';
import type { PreparedFederated } from './prepare.js';

/** What a runtime reports at the end besides the per-round callbacks. */
export interface RuntimeReport {
  readonly rounds: number;
  readonly links: Record<string, { bytesUp: number; bytesDown: number }>;
  /** Refused messages by reason (transport reasons, and `update` for updates the server refused). */
  readonly rejected: Record<string, number>;
}

export type OnRound = (summary: RoundSummary, traffic: RoundTraffic) => void | Promise<void>;

/**
 * Runs every round in the configured runtime; the round logic is the same object in all of them.
 * `signal` stops it (inline after the round in progress, sockets at once) with an `interrupted` error.
 */
export async function executeRounds(
  cfg: ExperimentConfig,
  prep: PreparedFederated,
  kernels: Kernels,
  log: ServerLog,
  onRound: OnRound,
  signal?: AbortSignal,
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
      signal,
    });
    return { rounds, links: {}, rejected: {} };
  }
  const hosts: { launched?: Promise<LaunchedHosts> } = {};
  // threads: the host lives in this process, so Δs reach the server through shared memory.
  const lane = rt.kind === 'threads' ? new SharedLane() : undefined;
  const startHosts = (address: string) => {
    hosts.launched = launchHosts({ kind: 'worker', runtime: rt, address, run: cfg.name, log, lane });
  };
  try {
    const report = await runZmqServer(
      prep.machine,
      ids,
      {
        bind: rt.kind === 'cluster' ? rt.bind : localEndpoint(rt.transport, cfg.name, 'server'),
        run: cfg.name,
        hosts: hostCount(rt),
        hostConfig: (_host, nodes) => toJsonValue(prep.hostSetup(nodes), 'welcome.config'),
        joinTimeoutMs: joinTimeoutMs(rt),
        hostWaitMs: hostWaitMs(rt),
        log,
        onListening: startHosts,
        updates: prep.compression.decoder,
        downlink: prep.compression.downlink ?? undefined,
        nonFiniteScan: kernels.compress?.firstNonFinite,
        lane,
        signal,
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
    await (await hosts.launched)?.close();
  }
}
