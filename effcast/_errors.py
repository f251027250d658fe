"""The one exception type effcast raises for bad input."""

from __future__ import annotations

__all__ = ["EffcastError", "EffcastWarning"]


class EffcastError(ValueError):
    """Bad input to effcast: a prior file, an override, a sample count or a seed.

    The message is complete and meant for people: it names the file, the
    factor and the field (and a line number where one is known). The command
    line prints it and exits with status 2.

    Attributes
    ----------
    source : str or None
        The prior file (or ``"<dict>"``) the problem was found in, if any.
    factor : str or None
        The factor's name, if the problem lies in one factor.
    field : str or None
        The offending key, if one is known.
    line : int or None
        The line number in the prior file, if one is known.

    Examples
    --------
    >>> import effcast
    >>> try:
    ...     effcast.Model.from_dict({"factor": []})
    ... except effcast.EffcastError as err:
    ...     print(err.field)
    period
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        factor: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.source = source
        self.factor = factor
        self.field = field
        self.line = line


class EffcastWarning(UserWarning):
    """A prior that is valid but probably not what was meant.

    For example a split belief whose scales below and above the median are
    far apart, or an override that moves only a median
    (``--set moe.median=1.5``) and so builds such a split. The command line
    prints these on standard error as ``effcast: warning: ...``; in Python
    they are ordinary :mod:`warnings`, so
    ``warnings.simplefilter("error", effcast.EffcastWarning)`` turns them
    into errors.
    """
