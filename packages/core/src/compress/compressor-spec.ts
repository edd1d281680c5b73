import { errors } from '../errors.js';
import { COMPRESSOR_KINDS, type CompressorKind } from './compressor.js';
import { QSGD_MAX_LEVELS } from './qsgd.js';

/** How many entries a sparsifier keeps: a fraction of d (k = max(1, round(ratio·d))) or a count. */
interface Sparsity {
  readonly ratio?: number;
  readonly count?: number;
}

/**
 * A compressor as written in config, e.g. `{ kind: 'topk', ratio: 0.01, errorFeedback: true }`.
 * `errorFeedback` (default false) wraps any kind in EF-SGD; `unbiased` (default false) rescales
 * random-k by d/k and dropout by 1/p.
 */
export type CompressorSpec =
  | { readonly kind: 'none' | 'fp16' | 'bf16' | 'sign'; readonly errorFeedback?: boolean }
  | { readonly kind: 'qsgd'; readonly levels: number; readonly errorFeedback?: boolean }
  | ({ readonly kind: 'topk'; readonly errorFeedback?: boolean } & Sparsity)
  | ({ readonly kind: 'randk'; readonly unbiased?: boolean; readonly errorFeedback?: boolean } & Sparsity)
  | { readonly kind: 'dropout'; readonly p: number; readonly unbiased?: boolean; readonly errorFeedback?: boolean }
  | { readonly kind: 'powersgd'; readonly rank: number; readonly errorFeedback?: boolean };

const OPTIONS: Readonly<Record<CompressorKind, readonly string[]>> = {
  none: [],
  fp16: [],
  bf16: [],
  sign: [],
  qsgd: ['levels'],
  topk: ['ratio', 'count'],
  randk: ['ratio', 'count', 'unbiased'],
  dropout: ['p', 'unbiased'],
  powersgd: ['rank'],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function integerIn(path: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw errors.option(path, `an integer in [${lo}, ${hi}]`, v);
  }
  return v;
}

function fraction(path: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw errors.option(path, 'in (0, 1]', v);
  return v;
}

function flag(path: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') throw errors.option(path, 'true or false', v);
  return v;
}

/**
 * Validates a compressor spec from config; errors name the option path under `path`, e.g.
 * `compression.up.ratio must be in (0, 1], got 1.5`. Unknown options are rejected.
 */
export function parseCompressorSpec(raw: unknown, path = 'compression'): CompressorSpec {
  if (!isRecord(raw)) throw errors.option(path, "an object such as { kind: 'topk', ratio: 0.01 }", raw);
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(COMPRESSOR_KINDS as readonly string[]).includes(kind)) {
    throw errors.unknownKind(`${path}.kind`, String(kind), COMPRESSOR_KINDS);
  }
  const k = kind as CompressorKind;
  const allowed = ['kind', 'errorFeedback', ...OPTIONS[k]];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key))
      throw errors.option(`${path}.${key}`, `absent (${k} takes ${allowed.join(', ')})`, raw[key]);
  }
  const errorFeedback = flag(`${path}.errorFeedback`, raw.errorFeedback) ?? false;
  switch (k) {
    case 'qsgd':
      return { kind: k, levels: integerIn(`${path}.levels`, raw.levels, 1, QSGD_MAX_LEVELS), errorFeedback };
    case 'topk':
    case 'randk': {
      if ((raw.ratio === undefined) === (raw.count === undefined)) {
        throw errors.option(`${path}.ratio`, `given, or else ${path}.count, but not both`, raw.ratio);
      }
      const sparsity =
        raw.ratio !== undefined
          ? { ratio: fraction(`${path}.ratio`, raw.ratio) }
          : { count: integerIn(`${path}.count`, raw.count, 1, 2 ** 32 - 1) };
      if (k === 'topk') return { kind: k, ...sparsity, errorFeedback };
      return { kind: k, ...sparsity, unbiased: flag(`${path}.unbiased`, raw.unbiased) ?? false, errorFeedback };
    }
    case 'dropout':
      return {
        kind: k,
        p: fraction(`${path}.p`, raw.p),
        unbiased: flag(`${path}.unbiased`, raw.unbiased) ?? false,
        errorFeedback,
      };
    case 'powersgd':
      return { kind: k, rank: integerIn(`${path}.rank`, raw.rank, 1, 65535), errorFeedback };
    default:
      return { kind: k, errorFeedback };
  }
}

/** The number of entries a `topk`/`randk` spec keeps out of d: count, or max(1, round(ratio·d)), at most d. */
export function sparsityCount(spec: Sparsity, d: number, path = 'compression'): number {
  if (spec.count !== undefined) {
    if (spec.count > d) throw errors.option(`${path}.count`, `at most the model size ${d}`, spec.count);
    return spec.count;
  }
  return Math.min(d, Math.max(1, Math.round((spec.ratio ?? 1) * d)));
}
