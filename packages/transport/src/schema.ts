/**
 * A tiny strict schema language for decoded message headers. A schema's `check` returns null when the
 * value conforms and otherwise one sentence naming the offending path (`header.tensors[2].bytes must
 * be ...`). Objects must be plain (prototype `Object.prototype`), unknown keys are rejected, numbers
 * must be finite, and nothing else (bigint, Map, Set, Date, RegExp, typed arrays, undefined) passes.
 */
export interface Schema<T> {
  /** Returns null if `value` conforms, else an error sentence about `path`. */
  check(value: unknown, path: string): string | null;
  /** Phantom field carrying the described type; never set at run time. */
  readonly __type?: T;
  /** Set by `opt`: the key may be absent from its object. */
  readonly optional?: boolean;
}

/** The TypeScript type a schema describes. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
/** The object type an object schema describes (optional keys from `opt`). */
export type InferShape<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

/** A short rendering of a bad value for error messages (never the whole value). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `bigint ${value}`;
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return Object.prototype.toString.call(value);
}

/** True for objects built from a msgpack map or an object literal (not Map, Date, arrays, ...). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** An integer in [min, max] (safe integers only). */
export function int(min: number, max: number): Schema<number> {
  return {
    check: (v, p) =>
      Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
        ? null
        : `${p} must be an integer in [${min}, ${max}], got ${describe(v)}`,
  };
}

/** A finite number in [min, max]. */
export function num(min: number, max: number): Schema<number> {
  return {
    check: (v, p) =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
        ? null
        : `${p} must be a finite number in [${min}, ${max}], got ${describe(v)}`,
  };
}

/** A string of min..max UTF-16 code units, optionally matching a pattern. */
export function str(min: number, max: number, pattern?: RegExp): Schema<string> {
  const what = pattern ? ` matching ${pattern}` : '';
  return {
    check: (v, p) =>
      typeof v === 'string' && v.length >= min && v.length <= max && (!pattern || pattern.test(v))
        ? null
        : `${p} must be a string of ${min}..${max} characters${what}, got ${describe(v)}`,
  };
}

/** Exactly one of the given string or number constants. */
export function oneOf<const T extends string | number>(values: readonly T[]): Schema<T> {
  const set = new Set<unknown>(values);
  return { check: (v, p) => (set.has(v) ? null : `${p} must be one of ${values.join(', ')}, got ${describe(v)}`) };
}

/** An array of min..max items, each checked by `item`. */
export function arr<T>(item: Schema<T>, max: number, min = 0): Schema<T[]> {
  return {
    check(v, p) {
      if (!Array.isArray(v) || v.length < min || v.length > max) {
        return `${p} must be an array of ${min}..${max} items, got ${describe(v)}`;
      }
      for (let i = 0; i < v.length; i++) {
        const e = item.check(v[i], `${p}[${i}]`);
        if (e !== null) return e;
      }
      return null;
    },
  };
}

/** Marks an object key as optional (absent, or present and valid). */
export function opt<T>(schema: Schema<T>): Schema<T> & { optional: true } {
  return { check: (v, p) => (v === undefined ? null : schema.check(v, p)), optional: true };
}

/** A plain object with exactly the given keys (optional ones may be absent); unknown keys are rejected. */
export function obj<S extends Shape>(shape: S): Schema<InferShape<S>> {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return {
    check(v, p) {
      if (!isPlainObject(v)) return `${p} must be a map, got ${describe(v)}`;
      for (const k of Object.keys(v)) {
        if (!known.has(k)) return `${p} has an unknown key ${describe(k)}`;
      }
      for (const k of keys) {
        const e = shape[k].check(v[k], `${p}.${k}`);
        if (e !== null) return e;
      }
      return null;
    },
  };
}

/** A plain object whose keys match `key` and whose values are checked by `value`, at most `max` entries. */
export function record<T>(key: RegExp, value: Schema<T>, max: number): Schema<Record<string, T>> {
  return {
    check(v, p) {
      if (!isPlainObject(v)) return `${p} must be a map, got ${describe(v)}`;
      const ks = Object.keys(v);
      if (ks.length > max) return `${p} must have at most ${max} entries, got ${ks.length}`;
      for (const k of ks) {
        if (!key.test(k)) return `${p} has a key ${describe(k)} not matching ${key}`;
        const e = value.check(v[k], `${p}.${k}`);
        if (e !== null) return e;
      }
      return null;
    },
  };
}

/** Adds a cross-field rule to a schema; `rule` runs only on values the base schema accepted. */
export function refine<T>(base: Schema<T>, rule: (value: T, path: string) => string | null): Schema<T> {
  return {
    check(v, p) {
      return base.check(v, p) ?? rule(v as T, p);
    },
  };
}

/**
 * Checks `value` against `schema` and narrows it to the schema's type when it conforms; otherwise
 * leaves the reason in `why.problem` (the sentence `check` returned).
 */
export function conforms<T>(
  schema: Schema<T>,
  value: unknown,
  path: string,
  why: { problem: string | null },
): value is T {
  why.problem = schema.check(value, path);
  return why.problem === null;
}
