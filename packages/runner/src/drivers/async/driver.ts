import { errors } from '@starling/core';
import type { RunDriver, RunOutcome } from '../driver.js';
import { federatedFootprint } from '../federated/footprint.js';
import { type AsyncReport, us } from './async-report.js';
import { executeInline } from './inline.js';
import { type PreparedAsync, prepareAsync, syncTwin } from './prepare.js';
import { executeAsyncSockets } from './sockets.js';

/**
 * Asynchronous federated runs (`fedasync`, `fedbuff`; docs/async.md): inline, an event simulation on the
 * virtual clock of `systems:` (`runAsyncSim`), bit-reproducible under a seed; over sockets (`threads`,
 * `processes`, cluster), the same rules on real arrivals (`executeAsyncSockets`). A metrics round is one
 * server model update (a FedAsync arrival, a FedBuff flush); the model is evaluated every `eval.every` of
 * them and after the last. Inline runs checkpoint and resume bit for bit; socket runs do not.
 */
export const asyncDriver: RunDriver<PreparedAsync, AsyncReport> = {
  footprint: (ctx) => federatedFootprint({ ...ctx, cfg: syncTwin(ctx.cfg) }),

  prepare(ctx) {
    if (ctx.resume && ctx.cfg.runtime.kind !== 'inline')
      throw errors.usage(
        `${ctx.cfg.algorithm.kind} runs over sockets write no checkpoints and cannot resume (inline ones can)`,
      );
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
