"""Provenance: where a run's prior came from and what was changed in it.

Every output of effcast (the text report, the JSON, exported samples and
figures) says which prior file it sampled (its path and the SHA-256 of its
bytes), which overrides were applied, which factors were switched off, the
seed and the effcast version, so that a what-if run can never be mistaken
for the baseline run. :class:`Provenance` holds the part known when the
prior is loaded; the seed is added when it is sampled.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from effcast.prior._loading import parse_prior, read_toml
from effcast.prior._overrides import Overrides, normalise_overrides
from effcast.prior._schema import Prior
from effcast.prior._shipped import resolve_prior_path

__all__ = [
    "Provenance",
    "format_override",
    "load_with_provenance",
    "provenance_fields",
    "text_digest",
]


def format_override(path: str, value: Any) -> str:
    """An override as ``--set`` would take it: ``moe.median=1.5``.

    Examples
    --------
    >>> format_override("chinchilla.enabled", False)
    'chinchilla.enabled=false'
    >>> format_override("moe.ci", [1.5, 4.0])
    'moe.ci=[1.5, 4.0]'
    """
    return f"{path}={_toml(value)}"


def _toml(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return str(value)


def text_digest(text: str) -> str:
    """The SHA-256 of a prior file's text, as read (its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dict_digest(data: Mapping[str, Any]) -> str:
    """The SHA-256 of a prior given as a dictionary (its canonical JSON)."""
    return text_digest(
        json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    )


@dataclass(frozen=True)
class Provenance:
    """Where a prior came from and what was changed in it.

    Attributes
    ----------
    source : str
        The prior file's path (or ``"<dict>"``).
    sha256 : str
        The SHA-256 of the file's bytes (for a dictionary, of its canonical
        JSON), before any override.
    overrides : tuple of str
        The overrides applied, in order, as ``--set`` takes them.
    disabled : tuple of str
        The factors switched off (``enabled = false``), from the file or an
        override.
    """

    source: str
    sha256: str
    overrides: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()

    def with_overrides(
        self, overrides: Overrides | Sequence[tuple[str, Any]]
    ) -> Provenance:
        """The same provenance with more overrides applied after these."""
        pairs = normalise_overrides(overrides)
        more = tuple(format_override(p, v) for p, v in pairs)
        return replace(self, overrides=self.overrides + more)

    @property
    def is_what_if(self) -> bool:
        """Whether this run differs from its file (overrides or factors off)."""
        return bool(self.overrides or self.disabled)

    def fields(self) -> dict[str, Any]:
        """The JSON keys: ``prior_path``, ``prior_sha256``, ``overrides``,
        ``disabled``."""
        return {
            "prior_path": self.source,
            "prior_sha256": self.sha256,
            "overrides": list(self.overrides),
            "disabled": list(self.disabled),
        }

    def metadata(self, seed: int, version: str) -> dict[str, str]:
        """Flat text metadata for exported files and figures.

        Keys: ``effcast_prior``, ``effcast_prior_sha256``,
        ``effcast_overrides`` (a JSON list), ``effcast_disabled`` (a JSON
        list), ``effcast_seed`` and ``effcast_version``.
        """
        return {
            "effcast_prior": self.source,
            "effcast_prior_sha256": self.sha256,
            "effcast_overrides": json.dumps(list(self.overrides)),
            "effcast_disabled": json.dumps(list(self.disabled)),
            "effcast_seed": str(seed),
            "effcast_version": version,
        }

    def lines(self, seed: int | None = None, version: str | None = None) -> list[str]:
        """Short human-readable lines: the file, its hash, what was changed."""
        name = Path(self.source).name if self.source != "<dict>" else self.source
        head = f"prior {name} (sha256 {self.sha256[:12]})"
        if seed is not None:
            head += f", seed {seed}"
        if version is not None:
            head += f", effcast {version}"
        out = [head]
        if self.overrides:
            out.append("what-if: " + "; ".join(self.overrides))
        if self.disabled:
            out.append("switched off: " + ", ".join(self.disabled))
        return out


def provenance_fields(results: Any) -> dict[str, Any]:
    """The JSON provenance keys of a result object (empty if it has none)."""
    prov = getattr(results, "provenance", None)
    return prov.fields() if isinstance(prov, Provenance) else {}


def load_with_provenance(
    path: str | Path, overrides: Overrides = None
) -> tuple[Prior, Provenance]:
    """Read and validate a prior file, and say where it came from.

    Raises
    ------
    EffcastError
        As :func:`effcast.prior._loading.load_prior`.
    """
    resolved = resolve_prior_path(path)
    data, text = read_toml(resolved)
    prior = parse_prior(data, source=str(resolved), text=text, overrides=overrides)
    prov = Provenance(str(resolved), text_digest(text))
    return prior, prov.with_overrides(overrides)
