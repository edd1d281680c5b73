import { errors, type Kernels } from '@starling/core';
import { type RoundSummary, type RoundTraffic, runInline, runZmqServer, type ServerLog } from '@starling/server';
import { type HostPresence, type RouterSecurity, SharedLane, toJsonValue } from '@starling/transport';
import type { ExperimentConfig } from '../../config/schema.js';
import {
  hostCount,
  hostWaitMs,
  joinTimeoutMs,
  type LaunchedHosts,
  launchedHostIds,
  launchHosts,
  localEndpoint,
} from '../../hosts/launcher.js';
import { crossProcessLane } from '../../hosts/shm-lane.js';
import { HostSupervisor } from '../../hosts/supervisor.js';
import { INTERRUPT_GRACE_MS } from '../interrupt-grace.js';
import { perClientPlan } from './client-plans.js';
import { HostNodes } from './host-nodes.js';
import { InlineNodes } from './inline-nodes.js';
import type { PreparedFederated } from './prepare.js';

/** What a runtime reports at the end besides the per-round callbacks. */
export interface RuntimeReport {
  readonly rounds: number;
  readonly links: Record<string, { bytesUp: number; bytesDown: number }>;
  /** Refused messages by reason (transport reasons, and `update` for updates the server refused). */
  readonly rejected: Record<string, number>;
  /** `processes`: host processes the supervisor relaunched (`runtime.restarts`); absent elsewhere. */
  readonly relaunches?: number;
}

export type OnRound = (summary: RoundSummary, traffic: RoundTraffic) => void | Promise<void>;

/**
 * Runs every round in the configured runtime; the round logic is the same object in all of them. The
 * driver makes `nodes` (in this process inline, on worker hosts otherwise) and checkpoints them.
 * `signal` stops it with an `interrupted` error: inline after the round in progress, over sockets once
 * the open round closed (at most {@link INTERRUPT_GRACE_MS} later).
 * `security`: CURVE on the server's ROUTER (a cluster run with `runtime.security`), or null.
 * `onHost`: telemetry of the worker hosts joining, lost and back (socket runtimes).
 */
export async function executeRounds(
  cfg: ExperimentConfig,
  prep: PreparedFederated,
  kernels: Kernels,
  log: ServerLog,
  onRound: OnRound,
  nodes: InlineNodes | HostNodes,
  signal?: AbortSignal,
  security: RouterSecurity | null = null,
  onHost?: (e: HostPresence) => void,
): Promise<RuntimeReport> {
  const rt = cfg.runtime;
  const ids = prep.parts.map((_, i) => i);
  if (rt.kind === 'inline') {
    if (!(nodes instanceof InlineNodes)) throw errors.runtime('an inline run trains InlineNodes');
    const { decoder, downlink } = prep.compression;
    const plans = prep.systems?.plans;
    // systems.localWork: each client trains its own plan (E_i, or steps capped by its time budget).
    const trainer = nodes.trainer;
    const clients = plans
      ? { has: (id: number) => trainer.has(id), ...perClientPlan(trainer, plans), backend: trainer.backend }
      : trainer;
    const rounds = await runInline(prep.machine, clients, prep.setup.local, onRound, {
      decoder,
      downlink: downlink ?? undefined,
      // SCAFFOLD's c travels with the model to every participant.
      ...(prep.control ? { downExtraBytes: prep.control.c.byteLength } : {}),
      encodeUp: nodes.encodeUp,
      signal,
    });
    return { rounds, links: {}, rejected: {} };
  }
  const hosts: { launched?: Promise<LaunchedHosts> } = {};
  // threads: the host lives in this process, so Δs reach the server through shared memory.
  // processes: the worker processes' pool threads reduce into memfd slots the server maps (shm-lane.ts).
  const lane =
    rt.kind === 'threads' ? new SharedLane() : rt.kind === 'processes' ? crossProcessLane(rt.sharedMemory) : undefined;
  const supervisor = rt.kind === 'processes' ? new HostSupervisor(rt.restarts, log, signal) : undefined;
  const startHosts = (address: string) => {
    const dataDir = prep.setup.dataBaseDir;
    const launch = { kind: 'worker', runtime: rt, address, run: cfg.name, log, lane, dataDir, supervisor } as const;
    hosts.launched = launchHosts(launch);
  };
  try {
    const report = await runZmqServer(
      prep.machine,
      ids,
      {
        bind: rt.kind === 'cluster' ? rt.bind : localEndpoint(rt.transport, cfg.name, 'server'),
        run: cfg.name,
        hosts: hostCount(rt),
        admit: launchedHostIds(rt),
        hostConfig: (_host, nodes) => toJsonValue(prep.hostSetup(nodes), 'welcome.config'),
        joinTimeoutMs: joinTimeoutMs(rt),
        hostWaitMs: hostWaitMs(rt),
        ...(supervisor ? { expectsReturn: (host: string) => supervisor.expectsReturn(host) } : {}),
        log,
        onListening: startHosts,
        updates: prep.compression.decoder,
        downlink: prep.compression.downlink ?? undefined,
        ...(prep.control ? { control: prep.control.c } : {}),
        nonFiniteScan: kernels.compress?.firstNonFinite,
        lane,
        signal,
        interruptGraceMs: INTERRUPT_GRACE_MS,
        ...(security ? { security } : {}),
        restoreNodeState: nodes instanceof HostNodes ? (nodes.restore ?? undefined) : undefined,
        // Hosts train the next round while a round is reported, unless the dispatch moves the downlink's x̂.
        reportAfterDispatch: !prep.compression.downlink,
        ...(onHost ? { onHost } : {}),
      },
      onRound,
      (server) => {
        if (nodes instanceof HostNodes) nodes.attach(server);
      },
    );
    // Transport-level refusals by reason, plus updates the server refused (malformed payload, late, ...).
    const rejected = {
      ...report.stats.rejected,
      ...(report.rejectedUpdates ? { update: report.rejectedUpdates } : {}),
    };
    const relaunches = supervisor ? { relaunches: supervisor.relaunches } : {};
    return { rounds: report.rounds, links: report.links, rejected, ...relaunches };
  } finally {
    await (await hosts.launched)?.close();
    await supervisor?.close(); // also when no host was launched (the bind failed)
  }
}
