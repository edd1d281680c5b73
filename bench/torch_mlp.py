"""PyTorch side of the kernels-mlp bench suite: one SGD training step of the 784-200-200-10 ReLU MLP
(McMahan et al.'s 2NN) with softmax cross-entropy, on one CPU thread.

Usage: python3 torch_mlp.py --batch 32 [--repeats 5] [--window 0.2]
Prints one JSON record: samples/second as the median over `repeats` windows of at least `window` s.
"""

import argparse
import json
import os
import statistics
import time


def blas_library():
    """The BLAS shared library this process mapped (Debian's torch uses the system libblas.so.3)."""
    try:
        with open("/proc/self/maps", encoding="utf8") as maps:
            names = {line.split()[-1] for line in maps if "blas" in line.lower()}
        return ", ".join(sorted(os.path.basename(n) for n in names)) or "unknown"
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--window", type=float, default=0.2)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 200),
        torch.nn.ReLU(),
        torch.nn.Linear(200, 200),
        torch.nn.ReLU(),
        torch.nn.Linear(200, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.rand(args.batch, 784)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    rates = []
    for _ in range(args.repeats):
        steps = 0
        start = time.perf_counter()
        while True:
            step()
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= args.window:
                break
        rates.append(steps * args.batch / elapsed)
    rate = statistics.median(rates)
    print(
        json.dumps(
            {
                "name": "mlp-step",
                "backend": "torch",
                "batch": args.batch,
                "samples_per_s": rate,
                "step_us": args.batch / rate * 1e6,
                "median_of": args.repeats,
                "threads": torch.get_num_threads(),
                "version": torch.__version__,
                "blas": blas_library(),
            }
        )
    )


if __name__ == "__main__":
    main()
