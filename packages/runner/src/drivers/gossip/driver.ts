import { errors, type PeerLedgers } from '@starling/core';
import { adversaryRecord } from '../adversary.js';
import { explainDivergence } from '../divergence.js';
import type { RunContext, RunDriver, RunOutcome } from '../driver.js';
import { emptyTally, type GossipTally, gossipCheckpointValue, readGossipCheckpoint } from './checkpoint-state.js';
import { executeGossip, type GossipCheckpointHooks, type GossipRuntimeReport } from './execute.js';
import { gossipFootprint } from './footprint.js';
import { gossipRoundMetrics } from './metrics.js';
import { PeerTelemetry } from './peer-telemetry.js';
import { gossipAlgorithm, type PreparedGossip, prepareGossip } from './prepare.js';
import { gossipPrivacyMeta, gossipPrivacySummary } from './privacy.js';

/** What execution leaves for the summary. */
interface GossipReport extends GossipTally {
  readonly runtime: GossipRuntimeReport;
}

/** metrics.jsonl privacy fields: ε = max over peers, every peer's ε (by node id); ε null without privacy. */
function epsilonFields(ledgers: PeerLedgers | null) {
  if (!ledgers) return { epsilon: null };
  const peers = ledgers.epsilons();
  return { epsilon: Math.max(...peers), epsilon_peers: peers, dp_round: 'charged' };
}

function logRound(ctx: RunContext, round: number, fields: Awaited<ReturnType<typeof gossipRoundMetrics>>['fields']) {
  if (fields.refused_payloads > 0) ctx.log.warn({ round, refused: fields.refused_payloads }, 'payloads refused');
  if (fields.dropped_neighbours > 0) {
    ctx.log.warn({ round, dropped: fields.dropped_neighbours }, 'neighbours left out of averages');
  }
  ctx.log.info({ round, trainLoss: fields.train_loss, consensusError: fields.consensus_error }, 'round complete');
}

/**
 * Decentralized runs (`dpsgd`, `consensus`): peers gossip over a topology with no server on the data
 * path. Metrics per round: contract fields plus consensus error and node-accuracy spread;
 * `bytes_up`/`bytes_down` are gossip bytes sent/received summed over the peers, `payload_bytes` the
 * encoders' share of them (CHOCO-SGD with `compression.gossip`); `links.json` holds bytes per directed
 * link `i->j` and the hosts; the final model is the peers' average x̄. At every round boundary the
 * peers are held while `ctx.boundary` runs; its capture is every peer's state and the driver's tally
 * (checkpoint-state.ts), and `ctx.resume` restores them after `prepare`.
 */
export const gossipDriver: RunDriver<PreparedGossip, GossipReport> = {
  footprint: gossipFootprint,

  prepare(ctx) {
    const { cfg } = ctx;
    const a = gossipAlgorithm(cfg);
    if (!a) throw errors.option('algorithm.kind', 'dpsgd or consensus for a gossip run', cfg.algorithm.kind);
    const prep = prepareGossip(cfg, a, ctx.hostKernels, ctx.baseDir);
    if (prep.privacy) ctx.log.info(gossipPrivacyMeta(prep.privacy), 'privacy plan');
    if (!prep.setup.choco && cfg.compression.gamma !== undefined) {
      ctx.log.warn({ gamma: cfg.compression.gamma }, 'compression.gamma is unused without compression.gossip');
    }
    ctx.log.info({ peers: a.peers, topology: prep.setup.topology, params: prep.model.layout.size }, 'gossip run ready');
    return prep;
  },

  async execute(prep, ctx) {
    const { cfg, kernels } = ctx;
    const ev = {
      model: prep.model,
      loss: cfg.loss.kind,
      kernels,
      test: prep.data.test,
      evaluateModels: prep.algorithm.kind === 'dpsgd',
    };
    const saved = ctx.resume
      ? readGossipCheckpoint(ctx.resume.state, 'checkpoint', prep.algorithm.peers, prep.model.layout.size)
      : null;
    const r: GossipTally = saved?.tally ?? emptyTally();
    const ledgers = prep.privacy?.ledgers ?? null;
    if (saved && (saved.privacy === null) !== (ledgers === null)) {
      throw errors.data('checkpoint', 'not a gossip checkpoint of this run: the privacy ledgers do not match privacy');
    }
    if (ledgers && saved?.privacy) ledgers.load(saved.privacy);
    const hooks: GossipCheckpointHooks = {
      resume: ctx.resume && saved ? { round: ctx.resume.round, peers: saved.peers } : null,
      boundary: (round, capture) =>
        ctx.boundary(round, async () => gossipCheckpointValue(await capture(), r, ledgers?.state(round) ?? null)),
    };
    const { telemetry } = ctx;
    const peers = telemetry ? new PeerTelemetry(telemetry) : null;
    const runtime = await executeGossip(
      cfg,
      prep,
      kernels,
      ctx.log,
      async (round) => {
        peers?.round(round);
        const { fields, average } = await gossipRoundMetrics(round, ev);
        for (const x of round.reports)
          for (const [j, b] of Object.entries(x.links))
            r.links[`${x.node}->${j}`] = (r.links[`${x.node}->${j}`] ?? 0) + b;
        r.totals.up += fields.bytes_up;
        r.totals.down += fields.bytes_down;
        r.totals.payload += fields.payload_bytes;
        r.lost = round.lost.length;
        if (average) {
          r.average = average;
          r.last = { loss: fields.test_loss, accuracy: fields.test_accuracy, consensus: fields.consensus_error };
          r.spread = { mean: fields.node_accuracy_mean, std: fields.node_accuracy_std };
        }
        ledgers?.charge(round.round);
        const back = round.back.length > 0 ? { peers_back: round.back.length } : {};
        if (round.back.length > 0)
          ctx.log.info({ round: round.round, nodes: round.back }, 'replacement peers report again');
        await ctx.record(
          { round: round.round, time_s: ctx.elapsed(), ...fields, ...back, ...epsilonFields(ledgers) },
          average !== null,
        );
        logRound(ctx, round.round, fields);
      },
      hooks,
      ctx.signal,
      ctx.security ?? null,
      telemetry ? (e) => telemetry({ kind: 'host', ...e }) : undefined,
    ).catch((err: unknown) => {
      throw explainDivergence(cfg, err);
    });
    return { runtime, ...r };
  },

  summarize(prep, report): RunOutcome {
    const { runtime } = report;
    return {
      rounds: runtime.rounds,
      model: report.average ?? new Float32Array(prep.model.layout.size),
      layout: prep.model.layout,
      links: { links: report.links, hosts: runtime.hosts, lost: runtime.lost },
      test: { loss: report.last.loss, accuracy: report.last.accuracy },
      bytes: { up: report.totals.up, down: report.totals.down },
      epsilon: prep.privacy ? prep.privacy.ledgers.maxEpsilon() : null,
      summary: {
        consensus_error: report.last.consensus,
        node_accuracy_mean: report.spread.mean,
        node_accuracy_std: report.spread.std,
        peers_lost: Math.max(report.lost, runtime.lost.length, runtime.everLost),
        ...(runtime.rejoined > 0 ? { peers_back: runtime.rejoined } : {}),
        ...(runtime.relaunches !== undefined ? { host_relaunches: runtime.relaunches } : {}),
        payload_bytes: report.totals.payload,
        gossip_compression: prep.setup.choco
          ? { compressor: { ...prep.setup.choco.compressor }, gamma: prep.setup.choco.gamma }
          : null,
        ...(prep.privacy
          ? { stopped_early: prep.privacy.stoppedEarly, privacy: gossipPrivacySummary(prep.privacy) }
          : {}),
        ...(prep.setup.node.adversary ? { adversary: adversaryRecord(prep.setup.node.adversary) } : {}),
      },
    };
  },
};
