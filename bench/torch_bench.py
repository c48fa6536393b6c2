"""PyTorch's side of `npm run bench -- --vs-torch`: the same workloads, timed the same way.

Usage: torch_bench.py --threads N --request '{"workload": "gemm", "cases": [...]}'
       torch_bench.py --threads N --request '{"workload": "linear", "runner": "training", "cases": [...]}'
Prints one JSON object per line, with the fields of bench/workload.ts `Result`.
"""
import argparse
import json
import resource
import sys
import time

import torch

from torch_training import training


def timed(work, min_seconds=1.0, min_runs=5, warmup_runs=2):
    """Best and median seconds of `work`, repeated as bench/timing.ts does."""
    for _ in range(warmup_runs):
        work()
    seconds = []
    start = time.perf_counter()
    while len(seconds) < min_runs or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - t)
    seconds.sort()
    return seconds[0], seconds[len(seconds) // 2], len(seconds)


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def gemm(cases, threads):
    """C = op(A)·op(B) on operands stored as ours are; a transposed view costs BLAS nothing."""
    generator = torch.Generator().manual_seed(1)
    for c in cases:
        m, n, k = c["m"], c["n"], c["k"]
        a = torch.randn((k, m) if c["transA"] else (m, k), generator=generator)
        b = torch.randn((n, k) if c["transB"] else (k, n), generator=generator)
        op_a = a.t() if c["transA"] else a
        op_b = b.t() if c["transB"] else b
        out = torch.empty(m, n)
        # As bench/gemm.ts: a large product gets more runs, so that one undisturbed run is likely.
        min_seconds = 4.0 if m * n * k >= 1 << 27 else 1.0
        with torch.no_grad():
            best, median, runs = timed(lambda: torch.mm(op_a, op_b, out=out), min_seconds=min_seconds)
        yield {
            "workload": "gemm", "case": c["case"], "label": c.get("label"), "engine": "pytorch",
            "threads": threads, "seconds": best, "medianSeconds": median, "runs": runs,
            "gflops": 2 * m * n * k / best / 1e9, "peakRssMb": peak_rss_mb(),
        }


RUNNERS = {"gemm": gemm, "training": lambda cases, threads: training(cases, threads, peak_rss_mb)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--request", required=True, help="JSON: {workload, runner?, cases}")
    args = parser.parse_args()
    request = json.loads(args.request)
    torch.set_num_threads(args.threads)
    runner = RUNNERS[request.get("runner", request["workload"])]
    for result in runner(request["cases"], args.threads):
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
