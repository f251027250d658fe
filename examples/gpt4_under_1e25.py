"""When can a GPT-4-level model be trained under the EU AI Act's 1e25 FLOP?

Run from the repository root:

    python examples/gpt4_under_1e25.py

GPT-4 took about 2e25 FLOP (25,000 A100 for about 95 days, finished around
August 2022), so crossing 1e25 needs a 2x compute-requirement reduction
after its training: 0.3 orders of magnitude. This script projects the gains
of priors/gpt3_today.toml from GPT-4's training onward under three views of
the future: the prior's own per-sample rates carried forward, Epoch's
slower 2.3x per year for language models (0.36 OOM/yr, with uncertainty),
and a slowdown (the rate falls by 30% a year, capped at 2 further orders of
magnitude). For each it prints the median year and the chance of having
crossed by the start of 2024, 2025 and 2026, for 1e25 and for the stricter
1e24 and 1e23.

It assumes that the rates the prior states for GPT-3-level capability also
hold at GPT-4 level. Up to the prior's period end (early 2024) every view
uses the prior's own per-sample rates; the views differ only after it, which
is why they agree on 1e25 (crossed, by these rates, in early 2023).
"""

from __future__ import annotations

import effcast

PRIOR = "gpt3_today"  # a shipped prior, found by name
THRESHOLDS = (1e25, 1e24, 1e23)
VIEWS = {
    "seed's rates": {},
    "Epoch 0.36 OOM/yr": {"rate": {"median": 0.36, "ci": [0.2, 0.6], "level": 0.8}},
    "slowing 30%/yr, cap 2": {"acceleration": 0.7, "cap": 2.0},
}


def main(n: int = 200_000, seed: int = 1) -> dict[str, dict[float, float | None]]:
    model = effcast.load(PRIOR)
    medians = {}
    print("A GPT-4-level model (2e25 FLOP, 2022.6) trained under a threshold")
    print(f"{'view':<24}{'threshold':>10}{'median year':>13}  P(by 2024/2025/2026)")
    for view, kwargs in VIEWS.items():
        fc = effcast.forecast(model, to=2040, n=n, seed=seed, **kwargs)
        cr = effcast.crossing(fc, THRESHOLDS, reference="gpt4")
        doc = cr.summary()
        medians[view] = {}
        for i, (t, q) in enumerate(zip(THRESHOLDS, doc["questions"], strict=True)):
            med = q["median_year"]
            medians[view][t] = med
            probs = cr.prob_crossed_by(i, [2024, 2025, 2026])
            text = "never" if med is None else f"{med:.1f}"
            ps = " / ".join(f"{p:6.1%}" for p in probs)
            print(f"{view:<24}{t:>10.0e}{text:>13}  {ps}")
        print()
    return medians


if __name__ == "__main__":
    main()
