import { type FeatureShape, type Layer, type LocalPlan, type Model, Sequential } from '@starling/core';

const showShape = (s: FeatureShape) => (s.flat ? `[${s.c}]` : `${s.c}×${s.h}×${s.w}`);

/** FLOPs of one layer of a Sequential model, per example. */
export interface LayerFlops {
  /** The layer's index in `model.layers` (its tensors are `layer{i}.weight`/`.bias`). */
  readonly layer: number;
  readonly type: string;
  /** The output shape as docs/models.md prints it (`32×14×14`, `[512]`). */
  readonly output: string;
  readonly forward: number;
  /** Weight gradient plus, when a layer before it needs it, the input gradient. */
  readonly backward: number;
}

/** The FLOPs of a Sequential model's training: per layer, per example, per round. */
export interface FlopsPlan {
  readonly layers: readonly LayerFlops[];
  readonly per_example: { readonly forward: number; readonly backward: number; readonly train: number };
  /** Training examples processed in a round (every participant's local steps), mean over the rounds. */
  readonly examples_per_round: number;
  /** per_example.train × examples_per_round. */
  readonly per_round: number;
  readonly note: string;
}

const NOTE =
  'a multiply-add counts 2 (GEMMs and convolutions: 2·K·C·kh·kw·OH·OW forward, the same again for each of the weight ' +
  'and input gradients); pooling counts window reads, group norm ~8 per entry; bias, activation, loss and optimizer ' +
  'work is not counted; DP-SGD adds its per-example norm pass (not counted)';

/**
 * A parameter layer's backward is its weight gradient (as many FLOPs as its forward) plus its input
 * gradient (as many again) when a layer below it has parameters. Pooling's backward counts its window
 * routing (max: one add per output; average: as its forward), group norm's is estimated as its forward.
 * Layers below the first parameter layer have no backward (Sequential stops there).
 */
function backwardFlops(layer: Layer, needsDx: boolean): number {
  if (layer.type === 'flatten') return 0;
  if (layer.type === 'conv2d' || layer.type === 'dense') return layer.flops * (needsDx ? 2 : 1);
  if (layer.type === 'maxpool2d') return layer.output.c * layer.output.h * layer.output.w;
  return layer.flops;
}

/** Per-layer and per-example FLOPs of a Sequential model; null for other models. */
export function sequentialFlops(model: Model): Pick<FlopsPlan, 'layers' | 'per_example'> | null {
  if (!(model instanceof Sequential)) return null;
  const first = model.layers.findIndex((l) => l.tensors !== null);
  const layers = model.layers.map((l, i) => ({
    layer: i,
    type: l.type,
    output: showShape(l.output),
    forward: l.flops,
    backward: i < first ? 0 : backwardFlops(l, i > first),
  }));
  const forward = layers.reduce((s, l) => s + l.forward, 0);
  const backward = layers.reduce((s, l) => s + l.backward, 0);
  return { layers, per_example: { forward, backward, train: forward + backward } };
}

/**
 * Examples one node steps on in a local round of `plan` over `n` local examples: `epochs` passes of
 * minibatches of `batchSize` (null: the whole set), at most `maxSteps` steps (the client executor's loop).
 */
export function localExamples(n: number, plan: LocalPlan): number {
  if (n === 0) return 0;
  const b = Math.min(plan.batchSize ?? n, n);
  const perEpoch = Math.ceil(n / b);
  const steps = Math.min(plan.epochs * perEpoch, plan.maxSteps ?? Number.POSITIVE_INFINITY);
  const full = Math.floor(steps / perEpoch);
  const rest = steps - full * perEpoch; // steps into the last, partial epoch: full batches first
  return full * n + Math.min(rest * b, n);
}

/**
 * The FLOPs plan of a run: `selected[r]` are the nodes training in round r, `parts[i]` node i's examples.
 * Null when the model is not Sequential.
 */
export function flopsPlan(
  model: Model,
  plan: LocalPlan,
  parts: readonly Int32Array[],
  selected: readonly (readonly number[])[],
): FlopsPlan | null {
  const seq = sequentialFlops(model);
  if (seq === null) return null;
  const perRound = selected.map((ids) => ids.reduce((s, i) => s + localExamples(parts[i]?.length ?? 0, plan), 0));
  const examples = perRound.reduce((s, e) => s + e, 0) / Math.max(1, perRound.length);
  return { ...seq, examples_per_round: examples, per_round: examples * seq.per_example.train, note: NOTE };
}
