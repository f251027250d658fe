"""Condition the GPT-3-today prior on what has been observed, and see what moves.

Run from the repository root:

    python examples/condition_on_evidence.py

``priors/gpt3_today_evidence.toml`` is ``gpt3_today`` plus two
``[[evidence]]`` entries: Epoch's estimate that language-model compute
requirements halve every ~8 months (95% CI 5-14), read as a measurement of
the compute reduction's annual rate; and one observed training run, Llama 3
405B at 38-43% MFU on 16,000 H100s (1.94-2.19x GPT-3's 19.6%), a soft bound
on the hardware-efficiency factor. The script samples the prior alone
(``Model.without_evidence``) and the conditioned model with the same seed,
and prints:

* where each observation falls in the prior's predictive distribution (a
  prior the data contradict shows up here first);
* the effective sample size the weights leave;
* hardware and compute, median and 80% interval, before and after;
* each factor before and after, under both observations and under each
  alone, and which factor moved most for its prior uncertainty.

The same figures come from the command line:

    effcast sample gpt3_today_evidence -n 1e6 --seed 2024
    effcast sample gpt3_today_evidence -n 1e6 --seed 2024 --no-evidence
    effcast plot gpt3_today_evidence --kind evidence -o evidence.png
"""

from __future__ import annotations

import effcast


def _x(v: float) -> str:
    return f"{v:,.0f}x" if v >= 100 else f"{v:.3g}x"


def main(n: int = 1_000_000, seed: int = 2024) -> dict:
    model = effcast.load("gpt3_today_evidence")
    post = model.sample(n, seed=seed)
    doc = post.summary()
    ev = doc["evidence"]
    print(f"{n:,} samples, seed {seed}; effective sample size {ev['ess']:,.0f}")
    print("\nWhere each observation falls under the prior (before reweighting):")
    for e in ev["entries"]:
        if "prior_percentile" in e:
            where = f"at the {e['prior_percentile']:.1f}th percentile"
        else:
            where = f"{100 * e['prior_mass_inside']:.1f}% of the prior is inside"
        print(f"  {e['name']:<17} {where}; ESS alone {e['ess_alone']:,.0f}")
    out: dict = {"ess": ev["ess"], "n": n, "totals": {}, "factors": {}}
    print("\nMedian [80% interval]        prior                 posterior")
    for which in ("hardware", "compute"):
        row = ev["shifts"][which]
        p, q = row["prior"], row["posterior"]
        out["totals"][which] = row
        print(
            f"  {which:<10} {_x(p['0.5']):>8} [{_x(p['0.1'])}-{_x(p['0.9'])}]"
            f"  ->  {_x(q['0.5']):>6} [{_x(q['0.1'])}-{_x(q['0.9'])}]"
        )
    print("\nFactor medians: prior, posterior, under each observation alone")
    alone = ev["by_entry"]
    names = list(alone)
    print(f"  {'':<20} {'prior':>6} {'both':>6} " + " ".join(f"{a:>17}" for a in names))
    for name in model.factor_names:
        row = ev["shifts"][f"factor:{name}"]
        out["factors"][name] = row
        cells = " ".join(f"{_x(alone[a][name]['0.5']):>17}" for a in names)
        print(
            f"  {name:<20} {_x(row['prior']['0.5']):>6} "
            f"{_x(row['posterior']['0.5']):>6} {cells}"
        )
    out["moved_most"] = ev["moved_most"]
    shift = ev["shifts"][f"factor:{ev['moved_most']}"]["median_shift"]
    print(
        f"\nMoved most for its prior uncertainty: {ev['moved_most']} "
        f"({shift:+.2f} widths of its prior 80% interval)"
    )
    return out


if __name__ == "__main__":
    main()
