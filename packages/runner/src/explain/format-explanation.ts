import { ceilSignificant } from '@starling/core';
import type { Explanation, RoundSpan, TrafficPlan } from './explanation.js';
import type { FlopsPlan } from './layer-flops.js';
import { systemsLines } from './systems-plan.js';

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const rounds = (s: RoundSpan) => (s.from === s.to ? `round ${s.from}` : `rounds ${s.from}-${s.to}`);

function trafficLines(t: TrafficPlan): string[] {
  const lines = t.links.map((l) => {
    const size = l.exact ? `${int(l.payload_bytes)} B` : `${int(l.payload_bytes)}-${int(l.payload_bytes_max)} B`;
    return `  ${l.link}: ${size} payload per message (${l.compression})`;
  });
  const shown = t.rounds.length <= 4 ? t.rounds : [t.rounds[0], t.rounds[t.rounds.length - 1]];
  for (const s of shown) {
    lines.push(
      `  ${rounds(s)}: ${int(s.bytes_up)} B up, ${int(s.bytes_down)} B down per round (${s.messages} messages up)`,
    );
  }
  if (shown.length < t.rounds.length) lines.push(`  (${t.rounds.length - 2} more spans in --json)`);
  lines.push(
    `  whole run: ${int(t.total.bytes_up)} B up, ${int(t.total.bytes_down)} B down${t.exact ? '' : ' (at least)'}`,
  );
  lines.push(`  counted: ${t.note}`);
  return lines;
}

const flop = (x: number) =>
  x >= 1e12
    ? `${(x / 1e12).toFixed(2)} TFLOP`
    : x >= 1e9
      ? `${(x / 1e9).toFixed(2)} GFLOP`
      : `${(x / 1e6).toFixed(2)} MFLOP`;

function flopsLines(f: FlopsPlan): string[] {
  const lines = ['flops (per example):'];
  for (const l of f.layers) {
    if (l.forward === 0 && l.backward === 0) continue;
    lines.push(`  layer ${l.layer} ${l.type} -> ${l.output}: forward ${int(l.forward)}, backward ${int(l.backward)}`);
  }
  const p = f.per_example;
  lines.push(`  per example: forward ${flop(p.forward)}, backward ${flop(p.backward)}, train step ${flop(p.train)}`);
  lines.push(`  per round: ${flop(f.per_round)} (${int(f.examples_per_round)} examples trained, mean over the rounds)`);
  lines.push(`  counted: ${f.note}`);
  return lines;
}

/** The text of `starling explain` / `starling run --dry-run`: one section per part of the plan. */
export function formatExplanation(e: Explanation): string {
  const out: string[] = [];
  const c = e.config;
  out.push(`${e.name}: ${e.algorithm} (${e.family}), ${e.rounds} rounds, ${int(e.params)} parameters, seed ${c.seed}`);
  out.push(`  data ${c.data.kind}, model ${c.model.kind}, optimizer ${c.optimizer.kind}, runtime ${c.runtime.kind}`);
  const p = e.partition;
  out.push('partition:');
  if (p === null) out.push('  none (no training data)');
  else {
    out.push(`  ${p.clients} clients, ${int(p.examples.total)} examples`);
    out.push(`  examples per client: min ${p.examples.min}, median ${p.examples.median}, max ${p.examples.max}`);
    const l = p.labels_per_client;
    out.push(
      `  labels per client: min ${l.min}, median ${l.median}, max ${l.max}; label skew ${p.label_skew.toFixed(3)}`,
    );
  }
  out.push(`placement (${e.placement.runtime}):`);
  for (const h of e.placement.hosts) out.push(`  ${h.host}: nodes ${h.nodes} (${h.count})`);
  if (e.placement.threads_per_host > 0)
    out.push(`  ${e.placement.threads_per_host} pool threads per host on this machine`);
  if (e.topology) {
    const t = e.topology;
    const l2 = t.lambda2 === null ? 'n/a' : t.lambda2.toFixed(6);
    out.push('topology:');
    out.push(`  ${t.kind}, ${t.nodes} nodes, degree ${t.degree.min}-${t.degree.max}, |lambda_2| ${l2}`);
    out.push(`  spectral gap ${t.spectral_gap?.toFixed(6) ?? 'n/a'}, ${t.messages_per_round} messages per round`);
  }
  out.push('traffic:', ...trafficLines(e.traffic));
  const dp = e.privacy;
  out.push('privacy:');
  if (dp === null) out.push('  none');
  else {
    out.push(
      `  ${dp.mode}: sigma ${dp.noise_multiplier.toPrecision(6)}${dp.calibrated ? ' (calibrated)' : ''}, clip ${dp.clip_norm}`,
    );
    out.push(`  q ${dp.sample_rate}, ${dp.steps_per_round} steps per round, delta ${dp.delta}`);
    const first = dp.epsilon_per_round[0];
    if (first !== undefined) out.push(`  epsilon after round 0: ${ceilSignificant(first)}`);
    const target = dp.target_epsilon === null ? '' : ` (target ${dp.target_epsilon})`;
    out.push(`  epsilon at the end: ${ceilSignificant(dp.projected_epsilon)}${target}; ${dp.accountant}`);
  }
  if (e.systems) out.push('systems (virtual clock):', ...systemsLines(e.systems));
  const m = e.memory;
  const parts = Object.entries(m.parts_mb)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k.replace('_', ' ')} ${v}`)
    .join(', ');
  out.push('memory:');
  out.push(
    `  about ${m.estimate_mb} MB (${parts}) of ${m.available_mb} MB available${m.fits ? '' : ': DOES NOT FIT (the run would refuse without --force)'}`,
  );
  const k = e.kernel_calls;
  out.push('kernel calls:');
  out.push(
    `  ${int(k.per_client_total)} per client round x ${k.clients_per_round} clients = ${int(k.per_round)} per round`,
  );
  const top = Object.entries(k.per_client)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 6)
    .map(([name, n]) => `${name} ${int(n)}`)
    .join(', ');
  if (top) out.push(`  ${top}`);
  out.push(`  measured on ${k.measured_on}`);
  if (e.flops) out.push(...flopsLines(e.flops));
  out.push('dry run: nothing trained, no run folder written');
  return `${out.join('\n')}\n`;
}
