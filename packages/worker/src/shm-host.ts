import { loadShm } from '@starling/native';
import {
  type DecodedTensor,
  joinSlot,
  leaveSlot,
  SHARED_CODEC,
  ShmMapping,
  type ShmTaskConfig,
  type SlotViews,
  sharedReference,
  slotLayout,
  slotViews,
} from '@starling/transport';
import type { ShmBlock } from './shm-block.js';

const KEYS = ['arena', 'round', 'bytes', 'base', 'cap', 'p', 'n', 'index', 'count'] as const;

/**
 * The `shm` entry of a task's config for `round` and a model of `p` floats (any length when the host
 * does not know it: no layout in its welcome): every field a non-negative integer, the slot inside the
 * region, the host's share inside the round; null when it does not fit. Whether the host trains its
 * whole share there is `HostRound`'s check (the share's `count` against the nodes it trains).
 */
export function shmSlotConfig(config: unknown, round: number, p?: number): ShmTaskConfig | null {
  const c: unknown = config !== null && typeof config === 'object' && 'shm' in config ? config.shm : null;
  if (c === null || typeof c !== 'object' || !('backend' in c) || typeof c.backend !== 'string') return null;
  const n: Record<string, number> = {};
  for (const k of KEYS) {
    const v: unknown = (c as Record<string, unknown>)[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return null;
    n[k] = v;
  }
  const s: ShmTaskConfig = {
    arena: n.arena,
    round: n.round,
    bytes: n.bytes,
    base: n.base,
    cap: n.cap,
    p: n.p,
    n: n.n,
    index: n.index,
    count: n.count,
    backend: c.backend,
    ...('batch' in c && c.batch === true ? { batch: true } : {}),
  };
  const fits = s.cap >= s.n && s.base + slotLayout(s.cap, s.p).bytes <= s.bytes && s.index + s.count <= s.n;
  return fits && s.round === round && (p === undefined || s.p === p) && s.n > 0 ? s : null;
}

/** A host's hold on a round's slot ({@link ShmHost.join}). */
export interface JoinedSlot {
  readonly config: ShmTaskConfig;
  /** The pool task's place in the slot. */
  readonly block: ShmBlock;
  /** Node j's (of the host's share) `shm` reference. */
  reference(j: number): Uint8Array;
  /**
   * The floats a task's `model` reference (codec `shm`) names, a view of the slot's model area; null when
   * `ref` is not exactly that area. Valid while the slot is held.
   */
  model(ref: ArrayBufferView): Float32Array | null;
  /** Gives the hold back (idempotent). */
  release(): void;
}

/**
 * A worker process's side of the `processes` runtime's cross-process slots: the memfd it inherited from
 * the launcher (`fd`), mapped on the host's main thread to join and leave a round's slot (the pool
 * threads map it again themselves, `attachShm`).
 */
export class ShmHost {
  private readonly mapping: ShmMapping | null;

  constructor(readonly fd: number) {
    const addon = loadShm().addon;
    this.mapping = addon ? new ShmMapping(addon, fd) : null;
  }

  /** {@link join} of the slot a task's `config` names for `round` and a model of `p` floats, if it fits (`shmSlotConfig`). */
  taskSlot(config: unknown, round: number, p?: number): JoinedSlot | null {
    const c = shmSlotConfig(config, round, p);
    return c ? this.join(c) : null;
  }

  /**
   * Joins `config`'s slot for its round: the block for the pool task, each node's `shm` reference, and
   * the release to call once every pool task of the round has returned; null when the slot is no longer
   * open for that round (the server moved on) or the memfd cannot be mapped.
   */
  join(config: ShmTaskConfig): JoinedSlot | null {
    if (!this.mapping) return null;
    let views: SlotViews;
    try {
      views = slotViews(this.mapping.at(config.bytes), config.base, config.cap, config.p, 0);
    } catch {
      return null;
    }
    const words = views.words;
    if (!joinSlot(words, config.round, process.pid)) return null;
    const layout = slotLayout(config.cap, config.p);
    const first = (config.base + layout.deltas) / 4 + config.index * config.p;
    const modelAt = (config.base + layout.model) / 4;
    let held = true;
    return {
      config,
      block: { fd: this.fd, config },
      reference: (j) => sharedReference(config.arena, first + j * config.p, config.p),
      model: (ref) => {
        const at = referenceOf(ref);
        const named = at?.arena === config.arena && at.offset === modelAt && at.length === config.p;
        return named ? views.model : null;
      },
      release: () => {
        if (held) leaveSlot(words, process.pid);
        held = false;
      },
    };
  }
}

/** The (arena, float offset, float length) a 12-byte `shm` reference names, or null when it is not one. */
function referenceOf(ref: ArrayBufferView): { arena: number; offset: number; length: number } | null {
  if (!(ref instanceof Uint8Array) || ref.byteLength !== 12) return null;
  const v = new DataView(ref.buffer, ref.byteOffset, 12);
  return { arena: v.getUint32(0, true), offset: v.getUint32(4, true), length: v.getUint32(8, true) };
}

/**
 * A task's tensors with a `model` sent by reference (codec `shm`, the round's model in its slot) replaced
 * by the floats there (a view of the held `slot`), and whether it was; null when the task names a model
 * by reference that `slot` does not hold (no slot joined: the round closed meanwhile, or no memfd).
 */
export function slotTaskTensors(
  slot: JoinedSlot | null,
  tensors: readonly DecodedTensor[],
): { tensors: DecodedTensor[]; byReference: boolean } | null {
  const at = tensors.findIndex((t) => t.name === 'model' && t.codec === SHARED_CODEC);
  if (at < 0) return { tensors: [...tensors], byReference: false };
  const model = slot?.model(tensors[at].data);
  if (!model) return null;
  const out = [...tensors];
  out[at] = { name: 'model', dtype: 'f32', length: model.length, data: model };
  return { tensors: out, byReference: true };
}
