"""One node's local training for one round: McMahan et al. 2017's ClientUpdate.

As `ClientExecutor.plainRound` (packages/core/src/train/client-executor.ts):
the node's example indices are shuffled at the start of every epoch with the
stream `Rng.fromSeed(seed).fork('node', id).fork('order', round)` (one stream
for the whole round), cut into minibatches of B (the last one shorter), and
each minibatch takes one SGD step on the mean loss; `maxSteps` caps the steps.
The update is delta = x_local - x_global.
"""

import numpy as np

from dense_model import sgd_step
from philox_rng import Rng


def train_node(job):
    """Trains one node from the global model and returns its answer.

    job: dict with model (DenseModel), global_model (float32), x, y (the run's
    training set), indices (the node's example indices), seed, node, round,
    plan ({epochs, batchSize, maxSteps?}) and optimizer ({lr, weightDecay}).
    Returns {node, delta, train_loss, steps, samples}.
    """
    indices = list(job['indices'])
    n = len(indices)
    if n == 0:
        raise ValueError(f'node {job["node"]} has no training examples')
    plan = job['plan']
    b = min(plan['batchSize'] or n, n)
    max_steps = plan.get('maxSteps', float('inf'))
    lr = job['optimizer']['lr']
    wd = job['optimizer'].get('weightDecay', 0)
    local = job['global_model'].copy()
    rng = Rng.from_seed(job['seed']).fork('node', job['node']).fork('order', job['round'])
    steps, loss_sum, seen = 0, 0.0, 0
    x, y, model = job['x'], job['y'], job['model']
    for _ in range(plan['epochs']):
        if steps >= max_steps:
            break
        order = np.asarray(rng.shuffle(indices), dtype=np.int64)
        for start in range(0, n, b):
            if steps >= max_steps:
                break
            rows = order[start:start + b]
            loss, grad = model.loss_and_grad(local, x[rows], y[rows])
            sgd_step(local, grad, lr, wd)
            loss_sum += loss
            seen += len(rows)
            steps += 1
    delta = local - job['global_model']
    return {
        'node': job['node'],
        'delta': delta,
        'train_loss': loss_sum / seen if seen > 0 else 0.0,
        'steps': steps,
        'samples': n,
    }
