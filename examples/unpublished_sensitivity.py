"""How much does the GPT-3-today estimate hang on the unpublished-innovations prior?

Run from the repository root:

    python examples/unpublished_sensitivity.py

The seed's most speculative factor is "unpublished algorithmic innovations":
median 3.5x, 80% interval 1.5x to 13x, a judgement from indirect evidence.
This script re-runs the whole prior with that factor made smaller, wider or
removed, using effcast.sweep with an explicit list of scenarios (each a set
of --set style overrides), and prints the hardware and compute medians, the
chance of a hardware reduction above 1000x and the compute rate in OOM per
year. Every scenario gets its own seed from the sweep's seed, so the table
is reproducible and the same whichever executor runs it.
"""

from __future__ import annotations

import tomllib

import effcast

PRIOR = effcast.shipped_priors()["gpt3_today"]  # the file of a shipped prior
SCENARIOS = {
    "as published (3.5x, 1.5-13x)": {},
    "half the median (1.75x)": {"unpublished.median": 1.75},
    "narrow (2x, 1.2-4x)": {"unpublished.median": 2.0, "unpublished.ci": [1.2, 4.0]},
    "wide (3.5x, 1.2-40x)": {"unpublished.ci": [1.2, 40.0]},
    # An interval a millionth wide pins the factor at 1x: as if it were absent.
    "none (pinned at 1x)": {
        "unpublished.ci": [1.0, 1.000001],
        "unpublished.median": 1.0000005,
    },
}
STATS = ["hardware.0.5", "compute.0.5", "hardware.p1000", "compute.oom.0.5"]


def main(n: int = 200_000, seed: int = 1) -> dict[str, dict[str, float]]:
    data = tomllib.loads(PRIOR.read_text())
    sw = effcast.sweep(
        data,
        scenarios=list(SCENARIOS.values()),
        stats=STATS,
        n=n,
        seed=seed,
        scheduler="serial",
        source=str(PRIOR.name),
    )
    out = {}
    print(
        f"{'unpublished innovations':<30}{'hardware':>10}{'compute':>10}"
        f"{'P(hw>1000x)':>13}{'compute OOM/yr':>16}"
    )
    for label, row in zip(SCENARIOS, sw.rows, strict=True):
        s = row["stats"]
        out[label] = s
        print(
            f"{label:<30}{s['hardware.0.5']:>9.0f}x{s['compute.0.5']:>9.0f}x"
            f"{s['hardware.p1000']:>13.0%}{s['compute.oom.0.5']:>16.2f}"
        )
    return out


if __name__ == "__main__":
    main()
