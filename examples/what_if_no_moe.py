"""How much of the GPT-3-today estimate rests on Mixture of Experts?

Run from the repository root:

    python examples/what_if_no_moe.py

Loads the shipped prior as a dictionary, drops the MoE factor, samples both
versions with the same seed and prints the medians side by side. It shows the
pattern for testing any assumption from Python: edit the dictionary, build a
Model, sample, compare.
"""

from __future__ import annotations

import tomllib

import effcast

PRIOR = effcast.shipped_priors()["gpt3_today"]  # the file of a shipped prior


def main(n: int = 200_000, seed: int = 1) -> dict[str, float]:
    data = tomllib.loads(PRIOR.read_text())
    without = {**data, "factor": [f for f in data["factor"] if f["name"] != "moe"]}
    rows = {}
    for label, prior in (("as published", data), ("without MoE", without)):
        res = effcast.Model.from_dict(prior, source=label).sample(n, seed=seed)
        rows[label] = float(res.quantile("hardware", 0.5))
        print(
            f"{label:>13}: hardware reduction median {rows[label]:6.0f}x, "
            f"P(>1000x) {res.prob_exceeds('hardware', 1000):.0%}, "
            f"{res.summary()['hardware']['oom_per_year']['quantiles']['0.5']:.2f}"
            " OOM/yr"
        )
    return rows


if __name__ == "__main__":
    main()
