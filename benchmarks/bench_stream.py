"""Time and peak memory of a streamed run, as a whole process.

Run from the repository root:

    python benchmarks/bench_stream.py -n 1e9

Prints the wall time, the samples per second and the process's peak resident
memory (``ru_maxrss``: everything, numba and numpy included), and checks the
streamed medians against the in-memory path on a smaller run of the same
seed (they must agree within the documented 2**-11).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import effcast

PRIOR = Path(__file__).resolve().parents[1] / "priors" / "gpt3_today.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=float, default=1e9)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    n = int(args.n)
    model = effcast.load(PRIOR)
    model.stream(100_000, seed=0)  # warm-up
    t0 = time.perf_counter()
    res = model.stream(n, seed=1, threads=args.threads)
    elapsed = time.perf_counter() - t0
    # Read before the in-memory check below, which keeps its samples.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    check_n = 2_000_000
    a = model.stream(check_n, seed=7).quantile("hardware", [0.1, 0.5, 0.9])
    b = model.sample(check_n, seed=7).quantile("hardware", [0.1, 0.5, 0.9])
    agree = max(abs(a / b - 1)) <= effcast.StreamedResults.relative_error
    print(
        f"n = {n:.0e}: {elapsed:.1f} s ({n / elapsed / 1e6:.1f} million samples/s), "
        f"peak resident memory {peak_mb:.0f} MB"
    )
    print(
        f"hardware median {res.quantile('hardware', 0.5):.1f}x, "
        f"P(>1000x) {res.prob_exceeds('hardware', 1000):.4f}"
    )
    print(f"streamed quantiles agree with in-memory ones within 2**-11: {agree}")


if __name__ == "__main__":
    main()
