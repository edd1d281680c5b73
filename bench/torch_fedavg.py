"""PyTorch side of the fedavg-round bench suite: a plain sequential FedAvg simulation on one CPU thread,
the way a PyTorch user writes one (McMahan et al. 2017's 2NN, 784-200-200-10 ReLU, softmax
cross-entropy, E = 1, B = 10, lr 0.05). Each round, for each of the K selected clients:
`load_state_dict(global)`, a fresh `torch.optim.SGD`, one shuffled epoch of minibatches over the
client's n examples, then Σ (n_k / Σn) · (x_local − x_global) accumulated into the update, which is
added to the global model once all K have trained. Data is random (shapes are what matter).

Usage: python3 torch_fedavg.py --clients-per-round 100 --examples 8 [--rounds 12] [--warmup 2]
  prints one JSON record: the median, min and mean round time in ms over `rounds` timed rounds.
"""

import argparse
import json
import statistics
import time

from torch_info import blas_library


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients-per-round", type=int, required=True)
    ap.add_argument("--examples", type=int, required=True, help="examples per client")
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--warmup", type=int, default=2)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    k, n, b = args.clients_per_round, args.examples, args.batch

    def make_model():
        return torch.nn.Sequential(
            torch.nn.Linear(784, 200),
            torch.nn.ReLU(),
            torch.nn.Linear(200, 200),
            torch.nn.ReLU(),
            torch.nn.Linear(200, 10),
        )

    global_model = make_model()
    local = make_model()
    xs = torch.rand(k, n, 784)
    ys = torch.randint(0, 10, (k, n))
    weight = 1.0 / k  # equal n_k: n_k / Σn

    def one_round():
        global_state = {name: t.detach().clone() for name, t in global_model.state_dict().items()}
        update = {name: torch.zeros_like(t) for name, t in global_state.items()}
        for c in range(k):
            local.load_state_dict(global_state)
            opt = torch.optim.SGD(local.parameters(), lr=0.05)
            order = torch.randperm(n)
            for s in range(0, n, b):
                idx = order[s : s + b]
                opt.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(local(xs[c, idx]), ys[c, idx])
                loss.backward()
                opt.step()
            with torch.no_grad():
                for name, t in local.state_dict().items():
                    update[name].add_(t - global_state[name], alpha=weight)
        with torch.no_grad():
            for name, t in global_model.state_dict().items():
                t.add_(update[name])

    for _ in range(args.warmup):
        one_round()
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        one_round()
        times.append((time.perf_counter() - start) * 1000)
    print(
        json.dumps(
            {
                "median_round_ms": statistics.median(times),
                "min_round_ms": min(times),
                "mean_round_ms": statistics.fmean(times),
                "rounds": len(times),
                "version": torch.__version__,
                "threads": torch.get_num_threads(),
                "blas": blas_library(),
            }
        )
    )


if __name__ == "__main__":
    main()
