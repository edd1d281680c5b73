import { errors, evaluate } from '@starling/core';
import { type AsyncSocketRecord, type AsyncSocketTraffic, runAsyncServer } from '@starling/server';
import { type HostPresence, toJsonValue } from '@starling/transport';
import type { MetricsLine } from '../../artifacts/metrics-line.js';
import {
  hostCount,
  hostWaitMs,
  joinTimeoutMs,
  type LaunchedHosts,
  launchedHostIds,
  launchHosts,
  localEndpoint,
} from '../../hosts/launcher.js';
import { nonFiniteModelError } from '../divergence.js';
import type { RunContext } from '../driver.js';
import { type AsyncReport, stalenessField } from './async-report.js';
import type { PreparedAsync } from './prepare.js';

/** The metrics line of one server update over sockets (docs/async.md, "Over sockets"). */
function socketLine(
  r: AsyncSocketRecord,
  t: AsyncSocketTraffic,
  time: number,
  test: { loss: number | null; accuracy: number | null } | null,
): MetricsLine {
  const reasons: Record<string, number> = { ...r.failures };
  if (r.refused !== null) reasons['non-finite-aggregate'] = 1;
  return {
    round: r.round,
    time_s: time,
    train_loss: r.trainLoss,
    test_loss: test ? test.loss : null,
    test_accuracy: test ? test.accuracy : null,
    bytes_up: t.bytesUp,
    bytes_down: t.bytesDown,
    payload_bytes_up: r.payloadBytesUp,
    payload_bytes_down: r.payloadBytesDown,
    refused_bytes: t.refusedBytes,
    epsilon: null,
    participants: r.staleness.length,
    failures: Object.values(r.failures).reduce((a, b) => a + b, 0),
    failure_reasons: reasons,
    aggregated: r.refused === null,
    staleness: stalenessField(r.staleness),
    dropped: r.dropped,
    late: r.late,
  };
}

/**
 * An asynchronous run over ZeroMQ (`threads`, `processes`, cluster): worker hosts launched (or awaited)
 * as for a synchronous run, without the shared lane (see `AsyncServerOptions`), and `runAsyncServer`
 * applying updates in their real arrival order. One metrics line per server model update; the model is
 * evaluated every `eval.every` of them and after the last. No virtual time: arrivals are real.
 */
export async function executeAsyncSockets(prep: PreparedAsync, ctx: RunContext): Promise<AsyncReport> {
  const { cfg, kernels, telemetry } = ctx;
  const rt = cfg.runtime;
  if (rt.kind === 'inline') throw errors.runtime('executeAsyncSockets needs a socket runtime');
  const { fed } = prep;
  const a = prep.algorithm;
  const totals = { up: 0, down: 0, payloadUp: 0, payloadDown: 0, refused: 0 };
  let last: AsyncReport['last'] = { loss: null, accuracy: null };
  const hosts: { launched?: Promise<LaunchedHosts> } = {};
  const startHosts = (address: string) => {
    const dataDir = fed.setup.dataBaseDir;
    hosts.launched = launchHosts({ kind: 'worker', runtime: rt, address, run: cfg.name, log: ctx.log, dataDir });
  };
  const onUpdate = async (r: AsyncSocketRecord, t: AsyncSocketTraffic, model: Float32Array) => {
    const evalNow = (r.round + 1) % cfg.eval.every === 0 || r.round + 1 === a.rounds;
    if (evalNow) {
      const e = evaluate(fed.model, cfg.loss.kind, kernels, model, fed.data.test);
      last = { loss: e.loss, accuracy: e.accuracy };
      if (!Number.isFinite(e.loss)) throw nonFiniteModelError(cfg, r.round, e.loss);
    }
    totals.up += t.bytesUp;
    totals.down += t.bytesDown;
    totals.payloadUp += r.payloadBytesUp;
    totals.payloadDown += r.payloadBytesDown;
    totals.refused += t.refusedBytes;
    if (r.refused !== null) ctx.log.warn({ round: r.round, reason: r.refused }, 'server update refused');
    await ctx.record(socketLine(r, t, ctx.elapsed(), evalNow ? last : null), evalNow);
    ctx.log.info(
      { round: r.round, trainLoss: r.trainLoss, testAccuracy: evalNow ? last.accuracy : null },
      'round complete',
    );
  };
  const onHost = telemetry ? (e: HostPresence) => telemetry({ kind: 'host', ...e }) : undefined;
  try {
    const report = await runAsyncServer(
      {
        clients: a.clients,
        concurrency: a.concurrency,
        rounds: a.rounds,
        rng: prep.draws,
        rule: prep.rule,
        model: fed.machine.params,
        assignedSamples: (id) => fed.parts[id]?.length ?? -1,
      },
      {
        bind: rt.kind === 'cluster' ? rt.bind : localEndpoint(rt.transport, cfg.name, 'server'),
        run: cfg.name,
        hosts: hostCount(rt),
        admit: launchedHostIds(rt),
        hostConfig: (_host, nodes) => toJsonValue(fed.hostSetup(nodes), 'welcome.config'),
        joinTimeoutMs: joinTimeoutMs(rt),
        hostWaitMs: hostWaitMs(rt),
        log: ctx.log,
        onListening: startHosts,
        updates: fed.compression.decoder,
        nonFiniteScan: kernels.compress?.firstNonFinite,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(ctx.security ? { security: ctx.security } : {}),
        ...(onHost ? { onHost } : {}),
      },
      onUpdate,
    );
    const rejected = {
      ...report.stats.rejected,
      ...(report.rejectedUpdates ? { update: report.rejectedUpdates } : {}),
    };
    return { rounds: report.rounds, last, totals, virtualTimeS: null, links: { links: report.links, rejected } };
  } finally {
    await (await hosts.launched)?.close();
  }
}
