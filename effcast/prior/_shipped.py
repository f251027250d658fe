"""The priors shipped with effcast, found by name.

In a source checkout they are the files in the repository's ``priors/``
folder; in an installed wheel the same files sit inside the package, in
``effcast/_priors``. ``effcast.load("gpt3_today")`` and
``effcast sample gpt3_today`` use them when no file of that name exists.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

__all__ = ["resolve_prior_path", "shipped_priors"]

_HERE = Path(__file__).resolve().parent


def _folder() -> Path | None:
    for candidate in (_HERE.parent / "_priors", _HERE.parents[1] / "priors"):
        if candidate.is_dir():
            return candidate
    return None


def shipped_priors() -> dict[str, Path]:
    """The shipped priors, by name (the file's stem), in alphabetical order.

    Examples
    --------
    >>> import effcast
    >>> "gpt3_today" in effcast.shipped_priors()
    True
    """
    folder = _folder()
    if folder is None:  # pragma: no cover - a broken installation
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


def resolve_prior_path(path: str | Path) -> Path:
    """``path`` itself if it exists; otherwise the shipped prior it names.

    A bare name (``"gpt3_today"``, or ``"gpt3_today.toml"``) that is not a
    file in the working directory resolves to the shipped prior of that
    name; anything else is returned unchanged, so that reading it reports
    the missing file.
    """
    if not isinstance(path, str | PathLike) or not str(path).strip():
        from effcast._errors import EffcastError

        raise EffcastError(
            f"a prior is a file path or a shipped prior's name, got {path!r}",
            field="prior",
        )
    p = Path(path)
    if p.exists() or len(p.parts) != 1:
        return p
    stem = p.name[:-5] if p.name.endswith(".toml") else p.name
    return shipped_priors().get(stem, p)
