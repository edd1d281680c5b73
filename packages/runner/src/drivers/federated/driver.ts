import { evaluate } from '@starling/core';
import { failureKinds, type RoundSummary } from '@starling/server';
import type { HostPresence } from '@starling/transport';
import { adversaryRecord } from '../adversary.js';
import { failedRoundsError, nonFiniteModelError } from '../divergence.js';
import type { RunContext, RunDriver, RunOutcome } from '../driver.js';
import { checkCompressionSupported } from './compression.js';
import { executeRounds, type OnRound, type RuntimeReport } from './execute.js';
import { captureFederated, type FederatedProgress, restoreFederated } from './federated-state.js';
import { federatedFootprint } from './footprint.js';
import { checkHeterogeneitySupported } from './heterogeneity.js';
import { HostNodes } from './host-nodes.js';
import { InlineNodes } from './inline-nodes.js';
import { type PreparedFederated, prepareRun } from './prepare.js';
import { checkPrivacySupported, privacyMeta, privacySummary } from './privacy.js';
import { systemsLine } from './systems.js';

/** Updates refused by a server rule (weight, norm bound) and a refused aggregate are warned, once a round. */
function warnRefusals(log: RunContext['log'], s: RoundSummary): void {
  const refused = s.failures.filter((f) => f.reason.startsWith('bad-weight') || f.reason.startsWith('norm-bound'));
  if (refused.length > 0) {
    const nodes = refused.map((f) => f.node);
    log.warn({ round: s.round, nodes, reasons: failureKinds(refused), first: refused[0].reason }, 'updates refused');
  }
  if (s.refused !== undefined) {
    log.warn({ round: s.round, reason: s.refused }, 'aggregate refused: the model is left unchanged this round');
  }
}

/** What execution leaves for the summary: the runtime's report and the last evaluation. */
interface FederatedReport {
  readonly runtime: RuntimeReport;
  readonly last: { loss: number | null; accuracy: number | null };
  readonly totals: FederatedProgress['totals'];
}

/**
 * Parameter-server runs (`centralized`, `fedsgd`, `fedavg`): one `RoundMachine` fed by the inline loop
 * or by a `ParameterServer` over ZeroMQ with worker hosts. Evaluates the global model every
 * `eval.every` rounds and after the last one.
 */
export const federatedDriver: RunDriver<PreparedFederated, FederatedReport> = {
  footprint: federatedFootprint,

  prepare(ctx) {
    checkPrivacySupported(ctx.cfg);
    checkCompressionSupported(ctx.cfg);
    checkHeterogeneitySupported(ctx.cfg);
    const prep = prepareRun(ctx.cfg, ctx.kernels, ctx.hostKernels, ctx.baseDir);
    const { train, test } = prep.data;
    if (prep.privacy) ctx.log.info(privacyMeta(prep.privacy), 'privacy plan');
    ctx.log.info(
      { train: train.n, test: test.n, params: prep.model.layout.size, nodes: prep.parts.length },
      'experiment ready',
    );
    return prep;
  },

  async execute(prep, ctx) {
    const { cfg, kernels, telemetry } = ctx;
    const { model, privacy } = prep;
    const global = prep.machine.params;
    const progress: FederatedProgress = {
      totals: { up: 0, down: 0, payloadUp: 0, payloadDown: 0, bits: 0, refused: 0 },
      last: { loss: null, accuracy: null },
    };
    const { totals } = progress;
    const nodes = cfg.runtime.kind === 'inline' ? new InlineNodes(prep, kernels) : new HostNodes();
    if (ctx.resume) {
      restoreFederated(prep, ctx.resume, nodes, progress);
      ctx.log.info({ round: ctx.resume.round }, 'resumed from checkpoint');
    }
    const onRound: OnRound = async (s, traffic) => {
      const evalNow = (s.round + 1) % cfg.eval.every === 0 || s.round + 1 === prep.rounds;
      if (evalNow) {
        const e = evaluate(model, cfg.loss.kind, kernels, global, prep.data.test);
        progress.last = { loss: e.loss, accuracy: e.accuracy };
        // A model whose loss is NaN/Inf is useless; never let such a run end as a success.
        if (!Number.isFinite(e.loss)) throw nonFiniteModelError(cfg, s.round, e.loss);
      }
      const last = progress.last;
      totals.up += traffic.bytesUp;
      totals.down += traffic.bytesDown;
      totals.payloadUp += traffic.payloadBytesUp;
      totals.payloadDown += traffic.payloadBytesDown;
      totals.bits += traffic.theoreticalBitsUp;
      totals.refused += traffic.refusedBytes ?? 0;
      const line = {
        round: s.round,
        time_s: ctx.elapsed(),
        train_loss: s.trainLoss,
        test_loss: evalNow ? last.loss : null,
        test_accuracy: evalNow ? last.accuracy : null,
        bytes_up: traffic.bytesUp,
        bytes_down: traffic.bytesDown,
        payload_bytes_up: traffic.payloadBytesUp,
        payload_bytes_down: traffic.payloadBytesDown,
        theoretical_bits_up: traffic.theoreticalBitsUp,
        refused_bytes: traffic.refusedBytes ?? 0,
        epsilon: privacy ? privacy.epsilonAfter(s.round) : null,
        participants: s.results.length,
        failures: s.failures.length,
        failure_reasons: failureKinds(s.failures, s.refused),
        aggregated: s.aggregated,
        ...(privacy ? { dp_round: privacy.roundStatus(s.round) ?? null } : {}),
        ...(prep.systems ? systemsLine(prep.systems, s.round) : {}),
      };
      warnRefusals(ctx.log, s);
      if (telemetry)
        for (const f of s.failures)
          telemetry({ kind: 'straggler', round: s.round, node: f.node, reason: f.reason, count: 1 });
      await ctx.record(line, evalNow);
      ctx.log.info(
        { round: s.round, trainLoss: s.trainLoss, testAccuracy: evalNow ? last.accuracy : null },
        'round complete',
      );
      await ctx.boundary(s.round, () => captureFederated(prep, s.round, nodes, progress));
    };
    const onHost = telemetry ? (e: HostPresence) => telemetry({ kind: 'host', ...e }) : undefined;
    const runtime = await executeRounds(
      cfg,
      prep,
      kernels,
      ctx.log,
      onRound,
      nodes,
      ctx.signal,
      ctx.security ?? null,
      onHost,
    );
    const failed = prep.machine.failed;
    if (failed !== null) throw failedRoundsError(cfg, failed);
    return { runtime, last: progress.last, totals };
  },

  summarize(prep, report, ctx): RunOutcome {
    const { cfg, kernels } = ctx;
    const global = prep.machine.params;
    const stoppedEarly = prep.machine.stoppedEarly;
    let last = report.last;
    if (stoppedEarly !== null) {
      ctx.log.warn({ rounds: report.runtime.rounds, reason: stoppedEarly }, 'run stopped early');
      // The last closed round may not have been evaluated: the summary reports the final model.
      if (report.runtime.rounds > 0) {
        const e = evaluate(prep.model, cfg.loss.kind, kernels, global, prep.data.test);
        last = { loss: e.loss, accuracy: e.accuracy };
      }
    }
    const { privacy } = prep;
    const t = report.totals;
    return {
      rounds: report.runtime.rounds,
      model: global,
      layout: prep.model.layout,
      links: { links: report.runtime.links, rejected: report.runtime.rejected },
      test: last,
      bytes: { up: t.up, down: t.down },
      epsilon: privacy ? privacy.epsilon() : null,
      summary: {
        stopped_early: stoppedEarly,
        ...(privacy ? { privacy: privacySummary(privacy) } : {}),
        payload_bytes_up: t.payloadUp,
        payload_bytes_down: t.payloadDown,
        theoretical_bits_up: t.bits,
        refused_bytes: t.refused,
        ...(report.runtime.relaunches !== undefined ? { host_relaunches: report.runtime.relaunches } : {}),
        ...(prep.systems ? { virtual_time_s: prep.systems.rounds.clock.now } : {}),
        ...(prep.setup.adversary ? { adversary: adversaryRecord(prep.setup.adversary) } : {}),
      },
    };
  },
};
