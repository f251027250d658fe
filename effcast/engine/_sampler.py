"""The sampler: a validated prior becomes a :class:`Sampler` that draws samples.

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
from typing import TYPE_CHECKING, Any, NamedTuple, Self

import numpy as np

from effcast._errors import EffcastError
from effcast.engine._blocks import (
    BLOCK_SIZE,
    SeedLike,
    available_memory,
    block_generator,
    check_count,
    check_threads,
    resolve_seed,
)
from effcast.engine._copula import build_copula
from effcast.families._base import FactorDistribution
from effcast.families._layout import KERNEL_KINDS
from effcast.families._registry import marginal_from_spec
from effcast.prior._loading import load_prior, parse_prior
from effcast.prior._overrides import Overrides
from effcast.prior._schema import Prior

if TYPE_CHECKING:
    from effcast.engine._histogram import Histograms
from effcast.engine._stream import accumulate_blocks

__all__ = ["BLOCK_SIZE", "Draws", "Sampler", "resolve_seed"]


class Draws(NamedTuple):
    """Arrays drawn by :meth:`Sampler.draw`."""

    totals: np.ndarray
    factors: np.ndarray | None
    entropy: int


class Sampler:
    """A validated prior, compiled for the kernels, that draws raw samples.

    :class:`effcast.Model` is the public face of this class: it adds
    :meth:`~effcast.Model.sample` and :meth:`~effcast.Model.stream`, which
    wrap the arrays and histograms drawn here in result objects. Build one
    with :func:`effcast.load` or :meth:`from_dict`; both validate the prior
    and raise :class:`~effcast.EffcastError` if anything is wrong.

    Parameters
    ----------
    prior : effcast.Prior
        A validated prior.
    source : str
        Where the prior came from (a path, or ``"<dict>"``), for messages.
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
        for m in self.marginals:
            if m.kind not in KERNEL_KINDS:
                raise EffcastError(
                    f"{source}: factor {m.name!r} is of family {m.family!r}, whose "
                    f"kernel kind {m.kind} the sampling kernel does not know",
                    source=source,
                    factor=m.name,
                    field="dist",
                )
        self._chol, self._copula = build_copula(
            self.factor_names, self.marginals, prior.correlation, source
        )
        self._arrays = self._kernel_arrays()

    def _kernel_arrays(self) -> tuple[np.ndarray, ...]:
        """The model as the kernels read it (see :mod:`effcast.families._layout`)."""
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
    ) -> Self:
        """Validate a prior given as a dictionary shaped like the TOML file.

        ``overrides`` (``{"moe.median": 3}`` or ``["moe.median=3"]``) are
        applied before validation; see :meth:`with_overrides`.
        """
        prior = parse_prior(dict(data), source=source, overrides=overrides)
        return cls(prior, source=source)

    @classmethod
    def from_toml(cls, path: str | Path, overrides: Overrides = None) -> Self:
        """Read, validate and build a prior file (the same as :func:`load`)."""
        return cls(load_prior(path, overrides=overrides), source=str(path))

    def to_dict(self) -> dict[str, Any]:
        """The validated prior as a dictionary shaped like the TOML file."""
        return self.prior.model_dump(exclude_none=True)

    def with_overrides(self, overrides: Overrides) -> Self:
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
        >>> model = effcast.load("gpt3_today")
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
        from effcast.engine._kernels import fill_block

        start = b * BLOCK_SIZE - offset
        stop = start + BLOCK_SIZE
        fill_block(
            block_generator(root, b),
            *self._arrays,
            factors[:, start:stop],
            totals[:, start:stop],
        )

    def draw(
        self,
        n: int,
        seed: SeedLike = None,
        *,
        factors: bool = True,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Draws:
        """Draw ``n`` samples of every factor and of both reductions.

        The engine's half of :meth:`effcast.Model.sample`, which takes the
        same arguments and wraps these arrays in a :class:`~effcast.Results`.

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
        return Draws(totals, out_factors if factors else None, entropy)

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

    def accumulate(
        self,
        n: int,
        seed: SeedLike,
        thresholds: np.ndarray,
        *,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[Histograms, int]:
        """Add ``n`` samples to histograms block by block, keeping none.

        The engine's half of :meth:`effcast.Model.stream`: the same blocks
        and streams as :meth:`draw`, with exact counts above ``thresholds``.
        Returns the merged histograms and the run's entropy.
        """
        n = check_count(n)
        root, entropy = resolve_seed(seed)
        hist = accumulate_blocks(
            self, n, root, thresholds, threads=threads, progress=progress
        )
        return hist, entropy

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
