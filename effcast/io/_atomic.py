"""Output files: checked before any work starts, then written atomically.

A command that writes a file checks the path first (extension, directory,
an existing file), so bad input fails before a long computation; then it
writes to a temporary file in the same directory and renames it, so a file
appears complete or not at all, with the permissions the umask gives. Every
output effcast writes (samples, figures, sweep tables) goes through here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from effcast._errors import EffcastError

__all__ = ["atomic_write", "check_output"]


def check_output(
    path: str | Path,
    formats: Mapping[str, str],
    *,
    force: bool = False,
    field: str = "output",
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
    field : str
        The option the path came from, recorded on the error.

    Raises
    ------
    EffcastError
        For an unknown extension, an existing file without ``force``, a
        directory in the way, or a parent directory that is missing or not
        writable.

    Examples
    --------
    >>> check_output("table.xlsx", {".csv": "CSV", ".json": "JSON"})
    Traceback (most recent call last):
    ...
    effcast._errors.EffcastError: table.xlsx: unknown file type '.xlsx'; use .csv (CSV) or .json (JSON)
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
            field=field,
        )
    if path.is_dir():
        raise EffcastError(f"{path}: is a directory", field=field)
    if path.exists() and not force:
        raise EffcastError(
            f"{path}: already exists; pass --force (force=True) to replace it",
            field=field,
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise EffcastError(f"{path}: directory {parent} does not exist", field=field)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise EffcastError(f"{path}: cannot write to directory {parent}", field=field)
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
