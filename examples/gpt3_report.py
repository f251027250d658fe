"""What would it take to train GPT-3 today, which beliefs drive the answer,
and how does a sceptic's prior change it?

Run from the repository root:

    python examples/gpt3_report.py               # figures go to a temporary directory
    python examples/gpt3_report.py figures/      # or to a directory you name

Samples the shipped prior, turns the reductions into FLOP, H100-hours and
wall-clock time for GPT-3's own run, ranks the factors by their share of
the uncertainty, compares the sceptical prior with the same seed, and draws
the waterfall and the comparison.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import effcast


def main(n: int = 200_000, seed: int = 1, out: Path | None = None) -> dict:
    res = effcast.load("gpt3_today").sample(n, seed=seed)
    doc = res.summary()
    r = doc["resources"]
    hours = res.resource("wall_clock_hours")
    print(f"GPT-3 ({r['baseline']['flop']:.3g} FLOP, {r['baseline']['mfu']:.1%} MFU)")
    print(
        f"  FLOP needed today, median: {r['flop_needed']['quantiles']['0.5']:.2g}\n"
        f"  H100-hours, median:        {r['gpu_hours']['quantiles']['0.5']:,.0f}\n"
        f"  on {r['target']['gpus']:,.0f} H100s: median "
        f"{60 * r['wall_clock_hours']['quantiles']['0.5']:.0f} minutes, "
        f"P(under an hour) = {(hours < 1).mean():.0%}"
    )

    sens = effcast.sensitivity(res)["hardware"]["factors"]
    ranked = sorted(sens, key=lambda k: sens[k]["share"], reverse=True)
    print("Share of the hardware reduction's log-variance:")
    for name in ranked[:3]:
        print(f"  {name:<20} {sens[name]['share']:.0%}")

    sceptic = effcast.load("sceptical").sample(n, seed=seed)
    medians = {
        "gpt3_today": float(res.quantile("hardware", 0.5)),
        "sceptical": float(sceptic.quantile("hardware", 0.5)),
    }
    print(
        "Hardware reduction, median: "
        + ", ".join(f"{k} {v:.0f}x" for k, v in medians.items())
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(out) if out else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        written = [
            effcast.plot(res, folder / "waterfall.png", "waterfall", force=True),
            effcast.plot_compare(
                [res, sceptic], folder / "compare.png", list(medians), force=True
            ),
        ]
        print(
            "Drew " + ", ".join(p.name for p in written) + (f" in {out}" if out else "")
        )
    return {"medians": medians, "top_factor": ranked[0], "hours": hours}


if __name__ == "__main__":
    main(out=Path(sys.argv[1]) if len(sys.argv) > 1 else None)
