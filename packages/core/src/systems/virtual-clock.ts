import { errors } from '../errors.js';

/** An event on the virtual clock: due at `time` (virtual seconds), tie-broken by `client` id. */
export interface ClockEvent<T> {
  readonly time: number;
  readonly client: number;
  readonly payload: T;
}

/**
 * Simulated wall time of a run, in seconds since it started, with a queue of future events ordered by
 * (time, client id, insertion order). A synchronous run only advances it by each round's length; an
 * event simulation (asynchronous FL: FedAsync, FedBuff) schedules each client's completion with
 * `schedule` and repeatedly takes `next()`, which moves `now` to the event's time, so its order is a
 * pure function of the profiles and the seed, never of thread timing. Time never goes back.
 */
export class VirtualClock<T = unknown> {
  private t = 0;
  private seq = 0;
  private readonly heap: { e: ClockEvent<T>; seq: number }[] = [];

  constructor(start = 0) {
    if (!(Number.isFinite(start) && start >= 0)) throw errors.option('virtual clock start', 'a finite time ≥ 0', start);
    this.t = start;
  }

  /** The current virtual time (seconds). */
  get now(): number {
    return this.t;
  }

  /** Events scheduled and not yet taken. */
  get pending(): number {
    return this.heap.length;
  }

  /** Moves time forward by `seconds` (≥ 0). */
  advance(seconds: number): number {
    if (!(seconds >= 0 && Number.isFinite(seconds))) throw errors.runtime(`virtual clock: advance by ${seconds}`);
    this.t += seconds;
    return this.t;
  }

  /** Queues `payload` for `client` at absolute virtual time `time` (not before now). */
  schedule(time: number, client: number, payload: T): void {
    if (!(time >= this.t)) throw errors.runtime(`virtual clock: event at ${time} before now (${this.t})`);
    this.heap.push({ e: { time, client, payload }, seq: this.seq++ });
    this.up(this.heap.length - 1);
  }

  /** Takes the earliest event and moves time to it; undefined when none is queued. */
  next(): ClockEvent<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    }
    this.t = Math.max(this.t, top.e.time);
    return top.e;
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    if (a.e.time !== b.e.time) return a.e.time < b.e.time;
    if (a.e.client !== b.e.client) return a.e.client < b.e.client;
    return a.seq < b.seq;
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    [h[i], h[j]] = [h[j], h[i]];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
