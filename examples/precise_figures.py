"""How precise is a figure, and how to get a more precise one for less.

Every headline figure effcast reports carries its Monte Carlo standard
error. This example draws the GPT-3 prior three ways and prints the hardware
median with its error:

1. plain Monte Carlo, 65,536 samples;
2. randomised quasi-Monte Carlo (scrambled Sobol points), the same number
   of samples: a smaller error for the same work;
3. precision mode: draw until the medians and 80% intervals have a standard
   error of at most 0.2% of their value.

Run it from the repository root: ``python examples/precise_figures.py``.
"""

from __future__ import annotations

import effcast


def main(n: int = 2**16, rel_se: float = 0.002) -> dict:
    model = effcast.load("gpt3_today")
    runs = {
        "Monte Carlo": model.sample(n, seed=1, factors=False),
        "quasi-Monte Carlo": model.sample(n, seed=1, factors=False, qmc=True),
        f"precision mode ({100 * rel_se:g}%)": model.sample(
            10**8, seed=1, factors=False, rel_se=rel_se
        ),
    }
    out = {}
    for label, res in runs.items():
        doc = res.summary()["hardware"]
        median, se = doc["quantiles"]["0.5"], doc["se"]["quantiles"]["0.5"]
        out[label] = {"n": res.n, "median": median, "se": se}
        print(f"{label:28s} {res.n:>10,} samples: median {median:6.1f}x ± {se:.2f}")
    return out


if __name__ == "__main__":
    main()
