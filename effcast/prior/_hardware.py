"""The hardware catalogue: peak throughput of the accelerators effcast knows.

Resources (GPU-hours, cluster sizes) are converted between accelerators by
the ratio of their dense peak throughput, as the founding analysis does: an
hour on a GPU with 7.9 times the peak counts as 7.9 hours on the slower one.
The figures are the vendors' dense (no sparsity) peaks in TFLOP/s; ``bf16``
is the 16-bit (BF16/FP16) tensor peak, ``fp8`` the FP8 and ``fp4`` the FP4
peak where the chip has one. A prior may add accelerators or replace these
figures in its ``[gpus]`` table (see docs/prior-format.md).

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

__all__ = ["CATALOGUE", "SOURCES", "catalogue", "peak"]

CATALOGUE: dict[str, dict[str, float]] = {
    "V100": {"bf16": 125.0},
    "A100": {"bf16": 312.0},
    "H100": {"bf16": 989.0, "fp8": 1979.0},
    "H800": {"bf16": 989.0, "fp8": 1979.0},
    "H200": {"bf16": 989.0, "fp8": 1979.0},
    "B200": {"bf16": 2250.0, "fp8": 4500.0, "fp4": 9000.0},
    "B300": {"bf16": 2250.0, "fp8": 4500.0, "fp4": 13500.0},
    "GB200": {"bf16": 2500.0, "fp8": 5000.0, "fp4": 10000.0},
    "GB300": {"bf16": 2500.0, "fp8": 5000.0, "fp4": 15000.0},
    "MI300X": {"bf16": 1307.4, "fp8": 2614.9},
    "MI355X": {"bf16": 2516.6, "fp8": 5033.2, "fp4": 10066.3},
    "TPUv4": {"bf16": 275.0},
    "TPUv5p": {"bf16": 459.0},
    "TPUv6e": {"bf16": 918.0},
}
"""Dense peak TFLOP/s by accelerator and number format (V100: FP16 tensor).

Every figure is *dense* (no 2:4 structured sparsity). Vendors often quote
sparse peaks, twice the dense ones; those were halved. :data:`SOURCES` says
where each row comes from.
"""

SOURCES: dict[str, str] = {
    "V100": "NVIDIA V100 datasheet: 125 TFLOP/s FP16 tensor (dense)",
    "A100": "NVIDIA A100 datasheet: 312 TFLOP/s BF16 dense (624 with sparsity)",
    "H100": "NVIDIA H100 SXM datasheet: 1,979 BF16 / 3,958 FP8 with sparsity, "
    "halved to dense",
    "H800": "NVIDIA H800 SXM: the H100 SXM's compute with reduced NVLink "
    "bandwidth (the DeepSeek-V3 report trains on it in FP8); H100 SXM peaks",
    "H200": "NVIDIA H200 SXM datasheet: the H100's compute (1,979 BF16 / 3,958 "
    "FP8 with sparsity), halved to dense",
    "B200": "NVIDIA DGX/HGX B200 datasheet: 72 PF FP8 and 144 PF FP4 per 8 GPUs "
    "with sparsity, halved to dense per GPU; BF16 2.25 PF dense",
    "B300": "NVIDIA HGX B300 datasheet: 108 PF dense FP4 per 8 GPUs (13.5 per "
    "GPU); FP8 and BF16 as the B200 (72 and 36 PF per 8 GPUs with sparsity)",
    "GB200": "NVIDIA GB200 NVL72 datasheet: 1,440 PF FP4, 720 PF FP8, 360 PF "
    "BF16 per 72 GPUs with sparsity, halved to dense per GPU",
    "GB300": "NVIDIA GB300 NVL72 datasheet: 1,080 PF dense FP4 per 72 GPUs (15 "
    "per GPU); FP8 and BF16 as GB200 (720 and 360 PF with sparsity)",
    "MI300X": "AMD Instinct MI300X datasheet: 1,307.4 TFLOP/s BF16 and 2,614.9 "
    "FP8 dense (twice that with sparsity); no FP4",
    "MI355X": "AMD Instinct MI355X datasheet: 2.5 PF BF16, 5.0 PF FP8 and 10.1 "
    "PF MXFP4 dense",
    "TPUv4": "Google Cloud TPU v4 documentation: 275 TFLOP/s BF16",
    "TPUv5p": "Google Cloud TPU v5p documentation: 459 TFLOP/s BF16 (918 INT8; no FP8)",
    "TPUv6e": "Google Cloud TPU v6e (Trillium) documentation: 918 TFLOP/s BF16 "
    "(1,836 INT8; no FP8)",
}
"""Where each catalogue row comes from, and which peaks were halved."""


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
    >>> cat = catalogue({"h100": {"bf16": 1000.0}, "Gaudi3": {"bf16": 1835.0}})
    >>> cat["H100"], cat["Gaudi3"]["bf16"]
    ({'bf16': 1000.0, 'fp8': 1979.0}, 1835.0)
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
    """Dense peak TFLOP/s of ``name`` in ``precision`` (bf16, fp8 or fp4).

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
