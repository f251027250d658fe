"""Tolerances for comparing sampled quantiles with exact ones.

The sample p-quantile of n draws is approximately normal around the true
quantile x_p with standard deviation sqrt(p (1 - p) / n) / f(x_p), where f is
the density at x_p. Checks allow ``k`` of those standard deviations.
"""

from __future__ import annotations

import numpy as np


def quantile_sd(p: float, n: int, density: float) -> float:
    """Asymptotic standard deviation of the sample p-quantile."""
    return float(np.sqrt(p * (1 - p) / n) / density)


def quantiles_agree(samples, ppf, pdf, ps, k: float = 5.0) -> tuple[bool, list]:
    """Whether every sampled quantile lies within k sd of the exact one.

    Returns the verdict and, per p, (p, sampled, exact, tolerance) for messages.
    """
    n = len(samples)
    got = np.quantile(samples, ps)
    rows = []
    ok = True
    for p, g in zip(ps, got, strict=True):
        exact = float(ppf(p))
        tol = k * quantile_sd(p, n, float(pdf(exact)))
        rows.append((p, float(g), exact, tol))
        ok &= abs(g - exact) <= tol
    return bool(ok), rows
