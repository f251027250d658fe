"""The numeric layout of a model as the sampling kernels read it.

:mod:`effcast.families._base` (and the families built on it) write rows in
this layout; :mod:`effcast.engine._kernels` reads them. Keeping the column numbers
in one module means the two can never disagree.
"""

from __future__ import annotations

__all__ = [
    "KIND_CHINCHILLA",
    "KIND_MIXTURE",
    "KIND_SPLIT",
    "METHOD_INV_LOWER",
    "METHOD_INV_UPPER",
    "METHOD_NONE",
    "METHOD_REJECT",
]

# Columns of ``rows`` (one per component; float64).
LOC, S_LO, S_HI, Z_LO, Z_HI, PL_A, PL_B, PU_A, PU_B, CUMW = range(10)
N_ROW_COLS = 10
# The same columns, for the rows of a scaling-law factor (one per fit).
FIT_A, FIT_B, FIT_ALPHA, FIT_BETA = range(4)
# Columns of ``rowflags`` (int64).
IS_LOG, METHOD = range(2)
# Columns of ``factors`` (one per factor; int64).
KIND, ROW0, NROWS, IS_COMPUTE, COPULA = range(5)
# Columns of ``fparams`` (one per factor; float64).
FLOOR, X_LO, X_HI, LOG_N0, LOG_D0, ALPHA_SD, BETA_SD = range(7)
N_FPARAM_COLS = 7

# A scaling-law exponent drawn with noise is redrawn until at least this:
# near zero the law stops describing anything and the factor explodes.
MIN_EXPONENT = 0.05

# Factor kinds.
KIND_SPLIT, KIND_MIXTURE, KIND_CHINCHILLA = 0, 1, 2
# The kinds the kernel has a branch for; any other kind is refused.
KERNEL_KINDS = (KIND_SPLIT, KIND_MIXTURE, KIND_CHINCHILLA)
# How a truncated standard normal is drawn.
METHOD_NONE, METHOD_REJECT, METHOD_INV_LOWER, METHOD_INV_UPPER = 0, 1, 2, 3
