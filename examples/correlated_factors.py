"""Does it matter that Mixture of Experts may lower utilisation?

Run from the repository root:

    python examples/correlated_factors.py

The founding analysis elicits each factor conditional on the ones before it
but multiplies independent draws. Here we state two dependencies it mentions
in words (MoE's memory demands may lower the MFU a lab reaches; unpublished
gains may overlap with the Transformer++ recipe) as rank correlations, and
compare the headline with the independent version. Each factor's own
distribution is unchanged; only how they combine moves.
"""

from __future__ import annotations

import tomllib

import numpy as np
from scipy import stats

import effcast

PRIOR = effcast.shipped_priors()["gpt3_today"]  # the file of a shipped prior

DEPENDENCE = [
    {"between": ["moe", "hardware_efficiency"], "rho": -0.3},
    {"between": ["transformer_pp", "unpublished"], "rho": -0.4},
]


def main(n: int = 400_000, seed: int = 1) -> dict[str, dict[str, float]]:
    data = tomllib.loads(PRIOR.read_text())
    rows = {}
    for label, corr in (("independent", []), ("with dependence", DEPENDENCE)):
        model = effcast.Model.from_dict({**data, "correlation": corr}, source=label)
        res = model.sample(n, seed=seed)
        lo, med, hi = res.quantile("hardware", [0.1, 0.5, 0.9])
        rows[label] = {
            "median": float(med),
            "p10": float(lo),
            "p90": float(hi),
            "p_1000": float(res.prob_exceeds("hardware", 1000)),
            "rho_moe_mfu": float(
                stats.spearmanr(
                    res.factor("moe"), res.factor("hardware_efficiency")
                ).statistic
            ),
            "moe_median": float(np.median(res.factor("moe"))),
        }
        r = rows[label]
        print(
            f"{label:>16}: hardware median {r['median']:5.0f}x "
            f"(80% {r['p10']:4.0f}x-{r['p90']:5.0f}x), P(>1000x) {r['p_1000']:.0%}, "
            f"Spearman(MoE, MFU) {r['rho_moe_mfu']:+.2f}, MoE median "
            f"{r['moe_median']:.2f}x"
        )
    return rows


if __name__ == "__main__":
    main()
