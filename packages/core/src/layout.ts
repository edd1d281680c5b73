import { errors } from './errors.js';

/** One named tensor inside a flat parameter vector. */
export interface TensorSpec {
  /** A dotted name such as `layer0.weight`. */
  readonly name: string;
  /** The shape, outermost first (a dense weight is `[fanIn, fanOut]`, row-major). */
  readonly shape: readonly number[];
  /** The first index of this tensor in the flat vector. */
  readonly offset: number;
  /** The number of entries (the product of `shape`). */
  readonly size: number;
}

/**
 * Where each tensor of a model lives in its one contiguous `Float32Array`. Parameters, gradients,
 * optimizer state and updates all share this layout; communication and aggregation see only the flat
 * vector. Invariant: tensors are contiguous, in order, and `size` is the sum of their sizes.
 */
export interface Layout {
  readonly tensors: readonly TensorSpec[];
  readonly size: number;
}

/** Builds a layout from names and shapes, packing tensors in the given order. */
export function makeLayout(entries: readonly { name: string; shape: readonly number[] }[]): Layout {
  let offset = 0;
  const seen = new Set<string>();
  const tensors = entries.map(({ name, shape }) => {
    if (seen.has(name)) throw errors.option('layout', 'unique tensor names', name);
    seen.add(name);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 1) throw errors.option(`layout.${name}.shape`, 'positive integers', shape);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const spec: TensorSpec = { name, shape: [...shape], offset, size };
    offset += size;
    return spec;
  });
  return { tensors, size: offset };
}

/** The view of tensor `name` inside `flat` (shares memory with `flat`). */
export function tensorView(layout: Layout, flat: Float32Array, name: string): Float32Array {
  if (flat.length !== layout.size) throw errors.shape('flat vector length', layout.size, flat.length);
  const t = layout.tensors.find((x) => x.name === name);
  if (!t) throw errors.option('tensor', `one of ${layout.tensors.map((x) => x.name).join(', ')}`, name);
  return flat.subarray(t.offset, t.offset + t.size);
}
