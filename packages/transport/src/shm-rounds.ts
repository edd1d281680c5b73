import { markAndDrainFlags } from './reduction-chain.js';
import { type ShmBinding, ShmMapping } from './shm-region.js';
import { reopenSlot, SLOT_HOLDERS, SLOT_N, type SlotViews, slotLayout, slotViews } from './shm-slot.js';

/** Slots a run keeps at most (a round finding none free takes the exact path). */
const MAX_SLOTS = 4;
/** The region's largest size: 4 GiB (u32 float offsets in references; bigger rounds take the exact path). */
const MAX_BYTES = 2 ** 32;

/**
 * Where a host's share of a round lives in the shared region (the `shm` entry of a `task`'s `config`,
 * docs/protocol.md): the slot at byte `base` of a region of `bytes` bytes (cap nodes of `p` floats), the
 * round's `n` selected nodes, and the host's nodes, which are order indices `index … index + count − 1`.
 * `arena` is the region's id in the server's lane (the host's `shm` update references name it). A type,
 * not an interface: it is plain JSON (the task header's `config`).
 */
export type ShmTaskConfig = {
  readonly arena: number;
  readonly round: number;
  readonly bytes: number;
  readonly base: number;
  readonly cap: number;
  readonly p: number;
  readonly n: number;
  readonly index: number;
  readonly count: number;
  readonly backend: string;
  /**
   * The server takes this share's answers as one `updates` message (docs/protocol.md); absent or false
   * (a server before it): one `update` per node. A host that does not know the field ignores it.
   */
  readonly batch?: boolean;
};

interface Slot {
  readonly base: number;
  readonly cap: number;
  readonly p: number;
}

/** The open round's slot as the round machine sees it (a `PreReducedSum` of @starling/server). */
export interface ShmReduction {
  readonly acc: Float64Array;
  readonly mean: Float32Array;
  claimed(i: number): boolean;
  complete(): boolean;
  release(): void;
}

/**
 * The server's side of the `processes` runtime's shared reduction: a memfd (created here, inherited by
 * every worker process at spawn, so it vanishes with the last process, kill -9 included) cut into slots,
 * one per open round ({@link SlotViews}). The pool threads of every worker process write their Δs into
 * the round's slot and add them into its float64 accumulator in increasing order index, exactly as the
 * threads runtime's `SharedReduction` (same `markAndDrain`). A slot is reused once nobody holds it.
 */
export class ShmRounds {
  private readonly mapping: ShmMapping;
  private readonly slots: Slot[] = [];
  private bytes = 0;
  private open: {
    slot: Slot;
    views: SlotViews;
    round: number;
    order: readonly number[];
    backend: string;
    /** The round's model was written into the slot (`openRound`'s `model`). */
    model: boolean;
  } | null = null;

  /**
   * @param shm the native calls
   * @param alive whether a host process still lives (its holds are dropped otherwise)
   */
  constructor(
    private readonly shm: ShmBinding,
    private readonly alive: (pid: number) => boolean,
  ) {
    this.mapping = new ShmMapping(shm, shm.create('starling-rounds', 0));
  }

  /** The memfd, for the worker processes' stdio. */
  get fd(): number {
    return this.mapping.fd;
  }

  /**
   * Opens `round`'s reduction (zero accumulator, weights written, every node pending), or null when no slot
   * is free. With `model` (P floats), the round's model is written into the slot too, for the hosts to read
   * instead of a broadcast ({@link modelOffset}).
   */
  openRound(
    round: number,
    order: readonly number[],
    weights: Float64Array,
    p: number,
    backend: string,
    model?: Float32Array,
  ) {
    const n = order.length;
    let slot = this.slots.find((s) => s.p === p && s.cap >= n && reopenSlot(this.words(s), round, n, this.alive));
    if (!slot) {
      if (this.slots.length >= MAX_SLOTS || this.bytes + slotLayout(n, p).bytes > MAX_BYTES) return null;
      slot = { base: this.bytes, cap: n, p };
      this.bytes += slotLayout(n, p).bytes;
      this.shm.resize(this.mapping.fd, this.bytes);
      this.slots.push(slot);
      if (!reopenSlot(this.words(slot), round, n, this.alive)) return null;
    }
    const views = slotViews(this.mapping.at(this.bytes), slot.base, slot.cap, p, n);
    views.ctrl.fill(0);
    views.weights.set(weights);
    const inSlot = model?.length === p;
    if (inSlot) views.model.set(model);
    this.open = { slot, views, round, order, backend, model: inSlot };
    return this.reduction(views);
  }

  /**
   * The `shm` task config for a host whose share of `round` is `nodes` (increasing id), or null when it
   * may not take part: no open slot for that round, or its nodes are not a contiguous run of the order.
   */
  taskConfig(round: number, nodes: readonly number[], arena: number): ShmTaskConfig | null {
    const o = this.open;
    if (!o || o.round !== round || nodes.length === 0) return null;
    const index = o.order.indexOf(nodes[0]);
    if (index < 0 || index + nodes.length > o.order.length) return null;
    for (let j = 0; j < nodes.length; j++) if (o.order[index + j] !== nodes[j]) return null;
    const { base, cap, p } = o.slot;
    const n = o.order.length;
    const count = nodes.length;
    return { arena, round, bytes: this.bytes, base, cap, p, n, index, count, backend: o.backend, batch: true };
  }

  /**
   * Where `round`'s model lies in the region (float offset, length P) in its open slot, or null when that
   * round has no open slot or its model was not written there. The slot keeps those bits until it is
   * reopened, which needs every host that joined it to have left.
   */
  modelAt(round: number): { offset: number; length: number } | null {
    const o = this.open;
    if (!o || o.round !== round || !o.model) return null;
    return { offset: (o.slot.base + slotLayout(o.slot.cap, o.slot.p).model) / 4, length: o.slot.p };
  }

  /** The whole region's current mapping (the lane resolves `shm` references into it). */
  buffer(): ArrayBuffer | null {
    return this.bytes > 0 ? this.mapping.at(this.bytes) : null;
  }

  /** True when the `length` floats at float `offset` are node i's Δ in a slot and i was marked ready (finite). */
  vouched(offset: number, length: number): boolean {
    const buffer = this.buffer();
    for (const s of this.slots) {
      const l = slotLayout(s.cap, s.p);
      const at = offset * 4 - s.base - l.deltas;
      if (length !== s.p || at < 0 || at >= 4 * s.cap * s.p || at % (4 * s.p) !== 0 || !buffer) continue;
      const v = slotViews(buffer, s.base, s.cap, s.p, Atomics.load(this.words(s), SLOT_N));
      const i = at / (4 * s.p);
      return markAndDrainFlags.ready(v.ctrl, i);
    }
    return false;
  }

  private words(s: Slot): Int32Array {
    return slotViews(this.mapping.at(this.bytes), s.base, s.cap, s.p, 0).words;
  }

  private reduction(v: SlotViews): ShmReduction {
    let held = true;
    return {
      acc: v.acc,
      mean: v.mean,
      claimed: (i) => markAndDrainFlags.ready(v.ctrl, i),
      complete: () => markAndDrainFlags.complete(v.ctrl),
      release: () => {
        if (held) Atomics.sub(v.words, SLOT_HOLDERS, 1);
        held = false;
      },
    };
  }
}
