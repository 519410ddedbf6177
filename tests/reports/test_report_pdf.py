"""The PDF report built from a real batch: pages, text, numbers, fonts, languages."""

import math
import re
import shutil
import subprocess

import pypdf
import pytest
import yaml

from report_testdata import PLAN, goals_csv, p_met

PLAN_DATA = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
GOALS = PLAN_DATA["goals"]


def pdf_of(report):
    return next(path for path in report.files if path.suffix == ".pdf")


def page_texts(report):
    return [page.extract_text() for page in pypdf.PdfReader(pdf_of(report)).pages]


def expected_percent(p):
    return f"{100 * p:.0f}%"


def test_pdf_written_first_and_named_by_language(zh_report, en_report):
    assert zh_report.files[0].name == "report_zh.pdf"
    assert en_report.files == [en_report.out / "report_en.pdf"]


def test_zh_page_count_by_section(zh_report, batch_runs):
    """The comparison's main run is the plan run (green), whatever order the folders came in (issue 21.3)."""
    texts = page_texts(zh_report)
    main = p_met(batch_runs[1])
    amber_or_red = int((main < 0.9).sum())     # driver pages of the main run only
    variables = {g["variable"] for g in GOALS}
    count = {
        "findings": sum(t.startswith("主要发现") for t in texts),
        "changes": sum(t.startswith("规划改变了什么") for t in texts),
        "validation": sum("模型对照公开历史数据" in t for t in texts),
        "sensitivity": sum("哪些不确定因素决定各目标" in t for t in texts),     # charts come first in the text
        "seek": sum(t.startswith("达到目标需要什么") for t in texts),
        "glossary": sum(t.startswith("术语说明") for t in texts),
        "colophon": sum(t.startswith("版本信息\n") for t in texts),
        "scorecard": sum(t.startswith("目标记分卡") for t in texts),
        "comparison": sum(t.startswith("情景比较") for t in texts),
        "medians": sum("各情景中位数路径" in t for t in texts),
        "fans": sum("目标变量的不确定性扇形图" in t for t in texts),
        "drivers": sum("关键影响因素" in t for t in texts),
        "assumptions": sum("假设（非规划来源的数字）" in t for t in texts),
        "structure": sum("模型结构" in t for t in texts),
    }
    assert count == {
        "findings": 1, "changes": 1, "validation": 1, "sensitivity": math.ceil(len(GOALS) / 3),
        "seek": int((main < 0.5).any()), "glossary": 1, "colophon": 1,
        "scorecard": count["scorecard"], "comparison": 1, "medians": 1,
        "fans": math.ceil(len(variables) / 2), "drivers": amber_or_red, "assumptions": count["assumptions"], "structure": 1,
    }
    assert count["scorecard"] >= 1 and count["assumptions"] >= 1
    assert len(texts) == sum(count.values())
    assert all(f"第 {i} / {len(texts)} 页" in t for i, t in enumerate(texts, start=1))
    assert not any("缺失" in t or "missing" in t for t in texts)


def test_scorecard_shows_labels_probabilities_and_sources(zh_report, batch_runs):
    texts = page_texts(zh_report)
    scorecard = next(t for t in texts if "目标记分卡" in t and "阅读说明" in t)
    flat = scorecard.replace("\n", "")
    for run in batch_runs:
        for goal_id, p in p_met(run).items():
            label = next(g["label"]["zh"] for g in GOALS if g["id"] == goal_id)
            assert label in flat
            assert expected_percent(p) in flat
    assert "003 第44行" in flat


def test_scorecard_rows_in_plan_order_with_values_from_goals_csv(en_report, batch_runs):
    text = next(t for t in page_texts(en_report) if "How to read this report" in t).replace("\n", " ")
    rows = goals_csv(batch_runs[0])
    positions = []
    for goal in GOALS:
        ok = rows[(rows.goal_id == goal["id"]) & (rows.status == "ok")]
        median = ok["value"].median()
        probability = expected_percent(rows[rows.goal_id == goal["id"]]["met"].mean())
        label = goal["label"]["en"]
        start = text.index(label.split(" ")[0] + " " + label.split(" ")[1])
        positions.append(start)
        row_text = text[start:start + 160]
        assert probability in row_text, (goal["id"], row_text)
        assert 0.01 < abs(median) < 1000    # where 3 significant digits print as %.3g does
        assert f"{median:.3g}" in row_text, (goal["id"], median, row_text)
    assert positions == sorted(positions)


def test_drivers_pages_name_the_method_and_the_top_input(en_report, batch_runs):
    texts = [t for t in page_texts(en_report) if "What decides it" in t]
    assert len(texts) == int((p_met(batch_runs[0]) < 0.9).sum())
    for text in texts:
        assert "Spearman rank correlation" in text
        assert "First-order variance share" in text
    gdp_page = next(t for t in texts if "GDP grows 6 % a year or more" in t)
    # GDP of the toy model is the sum of the clusters; only the biomedicine growth is uncertain.
    assert "cluster_growth[biomedicine]" in gdp_page


def test_fan_chart_of_gdp_marks_goals_and_history(en_report):
    fans = [t for t in page_texts(en_report) if "Goal variables: uncertainty fans" in t]
    gdp = next(t for t in fans if "GDP (" in t)
    assert "history in the plan" in gdp and "plan goal" in gdp and "95 % band" in gdp
    assert "GDP grows 6 % a year or more" in gdp and "Economy reaches a new level" in gdp


def test_single_run_has_no_comparison_pages(en_report):
    texts = page_texts(en_report)
    assert not any("Scenario comparison" in t or "Median paths by scenario" in t for t in texts)


def test_english_report_uses_english_labels_only(en_report):
    texts = "\n".join(page_texts(en_report))
    unquoted = re.sub(r"“[^”]*”", "", texts.replace("\n", ""))   # the plan's own words stay Chinese
    for goal in GOALS:
        assert goal["label"]["en"].split(" ")[0] in texts
        assert goal["label"]["zh"] not in unquoted
    assert "“地区生产总值年均增长6%以上”" in texts.replace("\n", "")
    for english in ("Goal scorecard", "Assumptions (numbers not from the plan)", "Model structure", "P(met)"):
        assert english in texts
    assert "目标记分卡" not in texts


def test_assumptions_page_lists_plan_assumptions_and_sampled_inputs(en_report):
    text = next(t for t in page_texts(en_report) if "Assumptions (numbers not from the plan)" in t)
    for item in PLAN_DATA["assumptions"]:   # by variable (no labels.yaml in the fixture: the id set as code)
        assert f"`{item['variable']}`" in text.replace("\n", "") and item["reason"] in text.replace("\n", " ")
    for name in ("birth_rate", "cluster_growth[biomedicine]", "water_price", "energy_intensity_decline_rate"):
        assert name in text
    assert "triangular(low=0.005, mode=0.0075, high=0.01)" in text.replace("\n", " ")
    assert "lognormal(median=4, sigma=0.3)" in text.replace("\n", " ")
    assert "`gdp`" in text    # plan-sourced history shown for contrast


def test_structure_page_lists_stocks_with_equations(en_report):
    text = next(t for t in page_texts(en_report) if "Model structure" in t).replace("\n", " ")
    assert "Stocks (3)" in text
    assert "Population = INTEG" in text or "Population= INTEG" in text


def test_no_missing_glyph_warnings(zh_report, en_report):
    for report in (zh_report, en_report):
        assert not [w for w in report.warnings if "missing from" in w or "Glyph" in w], report.warnings


def test_pdf_fonts_are_the_bundled_cjk_font_and_embedded(zh_report):
    reader = pypdf.PdfReader(pdf_of(zh_report))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
            if font["/Subtype"] == "/Type3":
                assert len(font["/CharProcs"]) > 0            # glyph outlines are in the file
            else:
                descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert names and all("NotoSansCJK" in n for n in names), names


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) not installed")
def test_pdffonts_reports_every_font_embedded(zh_report):
    lines = subprocess.run(["pdffonts", str(pdf_of(zh_report))], capture_output=True, text=True, check=True).stdout
    rows = lines.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)    # columns: ... emb sub uni object ID
    assert all("NotoSansCJK" in row for row in rows)
