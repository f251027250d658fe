"""Sweeps: the same prior under many overrides, on threads, processes or Dask.

A sweep is a list of scenarios, each a set of overrides in the ``--set``
syntax (``moe.median=2.5``); a grid (``{"moe.median": [1.5, 2.5, 4]}``)
gives their cartesian product. Every scenario is validated before any runs.
Scenario ``i`` is sampled with the integer seed drawn from child ``i`` of
``SeedSequence(seed)``, so each scenario's figures depend only on the prior,
its overrides, the sample count and the sweep's seed: they are bit-identical
whether the scenarios run one after another, on threads, in local processes
or on a Dask cluster. What a sweep is asked (grids, scenarios, the crossing
question) is read by :mod:`effcast.analysis._sweep_args`. What travels to a
worker is plain data (the prior as a dictionary, the overrides, the count and
the seed), so any executor can pickle it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._defaults import SAMPLES, SCHEDULER
from effcast.analysis._executors import (
    executor_kind,
    run_dask,
    run_processes,
    run_threads,
)
from effcast.analysis._forecast import period_start, resolve_settings
from effcast.analysis._question import check_question
from effcast.analysis._sweep_args import (
    describe_scenario,
    parse_grid,
    question_of,
    scenarios_of,
    split_values,
    timeout_of,
)
from effcast.analysis._sweep_stats import check_stat, compute_stat, parse_stat
from effcast.analysis._threshold import baseline_run
from effcast.engine._blocks import SeedLike, as_count, resolve_seed
from effcast.io._atomic import atomic_write, check_output
from effcast.io._formats import TABLE_FORMATS
from effcast.io._json import to_json
from effcast.prior._loading import parse_prior, read_toml
from effcast.prior._overrides import normalise_overrides
from effcast.prior._provenance import Provenance, dict_digest
from effcast.prior._shipped import resolve_prior_path
from effcast.results._display import Displayable
from effcast.results._model import Model

__all__ = [
    "DEFAULT_STATS",
    "Sweep",
    "check_out_path",
    "parse_grid",
    "run_scenario",
    "split_values",
    "sweep",
    "write_table",
]

DEFAULT_STATS = ("hardware.0.5", "compute.0.5", "hardware.oom.0.5", "compute.oom.0.5")
"""The statistics a sweep reports unless told otherwise."""


def run_scenario(
    data: dict[str, Any],
    source: str,
    overrides: list[tuple[str, Any]],
    n: int,
    seed: int,
    stats: Sequence[str],
    threads: int | None = None,
    question: dict[str, Any] | None = None,
) -> dict[str, float | None]:
    """Sample one scenario and compute its statistics (runs on a worker).

    Takes only plain data so that it pickles for any executor. Statistics
    that look past the period use the scenario's own ``[forecast]`` settings
    and, for crossings, ``question`` (the keyword arguments of
    :func:`effcast.crossing`); the forward-rate draws use the scenario's seed.
    """
    model = Model(parse_prior(data, source=source, overrides=overrides), source)
    parsed = [parse_stat(s) for s in stats]
    need_factors = any(
        s.series not in ("hardware", "compute", "crossing") for s in parsed
    ) or any(getattr(f, "forward", None) is not None for f in model.prior.factor)
    res = model.sample(n, seed=seed, factors=need_factors, threads=threads)
    fc = cr = None
    if any(s.needs_forecast for s in parsed):
        from effcast.analysis._project import forecast
        from effcast.analysis._threshold import crossing

        fc = forecast(model, results=res, seed=seed)
        if any(s.series == "crossing" for s in parsed):
            cr = crossing(fc, **(question or {}))
    return {s.text: compute_stat(res, s, fc, cr) for s in parsed}


class Sweep(Displayable):
    """The statistics of every scenario of a sweep.

    :meth:`to_pandas` gives one row per scenario and statistic. Columns: one
    per overridden path (its value in the scenario), then ``seed`` (the
    scenario's), ``stat`` (as asked, e.g. ``"hardware.0.5"``) and ``value``.
    :meth:`table` gives the wide form, one row per scenario.

    Attributes
    ----------
    paths : list of str
        The overridden paths, in grid order.
    stats : list of str
        The statistics, in the order asked.
    rows : list of dict
        One per scenario: ``overrides`` (path -> value), ``seed`` (the
        scenario's own seed: ``effcast sample --seed`` with the same
        ``--set`` options gives the same samples) and ``stats``.
    """

    def __init__(
        self, source, samples, seed, paths, stats, rows, executor, provenance=None
    ) -> None:
        self.provenance: Provenance | None = provenance
        self.source = source
        self.samples = samples
        self.seed = seed
        self.paths = paths
        self.stats = stats
        self.rows = rows
        self.executor = executor

    def summary(self) -> dict:
        """The document ``effcast sweep --json`` prints."""
        return {
            "prior": self.source,
            "samples": self.samples,
            "seed": self.seed,
            **(self.provenance.fields() if self.provenance is not None else {}),
            "paths": list(self.paths),
            "stats": list(self.stats),
            "scenarios": [
                {
                    "overrides": dict(r["overrides"]),
                    "seed": r["seed"],
                    "stats": dict(r["stats"]),
                }
                for r in self.rows
            ],
        }

    def table(self) -> list[dict[str, Any]]:
        """One flat dictionary per scenario (paths, seed, statistics).

        Ready for ``pandas.DataFrame(sweep.table())`` or a CSV writer.
        """
        return [{**r["overrides"], "seed": r["seed"], **r["stats"]} for r in self.rows]

    _view = "sweep"

    def _tidy(self) -> tuple[list[dict], list[str]]:
        rows = [
            {**r["overrides"], "seed": r["seed"], "stat": stat, "value": value}
            for r in self.rows
            for stat, value in r["stats"].items()
        ]
        return rows, [*self.paths, "seed", "stat", "value"]

    def __repr__(self) -> str:
        first = self.stats[0]
        values = [r["stats"][first] for r in self.rows]
        shown = [v for v in values if isinstance(v, int | float)]
        span = f"; {first} from {min(shown):.3g} to {max(shown):.3g}" if shown else ""
        return (
            f"<Sweep of {self.source!r}: {len(self.rows)} scenarios x "
            f"{len(self.stats)} statistics, {self.samples:,} samples each{span}>"
        )


def _with_threads(task: tuple, threads: int) -> tuple:
    """A scenario's task with its thread count (position 6) replaced."""
    return (*task[:6], threads, *task[7:])


def sweep(
    prior: str | Path | Mapping[str, Any],
    grid: Mapping[str, Sequence[Any]] | Sequence[str] | None = None,
    *,
    scenarios: Sequence[Mapping[str, Any]] | None = None,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
    stats: Sequence[str] = DEFAULT_STATS,
    question: Mapping[str, Any] | None = None,
    n: int = SAMPLES,
    seed: SeedLike = None,
    scheduler: str | None = SCHEDULER,
    workers: int | None = None,
    timeout: float = 10.0,
    source: str | None = None,
) -> Sweep:
    """Sample a prior under every combination of overrides.

    Parameters
    ----------
    prior : path or mapping
        A prior file, or a prior as a dictionary.
    grid : mapping or sequence of str, optional
        ``{"moe.median": [1.5, 2.5, 4], "period.end": [2024, 2025]}`` or
        ``["moe.median=1.5,2.5,4", ...]``: the sweep runs their cartesian
        product, the first path varying slowest.
    scenarios : sequence of mappings, optional
        An explicit list of scenarios instead of a grid, each a mapping of
        overrides (``{"unpublished.median": 2, "unpublished.ci": [1.2, 6]}``).
    overrides : optional
        Overrides applied to every scenario before its own (``--set``).
    stats : sequence of str
        Statistics to report; see :func:`effcast.analysis._sweep_stats.parse_stat`.
        ``hardware.atYEAR.Q`` and ``crossing.*`` look past the period with
        each scenario's ``[forecast]`` settings (so ``--grid
        forecast.acceleration=...`` varies them).
    question : mapping, optional
        For ``crossing.*`` statistics: the keyword arguments of
        :func:`effcast.crossing` (``{"thresholds": [1e25], "reference":
        "gpt4", "budget": 1e5, "gpu": "H100"}``).
    n : int
        Samples per scenario (an integral float such as ``1e6`` works);
        the same default as ``effcast sweep -n``.
    seed : int, numpy.random.Generator or None
        The sweep's seed; scenario ``i`` uses an integer drawn from child
        ``i`` of ``SeedSequence(seed)``.
    scheduler : str or None
        ``"threads"`` (default: a pool of threads in this process; the
        kernels release the GIL, and a plain script needs no ``if __name__
        == "__main__":`` guard), ``"processes"`` (local processes, which
        never re-import the calling script), ``"serial"`` (one after
        another), ``"local"`` (a Dask LocalCluster) or the address of a Dask
        scheduler (``"tcp://host:8786"``). The results are the same.
    workers : int, optional
        Threads, processes (or Dask workers for ``"local"``); default one
        per core, at most one per scenario.
    timeout : float
        Seconds to wait for a Dask scheduler before giving up.
    source : str, optional
        The name used in messages for a prior given as a mapping.

    Returns
    -------
    Sweep

    Raises
    ------
    EffcastError
        If the prior, a grid path or value, or a statistic is invalid (every
        scenario is checked before any runs), or the scheduler cannot be
        reached.

    Examples
    --------
    >>> import effcast
    >>> sw = effcast.sweep("gpt3_today", {"moe.median": [2, 3]},
    ...                    n=20_000, seed=1, scheduler="serial")
    >>> [r["overrides"]["moe.median"] for r in sw.rows]
    [2, 3]
    >>> a, b = (r["stats"]["compute.0.5"] for r in sw.rows)
    >>> bool(a < b)
    True
    """
    if isinstance(prior, Mapping):
        data, name = dict(prior), source or "<dict>"
        prov = Provenance(name, dict_digest(data))
    else:
        if not isinstance(prior, str | Path):
            raise EffcastError(
                f"prior must be a path, a shipped prior's name or a mapping, "
                f"got {type(prior).__name__}",
                field="prior",
            )
        resolved = resolve_prior_path(prior)
        data, text = read_toml(resolved)
        name = source or str(prior)
        prov = Provenance(str(resolved), hashlib.sha256(text.encode()).hexdigest())
    base = normalise_overrides(overrides)
    n = as_count(n)
    kind = executor_kind(scheduler)
    if workers is not None:
        workers = as_count(workers, field="workers", what="workers", maximum=4096)
    timeout = timeout_of(timeout)
    paths, combos = scenarios_of(grid, scenarios)
    if isinstance(stats, str):
        stats = [stats]
    if not isinstance(stats, Sequence) or not all(isinstance(s, str) for s in stats):
        raise EffcastError(
            f"stats must be a list of statistic names such as 'hardware.0.5', "
            f"got {stats!r}",
            field="stat",
        )
    stats = list(stats)
    if not stats:
        raise EffcastError("ask for at least one statistic", field="stat")
    parsed = [parse_stat(s) for s in stats]
    question = question_of(question)
    looks_ahead = any(s.needs_forecast for s in parsed)
    crosses = any(s.series == "crossing" for s in parsed)
    first_model = None
    for i, combo in enumerate(combos):
        where = f"scenario {i + 1} of {len(combos)} ({describe_scenario(combo)})"
        try:
            model = Model(parse_prior(data, source=name, overrides=base + combo), name)
        except EffcastError as exc:
            message = str(exc)
            for path, _ in combo:  # the value came from the grid, not --set
                message = message.replace(f"(set by --set {path}=", f"(--grid {path}=")
            raise EffcastError(
                f"{where}: {message}", factor=exc.factor, field=exc.field
            ) from None
        if first_model is None:
            first_model = model
            for s in parsed:
                check_stat(s, model, question)
        if looks_ahead:
            try:
                to = resolve_settings(model)["to"]
                if crosses:
                    check_question(
                        period_start(model),
                        to,
                        **question,
                        baseline=baseline_run(model.prior),
                    )
            except EffcastError as exc:
                raise EffcastError(f"{where}: {exc}", field=exc.field) from None
    root, entropy = resolve_seed(seed)
    seeds = [
        int(c.generate_state(1, np.uint64)[0]) >> 1 for c in root.spawn(len(combos))
    ]
    tasks = [
        (data, name, base + combo, int(n), s, stats, None, question)
        for combo, s in zip(combos, seeds, strict=True)
    ]
    if kind == "serial":
        results = [run_scenario(*t) for t in tasks]
    elif kind == "threads":
        results = run_threads(run_scenario, tasks, workers, _with_threads)
    elif kind == "processes":
        results = run_processes(run_scenario, tasks, workers, _with_threads)
    else:
        assert scheduler is not None  # executor_kind says dask only with one
        results = run_dask(run_scenario, tasks, scheduler, workers, timeout)
    rows = [
        {"overrides": dict(combo), "seed": s, "stats": r}
        for combo, s, r in zip(combos, seeds, results, strict=True)
    ]
    prov = prov.with_overrides(base)
    return Sweep(name, int(n), entropy, paths, stats, rows, kind, prov)


def check_out_path(path: str | Path, force: bool = False) -> Path:
    """Refuse an output path with an unknown extension, an existing file
    (unless ``force``) or a missing directory, before anything runs."""
    return check_output(path, TABLE_FORMATS, force=force, field="out")


def write_table(sw: Sweep, path: str | Path, *, force: bool = False) -> Path:
    """Write a sweep as CSV (one row per scenario) or JSON, atomically.

    An existing file is replaced only with ``force``."""
    import csv
    import io
    import json

    path = Path(path)
    if path.suffix.lower() == ".json":
        text = to_json(sw.summary()) + "\n"
    else:
        buf = io.StringIO()
        fields = [*sw.paths, "seed", *sw.stats]
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in sw.table():
            writer.writerow(
                {
                    k: (json.dumps(v) if isinstance(v, list | dict) else v)
                    for k, v in row.items()
                }
            )
        text = buf.getvalue()
    check_out_path(path, force)

    def write(tmp: Path) -> None:
        tmp.write_text(text, "utf-8")

    atomic_write(path, write, force=force)
    return path
