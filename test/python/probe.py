"""Test probe for test/python/python-worker.test.ts: the Python worker's math on given inputs.

Reads one JSON request on stdin and prints one JSON answer:
  {"op": "grad", "widths": [...], "activation": str, "params": [...], "x": [...], "y": [...]}
    -> {"loss": summed loss, "grad": gradient of the mean loss}
  {"op": "data", "spec": {...}, "seed": int, "digits": folder}
    -> {"n": examples, "sha256": hex of x (f32 LE) then y (i32 LE)}
  {"op": "wire", "frames": [hex, ...]}
    -> {"header": the decoded header, "tensors": [[name, values]], "update": hex frames of an update}
"""

import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'clients', 'python'))

import numpy as np  # noqa: E402

from dense_model import DenseModel  # noqa: E402
from mnist_data import load_mnist_train  # noqa: E402
from wire import Codec  # noqa: E402


def main():
    """Answers the request on stdin."""
    req = json.load(sys.stdin)
    if req['op'] == 'grad':
        widths = req['widths']
        model = DenseModel(widths[0], widths[1:-1], widths[-1], req['activation'])
        params = np.asarray(req['params'], dtype=np.float32)
        x = np.asarray(req['x'], dtype=np.float32).reshape(-1, widths[0])
        y = np.asarray(req['y'], dtype=np.int64)
        loss, grad = model.loss_and_grad(params, x, y)
        print(json.dumps({'loss': loss, 'grad': grad.astype(float).tolist()}))
    elif req['op'] == 'data':
        x, y = load_mnist_train(req['spec'], req['seed'], req['digits'])
        digest = hashlib.sha256(x.astype('<f4').tobytes() + y.astype('<i4').tobytes()).hexdigest()
        print(json.dumps({'n': int(len(y)), 'sha256': digest}))
    elif req['op'] == 'wire':
        codec = Codec()
        header, tensors = codec.decode([bytes.fromhex(f) for f in req['frames']])
        codec.run = 'r1'
        update = codec.encode({'type': 'update', 'round': 3, 'node': 7, 'weight': 120.0,
                               'metrics': {'train_loss': 0.25}}, [('delta', np.array([1, -2], np.float32))])
        print(json.dumps({'header': header, 'tensors': [[t.name, t.array().tolist()] for t in tensors],
                          'update': [f.hex() for f in update]}))


if __name__ == '__main__':
    main()
