"""Embedding effcast in your own model: a dict prior, the API, pandas, a plot.

Run from the repository root:

    python examples/embed_effcast.py [FIGURE.png]

Builds a prior from a Python dictionary (no TOML file), samples it, reads
the figures an analysis needs from the Results object, projects the gains
to 2030 and asks when a 3e24-FLOP run of 2024 could be done under 1e23 FLOP.
If pandas is installed it also shows the samples and the forecast as data
frames; without pandas it says so and carries on. The fan chart goes to the
path given on the command line, or to a temporary directory.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

import effcast

PRIOR = {
    "title": "Two-factor toy model",
    "period": {"start": 2022.0, "end": 2025.0},
    "defaults": {"floor": 1.0, "level": 0.8},
    "factor": [
        {
            "name": "algorithms",
            "group": "algorithmic",
            "reduces": "compute",
            "dist": "lognormal",
            "ci": [3.0, 40.0],
            "median": 10.0,
        },
        {
            "name": "utilisation",
            "group": "hardware",
            "reduces": "hardware",
            "dist": "truncnormal",
            "ci": [1.1, 1.8],
            "lower": 1.0,
            "upper": 2.5,
        },
    ],
}


def main(figure: str | Path | None = None, n: int = 200_000) -> dict[str, float]:
    model = effcast.Model.from_dict(PRIOR, source="toy")
    res = model.sample(n, seed=7)
    median = float(res.quantile("compute", 0.5))
    rate = float(np.median(res.oom_per_year("compute")))
    print(f"compute reduction over {res.years:g} years: median {median:.1f}x")
    print(f"compute rate: median {rate:.2f} OOM/yr")
    print(f"P(hardware reduction > 100x) = {res.prob_exceeds('hardware', 100):.1%}")

    fc = effcast.forecast(model, to=2030, results=res, seed=7)
    cr = effcast.crossing(fc, 1e23, reference=3e24, reference_year=2024.0)
    year = cr.summary()["questions"][0]["median_year"]
    print(f"a 3e24-FLOP run of 2024 fits under 1e23 FLOP from about {year:.1f}")

    try:
        import pandas as pd
    except ImportError:
        print("pandas is not installed: skipping the data frames")
    else:
        frame = pd.DataFrame(
            {"hardware": res.hardware, "compute": res.compute}
            | {name: res.factor(name) for name in res.names}
        )
        print(frame.describe(percentiles=[0.1, 0.5, 0.9]).round(2))
        doc = fc.summary()
        table = pd.DataFrame(
            {y: row["quantiles"] for y, row in doc["compute"].items()}
        ).T
        print(table[["0.1", "0.5", "0.9"]].round(1))

    if figure is None:
        figure = Path(tempfile.mkdtemp()) / "toy_fan.png"
    effcast.fan_chart(fc, figure)
    print(f"fan chart written to {figure}")
    return {"median": median, "rate": rate, "year": year, "figure": str(figure)}


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
