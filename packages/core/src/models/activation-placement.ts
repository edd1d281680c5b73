import type { Activation } from '../kernels/kernels.js';
import type { Layer } from './layers/layer.js';

/**
 * Where a `Sequential` network applies each layer's activation: `layers[l].activation`, except that a
 * ReLU directly followed by a max pooling moves after the pooling (relu(maxpool(z)) = maxpool(relu(z))
 * since ReLU is monotone non-decreasing), so it runs on the pooled output (a 2×2 pool: 4× fewer
 * entries, forward and backward). Forward outputs are bit-identical, and so are the parameter
 * gradients up to the sign of zeros: ∂L/∂z is go·1[z > 0] at the same argmax cells wherever the pooled
 * maximum is positive; where a window's maximum is ≤ 0 both orders give a zero gradient, at the argmax
 * of z instead of the window's first cell, a ±0 that a sum can only carry into an exactly-zero entry.
 * Only in fp32: bf16 rounds every layer's output, which this would move.
 *
 * Returns one activation per layer (the moved ReLU's conv layer gets 'identity', its pooling 'relu').
 */
export function placeActivations(layers: readonly Layer[], precision: 'fp32' | 'bf16'): Activation[] {
  const acts = layers.map((layer) => layer.activation);
  if (precision !== 'fp32') return acts;
  for (let l = 0; l + 1 < layers.length; l++) {
    if (acts[l] === 'relu' && layers[l + 1].type === 'maxpool2d' && acts[l + 1] === 'identity') {
      acts[l] = 'identity';
      acts[l + 1] = 'relu';
    }
  }
  return acts;
}
