import { errors, evaluate, nonFiniteResult, plannedWork } from '@starling/core';
import { type AsyncRoundRecord, type AsyncTrainResult, runAsyncSim } from '@starling/server';
import { nonFiniteModelError } from '../divergence.js';
import type { RunContext } from '../driver.js';
import { InlineNodes } from '../federated/inline-nodes.js';
import { type AsyncReport, stalenessField, us } from './async-report.js';
import { type AsyncProgress, captureAsync, restoreAsync } from './async-state.js';
import type { PreparedAsync } from './prepare.js';

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
    if (enc === null) return { ...r, upBytes: out.byteLength };
    out.set(decoder.decode({ data: enc.bytes, codec: enc.codec }));
    return { ...r, upBytes: enc.bytes.byteLength };
  };
}

/**
 * The inline event simulation on the virtual clock (`runAsyncSim`): bit-reproducible under a seed. A
 * checkpoint at a server update holds the simulation's state too (`captureAsync`), so `starling resume`
 * continues with the next update and ends on the same bits as the uninterrupted run.
 */
export async function executeInline(prep: PreparedAsync, ctx: RunContext): Promise<AsyncReport> {
  const { cfg, kernels } = ctx;
  const { fed, systems } = prep;
  if (systems === null) throw errors.runtime('an inline async run needs its systems profiles');
  const a = prep.algorithm;
  const nodes = new InlineNodes(fed, kernels);
  const works = fed.parts.map((idx, i) => plannedWork(idx.length, systems.plans?.[i] ?? fed.setup.local));
  const progress: AsyncProgress = { totals: { up: 0, down: 0 }, last: { loss: null, accuracy: null }, virtualTimeS: 0 };
  const resume = ctx.resume ? restoreAsync(prep, ctx.resume.state, nodes, progress) : undefined;
  if (ctx.resume) ctx.log.info({ round: ctx.resume.round }, 'resumed from checkpoint');
  const { totals } = progress;
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
    ...(resume ? { resume } : {}),
    onRound: async (r, model, capture) => {
      const evalNow = (r.round + 1) % cfg.eval.every === 0 || r.round + 1 === a.rounds;
      if (evalNow) {
        const e = evaluate(fed.model, cfg.loss.kind, kernels, model, fed.data.test);
        progress.last = { loss: e.loss, accuracy: e.accuracy };
        if (!Number.isFinite(e.loss)) throw nonFiniteModelError(cfg, r.round, e.loss);
      }
      const last = progress.last;
      totals.up += r.bytesUp;
      totals.down += r.bytesDown;
      progress.virtualTimeS = r.virtualTimeS;
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
      await ctx.boundary(r.round, () => captureAsync(prep, nodes, progress, capture()));
    },
  });
  const t = progress.totals;
  const bytes = { up: t.up, down: t.down, payloadUp: t.up, payloadDown: t.down, refused: 0 };
  return {
    rounds,
    last: progress.last,
    totals: bytes,
    virtualTimeS: progress.virtualTimeS,
    links: { links: {}, rejected: {} },
  };
}
