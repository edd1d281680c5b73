/**
 * What the dashboard page knows of the run, built from its event stream by {@link applyEvent}. The two
 * functions here run in the browser too: the page embeds their source (`Function.prototype.toString`),
 * so they must stay self-contained (no imports, no module-level helpers, plain data only).
 */
export interface PageModel {
  name: string | null;
  /** Planned rounds. */
  rounds: number;
  family: string | null;
  algorithm: string | null;
  runtime: string | null;
  out: string | null;
  status: 'waiting' | 'running' | 'completed' | 'failed' | 'interrupted';
  /** Why the run failed or was interrupted. */
  reason: string | null;
  /** The last round recorded (0-based, as in metrics.jsonl), -1 before the first. */
  round: number;
  /** Seconds since the dashboard started, at the last event. */
  t: number;
  /** [round, value] per evaluated round (value not null), in order. */
  accuracy: [number, number][];
  testLoss: [number, number][];
  /** [round, value] per round with a training loss. */
  trainLoss: [number, number][];
  /** [round, bytes up, bytes down] per round. */
  bytes: [number, number, number][];
  bytesTotal: { up: number; down: number };
  /** [round, ε spent after it] per round of a private run. */
  epsilon: [number, number][];
  /** [round, consensus error] per gossip round that carried models. */
  consensus: [number, number][];
  /** Rounds with failures, deadline misses, dropped or late updates, left-out neighbours (last 200). */
  failures: { round: number; failures: number; reasons: Record<string, number>; late: number; dropped: number }[];
  /** Worker / gossip hosts by id: state, round and time of the last change, why it was lost. */
  hosts: Record<string, { state: string; round: number; t: number; reason: string | null }>;
  /** Gossip peers by node id: state and the round of the last change. */
  peers: Record<string, { state: string; round: number }>;
  /** The last 100 stragglers (nodes that missed a round), and how many there were in all. */
  stragglers: { round: number; node: number; reason: string; count: number }[];
  stragglerCount: number;
  /** Bytes per directed gossip link `i->j` since the start. */
  links: Record<string, number>;
}

/** A model before any event. */
export function emptyModel(): PageModel {
  return {
    name: null,
    rounds: 0,
    family: null,
    algorithm: null,
    runtime: null,
    out: null,
    status: 'waiting',
    reason: null,
    round: -1,
    t: 0,
    accuracy: [],
    testLoss: [],
    trainLoss: [],
    bytes: [],
    bytesTotal: { up: 0, down: 0 },
    epsilon: [],
    consensus: [],
    failures: [],
    hosts: {},
    peers: {},
    stragglers: [],
    stragglerCount: 0,
    links: {},
  };
}

/** One event of the stream: a telemetry event (see `TelemetryEvent`) as JSON, plus `t`. */
export type PageEvent = { readonly kind: string; readonly t?: number } & Record<string, unknown>;

/** Applies one event to `m` (in place). Unknown kinds are ignored, so newer runs work with older pages. */
export function applyEvent(m: PageModel, e: PageEvent): void {
  const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
  if (typeof e.t === 'number') m.t = e.t;
  if (e.kind === 'start') {
    m.name = str(e.name);
    m.rounds = num(e.rounds) ?? 0;
    m.family = str(e.family);
    m.algorithm = str(e.algorithm);
    m.runtime = str(e.runtime);
    m.out = str(e.out);
    m.status = 'running';
  } else if (e.kind === 'round') {
    const line = (e.line ?? {}) as Record<string, unknown>;
    const r = num(line.round) ?? m.round + 1;
    m.round = r;
    if (m.status === 'waiting') m.status = 'running';
    const acc = num(line.test_accuracy);
    const loss = num(line.test_loss);
    const train = num(line.train_loss);
    const eps = num(line.epsilon);
    const cons = num(line.consensus_error);
    if (acc !== null) m.accuracy.push([r, acc]);
    if (loss !== null) m.testLoss.push([r, loss]);
    if (train !== null) m.trainLoss.push([r, train]);
    if (eps !== null) m.epsilon.push([r, eps]);
    if (cons !== null) m.consensus.push([r, cons]);
    const up = num(line.bytes_up) ?? 0;
    const down = num(line.bytes_down) ?? 0;
    m.bytes.push([r, up, down]);
    m.bytesTotal.up += up;
    m.bytesTotal.down += down;
    const failures = num(line.failures) ?? 0;
    const late = (num(line.late) ?? 0) + (num(line.late_messages) ?? 0);
    const dropped = (num(line.dropped) ?? 0) + (num(line.dropped_neighbours) ?? 0);
    const reasons: Record<string, number> = {};
    const given = line.failure_reasons;
    if (given && typeof given === 'object') {
      for (const [k, v] of Object.entries(given)) if (typeof v === 'number') reasons[k] = v;
    }
    if (failures > 0 || late > 0 || dropped > 0 || Object.keys(reasons).length > 0) {
      m.failures.push({ round: r, failures, reasons, late, dropped });
      if (m.failures.length > 200) m.failures.shift();
    }
  } else if (e.kind === 'host') {
    const host = str(e.host) ?? '?';
    m.hosts[host] = { state: str(e.state) ?? '?', round: num(e.round) ?? -1, t: m.t, reason: str(e.reason) };
  } else if (e.kind === 'peer') {
    m.peers[String(e.peer)] = { state: str(e.state) ?? '?', round: num(e.round) ?? -1 };
  } else if (e.kind === 'straggler') {
    const s = {
      round: num(e.round) ?? -1,
      node: num(e.node) ?? -1,
      reason: str(e.reason) ?? '',
      count: num(e.count) ?? 1,
    };
    m.stragglers.push(s);
    if (m.stragglers.length > 100) m.stragglers.shift();
    m.stragglerCount++;
  } else if (e.kind === 'links') {
    const total = e.total;
    if (total && typeof total === 'object') {
      for (const [k, v] of Object.entries(total)) if (typeof v === 'number') m.links[k] = v;
    }
  } else if (e.kind === 'end') {
    const status = str(e.status);
    m.status = status === 'completed' || status === 'failed' || status === 'interrupted' ? status : 'failed';
    m.reason = str(e.reason);
  }
}
