"""Writing files safely: samples as CSV, Parquet or .npz, and atomic writes.

Every file effcast writes goes through :func:`atomic_write`: the content is
written to a temporary file in the destination's directory and renamed over
the destination only once complete, so a failure (a full disk, an
interrupted run, a missing optional dependency) never leaves a partial file.
:func:`check_output` refuses a path before any work is done: an unknown
extension, a directory that does not exist or cannot be written, or an
existing file (unless ``force``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import numpy as np

from effcast._errors import EffcastError
from effcast.io._atomic import atomic_write, check_output
from effcast.io._formats import SAMPLE_FORMATS

__all__ = ["SampleSource", "write_samples"]


class SampleSource(Protocol):
    """What :func:`write_samples` needs of a result: columns and provenance."""

    source: str
    seed: int
    n: int

    def columns(self) -> dict[str, np.ndarray]: ...


def _csv(columns: Mapping[str, np.ndarray], tmp: Path) -> None:
    try:  # pyarrow writes CSV about ten times faster than numpy
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        pa = None
    if pa is not None:
        # Shortest round-trip float formatting: every float64 reads back exactly.
        with open(tmp, "wb") as fh:
            fh.write((",".join(columns) + "\n").encode())
            pacsv.write_csv(
                pa.table(dict(columns)),
                fh,
                write_options=pacsv.WriteOptions(
                    include_header=False, quoting_style="none"
                ),
            )
        return
    names = list(columns)
    data = np.column_stack([columns[k] for k in names])
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(names) + "\n")
        # 17 significant digits: every float64 reads back exactly.
        np.savetxt(fh, data, fmt="%.17g", delimiter=",")


def _parquet(columns: Mapping[str, np.ndarray], tmp: Path, meta: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(dict(columns))
    table = table.replace_schema_metadata({"effcast": json.dumps(meta)})
    pq.write_table(table, tmp)


def _npz(columns: Mapping[str, np.ndarray], tmp: Path) -> None:
    with open(tmp, "wb") as fh:
        np.savez(fh, **dict(columns))  # type: ignore[arg-type]  # numpy's stub


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise EffcastError(
            'writing Parquet needs pyarrow: pip install "effcast[parquet]" '
            "(or write .csv or .npz)",
            field="output",
        ) from None


def write_samples(res: SampleSource, path: str | Path, *, force: bool = False) -> Path:
    """Write the samples of ``res`` to ``path``; the extension picks the format.

    The columns are those of :meth:`Results.columns`: ``total.hardware``,
    ``total.compute``, ``factor.<name>`` and ``group.<name>``, one row per
    sample. ``.csv`` writes a header line and full-precision numbers;
    ``.parquet`` needs pyarrow and stores the run (prior, seed, samples) in
    the schema's metadata under ``"effcast"``; ``.npz`` holds one array per
    column.

    Raises
    ------
    EffcastError
        As :func:`check_output`, or if pyarrow is missing for ``.parquet``.
        Nothing is left on disk when it raises.

    Examples
    --------
    >>> import effcast, tempfile, os
    >>> res = effcast.load("gpt3_today").sample(1000, seed=1)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_samples(res, os.path.join(d, "s.npz"))
    ...     sorted(np.load(path))[:3]
    ['factor.chinchilla', 'factor.data_quality', 'factor.hardware_efficiency']
    """
    path = check_output(path, SAMPLE_FORMATS, force=force)
    ext = path.suffix.lower()
    if ext == ".parquet":
        _require_pyarrow()
    columns = res.columns()
    meta = {"prior": res.source, "seed": str(res.seed), "samples": res.n}
    if ext == ".csv":
        atomic_write(path, lambda tmp: _csv(columns, tmp))
    elif ext == ".parquet":
        atomic_write(path, lambda tmp: _parquet(columns, tmp, meta))
    else:
        atomic_write(path, lambda tmp: _npz(columns, tmp))
    return path
