"""How long one explorer update takes, by sample size: the basis of its default.

Run from the repository root (needs the web extra):

    NUMBA_NUM_THREADS=2 python benchmarks/bench_explore.py
    NUMBA_NUM_THREADS=2 python benchmarks/bench_explore.py -n 1e5 --repeat 30

For each sample size, after a warm-up, it times ``--repeat`` updates of
``effcast explore`` on ``priors/gpt3_today.toml``, each with a different
``moe.median`` so that every update re-validates and re-samples, with one
threshold (the page's default question):

* server: :meth:`Explorer.run` (validate, sample, summarise, forecast,
  crossing probabilities, histogram and fan quantiles, the headline table's
  HTML);
* HTTP: the same through the Starlette app (``POST /api/run``, JSON in and
  out), as the page calls it.

It prints the median and the 90th percentile of each. The page's own
drawing (a few SVG paths) adds a few milliseconds; tests/test_browser.py
prints the time from a change in the page to the redraw in Chromium.

Times are wall-clock on a shared machine; the default sample size
(100,000) is chosen so that the 90th percentile stays well under 300 ms
on two cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _count(text: str) -> int:
    return int(float(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=_count, action="append", help="sample sizes")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sizes = args.n or [50_000, 100_000, 200_000, 500_000]

    from starlette.testclient import TestClient

    from effcast.web._explore import Explorer
    from effcast.web._server import create_app

    threads = os.environ.get("NUMBA_NUM_THREADS", "all cores")
    print(f"effcast explore update times; NUMBA_NUM_THREADS={threads}")
    heads = ("samples", "server median", "p90", "HTTP median", "p90")
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, (10, 14, 8, 12, 8), strict=True)))
    for n in sizes:
        ex = Explorer(str(ROOT / "priors" / "gpt3_today.toml"), samples=n)
        client = TestClient(create_app(ex), base_url="http://127.0.0.1")
        ex.run({}, {})  # warm-up: kernels, imports
        server, http = [], []
        for i in range(args.repeat):
            edits = {"moe.median": f"{2 + (i % 20) / 10:g}"}
            t = time.perf_counter()
            out = ex.run(edits, {})
            server.append(1000 * (time.perf_counter() - t))
            assert out["ok"], out["errors"]
            edits = {"moe.median": f"{2.05 + (i % 20) / 10:g}"}
            t = time.perf_counter()
            r = client.post("/api/run", json={"edits": edits, "view": {}})
            http.append(1000 * (time.perf_counter() - t))
            assert r.json()["ok"]

        def p90(xs: list[float]) -> float:
            return statistics.quantiles(xs, n=10)[-1]

        print(
            f"{n:>10,} {statistics.median(server):>11.0f} ms {p90(server):>5.0f} ms "
            f"{statistics.median(http):>9.0f} ms {p90(http):>5.0f} ms"
        )


if __name__ == "__main__":
    main()
