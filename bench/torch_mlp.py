"""PyTorch side of the kernels-mlp bench suite: one SGD training step of the 784-200-200-10 ReLU MLP
(McMahan et al.'s 2NN) with softmax cross-entropy, on one CPU thread.

Usage: python3 torch_mlp.py --batch 32 [--repeats 5] [--window 0.2]
  prints one JSON record: samples/second as the median over `repeats` windows of at least `window` s.
Or: python3 torch_mlp.py --serve
  prints {"ready": ...} and then, for each stdin line "<batch> <window seconds>", one JSON line with the
  samples/second of one timed window, so a caller can interleave torch with other measurements.
"""

import argparse
import json
import statistics
import sys
import time

from torch_info import blas_library


def make_step(torch, batch):
    """A closure running one SGD step of the 2NN on fixed random data of `batch` examples."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 200),
        torch.nn.ReLU(),
        torch.nn.Linear(200, 200),
        torch.nn.ReLU(),
        torch.nn.Linear(200, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(batch, 784)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    return step


def window_rate(step, batch, window):
    """Samples/second over one window of at least `window` seconds."""
    steps = 0
    start = time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= window:
            return steps * batch / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--window", type=float, default=0.2)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    info = {"threads": torch.get_num_threads(), "version": torch.__version__}
    if args.serve:
        steps = {}
        print(json.dumps({"ready": True, **info, "blas": blas_library()}), flush=True)
        for line in sys.stdin:
            batch, window = int(line.split()[0]), float(line.split()[1])
            if batch not in steps:
                steps[batch] = make_step(torch, batch)
            print(json.dumps({"samples_per_s": window_rate(steps[batch], batch, window)}), flush=True)
        return
    step = make_step(torch, args.batch)
    rate = statistics.median(window_rate(step, args.batch, args.window) for _ in range(args.repeats))
    record = {
        "name": "mlp-step",
        "backend": "torch",
        "batch": args.batch,
        "samples_per_s": rate,
        "step_us": args.batch / rate * 1e6,
        "median_of": args.repeats,
        **info,
        "blas": blas_library(),
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
