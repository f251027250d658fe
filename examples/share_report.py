"""Share a what-if: the HTML report of the GPT-3 prior without Mixture of Experts.

Writes two self-contained reports side by side (as published, and with the
MoE factor's belief set to "no gain": median 1.01x in a narrow interval), the
same seed for both, and prints each file's size and headline. Needs the web
extra (``pip install "effcast[web]"``).

    python examples/share_report.py [OUTPUT_FOLDER]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import effcast

PRIOR = "gpt3_today"
NO_MOE = ["moe.ci=[1.0, 1.02]", "moe.median=1.01"]


def main(folder: Path, n: int = 100_000) -> dict[str, float]:
    out = {}
    for name, overrides in (("as_published", []), ("without_moe", NO_MOE)):
        path = folder / f"{name}.html"
        effcast.html_report(
            PRIOR, path, n=n, seed=1, overrides=overrides, thresholds=[1e22], force=True
        )
        model = effcast.load(PRIOR, overrides=overrides or None)
        median = model.sample(n, seed=1).quantile("hardware", 0.5)
        out[name] = float(median)
        print(f"{path}: {path.stat().st_size:,} bytes, hardware median {median:.0f}x")
    return out


if __name__ == "__main__":
    import importlib.util

    if importlib.util.find_spec("jinja2") is None:
        print('Skipped: this example needs pip install "effcast[web]"')
    elif len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
