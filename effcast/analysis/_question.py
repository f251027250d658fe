"""The crossing question: what a threshold or budget is asked about.

One question is a set of compute thresholds, perhaps a hardware budget, and
the reference run whose capability is asked about. :class:`Question` names
its keywords once; :func:`effcast.crossing`, :func:`effcast.sweep`'s
``question``, ``effcast threshold``'s options and the web pages all take
them in this one spelling, and :func:`check_question` validates them before
anything is sampled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack

import numpy as np

from effcast._errors import EffcastError
from effcast.analysis._reference import ReferenceRun, _gpu, _positive, reference_run

__all__ = ["QUESTION_KEYS", "Question", "check_keys", "check_question"]


class Question(TypedDict, total=False):
    """The keywords of a crossing question besides its thresholds.

    :func:`effcast.crossing` takes them as keywords (it says what each
    means); a question kept as one mapping, such as :func:`effcast.sweep`'s
    ``question``, may also hold ``"thresholds"``. Every key is optional.

    Examples
    --------
    >>> import effcast
    >>> question: effcast.Question = {"reference": "gpt4", "budget": 1e5}
    >>> fc = effcast.forecast(effcast.load("gpt3_today"), to=2030, n=20_000, seed=1)
    >>> effcast.crossing(fc, 1e25, **question).reference.name
    'GPT-4'
    """

    reference: str | float | ReferenceRun | None
    reference_year: float | None
    budget: float | None
    gpu: str
    reference_gpu_hours: float | None
    reference_gpu: str | None


QUESTION_KEYS = ("thresholds", *Question.__annotations__)
"""Every key of a question given as one mapping (``effcast.sweep``'s)."""


def check_keys(question: Mapping[str, Any]) -> None:
    """Refuse a key that is not a question's (a misspelt ``refrence``)."""
    unknown = sorted(set(question) - set(QUESTION_KEYS))
    if unknown:
        raise EffcastError(
            f"unknown crossing question keys {unknown}; expected some of "
            + ", ".join(QUESTION_KEYS),
            field="question",
        )


def _limits(thresholds: float | Sequence[float]) -> list[float]:
    given = (
        list(thresholds)
        if isinstance(thresholds, Sequence | np.ndarray)
        and not isinstance(thresholds, str)
        else [thresholds]
    )
    return [_positive(t, "a compute threshold", "threshold") for t in given]


def check_question(
    start: float,
    to: float,
    thresholds: float | Sequence[float] = (),
    *,
    baseline: ReferenceRun | None = None,
    **question: Unpack[Question],
) -> tuple[list[float], float | None, str, ReferenceRun, float]:
    """Validate a crossing question against a period start and a last year.

    Returns the thresholds, the budget, the GPU's catalogue name, the
    reference run and the year gains count from. Without a ``reference``
    the run is ``baseline`` (a prior's own, :func:`baseline_run`), else
    GPT-3. :func:`crossing` calls it; the command line calls it before
    sampling, so bad input fails at once.

    Raises
    ------
    EffcastError
        As :func:`crossing`, and for a keyword that is not a question's.
    """
    check_keys(question)
    limits = _limits(thresholds)
    budget = question.get("budget")
    if budget is not None:
        budget = _positive(budget, "the hardware budget", "budget")
    if not limits and budget is None:
        raise EffcastError(
            "give at least one compute threshold (FLOP) or a hardware budget "
            "(GPU-hours)",
            field="threshold",
        )
    gpu = _gpu(question.get("gpu", "H100"))
    reference = question.get("reference")
    if reference is None:
        reference = "gpt3" if baseline is None else baseline
    run = reference_run(
        reference,
        year=question.get("reference_year"),
        gpu_hours=question.get("reference_gpu_hours"),
        gpu=question.get("reference_gpu"),
    )
    if budget is not None:
        run.gpu_hours_on(gpu)
    since = start if run.year is None else run.year
    if since < start:
        raise EffcastError(
            f"the reference year {since:g} lies before the prior's period start "
            f"{start:g}; the prior says nothing about gains before it "
            "(give --reference-year)",
            field="reference_year",
        )
    if since >= to:
        raise EffcastError(
            f"the reference year {since:g} is not before the last year asked "
            f"about ({to:g})",
            field="reference_year",
        )
    return limits, budget, gpu, run, since
