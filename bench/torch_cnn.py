"""PyTorch side of the cnn bench suite: one SGD training step of McMahan et al.'s CNN (conv 5x5x32 pad 2 +
ReLU, max-pool 2, conv 5x5x64 pad 2 + ReLU, max-pool 2, dense 3136-512 ReLU, dense 512-10, softmax
cross-entropy; 1,663,370 parameters on 1x28x28 inputs), on one CPU thread.

Usage: python3 torch_cnn.py --serve
  prints {"ready": ...} and then, for each stdin line "<batch> <window seconds>", one JSON line with the
  samples per wall second and per CPU second of one timed window, so a caller can interleave torch with
  other measurements.
"""

import json
import sys
import time

from torch_info import blas_library


def make_step(torch, batch):
    """A closure running one SGD step of the CNN on fixed random data of `batch` examples."""
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(3136, 512),
        nn.ReLU(),
        nn.Linear(512, 10),
    )
    assert sum(p.numel() for p in model.parameters()) == 1663370
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(10):
        step()
    return step


def window_rate(step, batch, window):
    """Samples per wall second and per CPU second of this process over one window of at least `window` s."""
    steps = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= window:
            cpu = time.process_time() - cpu_start
            return steps * batch / elapsed, steps * batch / cpu


def main():
    import torch

    torch.set_num_threads(1)
    info = {
        "threads": torch.get_num_threads(),
        "version": torch.__version__,
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "blas": blas_library(),
    }
    if "--serve" not in sys.argv:
        step = make_step(torch, 10)
        print(json.dumps({**info, "samples_per_s": window_rate(step, 10, 1.0)[0]}))
        return
    steps = {}
    print(json.dumps({"ready": True, **info}), flush=True)
    for line in sys.stdin:
        batch, window = int(line.split()[0]), float(line.split()[1])
        if batch not in steps:
            steps[batch] = make_step(torch, batch)
        wall, cpu = window_rate(steps[batch], batch, window)
        print(json.dumps({"samples_per_s": wall, "cpu_samples_per_s": cpu}), flush=True)


if __name__ == "__main__":
    main()
