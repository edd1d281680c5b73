import type { Kernels } from '@starling/core';
import type { ExperimentConfig } from '../config/schema.js';
import type { PreparedFederated } from '../drivers/federated/prepare.js';
import type { LinkPlan, TrafficPlan } from './explanation.js';
import { participantsPerRound } from './participants.js';
import { payloadSize } from './payload-size.js';
import { roundSpans, spanTotals } from './round-spans.js';
import { dispatchedPerRound } from './virtual-dispatch.js';

const label = (spec: { kind: string } | undefined) => (spec === undefined ? 'none (float32)' : spec.kind);

/**
 * The payload bytes of a parameter-server run, round by round, for a run without failures: each
 * selected client (with `systems:`, each one not offline when its round opens) sends one update (its uplink compressor's payload, or 4·P raw), and the model goes down
 * once per recipient: every selected client inline, every host carrying a selected client over sockets
 * (`owner` maps a node to its host). A compressed downlink sends a delta chain or the raw model, which
 * depends on each recipient's history: its figures are bounds. Also returns the selected nodes per round.
 */
export function federatedTraffic(
  cfg: ExperimentConfig,
  prep: PreparedFederated,
  kernels: Kernels,
  owner: (node: number) => number,
): { traffic: TrafficPlan; selected: number[][] } {
  const layout = prep.model.layout;
  const raw = 4 * layout.size;
  const { up, down } = cfg.compression;
  const upSize = payloadSize(up, layout, kernels, 'compression.up');
  const downSize = payloadSize(down, layout, kernels, 'compression.down');
  // With over-commit (systems:) every drawn client is dispatched: ⌈(1+o)K⌉ of them.
  const participation = prep.systems?.rounds.participation(prep.plan.participation, prep.parts.length);
  const drawn = participantsPerRound(
    cfg.seed,
    prep.parts.length,
    participation ?? prep.plan.participation,
    prep.rounds,
  );
  // Clients offline when their round opens are not dispatched: replay the virtual clock to find them.
  const tiers = (cfg.compression.upTiers ?? []).map((t, i) => ({
    ...t,
    size: payloadSize(t.up ?? undefined, layout, kernels, `compression.upTiers[${i}].up`),
  }));
  const tierOf = prep.setup.compression?.tierOf;
  const upOf = (node: number) => {
    const t = tierOf?.[node];
    return t === undefined || t === '-' ? upSize : tiers[Number.parseInt(t, 16)].size;
  };
  const selected = prep.systems ? dispatchedPerRound(prep.systems.rounds, drawn, (n) => upOf(n).bytes) : drawn;
  const inline = cfg.runtime.kind === 'inline';
  // SCAFFOLD's control variate c (P float32) goes with the model in every downlink message.
  const c = prep.control ? raw : 0;
  const perRound = selected.map((nodes, round) => {
    const recipients = inline ? nodes.length : new Set(nodes.map(owner)).size;
    // A compressed downlink's smallest message is one delta; the first round always sends x̂ raw.
    const downBytes = down === undefined || round === 0 ? raw : Math.min(downSize.bytes, raw);
    const bytesUp = nodes.reduce((sum, n) => sum + upOf(n).bytes, 0);
    return { bytes_up: bytesUp, bytes_down: recipients * (downBytes + c), messages: nodes.length };
  });
  const rounds = roundSpans(perRound);
  const links: LinkPlan[] = [
    {
      link: 'client->server',
      payload_bytes: upSize.bytes,
      payload_bytes_max: upSize.max,
      message_bytes: { min: upSize.bytes, max: upSize.max },
      compression: label(up),
      exact: upSize.exact,
    },
    {
      link: inline ? 'server->client' : 'server->host',
      payload_bytes: (down === undefined ? raw : downSize.bytes) + c,
      payload_bytes_max: raw + c,
      message_bytes: { min: (down === undefined ? raw : downSize.bytes) + c, max: raw + c },
      compression: label(down),
      exact: down === undefined,
    },
  ];
  tiers.forEach((t, i) => {
    const clients = tierOf ? [...tierOf].filter((x) => x === i.toString(16)).length : 0;
    links.push({
      link: `client->server (tier ${i}: uplink ≤ ${t.maxUplinkBps} bit/s, ${clients} clients)`,
      payload_bytes: t.size.bytes,
      payload_bytes_max: t.size.max,
      message_bytes: { min: t.size.bytes, max: t.size.max },
      compression: t.up === null ? label(undefined) : label(t.up),
      exact: t.size.exact,
    });
  });
  const exact = upSize.exact && down === undefined && tiers.every((t) => t.size.exact);
  const note =
    'payload bytes (payload_bytes_up/down in metrics.jsonl; inline they are bytes_up/down too), for a run ' +
    `without failures${exact ? '' : '; figures of inexact links are lower bounds'}`;
  return { traffic: { counted: 'payload', links, rounds, total: spanTotals(rounds), exact, note }, selected };
}
