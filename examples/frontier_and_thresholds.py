"""Frontier runs, effective compute and compute thresholds that keep their meaning.

Run from the repository root:

    python examples/frontier_and_thresholds.py

Uses priors/gpt4_2026.toml: the gains in training a GPT-4-level model from
GPT-4's run (August 2022) to 2026, each factor with its forward view, and
the largest training run (Grok 3, about 4.6e26 FLOP in February 2025,
growing about 4.5x per year). It prints

* when the largest run passes 1e27 and 1e28 FLOP (median year);
* the frontier run's effective compute in 2030 relative to GPT-4's run, and
  how much of its growth (in orders of magnitude) is efficiency;
* the indexed 1e25 FLOP threshold: the limit that in 2028 and 2030 still
  means what 1e25 meant for a model trained in 2024;
* the belief that moves the year a 1e26-FLOP-in-2024 capability fits under
  1e25 the most (its Shapley share).
"""

from __future__ import annotations

import effcast


def main(n: int = 200_000, seed: int = 1) -> dict[str, float]:
    model = effcast.load("gpt4_2026")
    fc = effcast.forecast(model, to=2035, n=n, seed=seed)
    out: dict[str, float] = {}
    frontier = effcast.crossing(fc, [1e27, 1e28], frontier=True)
    for row, q in zip(frontier.rows, frontier.summary()["questions"], strict=True):
        if row["kind"] == "frontier":
            out[row["label"]] = q["median_year"]
            print(f"{row['label']}: median year {q['median_year']:.1f}")
    split = fc.summary(years=[2030.0])["growth_split"]["2030"]
    out["efficiency_share_2030"] = split["efficiency_share_median"]
    print(
        f"2030: resources {split['resources']['0.5']:.3g}x, efficiency "
        f"{split['efficiency']['0.5']:.3g}x over GPT-4's run; efficiency is "
        f"{split['efficiency_share_median']:.0%} of the OOMs of effective compute"
    )
    cr = effcast.crossing(fc, [1e25], reference=1e26, reference_year=2024.0)
    doc = cr.summary()
    indexed = doc["questions"][0]["indexed_threshold"]
    for year in ("2028", "2030"):
        value = indexed[year]["quantiles"]["0.5"]
        out[f"indexed_1e25_{year}"] = value
        print(f"1e25 FLOP set in 2024 means, in {year}, {value:.2g} FLOP (median)")
    year = out["fits_under_1e25"] = doc["questions"][0]["median_year"]
    print(f"A 1e26-FLOP-in-2024 capability fits under 1e25 in {year:.1f}")
    sens = effcast.crossing_sensitivity(cr)[0]
    top, row = next(iter(sens["inputs"].items()))
    print(f"Belief that moves that year most: {top} ({row['share']:.0%} share)")
    return out


if __name__ == "__main__":
    main()
