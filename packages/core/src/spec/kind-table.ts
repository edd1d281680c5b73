import { z } from 'zod';
import { errors } from '../errors.js';

/** What every plug-in spec has: its `kind` (the table key) and the kind's own options. */
export type KindSpec = { readonly kind: string; readonly [option: string]: unknown };

/** One plug-in kind: its name and the zod schema of its options (a strict object with `kind`). */
export interface KindEntry {
  readonly kind: string;
  /** Validates one spec of this kind and fills its defaults; unknown options are rejected. */
  readonly schema: z.ZodType<KindSpec>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The option names a kind's schema accepts, when it is an object schema. */
function optionNames(schema: z.ZodType): string[] | undefined {
  const shape = (schema as { shape?: unknown }).shape;
  return isRecord(shape) ? Object.keys(shape) : undefined;
}

/**
 * The table of one plug-in family (compressors, optimizers, schedules): kinds in registration order,
 * each with its schema and whatever else the family's entries carry (factory, decoder, properties).
 * `schema` validates a spec of any registered kind, looked up when it parses, so a kind registered
 * later (a plug-in, a test fixture) is accepted by every schema that composes it (the CLI's config).
 */
export class KindTable<E extends KindEntry, Out extends KindSpec = KindSpec> {
  private readonly byKind = new Map<string, E>();
  /**
   * Validates `{ kind, ...options }` with the schema of its kind; issues name paths under the spec.
   * `Out` types the built-in kinds' results; a kind registered later passes through as its own schema
   * makes it.
   */
  readonly schema: z.ZodType<Out, unknown>;

  /** @param family what the table holds, for messages (`compressor`, `optimizer`, `schedule`). */
  constructor(readonly family: string) {
    this.schema = z.unknown().transform((raw, ctx) => {
      if (!isRecord(raw)) {
        ctx.addIssue({ code: 'invalid_type', expected: 'object', input: raw });
        return z.NEVER;
      }
      const entry = typeof raw.kind === 'string' ? this.byKind.get(raw.kind) : undefined;
      if (entry === undefined) {
        const options = this.kinds();
        ctx.addIssue({ code: 'invalid_union', errors: [], options, input: raw, path: ['kind'] });
        return z.NEVER;
      }
      const result = entry.schema.safeParse(raw, { reportInput: true });
      if (result.success) return result.data as Out;
      for (const issue of result.error.issues) ctx.issues.push(...this.explain(entry, issue));
      return z.NEVER;
    });
  }

  /** Rewrites "unknown keys" into one issue per key that names the options the kind takes. */
  private explain(entry: E, issue: z.core.$ZodIssue): z.core.$ZodRawIssue[] {
    const names = optionNames(entry.schema);
    if (issue.code !== 'unrecognized_keys' || names === undefined) return [issue as z.core.$ZodRawIssue]; // already final: zod keeps its message and path
    const message = `must be absent (the ${entry.kind} ${this.family} takes ${names.join(', ')})`;
    return issue.keys.map((key) => {
      const input = isRecord(issue.input) ? issue.input[key] : undefined;
      return { code: 'custom', path: [...issue.path, key], message, input };
    });
  }

  /** Adds a kind; a kind already in the table is an internal error. */
  register(entry: E): void {
    if (this.byKind.has(entry.kind)) {
      throw errors.runtime(`${this.family} kind "${entry.kind}" is registered twice`);
    }
    this.byKind.set(entry.kind, entry);
  }

  /** The entry of `kind`, or undefined. */
  get(kind: string): E | undefined {
    return this.byKind.get(kind);
  }

  /** The entry of `kind`; throws a `config` error listing the known kinds when there is none. */
  require(kind: string, path: string): E {
    const entry = this.byKind.get(kind);
    if (entry === undefined) throw errors.unknownKind(`${path}.kind`, kind, this.kinds());
    return entry;
  }

  /** The registered kinds, in registration order. */
  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  /** The registered entries, in registration order. */
  entries(): E[] {
    return [...this.byKind.values()];
  }
}
