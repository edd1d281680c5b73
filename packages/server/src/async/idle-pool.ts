import type { Rng } from '@starling/core';

/**
 * The clients not in flight, drawn uniformly with a seeded `Rng` (`int(size)` then swap-remove): the
 * sequence of draws is a pure function of the seed and the order of `draw`/`release` calls.
 */
export class IdlePool {
  private readonly ids: number[];

  /** Every client 0..n−1 starts idle, or the clients of `ids` in that order (a resumed simulation). */
  constructor(
    n: number,
    private readonly rng: Rng,
    ids?: readonly number[],
  ) {
    this.ids = ids ? [...ids] : Array.from({ length: n }, (_, i) => i);
  }

  /** The idle clients in the pool's internal order (what a checkpoint keeps). */
  get order(): readonly number[] {
    return this.ids;
  }

  /** Idle clients. */
  get size(): number {
    return this.ids.length;
  }

  /** Removes and returns a uniformly drawn idle client, or null when none is idle. */
  draw(): number | null {
    const ids = this.ids;
    if (ids.length === 0) return null;
    const i = this.rng.int(ids.length);
    const id = ids[i];
    ids[i] = ids[ids.length - 1];
    ids.pop();
    return id;
  }

  /** Makes `id` idle again. */
  release(id: number): void {
    this.ids.push(id);
  }
}
