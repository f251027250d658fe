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
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self

import numpy as np

from effcast._errors import EffcastError
from effcast.engine._blocks import (
    BLOCK_SIZE,
    SeedLike,
    as_count,
    available_memory,
    check_count,
    resolve_seed,
)
from effcast.engine._copula import build_copula
from effcast.engine._drivers import run_blocks, run_qmc
from effcast.engine._evidence import EvidenceRun, Likelihood
from effcast.families._base import FactorDistribution
from effcast.families._bounds import check_factor, check_product
from effcast.families._layout import KERNEL_KINDS
from effcast.families._registry import marginal_from_spec
from effcast.prior._loading import parse_prior
from effcast.prior._overrides import Overrides
from effcast.prior._provenance import Provenance, dict_digest, load_with_provenance
from effcast.prior._schema import Prior

if TYPE_CHECKING:
    from effcast.engine._histogram import Histograms

__all__ = ["BLOCK_SIZE", "Draws", "Sampler", "resolve_seed"]


class Draws(NamedTuple):
    """Arrays drawn by :meth:`Sampler.draw`."""

    totals: np.ndarray
    factors: np.ndarray | None
    entropy: int
    weights: np.ndarray | None = None
    evidence: EvidenceRun | None = None


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
    provenance : Provenance, optional
        The file's hash and the overrides applied (see
        :mod:`effcast.prior._provenance`); by default the hash of the
        validated prior and no overrides.

    Notes
    -----
    Factors switched off with ``enabled = false`` are dropped here, before
    anything is compiled: ``prior`` is the prior as sampled (the same as the
    file with those entries deleted), ``declared`` the prior as given.
    """

    def __init__(
        self,
        prior: Prior,
        source: str = "<dict>",
        provenance: Provenance | None = None,
    ) -> None:
        self.declared = prior
        self.disabled: tuple[str, ...] = prior.disabled
        self.prior = prior.active()
        self.source = source
        if provenance is None:
            provenance = Provenance(source, dict_digest(self.to_dict()))
        self.provenance = Provenance(
            provenance.source, provenance.sha256, provenance.overrides, self.disabled
        )
        marginals = []
        ranges: dict[str, tuple[float, float]] = {}
        for spec in self.prior.factor:
            try:
                marginal = marginal_from_spec(spec, prior.defaults)
                ranges[spec.name] = check_factor(marginal, spec)
                marginals.append(marginal)
            except EffcastError as exc:
                raise EffcastError(
                    f"{source}: {exc}",
                    source=source,
                    factor=exc.factor,
                    field=exc.field,
                ) from None
            except (ArithmeticError, ValueError) as exc:
                # Numbers the schema accepts but arithmetic cannot hold
                # (an overflowing reference, a huge mu).
                raise EffcastError(
                    f"{source}: factor {spec.name!r}: its numbers cannot be "
                    f"computed in double precision ({exc}); use values nearer "
                    "to 1",
                    source=source,
                    factor=spec.name,
                ) from None
        try:
            check_product(ranges)
        except EffcastError as exc:
            raise EffcastError(
                f"{source}: {exc}", source=source, factor=exc.factor, field=exc.field
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
        # [[evidence]]: importance weights computed right after each block.
        self.likelihood = Likelihood(prior) if prior.evidence else None

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
        if not isinstance(data, Mapping):
            raise EffcastError(
                f"{source}: a prior must be a mapping shaped like the TOML file, "
                f"got {type(data).__name__}",
                source=source,
            )
        prior = parse_prior(dict(data), source=source, overrides=overrides)
        prov = Provenance(source, dict_digest(dict(data))).with_overrides(overrides)
        return cls(prior, source=source, provenance=prov)

    @classmethod
    def from_toml(cls, path: str | Path, overrides: Overrides = None) -> Self:
        """Read, validate and build a prior file (the same as :func:`load`)."""
        prior, prov = load_with_provenance(path, overrides=overrides)
        return cls(prior, source=str(path), provenance=prov)

    def to_dict(self) -> dict[str, Any]:
        """The validated prior as a dictionary shaped like the TOML file.

        Switched-off factors are included (with ``enabled = false``).
        """
        return self.declared.model_dump(exclude_none=True)

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
        prov = self.provenance.with_overrides(overrides)
        return type(self)(prior, source=self.source, provenance=prov)

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
    def without_evidence(self) -> Self:
        """The same model with its ``[[evidence]]`` dropped: the prior alone.

        The API's ``--no-evidence``; compare its figures with the conditioned
        ones.

        Examples
        --------
        >>> import effcast
        >>> effcast.load("gpt3_today").without_evidence().likelihood is None
        True
        """
        prior = self.prior.model_copy(update={"evidence": []})
        return type(self)(prior, source=self.source)

    def _block_kernel(self):
        """The sampling kernel this prior needs: the small one for split
        factors drawn independently (it compiles faster), else the full one.
        Both give the same samples."""
        from effcast.families._layout import COPULA, KIND, KIND_SPLIT

        kinds = self._arrays[2]
        if np.all(kinds[:, KIND] == KIND_SPLIT) and np.all(kinds[:, COPULA] < 0):
            from effcast.engine._simple_kernel import fill_block_split

            return fill_block_split
        from effcast.engine._kernels import fill_block

        return fill_block

    def draw(
        self,
        n: int,
        seed: SeedLike = None,
        *,
        factors: bool = True,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
        qmc: int | None = None,
    ) -> Draws:
        """Draw ``n`` samples of every factor and of both reductions.

        The engine's half of :meth:`effcast.Model.sample`, which takes the
        same arguments and wraps these arrays in a :class:`~effcast.Results`.
        ``qmc``, a number of scrambles, draws randomised quasi-Monte Carlo
        samples instead (see :mod:`effcast.engine._qmc`): scramble ``r``'s
        points fill its own contiguous stretch of the arrays.

        Raises
        ------
        EffcastError
            If ``n`` or ``seed`` is invalid, or the samples would not fit in
            memory.
        """
        n = check_count(n)
        root, entropy = resolve_seed(seed)
        rows = 2 + (len(self.marginals) if factors else 0)
        # The samples and the weights, plus the few series-sized scratch
        # arrays a summary takes at once (a quantile's partition, a product).
        need = 8 * (rows + 3 + (self.likelihood is not None)) * n
        avail = available_memory()
        advice = (
            "summarise them without keeping them (Model.stream, or --stream on "
            "the command line), draw fewer"
            + (", or keep only the totals (factors=False)" if factors else "")
        )
        if avail is not None and need > 0.8 * avail:
            raise EffcastError(
                f"{n:,} samples would need {need / 2**30:.1f} GiB of memory but only "
                f"{avail / 2**30:.1f} GiB is available (counting container and "
                f"ulimit limits); {advice}",
                field="samples",
            )
        try:
            totals = np.empty((2, n))
            out_factors = np.empty((rows - 2, n))
            weights = None
            if self.likelihood is not None:
                if qmc is not None:
                    raise EffcastError(
                        "quasi-Monte Carlo does not yet combine with [[evidence]]; "
                        "drop qmc, or sample the prior alone (without_evidence)",
                        field="qmc",
                    )
                n_blocks = math.ceil(n / BLOCK_SIZE)
                block_rows = np.empty((n_blocks, self.likelihood.width))
                weights = (np.empty(n), block_rows)
        except MemoryError:
            raise EffcastError(
                f"{n:,} samples do not fit in memory; {advice}", field="samples"
            ) from None
        if qmc is not None:
            run_qmc(self, entropy, qmc, out_factors, totals, threads, progress)
        else:
            run_blocks(
                self, root, out_factors, totals, 0, n, threads, progress, weights
            )
        if weights is None:
            return Draws(totals, out_factors if factors else None, entropy)
        assert self.likelihood is not None
        run = EvidenceRun(self.likelihood, weights[1], n)
        return Draws(totals, out_factors if factors else None, entropy, weights[0], run)

    def extend(
        self,
        draws: Draws,
        n: int,
        *,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Draws:
        """The first ``n`` samples of ``draws``' run, keeping those drawn.

        ``draws`` must hold a whole number of blocks; the samples after it
        are drawn from their own blocks' streams, so the result equals
        :meth:`draw` of ``n`` with the same seed.
        """
        have = draws.totals.shape[1]
        assert have % BLOCK_SIZE == 0 and n >= have
        rows = draws.factors.shape[0] if draws.factors is not None else 0
        totals = np.empty((2, n))
        out_factors = np.empty((rows, n))
        totals[:, :have] = draws.totals
        if draws.factors is not None:
            out_factors[:, :have] = draws.factors
        if n > have:
            root = np.random.SeedSequence(draws.entropy)
            run_blocks(
                self,
                root,
                out_factors[:, have:],
                totals[:, have:],
                have,
                n - have,
                threads,
                progress,
            )
        return Draws(
            totals, out_factors if draws.factors is not None else None, draws.entropy
        )

    def accumulate(
        self,
        n: int,
        seed: SeedLike,
        thresholds: np.ndarray,
        *,
        threads: int | None = None,
        progress: Callable[[int], None] | None = None,
        qmc: int | None = None,
    ) -> tuple[Histograms, int]:
        """Add ``n`` samples to histograms block by block, keeping none.

        The engine's half of :meth:`effcast.Model.stream`: the same blocks
        and streams as :meth:`draw`, with exact counts above ``thresholds``.
        Returns the merged histograms and the run's entropy. ``qmc``, a
        number of scrambles, streams quasi-Monte Carlo samples instead.
        """
        # Imported here: the kernels (and numba) load only when sampling.
        from effcast.engine._stream import accumulate_blocks

        n = check_count(n)
        root, entropy = resolve_seed(seed)
        hist = accumulate_blocks(
            self, n, root, thresholds, threads=threads, progress=progress, scrambles=qmc
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
        :meth:`sample` returns for the same ``n`` and ``seed``. They are the
        prior's samples: with ``[[evidence]]`` the weights are not yielded
        (use :meth:`sample` or :meth:`stream`, which weight every figure).
        """
        n = check_count(n)
        root, _ = resolve_seed(seed)
        chunk = as_count(chunk, field="chunk", what="chunk", maximum=None)
        chunk = max(BLOCK_SIZE, chunk // BLOCK_SIZE * BLOCK_SIZE)
        for first in range(0, n, chunk):
            m = min(chunk, n - first)
            totals = np.empty((2, m))
            out_factors = np.empty((len(self.marginals) if factors else 0, m))
            run_blocks(self, root, out_factors, totals, first, m, threads)
            yield totals, (out_factors if factors else None)
