"""Every shipped prior file validates and samples."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import PRIORS

import effcast

PRIOR_FILES = sorted(PRIORS.glob("*.toml"))


def test_there_are_priors():
    assert PRIOR_FILES


@pytest.mark.parametrize("path", PRIOR_FILES, ids=lambda p: p.name)
def test_prior_validates_and_samples(path):
    model = effcast.load(path)
    assert model.title
    assert model.years > 0
    res = model.sample(20_000, seed=1)
    assert np.all(np.isfinite(res.hardware)) and np.all(res.hardware > 0)
    assert np.all(np.isfinite(res.compute)) and np.all(res.compute > 0)
    for m in model.marginals:
        assert m.name in res.summary()["factors"]
