import { errors } from '../errors.js';
import { philox4x32 } from './philox.js';

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a stream purpose name. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;

/** A stream position (see `Rng.position`): a 64-bit block counter as two words and a word index 0..3. */
export interface RngPosition {
  readonly counterLo: number;
  readonly counterHi: number;
  readonly word: number;
}

/**
 * A seeded, counter-based random generator (Philox4x32-10). Each instance is one stream keyed by a
 * 64-bit key; `fork(purpose, id)` derives an independent child stream from (key, purpose, id) without
 * advancing the parent, so the values a component draws never depend on what others drew before.
 *
 * Not thread-safe by design: give each node, round and purpose its own fork.
 */
export class Rng {
  private readonly k0: number;
  private readonly k1: number;
  private ctrLo = 0;
  private ctrHi = 0;
  private readonly block = new Uint32Array(4);
  private used = 4;
  private spareNormal: number | null = null;

  private constructor(k0: number, k1: number) {
    this.k0 = k0 >>> 0;
    this.k1 = k1 >>> 0;
  }

  /**
   * The root stream of a run.
   * @param seed a non-negative safe integer (up to 2^53 − 1)
   */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed) || seed < 0) throw errors.option('seed', 'a non-negative safe integer', seed);
    return new Rng(seed % TWO_POW_32, Math.floor(seed / TWO_POW_32) ^ 0x5eed5eed);
  }

  /**
   * The stream whose `key()` is `key`, at its start: how another process rebuilds a stream it was handed
   * as two words (e.g. a client's packet-loss stream on the host that emulates its link).
   */
  static fromKey(key: readonly [number, number]): Rng {
    const [k0, k1] = key;
    for (const k of key) {
      if (!Number.isInteger(k) || k < 0 || k >= TWO_POW_32) throw errors.option('rng key', 'two 32-bit words', key);
    }
    return new Rng(k0, k1);
  }

  /** The 64-bit key as two words, for recording or for handing a stream to native code. */
  key(): [number, number] {
    return [this.k0, this.k1];
  }

  /**
   * An independent child stream for `purpose` (e.g. `'noise'`) and `id` (e.g. a node or round number).
   * The same (parent key, purpose, id) always gives the same child; the parent is not advanced.
   */
  fork(purpose: string, id = 0): Rng {
    if (!Number.isSafeInteger(id) || id < 0) throw errors.option('rng.fork id', 'a non-negative safe integer', id);
    const out = new Uint32Array(4);
    philox4x32(hashString(purpose), id % TWO_POW_32, Math.floor(id / TWO_POW_32), 0xf0f0f0f0, this.k0, this.k1, out);
    return new Rng(out[0], out[1] ^ out[2]);
  }

  /**
   * Where the stream stands: the next word `nextUint32()` returns is word `word` (0..3) of the
   * Philox block with counter (`counterLo`, `counterHi`, 0, 0) under `key()`. With the key this is
   * enough for native code to produce the same words; `skip` then moves past what it used.
   */
  position(): RngPosition {
    if (this.used === 4) return { counterLo: this.ctrLo, counterHi: this.ctrHi, word: 0 };
    // The current block was generated from the counter before ctr.
    const borrow = this.ctrLo === 0 ? 1 : 0;
    return { counterLo: (this.ctrLo - 1) >>> 0, counterHi: (this.ctrHi - borrow) >>> 0, word: this.used };
  }

  /** Advances the stream by `n` words, exactly as `n` calls of `nextUint32()` would (n a safe integer ≥ 0). */
  skip(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw errors.option('rng.skip n', 'a non-negative safe integer', n);
    const at = this.position();
    const total = at.word + n;
    const lo = at.counterLo + Math.floor(total / 4);
    const blockLo = lo % TWO_POW_32;
    const blockHi = (at.counterHi + Math.floor(lo / TWO_POW_32)) >>> 0;
    const word = total % 4;
    if (word === 0) {
      this.ctrLo = blockLo;
      this.ctrHi = blockHi;
      this.used = 4;
      return;
    }
    philox4x32(blockLo, blockHi, 0, 0, this.k0, this.k1, this.block);
    this.ctrLo = (blockLo + 1) >>> 0;
    this.ctrHi = this.ctrLo === 0 ? (blockHi + 1) >>> 0 : blockHi;
    this.used = word;
  }

  /** The next unsigned 32-bit integer of the stream. */
  nextUint32(): number {
    if (this.used === 4) {
      philox4x32(this.ctrLo, this.ctrHi, 0, 0, this.k0, this.k1, this.block);
      this.ctrLo = (this.ctrLo + 1) >>> 0;
      if (this.ctrLo === 0) this.ctrHi = (this.ctrHi + 1) >>> 0;
      this.used = 0;
    }
    return this.block[this.used++];
  }

  /** A float64 uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A float64 uniform on [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A float64 uniform on (0, 1]: safe under `Math.log`. */
  private uniformOpenZero(): number {
    return 1 - this.uniform();
  }

  /**
   * A Gaussian draw (Box–Muller, both outputs used).
   * @param std the standard deviation (not the variance), ≥ 0
   */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniformOpenZero()));
    const theta = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** A Laplace draw with location 0 and scale `b` (variance 2b²). */
  laplace(b: number): number {
    // u must lie in the open interval (−0.5, 0.5), or log(1 − 2|u|) is −∞: redraw an exact 0.
    let x = this.uniform();
    while (x === 0) x = this.uniform();
    const u = x - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** An integer uniform on [0, n), without modulo bias; 1 ≤ n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw errors.option('rng.int n', 'an integer in [1, 2^32]', n);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** Shuffles `items` in place (Fisher–Yates). */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** `k` distinct integers from [0, n), in increasing order (Floyd's algorithm). */
  sample(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > n) throw errors.option('rng.sample k', `an integer in [0, ${n}]`, k);
    const chosen = new Set<number>();
    for (let j = n - k; j < n; j++) {
      const t = this.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    return Int32Array.from(chosen).sort();
  }

  /** Fills `out` with uniforms on [lo, hi). */
  fillUniform(out: Float32Array | Float64Array, lo = 0, hi = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
  }

  /** Fills `out` with Gaussians of the given mean and standard deviation (not variance). */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
  }
}
