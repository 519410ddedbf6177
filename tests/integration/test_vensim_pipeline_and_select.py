"""Reference check beside the data flow: DELAY N whose stages last one TIME STEP, and VECTOR SELECT
whose numerical action is an equation, against Vensim's own runs.

The expected numbers are Vensim's printed output, copied from the SD test-models suite
(github.com/SDXorg/test-models at commit 87a840f35f49612933474d964b2b685b9c9f50fb, MIT):
``tests/delay_pipeline/output.tab`` (Vensim DSS 7.1a for Mac; columns "Output Second Order Delay with
Modified Delay Time", "Output Third order Delay with Modified Delay Time", "Output Third order
Delay") and ``tests/vector_select/output.tab`` (Vensim DSS 9.2.4 for Windows; columns "Aout1",
"Aout1 0", "Cout1 0", "Aout4[B1..B4]", "Aout4 0[B1..B4]"). The models here
(``models/vensim_pipeline_cases.mdl``, ``models/vector_select_actions.mdl``) are ours and hold
the same equations under plain names: the two files of the suite are not in the copy of it the
other tests read ($PLANSIM_TEST_MODELS).
"""

from pathlib import Path

import numpy as np
import pytest

import simulator

MODELS = Path(__file__).parent / "models"

# t = 0, 0.5, ..., 14: the input is -1 until t = 5, then 4
_PIPELINE = {
    # DELAY N(input, 1, 6, 2): the initial value until t = 1, then the input 1 later (a step arrives as a step)
    "two_stages_of_one_step": [6, 6] + [-1] * 10 + [4] * 17,
    # DELAY N(input, 1.5, 6, 3): the input 1.5 later
    "three_stages_of_one_step": [6, 6, 6] + [-1] * 10 + [4] * 16,
    # DELAY N(input, 1.25, 6, 3): Vensim prints the same as for order 2 (1.25 holds 2.5 time steps)
    "order_reduced_to_two": [6, 6, 1.52, -0.272, -0.8096, -0.95296, -0.9888, -0.997402, -0.999409, -0.999867,
                             -0.999971, -0.999994, 2.2, 3.48, 3.864, 3.9664, 3.992, 3.99814, 3.99958, 3.99991,
                             3.99998] + [4] * 8,
}

# t = 0, 1, 2, 3, 4: numerical action Time (0-4) and Time + 6 (6-10)
_SELECT = {
    "weighted_by_time": [-0.66, 0.027, -0.5, 1, -0.132],
    "plain_by_time": [-1.4, -0.18, -1.2, 1, -0.28],
    "nothing_selected": [-12345] * 5,
    "columns_weighted_by_time": [[6.45, 1.1, 3.75, 4.4], [0, -1.08, -1.08, -0.12], [0, -3, -2, -1], [4, 2, 3, 4],
                                 [1.29, 0.22, 0.75, 0.88]],
    "columns_by_time": [[9.5, 1.4, 9.3, 3.2], [0, 7.2, 7.2, 0.8], [0, -3, 0.3, -1], [4, 3, 3, 4],
                        [1.9, 0.28, 1.86, 0.64]],
}


@pytest.mark.parametrize("column", sorted(_PIPELINE))
def test_delay_n_matches_vensims_pipeline_run(column):
    ds = simulator.load_model(MODELS / "vensim_pipeline_cases.mdl").run(return_columns=[column])
    np.testing.assert_array_equal(ds["time"].values, np.arange(29) * 0.5)
    # Vensim prints 6 significant digits
    np.testing.assert_allclose(ds[column].values[0], _PIPELINE[column], rtol=5e-6, atol=1e-12)


@pytest.mark.parametrize("column", sorted(_SELECT))
def test_vector_select_with_an_equation_as_action_matches_vensims_run(column):
    ds = simulator.load_model(MODELS / "vector_select_actions.mdl").run(return_columns=[column])
    np.testing.assert_allclose(ds[column].values[0], _SELECT[column], rtol=5e-6, atol=1e-12)
