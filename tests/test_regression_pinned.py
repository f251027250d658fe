"""Regression values pinned to one seed.

These are not "right answers": they record what effcast drew for
priors/gpt3_today.toml with seed 20240101 and 200,000 samples, so that a
change that alters the samples (a new kernel, a new stream layout, a changed
prior) is noticed and made on purpose.

To regenerate after an intended change, run from the repository root

    python tests/test_regression_pinned.py

and paste the printed dictionary over ``PINNED`` below, saying why in the
commit message.
"""

from __future__ import annotations

import numpy as np
import pytest

SEED = 20240101
N = 200_000
PROBES = (0, 1, 65_535, 65_536, 199_999)  # both sides of a block boundary

PINNED = {
    "hardware_median": 423.6341274818418,
    "compute_median": 174.49222718193144,
    "hardware_probes": [
        1718.8636988053486,
        992.4517183699296,
        722.9702108896038,
        1341.4544158537421,
        549.1855951698319,
    ],
    "moe_probes": [
        2.7306180490321705,
        2.271421097258321,
        2.903647913794618,
        6.239873365926665,
        1.3930136378553122,
    ],
}


def current() -> dict:
    import effcast

    res = effcast.load("priors/gpt3_today.toml").sample(N, seed=SEED)
    return {
        "hardware_median": float(np.median(res.hardware)),
        "compute_median": float(np.median(res.compute)),
        "hardware_probes": [float(res.hardware[i]) for i in PROBES],
        "moe_probes": [float(res.factor("moe")[i]) for i in PROBES],
    }


def test_pinned_values():
    got = current()
    for key, want in PINNED.items():
        assert got[key] == pytest.approx(want, rel=1e-12), key


if __name__ == "__main__":
    import pprint

    pprint.pprint(current(), sort_dicts=False)
