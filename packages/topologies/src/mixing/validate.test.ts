import { StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { ringGraph } from '../families/deterministic.js';
import { fromDense } from './mixing-matrix.js';
import { checkMixing, validateMixing } from './validate.js';
import { metropolisWeights } from './weights.js';

describe('validateMixing', () => {
  it('accepts Metropolis weights of a connected graph', () => {
    expect(() => validateMixing(metropolisWeights(ringGraph(6)), { graph: ringGraph(6) })).not.toThrow();
  });

  it('rejects a non-symmetric matrix and names the entries', () => {
    const w = fromDense([
      [0.5, 0.5, 0],
      [0.25, 0.5, 0.25],
      [0.25, 0, 0.75],
    ]);
    const check = checkMixing(w);
    expect(check.symmetric).toBe(false);
    expect(check.problems).toContain('W[0][1] = 0.5 but W[1][0] = 0.25: not symmetric (and 1 more)');
    expect(() => validateMixing(w)).toThrow(StarlingError);
  });

  it('rejects rows and columns that do not sum to 1', () => {
    const w = fromDense([
      [0.5, 0.3],
      [0.3, 0.5],
    ]);
    let caught: unknown;
    try {
      validateMixing(w);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StarlingError);
    const err = caught as StarlingError;
    expect(err.code).toBe('config');
    expect(err.path).toBe('topology.weights');
    expect(err.message).toMatch(/^topology\.weights must be a symmetric, doubly stochastic, nonnegative and connected/);
    expect(err.message).toMatch(/row 0 sums to 0\.8, not 1 .*\(and 1 more\)/);
    expect(err.message).toMatch(/column 0 sums to 0\.8, not 1/);
  });

  it('rejects negative weights and disconnected supports', () => {
    const neg = fromDense([
      [1.2, -0.2],
      [-0.2, 1.2],
    ]);
    expect(checkMixing(neg).problems[0]).toBe('W[0][1] = -0.2 is negative or not a number (and 1 more)');
    const split = fromDense([
      [0.5, 0.5, 0, 0],
      [0.5, 0.5, 0, 0],
      [0, 0, 0.5, 0.5],
      [0, 0, 0.5, 0.5],
    ]);
    expect(checkMixing(split).connected).toBe(false);
    expect(() => validateMixing(split)).toThrow(/split the 4 nodes into 2 disconnected groups/);
  });

  it('flags weights between nodes the graph does not link', () => {
    const w = fromDense([
      [0.5, 0, 0.5],
      [0, 0.5, 0.5],
      [0.5, 0.5, 0],
    ]);
    const path = { n: 3, neighbors: [Int32Array.of(1), Int32Array.of(0, 2), Int32Array.of(1)] };
    expect(checkMixing(w, { graph: path }).problems).toContain(
      'W[0][2] is nonzero but nodes 0 and 2 are not linked in the graph (and 1 more)',
    );
  });

  it('allows a directed doubly stochastic step when symmetry is not required', () => {
    const shift = fromDense([
      [0.5, 0, 0.5],
      [0.5, 0.5, 0],
      [0, 0.5, 0.5],
    ]);
    expect(() => validateMixing(shift, { symmetric: false })).not.toThrow();
    expect(() => validateMixing(shift)).toThrow(/not symmetric/);
  });
});
