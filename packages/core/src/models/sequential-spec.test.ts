import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { DenseNet } from './dense-net.js';
import { type ModelSpec, makeModel } from './make-model.js';

/** A config as it arrives from YAML (untyped), so invalid layer lists reach the schema. */
const asConfig = (spec: object): ModelSpec => JSON.parse(JSON.stringify(spec));
const build = (layers: unknown[], input: number[] = [1, 28, 28], classes = 10) =>
  makeModel(asConfig({ kind: 'sequential', layers }), input, classes, 'softmax_ce');

describe('sequential model configs', () => {
  it("cnn-fedavg is McMahan et al.'s CNN: 1,663,370 parameters on 1×28×28 with 10 classes", () => {
    const model = makeModel({ kind: 'cnn-fedavg' }, [28, 28], 10, 'softmax_ce');
    expect(model.layout.size).toBe(1_663_370);
    expect(model.inputs).toBe(784);
    expect(model.outputs).toBe(10);
    expect(model.layout.tensors.map((t) => `${t.name} ${t.shape.join('×')}`)).toEqual([
      'layer0.weight 32×1×5×5',
      'layer0.bias 32',
      'layer2.weight 64×32×5×5',
      'layer2.bias 64',
      'layer5.weight 3136×512',
      'layer5.bias 512',
      'layer6.weight 512×10',
      'layer6.bias 10',
    ]);
  });

  it('the data shape gives the input unless model.input does; a 2-D shape is one channel', () => {
    const layers = [{ type: 'conv2d', channels: 2, kernel: 3 }, { type: 'flatten' }, { type: 'dense' }];
    expect(build(layers, [6, 6], 2).layout.size).toBe(2 * 9 + 2 + 2 * 16 * 2 + 2);
    const m = makeModel(asConfig({ kind: 'sequential', input: [2, 3, 6], layers }), 36, 2, 'softmax_ce');
    expect(m.layout.tensors[0].shape).toEqual([2, 2, 3, 3]);
    expect(() => makeModel(asConfig({ kind: 'sequential', input: [2, 3, 5], layers }), 36, 2, 'softmax_ce')).toThrow(
      /model\.input must be a shape with 36 entries/,
    );
  });

  it.each([
    [
      'a kernel larger than its input',
      [
        { type: 'conv2d', channels: 2, kernel: 3 },
        { type: 'maxpool2d', kernel: 2 },
        { type: 'conv2d', channels: 2, kernel: 5 },
      ],
      [1, 7, 7],
      /model\.layers\[2\]\.kernel .*5 \(it does not fit a 2×2 input\)/,
    ],
    [
      'a conv after flatten',
      [{ type: 'flatten' }, { type: 'conv2d', channels: 2, kernel: 1 }],
      [1, 4, 4],
      /model\.layers\[1\]\.type must be a layer for vectors/,
    ],
    [
      'groups not dividing the channels',
      [
        { type: 'conv2d', channels: 6, kernel: 3 },
        { type: 'groupnorm', groups: 4 },
      ],
      [1, 5, 5],
      /model\.layers\[1\]\.groups must be a divisor of the 6 input channels, got 4/,
    ],
    [
      'dense on an image',
      [{ type: 'dense' }],
      [1, 4, 4],
      /model\.layers\[0\]\.type must be flatten before dense \(its input is 1×4×4\)/,
    ],
    [
      'padding as large as the kernel',
      [{ type: 'conv2d', channels: 1, kernel: 3, padding: 3 }],
      [1, 4, 4],
      /model\.layers\[0\]\.padding must be less than the kernel \(3\), got 3/,
    ],
    [
      'an output width that is not the class count',
      [{ type: 'flatten' }, { type: 'dense', units: 7 }],
      [1, 2, 2],
      /model\.layers\[1\] must be a last layer with 10 outputs/,
    ],
    ['an unknown layer type', [{ type: 'batchnorm' }], [1, 2, 2], /model\.layers\[0\]\.type/],
    [
      'a missing units on a hidden dense',
      [{ type: 'flatten' }, { type: 'dense' }, { type: 'dense' }],
      [1, 2, 2],
      /model\.layers\[1\]\.units must be given/,
    ],
  ])('refuses %s, naming the config path', (_name, layers, input, message) => {
    expect(() => build(layers, input)).toThrow(message);
  });

  it('bf16 precision rounds the GEMM operands and every hidden activation to bfloat16 (nearest even), not the logits', () => {
    const layers = [{ type: 'flatten' }, { type: 'dense', units: 7, activation: 'tanh' }, { type: 'dense' }] as const;
    const fp32 = makeModel({ kind: 'sequential', layers: [...layers] }, [3, 2, 2], 4, 'softmax_ce');
    const bf16 = makeModel({ kind: 'sequential', precision: 'bf16', layers: [...layers] }, [3, 2, 2], 4, 'softmax_ce');
    const rng = Rng.fromSeed(8);
    const params = new Float32Array(fp32.layout.size);
    fp32.init(params, rng);
    const x = new Float32Array(2 * 12);
    rng.fillNormal(x);
    // By bit arithmetic: the input and the weights rounded to bf16 (biases are no GEMM operand), the hidden
    // layer in fp32, its output rounded, then the output layer as a DenseNet.
    const round = (a: Float32Array) => {
      const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
      for (let i = 0; i < bits.length; i++) bits[i] = (bits[i] + 0x7fff + ((bits[i] >>> 16) & 1)) & 0xffff0000;
      return a;
    };
    const rounded = params.slice();
    for (const t of fp32.layout.tensors) {
      if (t.name.endsWith('.weight')) round(rounded.subarray(t.offset, t.offset + t.size));
    }
    const hidden = makeModel({ kind: 'sequential', layers: [...layers.slice(0, 2)] }, [3, 2, 2], 7, 'softmax_ce');
    const h = round(hidden.forward(jsKernels, rounded.subarray(0, hidden.layout.size), round(x.slice()), 2).slice());
    const head = new DenseNet({ inputs: 7, hidden: [], outputs: 4, activation: 'identity', init: 'zeros' });
    const logits = head.forward(jsKernels, rounded.subarray(hidden.layout.size), h, 2);
    expect(bf16.forward(jsKernels, params, x, 2)).toEqual(logits);
    expect(fp32.forward(jsKernels, params, x, 2)).not.toEqual(logits);
  });

  it('flatten + dense layers compute exactly what DenseNet computes with the same parameters', () => {
    const seq = build(
      [{ type: 'flatten' }, { type: 'dense', units: 6, activation: 'tanh' }, { type: 'dense' }],
      [2, 3, 3],
      4,
    );
    const net = new DenseNet({ inputs: 18, hidden: [6], outputs: 4, activation: 'tanh', init: 'kaiming' });
    expect(seq.layout.size).toBe(net.layout.size);
    const rng = Rng.fromSeed(3);
    const params = new Float32Array(net.layout.size);
    net.init(params, rng.fork('init'));
    for (let i = 0; i < params.length; i++) params[i] += 0.1 * rng.normal();
    const x = new Float32Array(5 * 18);
    rng.fillNormal(x);
    const y = Int32Array.from([0, 1, 2, 3, 0]);
    const g1 = new Float32Array(params.length);
    const g2 = new Float32Array(params.length);
    expect(seq.lossAndGrad(jsKernels, 'softmax_ce', params, x, y, 5, g1)).toBe(
      net.lossAndGrad(jsKernels, 'softmax_ce', params, x, y, 5, g2),
    );
    expect(g1).toEqual(g2);
    const clip = { clipNorm: 0.5 };
    const n1 = new Float64Array(5);
    const n2 = new Float64Array(5);
    seq.clippedGradSum(jsKernels, 'softmax_ce', params, x, y, 5, clip, g1, n1);
    net.clippedGradSum(jsKernels, 'softmax_ce', params, x, y, 5, clip, g2, n2);
    expect(n1).toEqual(n2);
    expect(g1).toEqual(g2);
  });
});
