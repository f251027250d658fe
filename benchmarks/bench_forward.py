"""The cost of forward views: forecasts and crossing years with and without them.

Run from the repository root:

    python benchmarks/bench_forward.py              # n = 1e6
    python benchmarks/bench_forward.py -n 1e5 --repeat 5

On one set of samples of priors/gpt3_today.toml it times, best of
``--repeat``:

* the forecast without views (the closed form effcast always used: one
  crossing is a few vectorised operations) and with the prior's views;
* the crossing year of one threshold, solved in closed form (no views) and
  by per-sample bisection (views: 60 halvings of a 1,000-year bracket);
* the forward sensitivity of that crossing year (Shapley shares over every
  subset of the inputs, on at most 200,000 samples);

and peak memory (tracemalloc) of the forecast with views, which keeps every
factor's samples. Compare ratios within one run; times are wall-clock on a
shared machine.
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc
from pathlib import Path

import effcast

PRIOR = Path(__file__).resolve().parents[1] / "priors" / "gpt3_today.toml"


def best(fn, repeat: int) -> float:
    out = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=float, default=1e6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = int(args.n)
    model = effcast.load(PRIOR)
    res = model.sample(n, seed=1)
    plain = effcast.forecast(model, to=2035, results=res, seed=1, views=False)
    views = effcast.forecast(model, to=2035, results=res, seed=1)
    rows = {
        "forecast, no views": best(
            lambda: effcast.forecast(model, to=2035, results=res, views=False),
            args.repeat,
        ),
        "forecast, views": best(
            lambda: effcast.forecast(model, to=2035, results=res, seed=1),
            args.repeat,
        ),
        "crossing, closed form": best(
            lambda: plain.crossing_year("compute", 3.0), args.repeat
        ),
        "crossing, bisection": best(
            lambda: views.crossing_year("compute", 3.0), args.repeat
        ),
        "sensitivity of a crossing": best(
            lambda: effcast.crossing_sensitivity(effcast.crossing(views, [1e21])), 1
        ),
    }
    base = rows["crossing, closed form"]
    print(f"n = {n:,}")
    for name, t in rows.items():
        print(f"{name:<28}{t:9.3f} s   {t / base:8.1f}x the closed-form crossing")
    tracemalloc.start()
    effcast.forecast(model, to=2035, results=res, seed=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"peak memory of a forecast with views (samples already drawn): "
        f"{peak / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main()
