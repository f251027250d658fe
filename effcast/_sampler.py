"""The sampler: a validated prior becomes a :class:`Model` that draws samples.

Samples are drawn in fixed-size blocks. Block ``b`` always gets the random
stream ``SeedSequence(entropy=seed, spawn_key=(b,))``, whichever thread runs it,
so the same seed gives bit-identical samples for any number of threads. The
blocks are handed to a pool of threads that run the jitted kernel without the
GIL, so sampling uses every core the machine offers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from . import _chinchilla, _mixture  # noqa: F401  (register their families)
from ._blocks import (
    BLOCK_SIZE,
    SeedLike,
    available_memory,
    block_generator,
    check_count,
    check_threads,
    resolve_seed,
)
from ._copula import build_copula
from ._distributions import FactorDistribution, marginal_from_spec
from ._errors import EffcastError
from ._loading import load_prior, parse_prior
from ._overrides import Overrides
from ._results import Results
from ._schema import Prior
from ._streamed import StreamedResults
from ._streaming import stream

__all__ = ["BLOCK_SIZE", "Model", "load", "resolve_seed"]


class Model:
    """A validated prior, ready to sample.

    Build one with :func:`effcast.load` (from a TOML file) or
    :meth:`Model.from_dict`; both validate the prior and raise
    :class:`~effcast.EffcastError` if anything is wrong.

    Parameters
    ----------
    prior : effcast._schema.Prior
        A validated prior.
    source : str
        Where the prior came from (a path, or ``"<dict>"``), for messages.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.Model.from_dict({
    ...     "period": {"start": 2020.0, "end": 2024.0},
    ...     "factor": [
    ...         {"name": "moe", "reduces": "compute", "dist": "lognormal",
    ...          "ci": [1.25, 5.0], "level": 0.9},
    ...         {"name": "mfu", "reduces": "hardware", "dist": "truncnormal",
    ...          "ci": [1.7, 3.3], "level": 0.8, "lower": 0.0, "upper": 4.7},
    ...     ],
    ... })
    >>> res = model.sample(100_000, seed=1)
    >>> round(float(res.quantile("compute", 0.5)), 1)
    2.5
    """

    def __init__(self, prior: Prior, source: str = "<dict>") -> None:
        self.prior = prior
        self.source = source
        marginals = []
        for spec in prior.factor:
            try:
                marginals.append(marginal_from_spec(spec, prior.defaults))
            except EffcastError as exc:
                raise EffcastError(
                    f"{source}: {exc}",
                    source=source,
                    factor=exc.factor,
                    field=exc.field,
                ) from None
        self.marginals: tuple[FactorDistribution, ...] = tuple(marginals)
        self._chol, self._copula = build_copula(
            self.factor_names, self.marginals, prior.correlation, source
        )
        self._arrays = self._kernel_arrays()

    def _kernel_arrays(self) -> tuple[np.ndarray, ...]:
        """The model as the kernels read it (see :mod:`effcast._layout`)."""
        rows: list[list[float]] = []
        rowflags: list[list[int]] = []
        factors, fparams = [], []
        for m, c in zip(self.marginals, self._copula, strict=True):
            r, f = m.kernel_rows()
            factors.append([m.kind, len(rows), len(r), int(m.reduces == "compute"), c])
            rows += r
            rowflags += f
            fparams.append(m.kernel_fparams())
        return (
            np.ascontiguousarray(rows, dtype=np.float64),
            np.ascontiguousarray(rowflags, dtype=np.int64),
            np.ascontiguousarray(factors, dtype=np.int64),
            np.ascontiguousarray(fparams, dtype=np.float64),
            np.ascontiguousarray(self._chol, dtype=np.float64).reshape(
                len(self._chol), len(self._chol)
            ),
        )

    @property
    def correlated(self) -> tuple[str, ...]:
        """The factors that take part in the copula (named in a correlation)."""
        return tuple(
            n for n, c in zip(self.factor_names, self._copula, strict=True) if c >= 0
        )

    # -- construction ---------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        source: str = "<dict>",
        overrides: Overrides = None,
    ) -> Model:
        """Validate a prior given as a dictionary shaped like the TOML file.

        ``overrides`` (``{"moe.median": 3}`` or ``["moe.median=3"]``) are
        applied before validation; see :meth:`with_overrides`.
        """
        prior = parse_prior(dict(data), source=source, overrides=overrides)
        return cls(prior, source=source)

    @classmethod
    def from_toml(cls, path: str | Path, overrides: Overrides = None) -> Model:
        """Read, validate and build a prior file (the same as :func:`load`)."""
        return cls(load_prior(path, overrides=overrides), source=str(path))

    def to_dict(self) -> dict[str, Any]:
        """The validated prior as a dictionary shaped like the TOML file."""
        return self.prior.model_dump(exclude_none=True)

    def with_overrides(self, overrides: Overrides) -> Model:
        """A new model with some keys of the prior changed, validated afresh.

        Parameters
        ----------
        overrides : mapping or iterable of str
            Dotted paths and values: ``{"moe.median": 3, "period.end": 2025}``
            or ``["moe.median=3", "period.end=2025"]``. The first part names a
            factor or a table of the prior; values given as strings are read
            as TOML values.

        Raises
        ------
        EffcastError
            If a path names nothing in the prior, or the changed prior is
            invalid; the message names the override.

        Examples
        --------
        >>> import effcast
        >>> model = effcast.load("priors/gpt3_today.toml")
        >>> round(model.with_overrides({"moe.median": 3}).marginals[1].median, 6)
        3.0
        """
        prior = parse_prior(self.to_dict(), source=self.source, overrides=overrides)
        return type(self)(prior, source=self.source)

    # -- description ----------------------------------------------------
    @property
    def title(self) -> str:
        """The prior's title."""
        return self.prior.title

    @property
    def years(self) -> float:
        """The length of the prior's period, in years."""
        return self.prior.period.years

    @property
    def factor_names(self) -> tuple[str, ...]:
        """The factors' names, in the prior's (sampling) order."""
        return tuple(m.name for m in self.marginals)

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """Each group's factors, groups in order of first appearance."""
        out: dict[str, list[str]] = {}
        for m in self.marginals:
            out.setdefault(m.group, []).append(m.name)
        return {k: tuple(v) for k, v in out.items()}

    def __repr__(self) -> str:
        return (
            f"Model({self.source!r}, factors={list(self.factor_names)}, "
            f"years={self.years:g})"
        )

    # -- sampling -------------------------------------------------------
    def _fill(
        self, root, factors: np.ndarray, totals: np.ndarray, b: int, offset: int
    ) -> None:
        from ._kernels import fill_block

        start = b * BLOCK_SIZE - offset
        stop = start + BLOCK_SIZE
        fill_block(
            block_generator(root, b),
            *self._arrays,
            factors[:, start:stop],
            totals[:, start:stop],
        )

    def sample(
        self,
        n: int,
        seed: SeedLike = None,
        *,
        factors: bool = True,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Results:
        """Draw ``n`` samples of every factor and of both reductions.

        Parameters
        ----------
        n : int
            Number of samples.
        seed : int, numpy.random.Generator or None
            Seed for the random streams. The same seed gives bit-identical
            results whatever the number of threads; ``None`` draws fresh
            entropy (recorded in ``Results.seed``).
        factors : bool
            Keep each factor's samples (needed for :meth:`Results.factor`,
            :meth:`Results.group` and the per-factor summary). ``False``
            keeps only the two totals, using less memory and time.
        threads : int, optional
            Worker threads; defaults to ``NUMBA_NUM_THREADS`` (the number of
            cores unless that variable says otherwise).
        progress : callable, optional
            Called with the number of samples just finished, from the calling
            thread, as blocks of 65,536 finish (the convention of
            :meth:`stream`); for progress bars. It does not change the
            samples.

        Returns
        -------
        Results

        Raises
        ------
        EffcastError
            If ``n`` or ``seed`` is invalid, or the samples would not fit in
            memory.
        """
        n = check_count(n)
        root, entropy = resolve_seed(seed)
        rows = 2 + (len(self.marginals) if factors else 0)
        need = 8 * rows * n
        avail = available_memory()
        if avail is not None and need > 0.8 * avail:
            raise EffcastError(
                f"{n:,} samples would need {need / 2**30:.1f} GiB of memory but only "
                f"{avail / 2**30:.1f} GiB is available; summarise them without "
                "keeping them (Model.stream, or --stream on the command line), "
                "draw fewer"
                + (", or keep only the totals (factors=False)" if factors else ""),
                field="samples",
            )
        totals = np.empty((2, n))
        out_factors = np.empty((rows - 2, n))
        self._run_blocks(root, out_factors, totals, 0, n, threads, progress)
        return Results(
            totals,
            out_factors if factors else None,
            names=self.factor_names,
            groups=self.groups,
            reduces=tuple(m.reduces for m in self.marginals),
            years=self.years,
            seed=entropy,
            source=self.source,
            title=self.title,
            prior=self.prior,
        )

    def _run_blocks(
        self,
        root,
        out_factors,
        totals,
        first: int,
        n: int,
        threads: int | None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Fill samples ``first .. first + n`` (``first`` on a block boundary)."""

        def report(done_blocks: int) -> None:
            if progress is not None:
                progress(min(BLOCK_SIZE, n - (done_blocks - 1) * BLOCK_SIZE))

        assert first % BLOCK_SIZE == 0
        b0 = first // BLOCK_SIZE
        blocks = range(b0, b0 + math.ceil(n / BLOCK_SIZE))
        threads = check_threads(threads)
        # Compile (or load from cache) once, before threads race to do it.
        self._fill(root, out_factors, totals, blocks[0], first)
        report(1)
        rest = blocks[1:]
        if threads == 1 or len(rest) <= 1:
            for i, b in enumerate(rest, start=2):
                self._fill(root, out_factors, totals, b, first)
                report(i)
            return
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for i, f in enumerate(
                [
                    pool.submit(self._fill, root, out_factors, totals, b, first)
                    for b in rest
                ],
                start=2,
            ):
                f.result()
                report(i)

    def stream(
        self,
        n: int,
        seed: SeedLike = None,
        *,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> StreamedResults:
        """Summarise ``n`` samples block by block, without keeping them.

        Draws exactly the samples :meth:`sample` would for the same ``n`` and
        ``seed`` (the same blocks and streams), but adds each block to
        log-scale histograms and exact counts instead of storing it, so
        memory stays near 30 MB per thread (histograms and one block of
        scratch) whatever ``n`` is.

        Parameters
        ----------
        n : int
            Number of samples (a billion is fine).
        seed : int, numpy.random.Generator or None
            As for :meth:`sample`; the result does not depend on ``threads``.
        threads : int, optional
            Worker threads; defaults to ``NUMBA_NUM_THREADS``.
        progress : callable, optional
            Called with the number of samples just finished, from worker
            threads, after each block of 65,536.

        Returns
        -------
        StreamedResults
            Quantiles within a relative error of ``2**-11``; P(> 10, 100,
            1000x) exact; :meth:`~StreamedResults.summary` is the document
            :meth:`Results.summary` gives.
        """
        return stream(self, n, seed, threads=threads, progress=progress)

    def iter_blocks(
        self,
        n: int,
        seed: SeedLike = None,
        *,
        chunk: int = 64 * BLOCK_SIZE,
        factors: bool = False,
        threads: int | None = None,
    ) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
        """Yield the same samples as :meth:`sample`, ``chunk`` at a time.

        Each item is ``(totals, factors)`` with ``totals`` of shape
        ``(2, m)`` (hardware, compute) and ``factors`` of shape
        ``(n_factors, m)`` or ``None``. Concatenated, they equal what
        :meth:`sample` returns for the same ``n`` and ``seed``.
        """
        n = check_count(n)
        root, _ = resolve_seed(seed)
        chunk = max(BLOCK_SIZE, chunk // BLOCK_SIZE * BLOCK_SIZE)
        for first in range(0, n, chunk):
            m = min(chunk, n - first)
            totals = np.empty((2, m))
            out_factors = np.empty((len(self.marginals) if factors else 0, m))
            self._run_blocks(root, out_factors, totals, first, m, threads)
            yield totals, (out_factors if factors else None)


def load(path: str | Path, overrides: Overrides = None) -> Model:
    """Read and validate a prior file, returning a :class:`Model`.

    Parameters
    ----------
    path : str or pathlib.Path
        A TOML prior file (see docs/prior-format.md).
    overrides : mapping or iterable of str, optional
        Changes to apply before validation, such as ``{"moe.median": 3}`` or
        ``["period.end=2025"]`` (see :meth:`Model.with_overrides`).

    Raises
    ------
    EffcastError
        If the file is missing or unreadable, is not valid TOML, or is not
        a valid prior. The message names the file, factor, field and line.

    Examples
    --------
    >>> import effcast
    >>> model = effcast.load("priors/gpt3_today.toml")
    >>> model.factor_names[:2]
    ('transformer_pp', 'moe')
    """
    return Model.from_toml(path, overrides=overrides)
