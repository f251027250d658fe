"""Drawing a forward rate written as a mixture, against a lognormal rate.

Run from the repository root:

    python benchmarks/bench_forward_rate.py -n 1e6

Times ``effcast.forecast`` over the same samples with a lognormal rate and a
two-component mixture rate (the mixture's quantiles by the kernel's
bisection, effcast.engine._ppf), and the old path (scipy's brentq per
sample, ``MixtureMarginal.ppf``) on a subset, scaled up to ``n``. Prints the
times and their ratios, all measured in this one run, and checks that the
kernel's quantiles agree with brentq's on the subset.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import effcast
from effcast.analysis._forecast_settings import rate_marginal
from effcast.engine._ppf import ppf_many

PRIOR = Path(__file__).resolve().parents[1] / "priors" / "gpt3_today.toml"
LOGNORMAL = {"median": 0.45, "ci": [0.2, 0.8], "level": 0.8}
MIXTURE = {
    "dist": "mixture",
    "components": [
        {"weight": 0.6, "dist": "lognormal", "ci": [0.2, 0.5], "level": 0.8},
        {"weight": 0.4, "dist": "lognormal", "ci": [0.4, 1.0], "level": 0.8},
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=float, default=1e6)
    parser.add_argument("--subset", type=float, default=2e4)
    args = parser.parse_args()
    n, k = int(args.n), int(args.subset)
    model = effcast.load(PRIOR)
    res = model.sample(n, seed=1, factors=False)
    effcast.forecast(model, results=res, rate=MIXTURE, seed=1)  # compile
    times = {}
    for name, rate in (("lognormal", LOGNORMAL), ("mixture", MIXTURE)):
        t0 = time.perf_counter()
        effcast.forecast(model, results=res, rate=rate, seed=1)
        times[name] = time.perf_counter() - t0
    m = rate_marginal(MIXTURE)
    u = np.random.default_rng(2).random(k)
    t0 = time.perf_counter()
    slow = m.ppf(u)
    times["brentq (scaled to n)"] = (time.perf_counter() - t0) * n / k
    fast = ppf_many(m, u)
    worst = float(np.max(np.abs(fast / slow - 1)))
    for name, t in times.items():
        print(f"{name:>22}: {t:8.3f} s  ({t / times['lognormal']:7.1f}x lognormal)")
    print(f"kernel vs brentq on {k:,} quantiles: largest relative gap {worst:.2e}")


if __name__ == "__main__":
    main()
