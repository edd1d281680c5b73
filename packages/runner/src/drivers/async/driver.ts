import { errors, evaluate, nonFiniteResult, plannedWork } from '@starling/core';
import { type AsyncRoundRecord, type AsyncTrainResult, runAsyncSim } from '@starling/server';
import { nonFiniteModelError } from '../divergence.js';
import type { RunDriver, RunOutcome } from '../driver.js';
import { federatedFootprint } from '../federated/footprint.js';
import { InlineNodes } from '../federated/inline-nodes.js';
import { type PreparedAsync, prepareAsync, syncTwin } from './prepare.js';

/** What execution leaves for the summary. */
interface AsyncReport {
  readonly rounds: number;
  readonly last: { loss: number | null; accuracy: number | null };
  readonly totals: { up: number; down: number };
  readonly virtualTimeS: number;
}

/** Rounds virtual seconds to microseconds for the metrics lines. */
const us = (s: number) => Math.round(s * 1e6) / 1e6;

/** The asynchronous fields of a metrics line: virtual time, staleness of the applied updates, drops. */
function asyncFields(r: AsyncRoundRecord): Record<string, unknown> {
  const s = r.staleness;
  return {
    virtual_time_s: us(r.virtualTimeS),
    staleness: s.length === 0 ? null : { mean: s.reduce((a, b) => a + b, 0) / s.length, max: Math.max(...s) },
    dropped: r.dropped,
  };
}

/** Client `id`'s training as the simulation calls it: its own plan, then its uplink codec if any. */
function trainer(prep: PreparedAsync, nodes: InlineNodes) {
  const { fed } = prep;
  const plans = prep.systems.plans;
  const encodeUp = nodes.encodeUp;
  const decoder = fed.compression.decoder;
  return (id: number, model: Float32Array, dispatch: number, out: Float32Array): AsyncTrainResult => {
    const r = nodes.clients.train(id, model, dispatch, plans?.[id] ?? fed.setup.local, out);
    if (!encodeUp || !decoder || nonFiniteResult(out, r.trainLoss) !== null) return { ...r, upBytes: out.byteLength };
    const enc = encodeUp(id, out, dispatch);
    if (enc === null) return { ...r, upBytes: out.byteLength };
    out.set(decoder.decode({ data: enc.bytes, codec: enc.codec }));
    return { ...r, upBytes: enc.bytes.byteLength };
  };
}

/**
 * Asynchronous federated runs (`fedasync`, `fedbuff`; docs/async.md): an event simulation on the virtual
 * clock of `systems:` (`runAsyncSim`), inline only. A metrics round is one server model update (a
 * FedAsync arrival, a FedBuff flush); the model is evaluated every `eval.every` of them and after the
 * last. Bit-reproducible under a seed; no checkpoints yet (`starling resume` refuses).
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

  async execute(prep, ctx) {
    const { cfg, kernels } = ctx;
    const { fed } = prep;
    const a = prep.algorithm;
    const nodes = new InlineNodes(fed, kernels);
    const works = fed.parts.map((idx, i) => plannedWork(idx.length, prep.systems.plans?.[i] ?? fed.setup.local));
    const totals = { up: 0, down: 0 };
    let last: AsyncReport['last'] = { loss: null, accuracy: null };
    let virtualTimeS = 0;
    const rounds = await runAsyncSim({
      profiles: prep.systems.profiles,
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
    return { rounds, last, totals, virtualTimeS };
  },

  summarize(prep, report): RunOutcome {
    return {
      rounds: report.rounds,
      model: prep.fed.machine.params,
      layout: prep.fed.model.layout,
      links: { links: {}, rejected: {} },
      test: report.last,
      bytes: { up: report.totals.up, down: report.totals.down },
      epsilon: null,
      summary: {
        stopped_early: null,
        payload_bytes_up: report.totals.up,
        payload_bytes_down: report.totals.down,
        virtual_time_s: us(report.virtualTimeS),
      },
    };
  },
};
