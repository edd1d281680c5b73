/**
 * Per-coordinate mean and standard deviation of a set of vectors, accumulated one vector at a time in
 * float64 by Welford's method (Welford 1962). The caller adds vectors in a fixed order (node id), so
 * the result is the same bits in every runtime. `std` is the population standard deviation
 * (divide by n), not a variance.
 */
export class RunningMoments {
  private readonly m: Float64Array;
  private readonly s: Float64Array;
  private n = 0;

  /** @param size vector length */
  constructor(size: number) {
    this.m = new Float64Array(size);
    this.s = new Float64Array(size);
  }

  /** How many vectors were added. */
  get count(): number {
    return this.n;
  }

  /** Adds one vector (length `size`). */
  add(v: Float32Array): void {
    if (v.length !== this.m.length) throw new RangeError(`vector has ${v.length} entries, want ${this.m.length}`);
    this.n++;
    const inv = 1 / this.n;
    const { m, s } = this;
    for (let i = 0; i < m.length; i++) {
      const d = v[i] - m[i];
      m[i] += d * inv;
      s[i] += d * (v[i] - m[i]);
    }
  }

  /** Writes the mean (float32-rounded) into `out`; zeros when nothing was added. */
  mean(out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.m[i];
  }

  /** Writes the population standard deviation into `out` (zeros for fewer than two vectors). */
  std(out: Float32Array): void {
    const inv = this.n > 0 ? 1 / this.n : 0;
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(Math.max(0, this.s[i] * inv));
  }

  /** Forgets every vector. */
  reset(): void {
    this.m.fill(0);
    this.s.fill(0);
    this.n = 0;
  }
}
