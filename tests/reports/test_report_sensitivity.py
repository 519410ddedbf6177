"""Driver measures (reports.sensitivity) against analytic values."""

import numpy as np
import pandas as pd
import pytest

from reports.sensitivity import average_ranks, first_order, rank_inputs, spearman


def test_first_order_matches_the_analytic_sobol_indices():
    # Y = 2a + b², a, b, c ~ U(-1, 1): Var(2a) = 4/3, Var(b²) = 1/5 - 1/9 = 4/45, c has no effect,
    # so S_a = (4/3) / (4/3 + 4/45) = 0.9375, S_b = 0.0625, S_c = 0.
    rng = np.random.default_rng(3)
    n = 4000
    a, b, c = rng.uniform(-1, 1, (3, n))
    y = 2 * a + b ** 2
    assert first_order(a, y) == pytest.approx(0.9375, abs=0.02)
    assert first_order(b, y) == pytest.approx(0.0625, abs=0.02)
    assert first_order(c, y) == pytest.approx(0.0, abs=0.01)


def test_spearman_sign_and_monotone_transform():
    x = np.linspace(0, 1, 50)
    assert spearman(x, np.exp(3 * x)) == pytest.approx(1.0)
    assert spearman(x, -x ** 3) == pytest.approx(-1.0)
    assert np.isnan(spearman(x, np.ones_like(x)))


def test_ranks_and_spearman_with_ties_agree_with_scipy():
    # reports.sensitivity ranks with numpy to keep scipy.stats out of the report's memory;
    # scipy's definitions (average ranks for ties) are the reference here.
    from scipy import stats

    rng = np.random.default_rng(11)
    x = rng.integers(0, 7, 300).astype(float)          # many ties
    y = x ** 2 + rng.normal(0, 3, 300)
    assert np.array_equal(average_ranks(x), stats.rankdata(x))
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, rel=1e-12)


def test_importing_the_report_does_not_load_scipy_stats():
    import subprocess
    import sys

    code = "import sys, reports.build; print('scipy.stats' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_discrete_input_grouped_by_value():
    x = np.repeat([0.0, 1.0], 100)
    y = x * 10.0
    assert first_order(x, y) == pytest.approx(1.0)


def test_rank_inputs_orders_by_strength_and_uses_matching_scenarios():
    rng = np.random.default_rng(5)
    inputs = pd.DataFrame({"weak": rng.uniform(size=300), "strong": rng.uniform(size=300),
                           "none": rng.uniform(size=300)}, index=np.arange(300) + 1000)
    values = pd.Series(5 * inputs["strong"] + 0.5 * inputs["weak"], index=inputs.index)
    values.iloc[:10] = np.nan                     # failed samples are dropped, not matched by position
    table = rank_inputs(inputs, values)
    assert list(table["input"]) == ["strong", "weak", "none"]
    assert table.loc[0, "spearman"] > 0.9 and abs(table.loc[2, "spearman"]) < 0.15
