import type { Kernels } from '@starling/core';
import type { HostPresence, RouterSecurity } from '@starling/transport';
import {
  type GossipRound,
  type HostLog,
  type PeerCheckpoint,
  runGossipCoordinator,
  runGossipInline,
} from '@starling/worker';
import type { ExperimentConfig } from '../../config/schema.js';
import {
  hostCount,
  joinTimeoutMs,
  type LaunchedHosts,
  launchedHostIds,
  launchHosts,
  localEndpoint,
} from '../../hosts/launcher.js';
import { HostSupervisor } from '../../hosts/supervisor.js';
import { INTERRUPT_GRACE_MS } from '../interrupt-grace.js';
import type { PreparedGossip } from './prepare.js';

/** What a gossip runtime reports at the end besides the per-round callbacks. */
export interface GossipRuntimeReport {
  readonly rounds: number;
  /** Each host's gossip endpoint and nodes (empty inline). */
  readonly hosts: Readonly<Record<string, { endpoint: string; nodes: number[] }>>;
  /** Peers whose host was lost before the end and not replaced. */
  readonly lost: readonly number[];
  /** Peers lost at some time (replaced or not), and peers taken over by replacement hosts. */
  readonly everLost: number;
  readonly rejoined: number;
  /** `processes`: host processes the supervisor relaunched (`runtime.restarts`); absent elsewhere. */
  readonly relaunches?: number;
}

/**
 * Whether the pipeline writes a periodic checkpoint after `round` (`Checkpointing`'s policy, without
 * the interrupt: `(round + 1) % checkpoint.every = 0`, never after the last round): over sockets the
 * peers stand still only there.
 */
export function checkpointDue(cfg: ExperimentConfig, round: number, rounds: number): boolean {
  const every = cfg.checkpoint.every;
  return every > 0 && (round + 1) % every === 0 && round + 1 < rounds;
}

/** Checkpoint hooks of a gossip run: where it resumes from, and the call at each round boundary. */
export interface GossipCheckpointHooks {
  /** The last completed round and every peer's state (by node id), or null for a fresh run. */
  readonly resume: { readonly round: number; readonly peers: readonly PeerCheckpoint[] } | null;
  /** Called after each round's `onRound` with a capture of every peer's state; awaited before the next round. */
  readonly boundary: (round: number, capture: () => Promise<PeerCheckpoint[]>) => Promise<void>;
}

/**
 * Runs the gossip rounds in the configured runtime. `inline`: every peer in this thread with an in-memory
 * exchange. `threads`: one gossip host in this process carrying every peer (its own gossip ROUTER, tcp or
 * ipc), training in its pool. `processes`: `workers` host processes, the peers split in contiguous
 * blocks (workers = peers gives one process per peer). `cluster`: waits for `hosts`
 * `starling peer --connect` hosts started elsewhere. Outside inline, this process is the coordinator:
 * rendezvous and monitor only, never on the gossip path. Inline, every round boundary runs
 * `hooks.boundary`; over sockets only those where a checkpoint is due ({@link checkpointDue}) or where an
 * interrupt aligned the peers, which stand still there until it settles (the other rounds cost no
 * coordinator round trip). Every runtime starts the peers from `hooks.resume` when set. `signal` stops
 * the run with an `interrupted` error at the next round boundary (over sockets at most
 * {@link INTERRUPT_GRACE_MS} later), after that boundary's hook; a peer gone non-finite fails it with a
 * `diverged` one.
 * `security`: CURVE on the coordinator's ROUTER (a cluster run with `runtime.security`; the welcome then
 * carries every host's public key for their gossip links), or null.
 * `onHost`: telemetry of the gossip hosts joining and lost (socket runtimes).
 */
export async function executeGossip(
  cfg: ExperimentConfig,
  prep: PreparedGossip,
  kernels: Kernels,
  log: HostLog,
  onRound: (r: GossipRound) => void | Promise<void>,
  hooks: GossipCheckpointHooks,
  signal?: AbortSignal,
  security: RouterSecurity | null = null,
  onHost?: (e: HostPresence) => void,
): Promise<GossipRuntimeReport> {
  const rt = cfg.runtime;
  const resume = hooks.resume ? { resume: hooks.resume } : {};
  if (rt.kind === 'inline') {
    const r = await runGossipInline({
      run: cfg.name,
      setup: prep.setup,
      partition: prep.parts,
      kernels,
      onRound,
      log,
      signal,
      boundary: (round, capture) => hooks.boundary(round, async () => capture()),
      ...resume,
    });
    return { rounds: r.rounds, hosts: {}, lost: [], everLost: 0, rejoined: 0 };
  }
  const hosts: { launched?: Promise<LaunchedHosts> } = {};
  const supervisor = rt.kind === 'processes' ? new HostSupervisor(rt.restarts, log, signal) : undefined;
  try {
    const report = await runGossipCoordinator({
      bind: rt.kind === 'cluster' ? rt.bind : localEndpoint(rt.transport, cfg.name, 'coordinator'),
      run: cfg.name,
      hosts: hostCount(rt),
      admit: launchedHostIds(rt),
      setup: prep.setup,
      partition: prep.parts,
      modelSize: prep.model.layout.size,
      joinTimeoutMs: joinTimeoutMs(rt),
      log,
      onListening: (address) => {
        hosts.launched = launchHosts({
          kind: 'peer',
          runtime: rt,
          address,
          run: cfg.name,
          log,
          dataDir: prep.setup.node.dataBaseDir,
          supervisor,
        });
      },
      onRound,
      signal,
      interruptGraceMs: INTERRUPT_GRACE_MS,
      ...(security ? { security } : {}),
      boundary: hooks.boundary,
      holdAfter: (round) => checkpointDue(cfg, round, prep.setup.rounds),
      ...resume,
      ...(onHost ? { onHost } : {}),
    });
    return {
      rounds: report.rounds,
      hosts: report.hosts,
      lost: report.lost,
      everLost: report.everLost,
      rejoined: report.rejoined,
      ...(supervisor ? { relaunches: supervisor.relaunches } : {}),
    };
  } finally {
    await (await hosts.launched)?.close();
    await supervisor?.close(); // also when no host was launched (the bind failed)
  }
}
