"""Every shipped goal follows the one reading rule of docs/goal-reading.md (simulator/plans/reading.py).

The expected comparison comes from the quoted plan words, never from the goal itself, so a goal
coded against its words (a 左右 read one-sided, a 以内 read as a band, 力争 marked binding) fails.
"""

from __future__ import annotations

import pytest

from simulator.plans.plan import list_plans, load_plan
from simulator.plans.reading import about_band, expected_comparisons, is_aspiration

GOALS = [(plan.region, goal) for plan in map(load_plan, list_plans()) for goal in plan.goals]


@pytest.mark.parametrize("region, goal", GOALS, ids=[f"{r}:{g.id}" for r, g in GOALS])
def test_goal_comparison_follows_its_quoted_words(region, goal):
    allowed = expected_comparisons(goal.source.quote)
    if allowed is None:
        assert goal.comparison in ("rising", "falling", ">=", "<="), "a words-only goal is a direction or a balance"
        assert "words" in goal.reading or "words" in goal.note or "力" in goal.source.quote or "平衡" in goal.source.quote
        return
    assert goal.comparison in allowed, f"'{goal.source.quote}' allows {allowed}, goal says {goal.comparison}"
    band = about_band(goal.source.quote)
    if band is not None:
        assert tuple(goal.value) == pytest.approx(band)


@pytest.mark.parametrize("region, goal", GOALS, ids=[f"{r}:{g.id}" for r, g in GOALS])
def test_an_aspiration_is_never_binding(region, goal):
    if is_aspiration(goal.source.quote):
        assert goal.binding is False


def test_the_rule_reads_the_cases_that_were_misread_in_v01():
    assert expected_comparisons("常住人口城镇化率达到75%左右") == ("between",)        # 001 l.19, was one-sided
    assert expected_comparisons("到2035年常住人口規模控制在200萬—205萬人以內") == ("<=",)  # 002 l.173, was a band
    assert expected_comparisons("“十四五”期间,地区生产总值年均增长6%以上") == ("growth>=",)  # 003 l.44, was a level
