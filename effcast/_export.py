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
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from ._errors import EffcastError
from ._results import Results

__all__ = ["SAMPLE_FORMATS", "atomic_write", "check_output", "write_samples"]

SAMPLE_FORMATS = {".csv": "CSV", ".parquet": "Parquet", ".npz": "numpy .npz"}
"""The extensions ``--out`` accepts, and what each writes."""


def check_output(
    path: str | Path, formats: Mapping[str, str], *, force: bool = False
) -> Path:
    """Check that ``path`` can be written, before any work is done.

    Parameters
    ----------
    path : str or Path
        The file to write.
    formats : mapping
        The extensions accepted (lower case, with the dot) and their names.
    force : bool
        Allow overwriting an existing file.

    Raises
    ------
    EffcastError
        For an unknown extension, an existing file without ``force``, a
        directory in the way, or a parent directory that is missing or not
        writable. The error's ``field`` is ``"output"``.

    Examples
    --------
    >>> check_output("samples.xlsx", SAMPLE_FORMATS)
    Traceback (most recent call last):
    ...
    effcast._errors.EffcastError: samples.xlsx: unknown file type '.xlsx'; use .csv (CSV), .parquet (Parquet) or .npz (numpy .npz)
    """  # noqa: E501
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in formats:
        known = [f"{k} ({v})" for k, v in formats.items()]
        listed = (
            ", ".join(known[:-1]) + " or " + known[-1] if len(known) > 1 else known[0]
        )
        raise EffcastError(
            f"{path}: unknown file type {ext or '(none)'!r}; use {listed}",
            field="output",
        )
    if path.is_dir():
        raise EffcastError(f"{path}: is a directory", field="output")
    if path.exists() and not force:
        raise EffcastError(
            f"{path}: already exists; pass --force (force=True) to replace it",
            field="output",
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise EffcastError(f"{path}: directory {parent} does not exist", field="output")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise EffcastError(
            f"{path}: cannot write to directory {parent}", field="output"
        )
    return path


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file, then rename it to ``path``.

    The temporary file lies in the same directory (so the rename is atomic)
    and keeps ``path``'s extension (so writers that look at it, such as
    matplotlib's ``savefig``, pick the right format). On any failure it is
    removed and ``path`` is left as it was.

    Raises
    ------
    EffcastError
        If the operating system refuses (permissions, a full disk).
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(
            dir=parent, prefix=f".{path.stem}.", suffix=path.suffix
        )
    except OSError as exc:
        raise EffcastError(
            f"{path}: cannot write ({exc.strerror})", field="output"
        ) from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        # mkstemp makes the file private; give it the mode a new file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EffcastError(
            f"{path}: cannot write ({exc.strerror or exc})", field="output"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
        np.savez(fh, **columns)


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise EffcastError(
            'writing Parquet needs pyarrow: pip install "effcast[parquet]" '
            "(or write .csv or .npz)",
            field="output",
        ) from None


def write_samples(res: Results, path: str | Path, *, force: bool = False) -> Path:
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
    >>> res = effcast.load("priors/gpt3_today.toml").sample(1000, seed=1)
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
