"""What conditioning on [[evidence]] costs: the same prior with and without it.

Run from the repository root:

    python benchmarks/bench_evidence.py -n 1e6

Times, in one run and alternating to share the machine's load, for
``gpt3_today_evidence`` with its two entries and the same prior with
``without_evidence()`` (the same samples, unweighted):

* ``Model.sample(n)`` (the likelihood is evaluated per block, in the
  sampling threads);
* ``Results.summary()`` (weighted quantiles sort each series; unweighted
  ones use numpy's selection);
* ``Model.stream(n)`` (weighted histograms beside the counts).

Prints each time and the ratio with/without, plus the ESS. No threshold is
asserted: the figures are for the README and for spotting regressions.
"""

from __future__ import annotations

import argparse
import statistics
import time

import effcast


def _time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=float, default=1e6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = int(args.n)
    cond = effcast.load("gpt3_today_evidence")
    prior = cond.without_evidence()
    for m in (cond, prior):  # compile and warm up
        m.sample(100_000, seed=0).summary()
        m.stream(100_000, seed=0)
    rows = {}
    for label, m in (("with evidence", cond), ("without", prior)):
        res = m.sample(n, seed=1)
        rows[label] = (
            _time(lambda m=m: m.sample(n, seed=1), args.repeat),
            _time(res.summary, args.repeat),
            _time(lambda m=m: m.stream(n, seed=1), args.repeat),
        )
    print(f"n = {n:,}, median of {args.repeat} runs (seconds)")
    print(f"{'':<16}{'sample':>10}{'summary':>10}{'stream':>10}")
    for label, (a, b, c) in rows.items():
        print(f"{label:<16}{a:>10.2f}{b:>10.2f}{c:>10.2f}")
    w, p = rows["with evidence"], rows["without"]
    print(f"{'ratio':<16}{w[0] / p[0]:>10.2f}{w[1] / p[1]:>10.2f}{w[2] / p[2]:>10.2f}")
    ess = cond.sample(n, seed=1).evidence.ess
    print(f"ESS {ess:,.0f} of {n:,} ({ess / n:.1%})")


if __name__ == "__main__":
    main()
