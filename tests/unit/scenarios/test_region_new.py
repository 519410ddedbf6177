"""region new (simulator/scenarios/region_new.py): borrowed assumptions, widened ranges, goals outside the borrowed model."""

from pathlib import Path

import pytest
import yaml

from simulator.errors import PlanError
from simulator.scenarios.region_new import _borrowed_assumptions, _outside_model, _widen_distribution, create_region

ROOT = Path(__file__).resolve().parents[3]
TEACUP = ROOT / "tests/fixtures/models/teacup/teacup.mdl"


def _no_limits(name):
    return (None, None)


def test_assumptions_are_marked_borrowed_and_widened():
    rows = _borrowed_assumptions({"assumptions": [{"id": "a", "variable": "x", "value": 0.3, "range": [0.2, 0.4],
                                                    "unit": "1", "reason": {"zh": "原因", "en": "why"}}]}, "jizhou", _no_limits)
    assert rows == [{"id": "a", "variable": "x", "value": 0.3, "range": [0.1, 0.5], "unit": "1", "borrowed": "jizhou",
                     "reason": {"zh": "借自jizhou（区间向两侧各放宽其宽度的一半，不超出模型声明的合理范围）：原因",
                                "en": "borrowed from jizhou (range widened by half its width each side, inside the "
                                      "model's plausible range): why"}}]


def test_widened_ranges_stay_inside_the_model_s_plausible_range():
    rows = _borrowed_assumptions({"assumptions": [{"id": "s", "variable": "share[a]", "value": 0.5, "range": [0.2, 0.9],
                                                    "unit": "1", "reason": "why"}]}, "jizhou",
                                 lambda name: (0, 1) if name == "share[a]" else (None, None))
    assert rows[0]["range"] == [0.0, 1.0]


def test_sampled_ranges_widen_and_keep_the_mode_inside():
    assert _widen_distribution({"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 3.0}, (None, None)) == \
        {"dist": "triangular", "low": 0.0, "mode": 2.0, "high": 4.0}
    assert _widen_distribution({"dist": "triangular", "low": 0.5, "mode": 0.9, "high": 0.95}, (0, 1)) == \
        {"dist": "triangular", "low": 0.275, "mode": 0.9, "high": 1.0}
    assert _widen_distribution({"dist": "normal", "mean": 1, "sd": 0.1}, (None, None)) == {"dist": "normal", "mean": 1, "sd": 0.1}


def test_goals_on_variables_the_model_lacks_become_not_modelled():
    drafted = {"goals": [{"id": "g", "variable": "gdp"}, {"id": "t", "variable": "teacup_temperature"}],
               "history": [{"id": "h", "variable": "gdp"}], "notes": {}}
    _outside_model(drafted, TEACUP)
    assert drafted["goals"][0] == {"id": "g", "not_modelled": True, "indicator": "gdp", "why": "gdp is not in teacup.mdl"}
    assert drafted["goals"][1] == {"id": "t", "variable": "teacup_temperature"}
    assert drafted["history"] == [] and drafted["notes"]["history_without_variable"] == [{"id": "h", "variable": "gdp"}]


def test_unknown_like_region_writes_nothing(tmp_path):
    text = tmp_path / "p.txt"
    text.write_text("“十四五”规划\n到2025年城镇化率达到60%。\n", encoding="utf-8")
    with pytest.raises(PlanError, match="--like nowhere: no models/nowhere/plan.yaml"):
        create_region("x1", text, like="nowhere", project=tmp_path)
    assert not (tmp_path / "models").exists() and not (tmp_path / "scenarios").exists()


def test_bad_name_is_refused(tmp_path):
    with pytest.raises(PlanError, match="must be a lower-case ASCII id"):
        create_region("Hengshui", tmp_path / "p.txt", project=tmp_path)


def test_a_new_region_from_a_short_text_loads(tmp_path):
    text = tmp_path / "p.txt"
    text.write_text("“十四五”规划\n到2025年,常住人口城镇化率达到60%左右,森林覆盖率达到35%以上。\n", encoding="utf-8")
    made = create_region("x2", text, like="jizhou", project=tmp_path)
    from simulator.plans.plan import load_plan

    plan = load_plan(tmp_path / "models/x2/plan.yaml")
    assert [g.variable for g in plan.goals] == ["urbanization_rate"]
    assert [u.indicator for u in plan.not_modelled] == ["森林覆盖率"]
    assert all("borrowed from jizhou" in a.reason for a in plan.assumptions)
    assert yaml.safe_load((tmp_path / "scenarios/x2/baseline.yaml").read_text(encoding="utf-8"))["region"] == "x2"
    assert len(made.written) == 5
