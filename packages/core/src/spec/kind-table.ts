import { z } from 'zod';
import { errors } from '../errors.js';

/** What every plug-in spec has: its `kind` (the table key) and the kind's own options. */
export type KindSpec = { readonly kind: string; readonly [option: string]: unknown };

/** What every entry of a plug-in table has: its name and the zod schema of its spec (`{ kind, ...options }`). */
export interface KindEntry<O = unknown> {
  readonly kind: string;
  /** Validates one spec of this kind and fills its defaults; unknown options are rejected. */
  readonly schema: z.ZodType<O>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The option names a kind's schema accepts, when it is an object schema. */
function optionNames(schema: z.ZodType): string[] | undefined {
  const shape = schema instanceof z.ZodObject ? schema.shape : undefined;
  return isRecord(shape) ? Object.keys(shape) : undefined;
}

/**
 * A plug-in family's table (compressors, optimizers, schedules, graph families, server optimizers,
 * partitions, data sources, ...): one entry per `kind`, each carrying its own schema and whatever else
 * the family needs (factory, decoder, properties). {@link KindTable.schema} accepts a spec of any kind
 * registered at parse time, so a kind added with {@link KindTable.register} (a plug-in, a test fixture)
 * is a config option at once, in every schema that composes it. Entries keep registration order, the
 * order docs and error messages list them in. `O` is the parsed spec type.
 */
export class KindTable<O, E extends KindEntry<O> = KindEntry<O>> {
  private readonly byKind = new Map<string, E>();
  /** The spec schema over every registered kind: unknown kinds are reported at `kind`. */
  readonly schema: z.ZodType<O, unknown>;

  /** @param family what the table holds, for error messages (`compressor`, `graph family`) */
  constructor(
    readonly family: string,
    entries: readonly E[] = [],
  ) {
    for (const e of entries) this.register(e);
    this.schema = this.schemaOf((entry) => entry.schema);
  }

  /**
   * A schema over every registered kind that validates a spec with the schema `select` picks from its
   * entry (e.g. a config section that leaves out what the run fills in). Kinds are looked up at parse
   * time. An option the kind does not take reads `<path>.<option> must be absent (the topk compressor
   * takes kind, ratio, count, errorFeedback)`.
   */
  schemaOf<P>(select: (entry: E) => z.ZodType<P>): z.ZodType<P, unknown> {
    return z.unknown().transform((value, ctx): P => {
      if (!isRecord(value)) {
        ctx.addIssue({ code: 'invalid_type', expected: 'object', input: value });
        return z.NEVER;
      }
      const entry = typeof value.kind === 'string' ? this.byKind.get(value.kind) : undefined;
      if (entry === undefined) {
        // The issue zod's discriminated unions raise, so messages read `<path>.kind must be one of ...`.
        ctx.addIssue({ code: 'invalid_union', errors: [], options: this.kinds(), input: value.kind, path: ['kind'] });
        return z.NEVER;
      }
      const schema = select(entry);
      const result = schema.safeParse(value, { reportInput: true });
      if (result.success) return result.data;
      for (const issue of result.error.issues) ctx.issues.push(...this.explain(entry.kind, schema, issue));
      return z.NEVER;
    });
  }

  /** Rewrites "unknown keys" into one issue per key naming the options the kind takes; others pass as they are. */
  private explain(kind: string, schema: z.ZodType, issue: z.core.$ZodIssue): z.core.$ZodRawIssue[] {
    const names = optionNames(schema);
    // A finished issue is a raw issue with its message and path filled in; zod prefixes the path.
    if (issue.code !== 'unrecognized_keys' || names === undefined) return [issue as z.core.$ZodRawIssue];
    const message = `must be absent (the ${kind} ${this.family} takes ${names.join(', ')})`;
    return issue.keys.map((key) => {
      const input = isRecord(issue.input) ? issue.input[key] : undefined;
      return { code: 'custom', path: [...issue.path, key], message, input };
    });
  }

  /** Adds a kind; a name already taken is an internal error (two plug-ins cannot share a name). */
  register(entry: E): void {
    if (this.byKind.has(entry.kind)) throw errors.shape(`${this.family} kinds`, 'unique names', entry.kind);
    this.byKind.set(entry.kind, entry);
  }

  /** The entry of `kind`, or undefined. */
  get(kind: string): E | undefined {
    return this.byKind.get(kind);
  }

  /** The entry of `kind`; an unknown kind is a config error naming `path` (e.g. `algorithm.topology.kind`). */
  require(kind: unknown, path: string): E {
    const entry = typeof kind === 'string' ? this.byKind.get(kind) : undefined;
    if (entry === undefined) throw errors.unknownKind(path, String(kind), this.kinds());
    return entry;
  }

  /** Every registered kind, in registration order. */
  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  /** Every registered entry, in registration order. */
  entries(): E[] {
    return [...this.byKind.values()];
  }
}
