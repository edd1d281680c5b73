"""The dense networks of @starling/core in numpy: forward, backward, SGD.

Parameters live in one flat float32 vector laid out as DenseNet does
(packages/core/src/models/dense-net.ts): for each layer l, `layer{l}.weight`
(fanIn x fanOut, row-major) then `layer{l}.bias` (fanOut). Layer l computes
a_l = act(a_{l-1} W_l + b_l); the last layer is linear. Softmax regression is
the case without hidden layers; McMahan et al.'s 2NN is hidden [200, 200] relu.
"""

import numpy as np

F32 = np.float32


def _act(kind, z):
    """act(z) elementwise, as packages/core/src/kernels/activations.ts."""
    if kind == 'identity':
        return z
    if kind == 'relu':
        return np.where(z > 0, z, F32(0))
    if kind == 'leaky_relu':
        return np.where(z > 0, z, F32(0.01) * z)
    if kind == 'elu':
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    if kind == 'tanh':
        return np.tanh(z)
    if kind == 'sigmoid':
        return (1 / (1 + np.exp(-z.astype(np.float64)))).astype(F32)
    raise ValueError(f'unknown activation {kind}')


def _act_derivative(kind, z, a):
    """act'(z) given z and a = act(z); at a kink (z = 0) the left slope."""
    if kind == 'relu':
        return (z > 0).astype(F32)
    if kind == 'leaky_relu':
        return np.where(z > 0, F32(1), F32(0.01))
    if kind == 'elu':
        return np.where(z > 0, F32(1), a + F32(1))
    if kind == 'tanh':
        return F32(1) - a * a
    if kind == 'sigmoid':
        return a * (F32(1) - a)
    raise ValueError(f'unknown activation {kind}')


def softmax_cross_entropy(logits, labels, grad_scale):
    """Summed loss -log softmax(z)[y] over rows and grad_scale * dLoss/dlogits (float32).

    Computed in float64 from the float32 logits, as the reference kernel does.
    """
    z = logits.astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1)
    rows = np.arange(len(labels))
    total = float(np.sum(np.log(s) - z[rows, labels]))
    p = e / s[:, None]
    p[rows, labels] -= 1
    return total, (p * grad_scale).astype(F32)


class DenseModel:
    """A fully connected network over a flat float32 parameter vector."""

    def __init__(self, inputs, hidden, outputs, activation):
        """widths = [inputs, *hidden, outputs]; activation after every hidden layer."""
        self.widths = [inputs, *hidden, outputs]
        self.activation = activation
        self.tensors = []
        offset = 0
        for fan_in, fan_out in zip(self.widths[:-1], self.widths[1:]):
            self.tensors.append((offset, (fan_in, fan_out)))
            offset += fan_in * fan_out
            self.tensors.append((offset, (fan_out,)))
            offset += fan_out
        self.size = offset

    def layout(self):
        """The layout as `welcome.config.layout` describes it: name, shape, offset, size per tensor."""
        out = []
        for i, (offset, shape) in enumerate(self.tensors):
            name = f'layer{i // 2}.{"weight" if i % 2 == 0 else "bias"}'
            out.append({'name': name, 'shape': list(shape), 'offset': offset, 'size': int(np.prod(shape))})
        return {'tensors': out, 'size': self.size}

    def views(self, flat):
        """(W, b) views of `flat` per layer (writing a view writes `flat`)."""
        out = []
        for l in range(len(self.widths) - 1):
            (wo, ws), (bo, bs) = self.tensors[2 * l], self.tensors[2 * l + 1]
            out.append((flat[wo:wo + ws[0] * ws[1]].reshape(ws), flat[bo:bo + bs[0]]))
        return out

    def forward(self, params, x):
        """Pre-activations and activations of every layer for the batch x (batch x inputs)."""
        zs, acts = [], []
        a = x
        layers = self.views(params)
        for l, (w, b) in enumerate(layers):
            z = a @ w + b
            a = z if l == len(layers) - 1 else _act(self.activation, z)
            zs.append(z)
            acts.append(a)
        return zs, acts

    def loss_and_grad(self, params, x, y):
        """Summed softmax cross-entropy of the batch and the gradient of its mean (flat float32)."""
        batch = x.shape[0]
        zs, acts = self.forward(params, x)
        total, dz = softmax_cross_entropy(acts[-1], y, 1.0 / batch)
        grad = np.empty(self.size, dtype=F32)
        layers = self.views(params)
        grads = self.views(grad)
        for l in range(len(layers) - 1, -1, -1):
            inp = x if l == 0 else acts[l - 1]
            gw, gb = grads[l]
            gw[...] = inp.T @ dz
            gb[...] = dz.sum(axis=0, dtype=np.float64)
            if l > 0:
                da = dz @ layers[l][0].T
                dz = da * _act_derivative(self.activation, zs[l - 1], acts[l - 1])
        return total, grad

    def predict(self, params, x):
        """The predicted class of each row of x."""
        return np.argmax(self.forward(params, x)[1][-1], axis=1)


def sgd_step(params, grad, lr, weight_decay):
    """In place: theta <- theta - lr (g + wd theta), computed in float64 and stored as float32."""
    p = params.astype(np.float64)
    params[...] = (p - lr * (grad.astype(np.float64) + weight_decay * p)).astype(F32)
