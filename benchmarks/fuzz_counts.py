"""Count the fuzzing test's outcomes over many generated priors.

Run from the repository root:

    python benchmarks/fuzz_counts.py 1500

Runs the properties of ``tests/test_fuzz_priors.py`` (``check_one``) on that
many priors drawn by its hypothesis strategy, without stopping at the first
failure, and prints how many cases were accepted and refused and how many
ended in a traceback, a hang, a partial file, non-finite output or another
failure, with the first instance of each.
"""

from __future__ import annotations

import collections
import pathlib
import sys
import tempfile
import traceback

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_fuzz_priors as fuzz  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402


def main() -> None:
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 1000
    counts: collections.Counter[str] = collections.Counter()
    first: dict[str, str] = {}

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzz.priors)
    def run(prior: dict) -> None:
        with tempfile.TemporaryDirectory() as d:
            try:
                fuzz.check_one(prior, pathlib.Path(d))
            except BaseException as exc:  # noqa: BLE001 - counted
                text = "".join(traceback.format_exception(exc))
                kind = (
                    "hangs"
                    if "hang (" in text
                    else "partial files"
                    if "leftovers" in text
                    else "tracebacks"
                    if "traceback for" in text
                    else "non-finite outputs"
                    if "_all_finite" in text
                    else f"other ({type(exc).__name__})"
                )
                counts[kind] += 1
                first.setdefault(kind, text[-2000:])

    run()
    print(
        f"cases: {fuzz.TALLY['cases']}, accepted: {fuzz.TALLY['accepted']}, "
        f"refused: {fuzz.TALLY['refused']}"
    )
    for kind in ("tracebacks", "hangs", "partial files", "non-finite outputs"):
        print(f"{kind}: {counts.pop(kind, 0)}")
    for kind, k in counts.items():
        print(f"{kind}: {k}")
    for kind, text in first.items():
        print(f"===== first of {kind}\n{text}")


if __name__ == "__main__":
    main()
