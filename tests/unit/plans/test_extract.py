"""Plan text → draft goals (simulator/plans/extract): each pattern of issue 23 pinned by a case, seed recall, fixtures."""

from __future__ import annotations

import pytest

from simulator.plans.extract.clauses import When
from simulator.plans.extract.draft import extract
from simulator.plans.extract.numbers import quantities
from simulator.plans.extract.targets import read_clause
from simulator.plans.plan import load_plan
from simulator.plans.records import seeds_dir

from tests.unit.plans import extract_scores

FYP = When(2025, None)


def _goals(text, when=FYP, now=2021):
    return [(g["comparison"], g["value"], g["quantity"].unit if g["quantity"] else None)
            for g in read_clause(text, when, now) if g["kind"] == "goal"]


@pytest.mark.parametrize("text, expected", [
    ("地区生产总值达到111亿元", [(111.0, "亿元")]),
    ("经济总量达到1.2万亿元", [(12000.0, "亿元")]),
    ("人均公共财政支出达到2.1万元", [(2.1, "万元")]),
    ("常住人口达到36.2万人", [(36.2, "万人")]),
    ("城镇化率达到60%", [(60.0, "%")]),
    ("PM2.5浓度降至49微克/立方米", [(49.0, "微克/立方米")]),
    ("粮食产量稳定在33.5万吨以上", [(33.5, "万吨")]),
    ("优良天数达到241天", [(241.0, "天")]),
    ("常住人口规模控制在200万—205万人以内", [((200.0, 205.0), "万人")]),
])
def test_units_and_ranges(text, expected):
    assert [(q.value, q.unit) for q in quantities(text)] == expected


@pytest.mark.parametrize("text", [
    "2017年11月26日召开会议", "第3次全体会议", "排名全国前10名", "冀政字〔2021〕12号", "15.做强主导产业",
    "(3)加快建设", "实施5G网络和G338国道", "创建国家5A级景区", "3到5年内", "“1559”工作目标体系", "PM2.5浓度",
])
def test_never_a_year_date_rank_document_or_clause_number(text):
    assert quantities(text) == []


def test_several_targets_in_one_sentence():
    draft_goals = [g for g in _clauses("到2025年,常住人口城镇化率达到75%左右,再生水利用率达到30%以上。")]
    # 达到X左右 wants more: met at >= 0.95 X (plans/reading.about_goal, docs/goal-reading.md; the city's goal reads so)
    assert [(g["comparison"], g["value"]) for g in draft_goals] == [(">=", 0.7125), (">=", 0.3)]


def test_about_x_is_drafted_by_direction():
    """X左右 as plans/reading.about_goal reads it: 控制在 → <= 1.05 X, 稳定在 → between [0.95 X, 1.05 X]."""
    less = _clauses("到2025年,煤炭消费总量控制在1500万吨左右。")
    neither = _clauses("到2025年,粮食播种面积稳定在500万亩左右。")
    assert [(g["comparison"], g["value"]) for g in less] == [("<=", 1575.0)]
    assert [(g["comparison"], g["value"]) for g in neither] == [("between", [475.0, 525.0])]


def _clauses(text, tmp=None):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.txt"
        path.write_text("“十四五”规划\n" + text + "\n", encoding="utf-8")
        return extract(path).goals


def test_fenbie_pairs_subjects_with_values():
    goals = _clauses("到2025年,城镇、农村居民人均可支配收入分别达到5万元、3万元。")
    assert [(g["label"]["zh"][:2], g["value"]) for g in goals] == [("城镇", 5.0), ("城镇", 3.0)]
    assert [g["indicator"] for g in goals] == ["城镇居民人均可支配收入", "农村居民人均可支配收入"]


def test_decline_over_a_window():
    assert _goals("万元GDP能耗比2020年降低19%") == [("growth<=", -0.041268, "%")]


def test_average_annual_growth():
    assert _goals("地区生产总值年均增长6%以上", When(2025, (2020, 2025))) == [("growth>=", 0.06, "%")]


def test_range_with_ceiling_and_range_alone():
    assert _goals("常住人口规模控制在200万—205万人以内") == [("<=", 205.0, "万人")]
    assert _goals("承接中心城区40万—50万常住人口疏解") == [("between", [40.0, 50.0], "万人")]


def test_lizheng_is_never_binding():
    goals = _clauses("力争到2025年产业规模达到100亿元。")
    assert goals[0]["binding"] is False and "力争" in goals[0]["reading"]


def test_traditional_characters_read_and_quoted_as_written():
    goals = _clauses("到2035年常住人口規模控制在130萬人以內。")
    assert goals[0]["comparison"] == "<=" and goals[0]["value"] == 130.0 and goals[0]["variable"] == "population"
    assert goals[0]["source"]["quote"] == "到2035年常住人口規模控制在130萬人以內"


def test_past_figures_are_history_not_goals(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("“十四五”规划\n全区生产总值由2010 年的49.4 亿元增长到2020 年的111 亿元。\n", encoding="utf-8")
    draft = extract(path)
    assert draft.goals == []
    facts = [(f["variable"], f["year"], f["value"]) for f in draft.history]
    assert facts == [("gdp_nominal", 2010, 49.4), ("gdp_nominal", 2020, 111.0)]


def test_unread_numbers_are_listed(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("“十四五”规划\n全区有300座桥。\n", encoding="utf-8")
    assert extract(path).unread == [(2, "全区有300座桥")]


def test_not_modelled_goal_is_kept_out_of_evaluation(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "region: x\nname: {zh: x}\nplan: {doc: d.txt, title: t, period: p}\nmodel: "
        f"{(extract_scores.ROOT / 'models/regional/regional.mdl').as_posix()}\nhistory: []\nassumptions: []\n"
        "goals:\n  - {id: g1, label: {zh: 森林覆盖率35%}, not_modelled: true, indicator: 森林覆盖率, year: 2025,"
        " comparison: '>=', value: 0.35, unit: '1', binding: true, source: {doc: d.txt, line: 3, quote: 森林覆盖率}}\n",
        encoding="utf-8")
    plan = load_plan(path)
    assert plan.goals == [] and [u.id for u in plan.not_modelled] == ["g1"]


needs_seeds = pytest.mark.skipif(not seeds_dir().is_dir(), reason=f"plan texts not found in {seeds_dir()}; set PLANSIM_SEEDS")


@needs_seeds
def test_seed_recall_at_least_90_percent():
    totals = extract_scores.total(extract_scores.seed_scores())
    assert totals["recovered"] / totals["gold"] >= 0.9, totals


def test_fixture_recall_and_precision():
    totals = extract_scores.total(extract_scores.fixture_scores())
    assert totals["gold"] == 73
    assert totals["recovered"] / totals["gold"] >= 0.9 and totals["true"] / totals["extracted"] >= 0.9, totals


@pytest.mark.parametrize("text, expected", [
    ("城镇新增就业68万人左右", [("between", [64.6, 71.4], "万人")]),          # 左右 with a unit between
    ("全区粮食播种面积稳定在100 万亩左右", [("between", [95.0, 105.0], "万亩")]),
    ("城乡居民收入差距控制在2.2∶1以内", [("<=", 2.2, "∶1")]),               # a ratio A∶1
    ("人均GDP差距缩小到1.2∶1", [("<=", 1.2, "∶1")]),                       # 缩小到: a ceiling
    ("劳动年龄人口平均受教育年限达到11.5年", [(">=", 11.5, "")]),            # a decimal before 年 is no duration
    ("经济总量向7万亿元冲刺", [(">=", 70000.0, "亿元")]),
    ("至少建设3个社区嵌入式养老服务机构", [(">=", 3.0, "个")]),
    ("全市生产总值增长6%-6.5%", [("growth>=", 0.06, "%")]),                 # a range of a rate: its low end
])
def test_patterns_found_on_the_fixtures(text, expected):
    assert _goals(text) == expected


def test_a_results_section_ends_at_the_targets_heading(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("报告\n■ 2024年成绩单\n●粮食总产达到557亿斤\n■ 2025年经济社会发展的主要预期目标\n●粮食产量保持500亿斤以上\n",
                    encoding="utf-8")
    assert [(g["source"]["line"], g["value"]) for g in extract(path, year_default=2025).goals] == [(5, 500.0)]


def test_a_line_about_the_past_gives_facts(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("政府工作报告\n过去五年,经济实力跨越。全省生产总值达到4.5万亿元左右。\n", encoding="utf-8")
    draft = extract(path, year_default=2023)
    assert draft.goals == [] and [(f["variable"], f["value"]) for f in draft.history] == [("gdp_nominal", 45000.0)]


@pytest.mark.parametrize("text, expected", [
    ("促进地下水位稳步回升", [("rising", "groundwater_storage")]),
    ("稳步降低能源消耗强度", [("falling", "energy_intensity")]),
    ("PM 2.5 浓度降低、城市空气质量优良天数比率完成市定目标", [("falling", "pm25")]),   # the direction beside its name
    ("严格控制地下水开采", []),                                                       # 开采 is another indicator
    ("提高城市品位", []),                                                            # no indicator of the dictionary
])
def test_words_only_direction(text, expected):
    found = read_clause(text, When(2025), 2021)
    assert [(g["comparison"], g["indicator"].variable) for g in found] == expected
    assert all(g["year"] == [2020, 2025] and g["value"] is None for g in found)


@needs_seeds
def test_every_quote_of_a_seed_draft_is_on_its_line():
    from simulator.plans.records import Source

    for text in sorted(seeds_dir().glob("*.txt")):
        draft = extract(text)
        for item in draft.goals + draft.history + draft.unmapped_history:
            Source(**item["source"]).verify()
