import { errors } from '@starling/core';
import type { TensorInput } from './codec.js';
import type { IncomingMessage } from './endpoint-options.js';
import type { Header, OutgoingHeader } from './messages.js';
import { PROTOCOL_VERSION } from './protocol.js';
import type { ReductionChain } from './reduction-chain.js';
import { SharedReduction } from './shared-reduction.js';
import type { ShmReduction, ShmRounds, ShmTaskConfig } from './shm-rounds.js';

/** The codec of a `delta` tensor that refers to shared memory instead of carrying the floats. */
export const SHARED_CODEC = 'shm';

/** One `update` of a batch a host in this process hands over ({@link SharedLane.postUpdates}): its Δ is the shm reference `ref`. */
export interface LaneUpdate {
  readonly header: Extract<OutgoingHeader, { type: 'update' }>;
  readonly ref: Uint8Array;
}

/** Bytes of a {@link SHARED_CODEC} reference: arena id, float offset, float length (u32 each, LE). */
const REF_BYTES = 12;

/** The {@link SHARED_CODEC} reference bytes for `length` floats at float `offset` of arena `id`. */
export function sharedReference(id: number, offset: number, length: number): Uint8Array {
  const ref = new Uint8Array(REF_BYTES);
  const view = new DataView(ref.buffer);
  view.setUint32(0, id, true);
  view.setUint32(4, offset, true);
  view.setUint32(8, length, true);
  return ref;
}

/**
 * Shared memory between a parameter server and worker hosts in the same process (the `threads`
 * runtime): a host registers the SharedArrayBuffer arenas its pool threads write Δ into, and an
 * `update` then carries a 12-byte reference (codec `shm`) instead of the model-sized frame; the server
 * reads Δ in place. Nothing is copied or page-faulted per update; the message still goes over ZeroMQ,
 * so ordering, validation and node ownership are unchanged. The host must not write an arena again
 * until the server is done with the updates in it: it reuses a round's arenas only once a task of a
 * later round has arrived (the server has closed that round by then).
 *
 * With `rounds` (the `processes` runtime), the lane also serves hosts in other processes on this
 * machine: their Δs live in the memfd slots of {@link ShmRounds}, one arena id names the whole region,
 * and a task tells each host where its share of the round goes ({@link taskConfig}).
 */
export class SharedLane {
  private readonly arenas = new Map<number, SharedArrayBuffer>();
  /** The arena id of the cross-process region (`rounds`), or −1. */
  private readonly region: number = -1;
  /** Per arena: float offset → length of each range its writer scanned and found finite since it last wrote it. */
  private readonly vouched = new Map<number, Map<number, number>>();
  private next = 0;
  /** Every round reduction made so far (a free one is reused); `open` is the latest the server opened. */
  private readonly reductions: SharedReduction[] = [];
  private open: SharedReduction | null = null;
  /** The server's handler of messages handed over in process (see {@link post}), or null. */
  private inbox: ((m: IncomingMessage) => void) | null = null;
  /** The server's handler of a batch of updates ({@link postUpdates}), or null: one {@link inbox} call each. */
  private batchInbox: ((ms: readonly IncomingMessage[]) => void) | null = null;
  /** Per host in this process that takes the server's tasks directly ({@link deliver}): its run and handler. */
  private readonly hosts = new Map<string, { run: string; handler: (m: IncomingMessage) => void }>();

  /** @param rounds the cross-process slots of a `processes` run (see the class comment) */
  constructor(private readonly rounds?: ShmRounds) {
    if (rounds) this.region = this.next++;
  }

  /** The memfd the worker processes must inherit, or undefined (no cross-process region). */
  get regionFd(): number | undefined {
    return this.rounds?.fd;
  }

  /** Registers `arena` and returns its id. */
  register(arena: SharedArrayBuffer): number {
    const id = this.next++;
    this.arenas.set(id, arena);
    return id;
  }

  /**
   * The writer of arena `id` scanned the `length` floats at `offset` after writing them and found no NaN
   * or ±Inf; the reader may then skip its own scan ({@link isVouched}). Holds until {@link rewrite}.
   */
  vouch(id: number, offset: number, length: number): void {
    let ranges = this.vouched.get(id);
    if (!ranges) this.vouched.set(id, (ranges = new Map()));
    ranges.set(offset, length);
  }

  /** Arena `id` is about to be written again: every claim about its contents is void. */
  rewrite(id: number): void {
    this.vouched.get(id)?.clear();
  }

  /** True when the floats `ref` names were vouched finite by their writer since its last rewrite. */
  isVouched(ref: ArrayBufferView): boolean {
    if (!(ref instanceof Uint8Array) || ref.byteLength !== REF_BYTES) return false;
    const view = new DataView(ref.buffer, ref.byteOffset, REF_BYTES);
    if (view.getUint32(0, true) === this.region)
      return this.rounds?.vouched(view.getUint32(4, true), view.getUint32(8, true)) ?? false;
    const length = this.vouched.get(view.getUint32(0, true))?.get(view.getUint32(4, true));
    return length !== undefined && length === view.getUint32(8, true);
  }

  /** The reference bytes for `length` floats at float `offset` of arena `id`. */
  reference(id: number, offset: number, length: number): Uint8Array {
    return sharedReference(id, offset, length);
  }

  /**
   * The float32 view a reference names; throws a `protocol` error when the reference is malformed,
   * names no registered arena, or reaches past the arena's end.
   */
  resolve(ref: ArrayBufferView): Float32Array {
    if (!(ref instanceof Uint8Array) || ref.byteLength !== REF_BYTES) {
      throw errors.protocol(`update: a ${SHARED_CODEC} reference must be ${REF_BYTES} u8`);
    }
    const view = new DataView(ref.buffer, ref.byteOffset, REF_BYTES);
    const id = view.getUint32(0, true);
    const offset = view.getUint32(4, true);
    const length = view.getUint32(8, true);
    const arena = id === this.region ? this.rounds?.buffer() : this.arenas.get(id);
    if (!arena) throw errors.protocol(`update: no shared arena ${id}`);
    if ((offset + length) * 4 > arena.byteLength) {
      throw errors.protocol(`update: shared reference ${offset}+${length} past arena ${id} (${arena.byteLength / 4})`);
    }
    return new Float32Array(arena, offset * 4, length);
  }

  /**
   * The server opens round `round`'s shared reduction (see `SharedReduction`): `order` the selected nodes
   * in increasing id order, `weights` their capped weights, `size` the model's length, `backend` the
   * server's kernel backend. The server releases it when the round closes.
   */
  openReduction(
    round: number,
    order: readonly number[],
    weights: Float64Array,
    size: number,
    backend: string,
  ): SharedReduction {
    let r = this.reductions.find((x) => !x.busy && x.acc.length === size);
    if (!r) this.reductions.push((r = new SharedReduction(size)));
    r.open(round, order, weights, backend);
    this.open = r;
    return r;
  }

  /**
   * {@link openReduction} for hosts in this process, or the cross-process slot of `rounds` (null when
   * no slot is free: the round then takes the exact path). `model`, the round's model, goes into that
   * slot too (see {@link modelReference}); hosts in this process take it from the task as before.
   */
  openRoundReduction(
    round: number,
    order: readonly number[],
    weights: Float64Array,
    size: number,
    backend: string,
    model?: Float32Array,
  ): ShmReduction | null {
    if (!this.rounds) return this.openReduction(round, order, weights, size, backend);
    return this.rounds.openRound(round, order, weights, size, backend, model);
  }

  /**
   * processes: the {@link SHARED_CODEC} reference to `round`'s model in its cross-process slot, which a
   * `task` then carries as its `model` tensor instead of the floats; null when the round's model is not
   * in a slot.
   */
  modelReference(round: number): Uint8Array | null {
    const at = this.rounds?.modelAt(round);
    return at ? sharedReference(this.region, at.offset, at.length) : null;
  }

  /** The `shm` entry of the `task` config for a host in another process whose share of `round` is `nodes`, or null. */
  taskConfig(round: number, nodes: readonly number[]): ShmTaskConfig | null {
    return this.rounds?.taskConfig(round, nodes, this.region) ?? null;
  }

  /**
   * The host takes part in round `round`'s reduction when its `nodes` are exactly the selected ones in
   * order: it gets the chain for its pool threads and a release to call once every block has returned;
   * null when the server opened none for that round or the nodes differ.
   */
  claimReduction(round: number, nodes: readonly number[]): { chain: ReductionChain; release: () => void } | null {
    const r = this.open;
    const chain = r?.claim(round, nodes) ?? null;
    return r && chain ? { chain, release: () => r.release() } : null;
  }

  /** Whether a server in this process takes messages by {@link post}. */
  get listening(): boolean {
    return this.inbox !== null;
  }

  /**
   * The server takes the messages a host in this process hands over directly ({@link post}); `batch`, if
   * given, takes each batch of {@link postUpdates} in one call (in the batch's order).
   */
  listen(handler: (m: IncomingMessage) => void, batch?: (ms: readonly IncomingMessage[]) => void): void {
    this.inbox = handler;
    this.batchInbox = batch ?? null;
  }

  /**
   * Hands a message to the server in this process as the message it would have received from `peer`
   * over the socket (same header, the tensors as decoded), without encoding, framing, sending,
   * receiving or decoding it: on a 2-core machine those cost the main thread more than the round's other
   * work (docs/runtimes.md). The server takes `update`s and `node-state`s this way. Not counted in the
   * socket's bytes (an update's payload is metered as before). False when no server listens: the host
   * then uses its socket. Tensors are handed over, not copied: the receiver copies what it keeps.
   */
  post(peer: string, run: string, header: OutgoingHeader, tensors: readonly TensorInput[] = []): boolean {
    if (!this.inbox) return false;
    this.inbox(incoming(peer, run, header, tensors));
    return true;
  }

  /**
   * Host `host` in this process (welcomed into `run`) takes the server's `task`s directly ({@link deliver});
   * null: it no longer does (it closed).
   */
  serve(host: string, run: string, handler: ((m: IncomingMessage) => void) | null): void {
    if (handler) this.hosts.set(host, { run, handler });
    else this.hosts.delete(host);
  }

  /**
   * {@link post}'s other direction: hands a message from the server to host `host` in this process as the
   * message its socket would have delivered (from peer `server`), without the ZeroMQ hop (two I/O thread
   * wake-ups and a model-sized frame per round). False when that host does not {@link serve}: the server
   * then uses its socket. Tensors are handed over, not copied: the host copies what it keeps before this
   * returns. Not counted in the socket's bytes.
   */
  deliver(host: string, header: OutgoingHeader, tensors: readonly TensorInput[] = []): boolean {
    const h = this.hosts.get(host);
    if (!h) return false;
    h.handler(incoming('server', h.run, header, tensors));
    return true;
  }

  /**
   * {@link post} of a batch of `update`s whose `delta`s are shm references (a pool task's nodes, in
   * order): one call of the server's batch handler instead of one message, intake step and promise per
   * update (docs/engine-journal.md, session 10). False when no server listens (the host then uses its socket).
   */
  postUpdates(peer: string, run: string, updates: readonly LaneUpdate[]): boolean {
    if (!this.inbox) return false;
    const ms = updates.map((u) => laneUpdate(peer, run, u));
    if (this.batchInbox) this.batchInbox(ms);
    else for (const m of ms) this.inbox(m);
    return true;
  }
}

/**
 * {@link incoming} of one by-reference update, built directly (one object per part, no rest spreads: the
 * main thread builds about 100 per round on the round's serial path).
 */
function laneUpdate(peer: string, run: string, u: LaneUpdate): IncomingMessage {
  const data = u.ref;
  const length = data.byteLength;
  const descriptor = { name: 'delta', dtype: 'u8' as const, length, codec: SHARED_CODEC, bytes: length };
  const header = { ...u.header, v: PROTOCOL_VERSION, run, seq: 0, tensors: [descriptor] } as Header;
  const tensor = { name: 'delta', dtype: 'u8' as const, length, data, codec: SHARED_CODEC };
  return { peer, header, tensors: [tensor], bytes: 0 };
}

/** `header` and `tensors` as the endpoint of the other side would have received them from `peer`. */
function incoming(peer: string, run: string, header: OutgoingHeader, tensors: readonly TensorInput[]): IncomingMessage {
  const decoded = tensors.map((t) => {
    const dtype = t.data instanceof Float32Array ? ('f32' as const) : ('u8' as const);
    const data =
      t.data instanceof Float32Array ? t.data : new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    return { name: t.name, dtype, length: data.length, data, ...(t.codec ? { codec: t.codec } : {}) };
  });
  const descriptors = decoded.map(({ data, ...d }) => ({ ...d, bytes: data.byteLength }));
  const full = { ...header, v: PROTOCOL_VERSION, run, seq: 0, tensors: descriptors } as Header;
  return { peer, header: full, tensors: decoded, bytes: 0 };
}
