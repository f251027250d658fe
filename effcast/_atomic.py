"""Output files: checked before any work starts, then written atomically.

A command that writes a file checks the path first (extension, directory,
an existing file), so bad input fails before a long computation; then it
writes to a temporary file in the same directory and renames it, so a file
appears complete or not at all, with the permissions the umask gives.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ._errors import EffcastError

__all__ = ["check_output_path", "write_atomic"]


def check_output_path(
    path: str | Path,
    formats: Sequence[str],
    *,
    what: str = "file",
    field: str = "out",
    overwrite: bool = True,
) -> Path:
    """Refuse an output path effcast could not, or should not, write.

    Parameters
    ----------
    path : str or Path
    formats : sequence of str
        The extensions allowed, without dots (``("png", "svg", "pdf")``).
    what : str
        What the file holds, for messages (``"figure"``).
    field : str
        The option, for :class:`~effcast.EffcastError`.
    overwrite : bool
        Whether an existing file may be replaced (else: "add --force").

    Examples
    --------
    >>> check_output_path("fan.png", ("png", "svg")).name
    'fan.png'
    """
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext not in formats:
        raise EffcastError(
            f"{path}: cannot tell the {what} format from the extension "
            f"{path.suffix or '(none)'!r}; use "
            + " or ".join("." + f for f in formats),
            field=field,
        )
    if path.is_dir():
        raise EffcastError(f"{path}: is a directory", field=field)
    if path.exists() and not overwrite:
        raise EffcastError(
            f"{path}: already exists; add --force to overwrite it", field=field
        )
    parent = path.parent
    if not parent.is_dir():
        raise EffcastError(
            f"{path}: the directory {parent} does not exist", field=field
        )
    if not os.access(parent, os.W_OK):
        raise EffcastError(
            f"{path}: the directory {parent} is not writable", field=field
        )
    return path


def write_atomic(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary_path)``, then rename the result to ``path``.

    On any failure the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent
    )
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
