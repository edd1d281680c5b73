import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StarlingError } from '../errors.js';
import { KindTable } from './kind-table.js';
import { parseSpec } from './parse-spec.js';

const a = { kind: 'a', schema: z.strictObject({ kind: z.literal('a'), x: z.number().positive().default(2) }) };
const b = { kind: 'b', schema: z.strictObject({ kind: z.literal('b'), y: z.string() }) };

describe('KindTable', () => {
  it('parses a spec with the schema of its kind, defaults filled', () => {
    const table = new KindTable<{ kind: string }>('thing', [a, b]);
    expect(parseSpec(table.schema, { kind: 'a' }, 'section')).toEqual({ kind: 'a', x: 2 });
  });

  it('names the full path of nested problems and of unknown kinds', () => {
    const table = new KindTable<{ kind: string }>('thing', [a, b]);
    const outer = z.strictObject({ section: z.strictObject({ inner: table.schema }) });
    expect(() => parseSpec(outer, { section: { inner: { kind: 'a', x: -1 } } }, 'top')).toThrow(
      'top.section.inner.x must be > 0, got -1',
    );
    expect(() => parseSpec(table.schema, { kind: 'c' }, 'algorithm.thing')).toThrow(
      'algorithm.thing.kind must be one of a, b, got "c"',
    );
    expect(() => parseSpec(table.schema, { kind: 'b', y: 'ok', z: 1 }, 'p')).toThrow(
      'p.z must be absent (the b thing takes kind, y), got 1',
    );
    expect(() => parseSpec(table.schema, 3, 'p')).toThrow(StarlingError);
  });

  it('accepts a kind registered after the schema was composed', () => {
    const table = new KindTable<{ kind: string }>('thing', [a]);
    const outer = z.strictObject({ inner: table.schema });
    table.register(b);
    expect(outer.parse({ inner: { kind: 'b', y: 'yes' } })).toEqual({ inner: { kind: 'b', y: 'yes' } });
    expect(() => table.register(b)).toThrow(/unique names/);
  });
});
