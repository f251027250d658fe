"""Output files: checked before any work starts, then written atomically.

A command that writes a file checks the path first (extension, directory,
an existing file), so bad input fails before a long computation; then it
writes to a temporary file in the same directory and renames it, so a file
appears complete or not at all, with the permissions the umask gives. The
rename never replaces a file another run wrote meanwhile (unless forced),
and temporary files of killed runs are cleaned up. Every
output effcast writes (samples, figures, sweep tables) goes through here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from effcast._errors import EffcastError

__all__ = ["TEMP_MARK", "atomic_write", "check_output", "clean_stale_temporaries"]


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
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise EffcastError(f"expected a file path, got {path!r}", field=field)
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


TEMP_MARK = ".effcast-tmp-"
"""Part of every temporary file's name: ``.NAME.effcast-tmp-PID-XXXX.EXT``."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's live process
    return True


def clean_stale_temporaries(directory: str | Path) -> list[Path]:
    """Remove temporary files left in ``directory`` by killed effcast runs.

    A run that is killed (SIGKILL, a power cut) cannot remove its temporary
    file. Its name says which process made it; those of processes that no
    longer exist are removed here, before each write to the directory.
    Returns the files removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or TEMP_MARK not in name:
            continue
        pid_text = name.split(TEMP_MARK, 1)[1].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def atomic_write(
    path: str | Path, write: Callable[[Path], None], *, force: bool = False
) -> None:
    """Call ``write(tmp)`` on a temporary file, then move it to ``path``.

    The temporary file lies in the same directory (so the move is atomic)
    and keeps ``path``'s extension (so writers that look at it, such as
    matplotlib's ``savefig``, pick the right format). On any failure it is
    removed and ``path`` is left as it was; temporary files of killed runs
    are recognised by name and removed (:func:`clean_stale_temporaries`).

    Without ``force`` the move refuses to replace a file: if another run
    wrote ``path`` since it was checked, this one fails instead of silently
    replacing it (a hard link, which the operating system makes only if the
    name is free). With ``force`` it replaces ``path`` atomically.

    Raises
    ------
    EffcastError
        If ``path`` now exists (without ``force``), or the operating system
        refuses (permissions, a full disk).
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    clean_stale_temporaries(parent)
    try:
        fd, name = tempfile.mkstemp(
            dir=parent,
            prefix=f".{path.stem}{TEMP_MARK}{os.getpid()}-",
            suffix=path.suffix,
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
        if force:
            os.replace(tmp, path)
        else:
            _move_exclusive(tmp, path)
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise EffcastError(
            f"{path}: already exists (another run wrote it meanwhile?); pass "
            "--force (force=True) to replace it",
            field="output",
        ) from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EffcastError(
            f"{path}: cannot write ({exc.strerror or exc})", field="output"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _move_exclusive(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if no file has it (else FileExistsError)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        # A file system without hard links: claim the name, then replace.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        os.close(fd)
        os.replace(tmp, path)
        return
    tmp.unlink()
