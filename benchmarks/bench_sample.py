"""Time and memory of ``Model.sample`` against the cost of its random numbers.

Run from the repository root:

    python benchmarks/bench_sample.py            # n = 10,000,000
    python benchmarks/bench_sample.py -n 1e6 --repeat 5

For each n, in one process and after a warm-up (which also compiles or loads
the cached kernels), it reports the best of ``--repeat`` runs of:

* effcast: ``load("priors/gpt3_today.toml").sample(n)`` (all factors kept);
* effcast, totals only: the same with ``factors=False``;
* floor: numpy drawing the standard normals the model needs,
  ``default_rng().standard_normal(6 * n)``;
* numpy model: the same model written as plain vectorised numpy/scipy.

Peak memory is measured with ``tracemalloc`` (numpy reports its array
allocations to it) and compared with the bytes of the arrays returned.
Times are wall-clock; compare the ratios within one run, since a shared
machine's absolute figures wander.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import stats

import effcast

PRIOR = Path(__file__).resolve().parents[1] / "priors" / "gpt3_today.toml"


def best_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        del out
    return min(times)


def peak_bytes(fn) -> tuple[int, object]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, out


def numpy_model(model, n: int, rng: np.random.Generator) -> tuple:
    """The same prior, vectorised with numpy and scipy (no numba)."""
    hardware = np.ones(n)
    compute = np.ones(n)
    for m in model.marginals:
        a, b = m.z_bounds
        if np.isinf(a) and np.isinf(b):
            z = rng.standard_normal(n)
        else:
            z = stats.truncnorm.rvs(a, b, size=n, random_state=rng)
        y = m.loc + np.where(z < 0, m.s_lo, m.s_hi) * z
        x = np.exp(y) if m.log else y
        np.maximum(x, m.floor, out=x)
        hardware *= x
        if m.reduces == "compute":
            compute *= x
    return hardware, compute


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-n", type=float, action="append", help="sample count (repeatable; default 1e7)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-numpy-model",
        action="store_true",
        help="skip the (slow) vectorised numpy model",
    )
    args = parser.parse_args()
    sizes = [int(x) for x in (args.n or [1e7])]
    model = effcast.load(PRIOR)
    model.sample(1000, seed=0)  # warm-up: load or compile the kernels
    nf = len(model.marginals)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, numpy {np.__version__}"
    )
    print(
        "\n| n | implementation | best time (s) | ratio to floor | peak memory "
        "(MB) | returned (MB) |"
    )
    print("|---|---|---|---|---|---|")
    for n in sizes:
        rng = np.random.default_rng(1)
        rng.standard_normal(1000)
        rows = []
        floor_t = best_time(
            lambda n=n, rng=rng: rng.standard_normal(nf * n), args.repeat
        )
        floor_peak, out = peak_bytes(lambda n=n, rng=rng: rng.standard_normal(nf * n))
        rows.append(
            ("floor: numpy standard_normal(6n)", floor_t, floor_peak, out.nbytes)
        )
        del out
        for label, kw in (
            ("effcast sample", {}),
            ("effcast sample, totals only", {"factors": False}),
        ):
            t = best_time(lambda kw=kw, n=n: model.sample(n, seed=1, **kw), args.repeat)
            peak, res = peak_bytes(lambda kw=kw, n=n: model.sample(n, seed=1, **kw))
            returned = res._totals.nbytes + (
                res._factors.nbytes if res.has_factors else 0
            )
            rows.append((label, t, peak, returned))
            del res
        if not args.no_numpy_model:
            t = best_time(lambda n=n, rng=rng: numpy_model(model, n, rng), 1)
            rows.append(("plain numpy/scipy model", t, None, 2 * 8 * n))
        for label, t, peak, returned in rows:
            peak_s = f"{peak / 1e6:,.0f}" if peak is not None else "-"
            print(
                f"| {n:.0e} | {label} | {t:.3f} | {t / floor_t:.2f} | {peak_s} | "
                f"{returned / 1e6:,.0f} |"
            )


if __name__ == "__main__":
    main()
