import type { SharedLane } from '@starling/transport';

/** A shared buffer the pool threads write a block's Δs into; `id` is its lane id (−1 without a lane). */
export interface Arena {
  readonly view: Float32Array;
  readonly id: number;
  /** The round whose updates were last sent from it by reference. */
  round: number;
}

/**
 * The worker host's reusable shared arenas for blocks of Δs (fresh memory cost about 3 ms per node in
 * page faults on a loaded 2-core machine). An arena is free, in use by a block, or held: its Δs were
 * sent by reference (`shm`) and the server may read them until it closes that round.
 */
export class ArenaPool {
  private readonly free: Arena[] = [];
  private readonly held: Arena[] = [];

  /** @param lane the in-process server's shared lane, which every new arena is registered with */
  constructor(private readonly lane: SharedLane | undefined) {}

  /** A free arena of at least `floats` floats, or a new one; whatever the lane was told about it is void. */
  take(floats: number): Arena {
    const i = this.free.findIndex((a) => a.view.length >= floats);
    if (i >= 0) {
      const arena = this.free.splice(i, 1)[0];
      this.lane?.rewrite(arena.id);
      return arena;
    }
    const buffer = new SharedArrayBuffer(floats * 4);
    return { view: new Float32Array(buffer), id: this.lane?.register(buffer) ?? -1, round: -1 };
  }

  /** Returns an arena whose Δs were copied out (or never sent). */
  release(arena: Arena): void {
    this.free.push(arena);
  }

  /** Keeps an arena whose Δs of `round` the server reads in place until it closes that round. */
  hold(arena: Arena, round: number): void {
    arena.round = round;
    this.held.push(arena);
  }

  /** A task of `round` means the server closed every earlier round: their held arenas are free again. */
  releaseBefore(round: number): void {
    for (let i = this.held.length - 1; i >= 0; i--) {
      if (this.held[i].round < round) this.free.push(...this.held.splice(i, 1));
    }
  }
}
