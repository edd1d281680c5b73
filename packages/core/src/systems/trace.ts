import { errors } from '../errors.js';

/**
 * One client's row of a systems trace (docs/systems.md, "Trace files"). Every field but `client` is
 * optional: what a row leaves out comes from the config's distributions. FedScale's device-capacity
 * fields are accepted as aliases: `computation` (ms per example) and `communication` (kbit/s, both
 * directions); its behaviour trace's `active`/`inactive` become `active` intervals.
 */
export interface TraceRow {
  /** The client id this row describes (null: rows are taken in file order). */
  readonly client: number | null;
  readonly secondsPerExample?: number;
  readonly secondsPerStep?: number;
  readonly uplinkBps?: number;
  readonly downlinkBps?: number;
  readonly latencyS?: number;
  /** Per-segment packet loss probability in [0, 1). */
  readonly lossRate?: number;
  readonly localEpochs?: number;
  /** Online intervals [start, end) in seconds, sorted and disjoint. */
  readonly active?: readonly (readonly [number, number])[];
  /** The intervals repeat with this period (seconds); absent: offline after the last one. */
  readonly periodS?: number;
}

const NUMBER_FIELDS = [
  'secondsPerExample',
  'secondsPerStep',
  'uplinkBps',
  'downlinkBps',
  'localEpochs',
  'periodS',
] as const;
const KNOWN = new Set<string>([
  'client',
  'active',
  'latencyS',
  'lossRate',
  'computation',
  'communication',
  ...NUMBER_FIELDS,
]);

type Fail = (problem: string) => never;

function positive(v: unknown, key: string, fail: Fail, allowZero = false): number {
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    fail(`${key} must be a finite number ${allowZero ? '≥' : '>'} 0, got ${JSON.stringify(v)}`);
  }
  return n as number;
}

function intervals(v: unknown, fail: Fail): [number, number][] {
  // CSV: "0-3600;7200-9000"; JSON: [[0, 3600], [7200, 9000]].
  const pairs: unknown[][] =
    typeof v === 'string'
      ? v.trim() === ''
        ? []
        : v.split(';').map((p) => p.split('-'))
      : Array.isArray(v)
        ? v.map((p) => (Array.isArray(p) ? p : [p]))
        : fail(`active must be a list of [start, end] pairs or "start-end;..." text, got ${JSON.stringify(v)}`);
  const out: [number, number][] = [];
  for (const p of pairs) {
    if (p.length !== 2) fail(`active: each interval needs a start and an end, got ${JSON.stringify(p)}`);
    const s = positive(p[0], 'active start', fail, true);
    const e = positive(p[1], 'active end', fail, true);
    if (e <= s) fail(`active: interval end ${e} must be after its start ${s}`);
    if (out.length > 0 && s < out[out.length - 1][1]) fail(`active: intervals must be sorted and disjoint (${s})`);
    out.push([s, e]);
  }
  return out;
}

/** Builds one row from a record of raw values; `fail` names the file and line. */
function toRow(rec: Record<string, unknown>, fail: Fail): TraceRow {
  const row: Record<string, unknown> = {};
  for (const key of Object.keys(rec)) {
    if (!KNOWN.has(key)) fail(`unknown field ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')})`);
  }
  const present = (k: string) => rec[k] !== undefined && rec[k] !== null && rec[k] !== '';
  let client: number | null = null;
  if (present('client')) {
    client = positive(rec.client, 'client', fail, true);
    if (!Number.isInteger(client)) fail(`client must be an integer id, got ${JSON.stringify(rec.client)}`);
  }
  for (const key of NUMBER_FIELDS) if (present(key)) row[key] = positive(rec[key], key, fail);
  if (present('computation')) row.secondsPerExample ??= positive(rec.computation, 'computation', fail) / 1000;
  if (present('communication')) {
    const bps = positive(rec.communication, 'communication', fail) * 1000;
    row.uplinkBps ??= bps;
    row.downlinkBps ??= bps;
  }
  if (present('latencyS')) row.latencyS = positive(rec.latencyS, 'latencyS', fail, true);
  if (present('lossRate')) {
    const rate = positive(rec.lossRate, 'lossRate', fail, true);
    if (rate >= 1) fail(`lossRate must be below 1, got ${JSON.stringify(rec.lossRate)}`);
    row.lossRate = rate;
  }
  if (present('active')) row.active = intervals(rec.active, fail);
  return { client, ...row };
}

/** Splits one CSV line on commas (no quoting: trace values are numbers and interval lists). */
function cells(line: string): string[] {
  return line.split(',').map((c) => c.trim());
}

function parseCsv(text: string, file: string): TraceRow[] {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (headerAt < 0) throw errors.data(file, 'the trace is empty (want a header line and one row per client)');
  const header = cells(lines[headerAt]);
  const rows: TraceRow[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const fail: Fail = (problem) => {
      throw errors.data(`${file} line ${i + 1}`, problem);
    };
    const values = cells(line);
    if (values.length !== header.length) fail(`${values.length} fields, the header has ${header.length}`);
    rows.push(toRow(Object.fromEntries(header.map((h, j) => [h, values[j]])), fail));
  }
  return rows;
}

/** The line (1-based) on which each element object of the client list opens. */
function elementLines(text: string, depth: number): number[] {
  const out: number[] = [];
  let line = 1;
  let d = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (c === '{' && d === depth) out.push(line);
      d++;
    } else if (c === '}' || c === ']') d--;
  }
  return out;
}

function parseJson(text: string, file: string): TraceRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec(String(err));
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : 1;
    throw errors.data(`${file} line ${line}`, `not valid JSON (${(err as Error).message})`);
  }
  const bare = Array.isArray(doc);
  const list = bare ? doc : (doc as { clients?: unknown } | null)?.clients;
  if (!Array.isArray(list))
    throw errors.data(`${file} line 1`, 'want {"clients": [ {...}, ... ]} or a list of clients');
  const lines = elementLines(text, bare ? 1 : 2);
  return list.map((rec, i) => {
    const fail: Fail = (problem) => {
      throw errors.data(`${file} line ${lines[i] ?? 1}`, `clients[${i}]: ${problem}`);
    };
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) fail('each client must be an object');
    return toRow(rec as Record<string, unknown>, fail);
  });
}

/**
 * Parses a systems trace: CSV (a header of field names, one client per line, `#` comments) when
 * `file` ends in `.csv`, JSON (`{"clients": [...]}` or a bare list) otherwise. A bad row is a `data`
 * error (exit code 2) naming the file and line: `trace.csv line 4: uplinkBps must be ...`.
 */
export function parseTrace(text: string, file: string): TraceRow[] {
  const rows = file.toLowerCase().endsWith('.csv') ? parseCsv(text, file) : parseJson(text, file);
  if (rows.length === 0) throw errors.data(file, 'the trace has no client rows');
  const ids = rows.map((r) => r.client);
  if (ids.some((c) => c !== null) && ids.some((c) => c === null)) {
    throw errors.data(file, 'either every row names its client or none does');
  }
  const seen = new Set<number>();
  for (const c of ids) {
    if (c === null) continue;
    if (seen.has(c)) throw errors.data(file, `client ${c} appears twice`);
    seen.add(c);
  }
  return rows;
}
