import { z } from 'zod';
import { errors } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layout, TensorSpec } from '../layout.js';
import type { Rng } from '../rng/rng.js';
import type { CompressorState, Encoded } from './compressor.js';
import { type CompressorEntry, compressorSchemaOf } from './compressor-entry.js';
import { orthonormalizeColumns } from './orthonormalize.js';
import {
  checkScaled,
  expectBytes,
  expectFinite,
  expectFlags,
  floatsAt,
  HEADER_BYTES,
  newPayload,
  type PayloadHeader,
  payloadError,
  viewOf,
  type WireKind,
} from './wire.js';

const FIXED = HEADER_BYTES + 8;
const POWERSGD = { kind: 'powersgd', wireId: 8 } as const satisfies WireKind;

/** The rank PowerSGD uses for a tensor: min(r, n, m) for an n×m matrix, 0 (sent raw) otherwise. */
export function powerSgdRank(tensor: TensorSpec, rank: number): number {
  return tensor.shape.length === 2 ? Math.min(rank, tensor.shape[0], tensor.shape[1]) : 0;
}

/** Floats a PowerSGD payload carries: (n + m)·r' per n×m matrix, the size of every other tensor. */
export function powerSgdFloats(layout: Layout, rank: number): number {
  let floats = 0;
  for (const t of layout.tensors) {
    const r = powerSgdRank(t, rank);
    floats += r === 0 ? t.size : (t.shape[0] + t.shape[1]) * r;
  }
  return floats;
}

/**
 * `powersgd` with rank r (Vogels, Karimireddy, Jaggi 2019, "PowerSGD: Practical Low-Rank Gradient
 * Compression for Distributed Optimization"): per n×m matrix M, one power-iteration step from the
 * previous call's Q (warm start; Gaussian at first, and for any column that became zero):
 * P = M·Q, P̂ = orthonormalize(P), Q = Mᵀ·P̂, and C(M) = P̂·Qᵀ. Other tensors are sent raw. Stateful:
 * keep one instance per (node, direction). Payload: header, u32 r, u32 tensor count, then per tensor in
 * layout order either P̂ (n×r', row-major) followed by Q (m×r'), or the raw values, all float32.
 * Theoretical bits: 32 × `powerSgdFloats`.
 */
export class PowerSgdEncoder {
  private readonly q: (Float32Array | null)[];
  private readonly floats: number;

  constructor(
    private readonly layout: Layout,
    private readonly rank: number,
    private readonly kernels: Kernels,
  ) {
    this.q = layout.tensors.map(() => null);
    this.floats = powerSgdFloats(layout, rank);
  }

  /** Compresses finite `x` (length = layout size), updating the warm start. */
  encode(x: Float32Array, rng: Rng): Encoded {
    const { bytes, view } = newPayload(POWERSGD, 0, this.layout.size, FIXED + 4 * this.floats);
    view.setUint32(HEADER_BYTES, this.rank, true);
    view.setUint32(HEADER_BYTES + 4, this.layout.tensors.length, true);
    const body = new Float32Array(bytes.buffer, FIXED, this.floats);
    let pos = 0;
    this.layout.tensors.forEach((t, index) => {
      const src = x.subarray(t.offset, t.offset + t.size);
      const r = powerSgdRank(t, this.rank);
      if (r === 0) {
        body.set(src, pos);
        pos += t.size;
        return;
      }
      const [n, m] = t.shape;
      const q = this.warmStart(index, m, r, rng);
      const p = body.subarray(pos, pos + n * r);
      this.kernels.gemm(false, false, n, r, m, 1, src, q, 0, p);
      orthonormalizeColumns(p, n, r);
      const qNext = body.subarray(pos + n * r, pos + (n + m) * r);
      this.kernels.gemm(true, false, m, r, n, 1, src, p, 0, qNext);
      q.set(qNext);
      pos += (n + m) * r;
    });
    checkScaled('powersgd', body);
    return { bytes, theoreticalBits: 32 * this.floats };
  }

  private warmStart(index: number, m: number, r: number, rng: Rng): Float32Array {
    let q = this.q[index];
    if (q === null) q = this.q[index] = new Float32Array(m * r);
    for (let j = 0; j < r; j++) {
      let zero = true;
      for (let i = 0; i < m && zero; i++) zero = q[i * r + j] === 0;
      if (zero) for (let i = 0; i < m; i++) q[i * r + j] = rng.normal();
    }
    return q;
  }

  /** Copies of the warm-start matrices, keyed `powersgd.q.<tensor>`. */
  state(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    this.q.forEach((q, i) => {
      if (q !== null) out[`powersgd.q.${this.layout.tensors[i].name}`] = q.slice();
    });
    return out;
  }

  /** Restores the warm starts found in `state` (others restart from Gaussian). */
  load(state: CompressorState): void {
    this.layout.tensors.forEach((t, i) => {
      const saved = state[`powersgd.q.${t.name}`];
      const r = powerSgdRank(t, this.rank);
      if (saved === undefined || r === 0) {
        this.q[i] = null;
        return;
      }
      if (saved.length !== t.shape[1] * r) {
        throw errors.data(
          'compressor state',
          `powersgd.q.${t.name} has ${saved.length} entries, expected ${t.shape[1] * r}`,
        );
      }
      this.q[i] = saved.slice();
    });
  }
}

/** Decodes a `powersgd` payload for `layout` into `out`: P̂·Qᵀ per matrix, raw values elsewhere. */
export function decodePowerSgd(
  bytes: Uint8Array,
  header: PayloadHeader,
  out: Float32Array,
  layout: Layout,
  kernels: Kernels,
): void {
  expectFlags('powersgd', header.flags, 0);
  if (bytes.length < FIXED) expectBytes('powersgd', bytes, FIXED);
  const view = viewOf(bytes);
  const rank = view.getUint32(HEADER_BYTES, true);
  if (rank < 1) throw payloadError('powersgd', 'rank', 'is 0, expected ≥ 1');
  const count = view.getUint32(HEADER_BYTES + 4, true);
  if (count !== layout.tensors.length) {
    throw payloadError('powersgd', 'tensor count', `is ${count}, the layout has ${layout.tensors.length}`);
  }
  const floats = powerSgdFloats(layout, rank);
  expectBytes('powersgd', bytes, FIXED + 4 * floats);
  const body = floatsAt(bytes, FIXED, floats);
  expectFinite('powersgd', 'value', body);
  let pos = 0;
  for (const t of layout.tensors) {
    const dst = out.subarray(t.offset, t.offset + t.size);
    const r = powerSgdRank(t, rank);
    if (r === 0) {
      dst.set(body.subarray(pos, pos + t.size));
      pos += t.size;
      continue;
    }
    const [n, m] = t.shape;
    const p = body.subarray(pos, pos + n * r);
    const q = body.subarray(pos + n * r, pos + (n + m) * r);
    kernels.gemm(false, true, n, m, r, 1, p, q, 0, dst);
    pos += (n + m) * r;
  }
  expectFinite('powersgd', 'decoded value', out);
}

/** `powersgd` options: `rank` r, an integer in [1, 65535]. */
const schema = compressorSchemaOf(POWERSGD.kind, { rank: z.number().int().min(1).max(65535) });

/** `powersgd` (wire id 8): stateful (warm start), biased. */
export const powerSgdCompressor = {
  ...POWERSGD,
  schema,
  encoder: (spec, layout, { kernels }) => new PowerSgdEncoder(layout, spec.rank, kernels),
  decode: (bytes, header, out, layout, kernels) => decodePowerSgd(bytes, header, out, layout, kernels),
} satisfies CompressorEntry<z.output<typeof schema>>;
