"""The findings page's numbers: a goal's gap in its own units and as a share of its target (reports.findings.gap)."""

from types import SimpleNamespace

import pytest

from reports.findings import gap


def goal(comparison, value):
    return SimpleNamespace(comparison=comparison, value=value)


@pytest.mark.parametrize("comparison, value, median, expected", [
    (">=", 100.0, 60.0, (40.0, 0.4)),            # short of a floor by 40 = 40 % of it
    (">=", 100.0, 120.0, None),                  # met: no gap
    ("<=", 50.0, 55.0, (5.0, 0.1)),              # above a ceiling by 5 = 10 %
    ("between", [10.0, 20.0], 8.0, (2.0, 0.2)),  # below the band: gap to its low end
    ("between", [10.0, 20.0], 25.0, (5.0, 0.25)),
    ("growth>=", 0.06, 0.045, (0.015, 0.25)),    # 1.5 points short of 6 %/yr
    ("falling", None, 1.0, None),                # trend goals have no level to miss
])
def test_gap_in_units_and_share(comparison, value, median, expected):
    result = gap(goal(comparison, value), median)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)
