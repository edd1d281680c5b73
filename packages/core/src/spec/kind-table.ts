import { z } from 'zod';
import { errors } from '../errors.js';

/** What every entry of a plug-in table has: its name and the zod schema of its spec (`{ kind, ...options }`). */
export interface KindEntry<O = unknown> {
  readonly kind: string;
  readonly schema: z.ZodType<O>;
}

/**
 * A plug-in family's table: one entry per `kind` (graph family, server optimizer, partitioner, data
 * source, ...), each carrying its own schema. {@link KindTable.schema} accepts a spec of any kind
 * registered at parse time, so a kind added with {@link KindTable.register} is a config option at once.
 * Entries keep registration order, which is the order docs and error messages list them in. `O` is
 * the parsed spec type (the union of the entries' schema outputs).
 */
export class KindTable<O, E extends KindEntry<O> = KindEntry<O>> {
  private readonly entries = new Map<string, E>();
  /** The spec schema over every registered kind: unknown kinds are reported at `kind`. */
  readonly schema: z.ZodType<O, unknown>;

  /** @param family what the table holds, for error messages (`graph family`) */
  constructor(
    readonly family: string,
    entries: readonly E[],
  ) {
    for (const e of entries) this.register(e);
    this.schema = this.schemaOf((entry) => entry.schema);
  }

  /**
   * A schema over every registered kind that validates a spec with the schema `select` picks from its
   * entry (e.g. a config section that leaves out what the run fills in). Kinds are looked up at parse time.
   */
  schemaOf<P>(select: (entry: E) => z.ZodType<P>): z.ZodType<P, unknown> {
    return z.unknown().transform((value, ctx): P => {
      const kind = typeof value === 'object' && value !== null && 'kind' in value ? value.kind : undefined;
      const entry = typeof kind === 'string' ? this.entries.get(kind) : undefined;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.addIssue({ code: 'invalid_type', expected: 'object', input: value });
        return z.NEVER;
      }
      if (entry === undefined) {
        // The same issue zod's discriminated unions raise, so messages read `<path>.kind must be one of ...`.
        ctx.addIssue({ code: 'invalid_union', errors: [], options: this.kinds(), input: kind, path: ['kind'] });
        return z.NEVER;
      }
      const result = select(entry).safeParse(value, { reportInput: true });
      if (result.success) return result.data;
      // A finished issue is a raw issue with its message and path filled in; zod prefixes the path.
      for (const issue of result.error.issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
      return z.NEVER;
    });
  }

  /** Adds a kind; a name already taken is an internal error (two plug-ins cannot share a name). */
  register(entry: E): void {
    if (this.entries.has(entry.kind)) throw errors.shape(`${this.family} kinds`, 'unique names', entry.kind);
    this.entries.set(entry.kind, entry);
  }

  /** The entry of `kind`, or undefined. */
  get(kind: string): E | undefined {
    return this.entries.get(kind);
  }

  /** The entry of `kind`; an unknown kind is a config error naming `path` (`algorithm.topology.kind`). */
  require(kind: unknown, path: string): E {
    const entry = typeof kind === 'string' ? this.entries.get(kind) : undefined;
    if (entry === undefined) throw errors.unknownKind(path, String(kind), this.kinds());
    return entry;
  }

  /** Every registered kind, in registration order. */
  kinds(): string[] {
    return [...this.entries.keys()];
  }
}
