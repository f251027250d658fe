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

__all__ = ["SampleSource", "provenance_metadata", "write_samples"]


class SampleSource(Protocol):
    """What :func:`write_samples` needs of a result: columns and provenance.

    ``provenance`` (optional) is a :class:`effcast.prior._provenance.Provenance`.
    """

    source: str
    seed: int
    n: int

    def columns(self) -> dict[str, np.ndarray]: ...


def _comment_lines(meta: Mapping[str, object]) -> bytes:
    """The CSV's leading ``# key: value`` lines (values as JSON)."""
    lines = [f"# {k}: {json.dumps(v)}" for k, v in meta.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv(columns: Mapping[str, np.ndarray], tmp: Path, meta: dict) -> None:
    try:  # pyarrow writes CSV about ten times faster than numpy
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        pa = None
    if pa is not None:
        # Shortest round-trip float formatting: every float64 reads back exactly.
        with open(tmp, "wb") as fh:
            fh.write(_comment_lines(meta))
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
        fh.write(_comment_lines(meta).decode("utf-8"))
        fh.write(",".join(names) + "\n")
        # 17 significant digits: every float64 reads back exactly.
        np.savetxt(fh, data, fmt="%.17g", delimiter=",")


def _parquet(columns: Mapping[str, np.ndarray], tmp: Path, meta: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(dict(columns))
    table = table.replace_schema_metadata({"effcast": json.dumps(meta)})
    pq.write_table(table, tmp)


def _npz(columns: Mapping[str, np.ndarray], tmp: Path, meta: dict) -> None:
    with open(tmp, "wb") as fh:
        entries = {**columns, "provenance": np.array(json.dumps(meta))}
        np.savez(fh, **entries)  # type: ignore[arg-type]  # numpy's stub


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
    sample. Every format carries the run's provenance (see
    :func:`provenance_metadata`: the prior's path and SHA-256, the
    overrides, the switched-off factors, the seed, the sample count and
    the effcast version): ``.csv`` as ``# key: value`` comment lines (values
    in JSON) before the header line, then full-precision numbers (read it
    with ``pandas.read_csv(path, comment="#")``); ``.parquet`` (needs
    pyarrow) as JSON in the schema's metadata under ``"effcast"``; ``.npz``
    as JSON in a string entry ``provenance`` beside one array per column.

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
    if not callable(getattr(res, "columns", None)):
        raise EffcastError(
            f"write_samples needs Results (model.sample(...)), got "
            f"{type(res).__name__}",
            field="results",
        )
    path = check_output(path, SAMPLE_FORMATS, force=force)
    ext = path.suffix.lower()
    if ext == ".parquet":
        _require_pyarrow()
    columns = res.columns()
    meta = provenance_metadata(res)
    if ext == ".csv":
        atomic_write(path, lambda tmp: _csv(columns, tmp, meta), force=force)
    elif ext == ".parquet":
        atomic_write(path, lambda tmp: _parquet(columns, tmp, meta), force=force)
    else:
        atomic_write(path, lambda tmp: _npz(columns, tmp, meta), force=force)
    return path


def provenance_metadata(res: SampleSource) -> dict[str, object]:
    """What every export records about the run that drew its samples.

    Keys: ``prior`` (as given), ``prior_path`` and ``prior_sha256`` (the
    file resolved and the SHA-256 of its bytes), ``overrides`` (a list of
    ``--set`` strings), ``disabled`` (switched-off factors), ``seed`` (a
    string: it may exceed 2**53), ``samples`` and ``effcast_version``.
    """
    from effcast._version import __version__

    meta: dict[str, object] = {"prior": res.source, "seed": str(res.seed)}
    meta["samples"] = res.n
    prov = getattr(res, "provenance", None)
    if prov is not None:
        meta.update(prov.fields())
    meta["effcast_version"] = __version__
    return meta
