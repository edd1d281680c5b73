import { errors, evaluate, nonFiniteResult, plannedWork } from '@starling/core';
import { type AsyncRoundRecord, type AsyncTrainResult, runAsyncSim } from '@starling/server';
import { nonFiniteModelError } from '../divergence.js';
import type { RunContext, RunDriver, RunOutcome } from '../driver.js';
import { federatedFootprint } from '../federated/footprint.js';
import { InlineNodes } from '../federated/inline-nodes.js';
import { type AsyncReport, stalenessField, us } from './async-report.js';
import { type PreparedAsync, prepareAsync, syncTwin } from './prepare.js';
import { executeAsyncSockets } from './sockets.js';

/** The asynchronous fields of an inline metrics line: virtual time, staleness of the applied updates, drops. */
function asyncFields(r: AsyncRoundRecord): Record<string, unknown> {
  return { virtual_time_s: us(r.virtualTimeS), staleness: stalenessField(r.staleness), dropped: r.dropped };
}

/** Client `id`'s training as the simulation calls it: its own plan, then its uplink codec if any. */
function trainer(prep: PreparedAsync, nodes: InlineNodes) {
  const { fed } = prep;
  const plans = prep.systems?.plans;
  const encodeUp = nodes.encodeUp;
  const decoder = fed.compression.decoder;
  return (id: number, model: Float32Array, dispatch: number, out: Float32Array): AsyncTrainResult => {
    const r = nodes.clients.train(id, model, dispatch, plans?.[id] ?? fed.setup.local, out);
    if (!encodeUp || !decoder || nonFiniteResult(out, r.trainLoss) !== null) return { ...r, upBytes: out.byteLength };
    const enc = encodeUp(id, out, dispatch);
    out.set(decoder.decode({ data: enc.bytes, codec: enc.codec }));
    return { ...r, upBytes: enc.bytes.byteLength };
  };
}

/**
 * Asynchronous federated runs (`fedasync`, `fedbuff`; docs/async.md): inline, an event simulation on the
 * virtual clock of `systems:` (`runAsyncSim`), bit-reproducible under a seed; over sockets (`threads`,
 * `processes`, cluster), the same rules on real arrivals (`executeAsyncSockets`). A metrics round is one
 * server model update (a FedAsync arrival, a FedBuff flush); the model is evaluated every `eval.every` of
 * them and after the last. No checkpoints yet (`starling resume` refuses).
 */
export const asyncDriver: RunDriver<PreparedAsync, AsyncReport> = {
  footprint: (ctx) => federatedFootprint({ ...ctx, cfg: syncTwin(ctx.cfg) }),

  prepare(ctx) {
    if (ctx.resume) throw errors.usage(`${ctx.cfg.algorithm.kind} runs write no checkpoints and cannot resume`);
    const prep = prepareAsync(ctx.cfg, ctx.kernels, ctx.hostKernels, ctx.baseDir);
    const { train, test } = prep.fed.data;
    ctx.log.info({ train: train.n, test: test.n, params: prep.fed.model.layout.size }, 'experiment ready');
    return prep;
  },

  execute(prep, ctx) {
    return ctx.cfg.runtime.kind === 'inline' ? executeInline(prep, ctx) : executeAsyncSockets(prep, ctx);
  },

  summarize(prep, report): RunOutcome {
    const t = report.totals;
    return {
      rounds: report.rounds,
      model: prep.fed.machine.params,
      layout: prep.fed.model.layout,
      links: report.links,
      test: report.last,
      bytes: { up: t.up, down: t.down },
      epsilon: null,
      summary: {
        stopped_early: null,
        payload_bytes_up: t.payloadUp,
        payload_bytes_down: t.payloadDown,
        ...(report.virtualTimeS === null ? { refused_bytes: t.refused } : { virtual_time_s: us(report.virtualTimeS) }),
      },
    };
  },
};

/** The inline event simulation on the virtual clock (`runAsyncSim`): bit-reproducible under a seed. */
async function executeInline(prep: PreparedAsync, ctx: RunContext): Promise<AsyncReport> {
  const { cfg, kernels } = ctx;
  const { fed, systems } = prep;
  if (systems === null) throw errors.runtime('an inline async run needs its systems profiles');
  const a = prep.algorithm;
  const nodes = new InlineNodes(fed, kernels);
  const works = fed.parts.map((idx, i) => plannedWork(idx.length, systems.plans?.[i] ?? fed.setup.local));
  const totals = { up: 0, down: 0 };
  let last: AsyncReport['last'] = { loss: null, accuracy: null };
  let virtualTimeS = 0;
  const rounds = await runAsyncSim({
    profiles: systems.profiles,
    work: (id) => works[id],
    downBytes: 4 * fed.model.layout.size,
    concurrency: a.concurrency,
    rounds: a.rounds,
    rng: prep.draws,
    rule: prep.rule,
    model: fed.machine.params,
    train: trainer(prep, nodes),
    signal: ctx.signal,
    onRound: async (r, model) => {
      const evalNow = (r.round + 1) % cfg.eval.every === 0 || r.round + 1 === a.rounds;
      if (evalNow) {
        const e = evaluate(fed.model, cfg.loss.kind, kernels, model, fed.data.test);
        last = { loss: e.loss, accuracy: e.accuracy };
        if (!Number.isFinite(e.loss)) throw nonFiniteModelError(cfg, r.round, e.loss);
      }
      totals.up += r.bytesUp;
      totals.down += r.bytesDown;
      virtualTimeS = r.virtualTimeS;
      const line = {
        round: r.round,
        time_s: ctx.elapsed(),
        train_loss: r.trainLoss,
        test_loss: evalNow ? last.loss : null,
        test_accuracy: evalNow ? last.accuracy : null,
        bytes_up: r.bytesUp,
        bytes_down: r.bytesDown,
        payload_bytes_up: r.bytesUp,
        payload_bytes_down: r.bytesDown,
        epsilon: null,
        participants: r.staleness.length,
        failures: 0,
        failure_reasons: r.refused === null ? {} : { 'non-finite-aggregate': 1 },
        aggregated: r.refused === null,
        ...asyncFields(r),
      };
      if (r.refused !== null) ctx.log.warn({ round: r.round, reason: r.refused }, 'server update refused');
      await ctx.record(line, evalNow);
      ctx.log.info(
        { round: r.round, trainLoss: r.trainLoss, testAccuracy: evalNow ? last.accuracy : null },
        'round complete',
      );
    },
  });
  const bytes = { up: totals.up, down: totals.down, payloadUp: totals.up, payloadDown: totals.down, refused: 0 };
  return { rounds, last, totals: bytes, virtualTimeS, links: { links: {}, rejected: {} } };
}
