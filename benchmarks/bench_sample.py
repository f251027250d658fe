"""effcast against plain numpy/scipy, squigglepy and the cost of its random numbers.

Run from the repository root (squigglepy is optional: ``pip install squigglepy``):

    python benchmarks/bench_sample.py                  # n = 1e5, 1e6, 1e7
    python benchmarks/bench_sample.py -n 1e7 --repeat 5

For each n, in one process and after a warm-up (which also compiles or loads
the cached kernels), it reports the best of ``--repeat`` runs of:

* effcast: ``load("priors/gpt3_today.toml").sample(n)`` (every factor kept);
* effcast, totals only: the same with ``factors=False``;
* numpy/scipy: the same model written as plain vectorised numpy, truncated
  factors by the inverse CDF (``scipy.special.ndtri``);
* squigglepy: the same model in squigglepy, written as its documentation
  suggests (``sq.lognorm``/``sq.norm`` where a plain family fits,
  ``sq.dist_fn`` for what it has no family for: the split distributions and
  exact truncation, which its ``lclip``/``rclip`` would replace by clipping;
  ``sq.dist_max`` for the floor, ``*`` for products, ``sq.sample``); it draws
  the hardware and the compute totals (two calls), since effcast returns both;
* floor: numpy drawing the standard normals the model needs,
  ``default_rng().standard_normal(6 * n)``.

Columns: the best time, its ratio to effcast's, peak memory (tracemalloc,
which sees numpy's allocations), and the hardware median with a check that
it agrees with effcast's within Monte Carlo error (four standard errors of
the difference of two independent sample medians).

Times are wall-clock on a shared machine; compare ratios within one run.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import special

import effcast

PRIOR = Path(__file__).resolve().parents[1] / "priors" / "gpt3_today.toml"


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, out = math.inf, None
    for _ in range(repeat):
        del out
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_bytes(fn) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return peak


def numpy_model(model, n: int, rng: np.random.Generator):
    """The prior, vectorised with numpy and scipy (no numba), as a competent
    user would write it: truncation by the inverse CDF (``scipy.special.ndtri``
    on the truncation's probability range), not ``scipy.stats.truncnorm.rvs``
    (several times slower)."""
    hardware = np.ones(n)
    compute = np.ones(n)
    for m in model.marginals:
        a, b = m.z_bounds
        if np.isinf(a) and np.isinf(b):
            z = rng.standard_normal(n)
        else:
            pa, pb = special.ndtr(a), special.ndtr(b)
            z = special.ndtri(pa + rng.random(n) * (pb - pa))
        y = m.loc + np.where(z < 0, m.s_lo, m.s_hi) * z
        x = np.exp(y) if m.log else y
        np.maximum(x, m.floor, out=x)
        hardware *= x
        if m.reduces == "compute":
            compute *= x
    return hardware, compute


def squigglepy_model(model):
    """The prior as squigglepy distributions: (hardware, compute)."""
    import squigglepy as sq
    from scipy import special as sp_special

    def split(m):
        """A split (two-piece) normal or lognormal, from a standard normal."""

        def transform(z, m=m):
            y = m.loc + np.where(z < 0, m.s_lo, m.s_hi) * z
            return np.exp(y) if m.log else y

        return sq.dist_fn(sq.norm(mean=0, sd=1), fn=transform, name=m.name)

    def truncated(m):
        """Exact truncation by the inverse CDF (squigglepy's clips would pile
        the cut-off mass on the bounds)."""
        a, b = m.z_bounds
        pa, pb = sp_special.ndtr(a), sp_special.ndtr(b)

        def transform(u, m=m, pa=pa, pb=pb):
            z = sp_special.ndtri(pa + u * (pb - pa))
            y = m.loc + np.where(z < 0, m.s_lo, m.s_hi) * z
            return np.exp(y) if m.log else y

        return sq.dist_fn(sq.uniform(0, 1), fn=transform, name=m.name)

    hardware = compute = None
    for m in model.marginals:
        if not (math.isinf(m.lower) and math.isinf(m.upper)):
            dist = truncated(m)
        elif m.s_lo != m.s_hi:
            dist = split(m)
        elif m.log:
            dist = sq.lognorm(norm_mean=m.loc, norm_sd=m.s_lo)
        else:
            dist = sq.norm(mean=m.loc, sd=m.s_lo)
        if not math.isinf(m.floor):
            dist = sq.dist_max(dist, m.floor)
        hardware = dist if hardware is None else hardware * dist
        if m.reduces == "compute":
            compute = dist if compute is None else compute * dist
    return hardware, compute


def median_se(log_values: np.ndarray) -> float:
    """Standard error of the median of log(hardware), from its density."""
    n = log_values.size
    med = np.median(log_values)
    h = 0.05 * np.std(log_values)
    density = np.mean(np.abs(log_values - med) < h) / (2 * h)
    return 0.5 / (density * math.sqrt(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-n",
        type=float,
        action="append",
        help="sample count (repeatable; default 1e5, 1e6, 1e7)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(x) for x in (args.n or [1e5, 1e6, 1e7])]
    model = effcast.load(PRIOR)
    model.sample(1000, seed=0)  # warm-up: load or compile the kernels
    n_factors = len(model.marginals)
    try:
        import squigglepy as sq

        sq_hw, sq_cp = squigglepy_model(model)
        sq.sample(sq_hw, n=1000)
        sq_version = sq.__version__
    except ImportError:
        sq_hw = sq_cp = None
        sq_version = "not installed"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numpy {np.__version__}, numba "
        f"{__import__('numba').__version__}, squigglepy {sq_version}"
    )
    print(
        "\n| n | implementation | best time (s) | time / effcast | peak memory "
        "(MB) | hardware median | agrees |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        rng = np.random.default_rng(1)
        rows = []
        t_eff, res = best_time(lambda n=n: model.sample(n, seed=1), args.repeat)
        ref = np.log(res.hardware)
        ref_med, ref_se = float(np.median(ref)), median_se(ref)
        del res, ref
        rows.append(
            (
                "effcast",
                t_eff,
                peak_bytes(lambda n=n: model.sample(n, seed=1)),
                math.exp(ref_med),
            )
        )
        t, res = best_time(
            lambda n=n: model.sample(n, seed=2, factors=False), args.repeat
        )
        rows.append(
            (
                "effcast, totals only",
                t,
                peak_bytes(lambda n=n: model.sample(n, seed=2, factors=False)),
                float(np.median(res.hardware)),
            )
        )
        del res
        repeat = args.repeat if n <= 1_000_000 else 1
        t, (hw, _) = best_time(lambda n=n, rng=rng: numpy_model(model, n, rng), repeat)
        rows.append(
            (
                "numpy/scipy, vectorised",
                t,
                peak_bytes(lambda n=n, rng=rng: numpy_model(model, n, rng)),
                float(np.median(hw)),
            )
        )
        del hw
        if sq_hw is not None:

            def run_sq(n=n):
                return sq.sample(sq_hw, n=n), sq.sample(sq_cp, n=n)

            t, (hw, _) = best_time(run_sq, repeat)
            rows.append(("squigglepy", t, peak_bytes(run_sq), float(np.median(hw))))
            del hw
        t, _ = best_time(
            lambda n=n, rng=rng: rng.standard_normal(n_factors * n), args.repeat
        )
        rows.append(
            (
                f"floor: numpy standard_normal({n_factors}n)",
                t,
                peak_bytes(lambda n=n, rng=rng: rng.standard_normal(n_factors * n)),
                None,
            )
        )
        for label, t, peak, med in rows:
            if med is None:
                med_s, ok = "-", "-"
            else:
                diff = abs(math.log(med) - ref_med)
                med_s = f"{med:,.1f}"
                ok = (
                    "reference"
                    if label == "effcast"
                    else "yes"
                    if diff <= 4 * math.sqrt(2) * ref_se
                    else f"NO ({diff / ref_se:.1f} se)"
                )
            print(
                f"| {n:.0e} | {label} | {t:.4f} | {t / t_eff:.2f} | "
                f"{peak / 1e6:,.1f} | {med_s} | {ok} |"
            )


if __name__ == "__main__":
    main()
