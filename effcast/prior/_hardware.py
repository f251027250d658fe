"""The hardware catalogue: peak throughput of the accelerators effcast knows.

Resources (GPU-hours, cluster sizes) are converted between accelerators by
the ratio of their dense peak throughput, as the founding analysis does: an
hour on a GPU with 7.9 times the peak counts as 7.9 hours on the slower one.
The figures are the vendors' dense (no sparsity) peaks in TFLOP/s; ``bf16``
is the 16-bit (BF16/FP16) tensor peak, ``fp8`` the FP8 peak where the chip
has one. A prior may add accelerators or replace these figures in its
``[gpus]`` table (see docs/prior-format.md).

Examples
--------
>>> round(peak("H100") / peak("V100"), 3)
7.912
>>> peak("B200", "fp8")
4500.0
"""

from __future__ import annotations

from collections.abc import Mapping

from effcast._errors import EffcastError

__all__ = ["CATALOGUE", "catalogue", "peak"]

CATALOGUE: dict[str, dict[str, float]] = {
    "V100": {"bf16": 125.0},
    "A100": {"bf16": 312.0},
    "H100": {"bf16": 989.0, "fp8": 1979.0},
    "H200": {"bf16": 989.0, "fp8": 1979.0},
    "B200": {"bf16": 2250.0, "fp8": 4500.0},
    "TPUv4": {"bf16": 275.0},
    "TPUv5p": {"bf16": 459.0},
}
"""Dense peak TFLOP/s by accelerator and number format (V100: FP16 tensor)."""


def _canonical(name: str) -> str:
    """``"tpu v4"``, ``"TPU-v4"`` and ``"TPUv4"`` all name the same chip."""
    return "".join(ch for ch in name.upper() if ch.isalnum())


def catalogue(
    extra: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, dict[str, float]]:
    """The built-in catalogue, extended or overridden by ``extra``.

    An entry of ``extra`` whose name matches a built-in one (ignoring case,
    spaces and dashes) replaces the figures it gives and keeps the others.

    Examples
    --------
    >>> cat = catalogue({"h100": {"bf16": 1000.0}, "MI300X": {"bf16": 1307.0}})
    >>> cat["H100"], cat["MI300X"]["bf16"]
    ({'bf16': 1000.0, 'fp8': 1979.0}, 1307.0)
    """
    out = {name: dict(peaks) for name, peaks in CATALOGUE.items()}
    index = {_canonical(name): name for name in out}
    for name, peaks in (extra or {}).items():
        key = index.get(_canonical(name), name)
        out.setdefault(key, {}).update({k: float(v) for k, v in peaks.items()})
        index[_canonical(key)] = key
    return out


def lookup(
    name: str, extra: Mapping[str, Mapping[str, float]] | None = None
) -> tuple[str, dict[str, float]]:
    """The catalogue's own spelling of ``name`` and its peaks.

    Raises
    ------
    EffcastError
        If no accelerator of that name is known.
    """
    cat = catalogue(extra)
    index = {_canonical(k): k for k in cat}
    key = index.get(_canonical(name))
    if key is None:
        raise EffcastError(
            f"unknown GPU {name!r}; known: {', '.join(sorted(cat))} "
            "(add it to the prior's [gpus] table)",
            field="gpu",
        )
    return key, cat[key]


def peak(
    name: str,
    precision: str = "bf16",
    extra: Mapping[str, Mapping[str, float]] | None = None,
) -> float:
    """Dense peak TFLOP/s of ``name`` in ``precision`` (``"bf16"`` or ``"fp8"``).

    Raises
    ------
    EffcastError
        If the accelerator is unknown or has no peak for ``precision``.
    """
    key, peaks = lookup(name, extra)
    if precision not in peaks:
        raise EffcastError(
            f"GPU {key!r} has no {precision} peak in the catalogue "
            f"(it has {', '.join(peaks) or 'none'})",
            field="precision",
        )
    return peaks[precision]
