import { conforms, describe, isPlainObject, type Schema } from './schema.js';

/** A JSON-shaped value: what free-form header fields (experiment and local configs) may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Bounds on a free-form JSON value. */
export interface JsonLimits {
  /** Deepest nesting of arrays and maps (the top level is depth 1). */
  readonly maxDepth: number;
  /** Most values in total (every scalar, array and map counts one). */
  readonly maxNodes: number;
  /** Longest string or map key, in UTF-16 code units. */
  readonly maxString: number;
}

/** Default bounds: depth 16, 100,000 values, strings of 65,536 characters. */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 16, maxNodes: 100_000, maxString: 65_536 };

/**
 * A schema for a JSON-shaped value, optionally required to be a map at the top. Rejects non-finite
 * numbers, bigint, undefined and every non-plain object (Map, Set, Date, typed arrays, ...).
 */
export function json(limits: JsonLimits = DEFAULT_JSON_LIMITS, topLevelMap = true): Schema<JsonValue> {
  return {
    check(value, path) {
      if (topLevelMap && !isPlainObject(value)) return `${path} must be a map, got ${describe(value)}`;
      let nodes = 0;
      const walk = (v: unknown, p: string, depth: number): string | null => {
        if (++nodes > limits.maxNodes) return `${path} must hold at most ${limits.maxNodes} values`;
        if (v === null || typeof v === 'boolean') return null;
        if (typeof v === 'number') return Number.isFinite(v) ? null : `${p} must be finite, got ${v}`;
        if (typeof v === 'string') {
          return v.length <= limits.maxString ? null : `${p} must be at most ${limits.maxString} characters`;
        }
        if (depth >= limits.maxDepth) return `${p} nests deeper than ${limits.maxDepth}`;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            const e = walk(v[i], `${p}[${i}]`, depth + 1);
            if (e !== null) return e;
          }
          return null;
        }
        if (isPlainObject(v)) {
          for (const k of Object.keys(v)) {
            if (k.length > limits.maxString) return `${p} has a key longer than ${limits.maxString}`;
            const e = walk(v[k], `${p}.${k}`, depth + 1);
            if (e !== null) return e;
          }
          return null;
        }
        return `${p} must be JSON-shaped, got ${describe(v)}`;
      };
      return walk(value, path, 0);
    },
  };
}

/**
 * Returns `value` typed as JSON after checking that it is JSON-shaped within `limits` (plain objects,
 * arrays, finite numbers, strings, booleans, null); throws a TypeError naming `path` otherwise. For
 * building free-form header fields (e.g. `welcome.config`) from typed objects without casts.
 */
export function toJsonValue(value: unknown, path: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonValue {
  const why = { problem: null as string | null };
  if (conforms(json(limits, false), value, path, why)) return value;
  throw new TypeError(why.problem ?? `${path} must be JSON-shaped`);
}
