"""Reference check beside the data flow: VECTOR SELECT (every numerical action) and GET TIME VALUE.

``models/vector_select_time_value.mdl`` selects north (weight 1) and east (weight 2) of
values north = 3 + t/2, south = 10 - t, east = 4, west = -2. Expected values are written from
Vensim's documented definitions of the actions; every column is also checked against PySD's runtime.
"""

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import simulator

try:  # tests/ may or may not be a package
    from . import sd_suite
except ImportError:
    import sd_suite

MODEL = Path(__file__).parent / "models" / "vector_select_time_value.mdl"


@pytest.fixture(scope="module")
def ours():
    return sd_suite.dataset_to_vensim_frame(simulator.load_model(MODEL).run())


def _documented(t):
    north, east = 3 + t / 2, 4.0
    return {
        "weighted sum": 1 * north + 2 * east,
        "weighted product": (1 * north) * (2 * east),
        "weighted min": np.minimum(north, 2 * east),
        "weighted max": np.maximum(north, 2 * east),
        "weighted mean": (north + 2 * east) / 2,
        "power product": north ** 1 * east ** 2,
        "plain sum": north + east,
        "plain min": np.minimum(north, east),
        "plain mean": (north + east) / 2,
        "missing": np.full_like(t, -1.0),
        "by kind[small]": np.full_like(t, 1 + t),                 # max over north, east of 1 + t
        "by kind[large]": 5 * t - 12,
        "time ahead": t + 2.5,
    }


def test_columns_follow_the_documented_definitions(ours):
    t = ours.index.to_numpy()
    for column, expected in _documented(t).items():
        np.testing.assert_allclose(ours[column].to_numpy(), expected, rtol=1e-12, err_msg=column)


def test_every_column_equals_pysd(ours, tmp_path):
    import pysd

    shutil.copy(MODEL, tmp_path / MODEL.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pysd.read_vensim(str(tmp_path / MODEL.name)).run()
    compared = [c for c in ours.columns if c in reference.columns]
    assert len(compared) == len(ours.columns)
    for column in compared:
        np.testing.assert_allclose(ours[column].to_numpy(), reference[column].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-9, err_msg=column)
