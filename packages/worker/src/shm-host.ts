import { loadShm } from '@starling/native';
import {
  joinSlot,
  leaveSlot,
  ShmMapping,
  type ShmTaskConfig,
  sharedReference,
  slotLayout,
  slotViews,
} from '@starling/transport';
import type { ShmBlock } from './shm-block.js';

const KEYS = ['arena', 'round', 'bytes', 'base', 'cap', 'p', 'n', 'index', 'count'] as const;

/**
 * The `shm` entry of a task's config as this host may use it for `round`, `nodes` (what it trains, after
 * skipping answered ones) and a model of `p` floats: every field a non-negative integer, the slot inside
 * the region, the host's nodes inside the round; else null (the host then sends its Δs by copy).
 */
export function shmTaskConfig(config: unknown, round: number, count: number, p: number): ShmTaskConfig | null {
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
  };
  const fits = s.cap >= s.n && s.base + slotLayout(s.cap, s.p).bytes <= s.bytes && s.index + s.count <= s.n;
  return fits && s.round === round && s.count === count && s.p === p && s.n > 0 ? s : null;
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

  /**
   * Joins `config`'s slot for its round: the block for the pool task, each node's `shm` reference, and
   * the release to call once every pool task of the round has returned; null when the slot is no longer
   * open for that round (the server moved on) or the memfd cannot be mapped.
   */
  join(config: ShmTaskConfig): { block: ShmBlock; reference(j: number): Uint8Array; release(): void } | null {
    if (!this.mapping) return null;
    let words: Int32Array;
    try {
      words = slotViews(this.mapping.at(config.bytes), config.base, config.cap, config.p, 0).words;
    } catch {
      return null;
    }
    if (!joinSlot(words, config.round, process.pid)) return null;
    const first = (config.base + slotLayout(config.cap, config.p).deltas) / 4 + config.index * config.p;
    let held = true;
    return {
      block: { fd: this.fd, config },
      reference: (j) => sharedReference(config.arena, first + j * config.p, config.p),
      release: () => {
        if (held) leaveSlot(words, process.pid);
        held = false;
      },
    };
  }
}
