# ruff: noqa: F811  (the sjz fixture is imported from data_project.py)
"""A statistician's whole path without editing YAML: data template → fill → data import → calibrate (refit, ranges)
→ validate-history --refit → batch → report pages with observed verdicts and the out-of-sample validation.

Figures: tests/fixtures/data/shijiazhuang_office.csv (published figures the project cites; 2022-2025 the test
office's CONSTRUCTED series, see tests/cli/data_project.py). Expected numbers below come from the fixture and the
plan's goals by hand, never from the code under test; the errors are recomputed here from the series.
"""

import numpy as np
import pytest

from data_project import OFFICE, fill_template, fixture_rows, invoke, sjz  # noqa: F401  (sjz: fixture)

BASELINE = "scenarios/shijiazhuang/baseline.yaml"


def _model_units(row) -> float:
    return float(row["value"]) / (100.0 if row["unit"] == "%" else 1.0)


def _table_text(blocks) -> list:
    """Rows of every table in ``blocks`` as lists of plain strings."""
    from reports.layout import Table

    return [[getattr(cell, "text", cell) for cell in row] for block in blocks if isinstance(block, Table)
            for row in block.rows]


@pytest.fixture
def imported(sjz):
    assert invoke("data", "template", "shijiazhuang", "-o", "t.xlsx", "--to", "2025").exit_code == 0
    fill_template(sjz / "t.xlsx", fixture_rows(), sjz / "filled.xlsx")
    result = invoke("data", "import", "filled.xlsx", "--region", "shijiazhuang", "--office", OFFICE)
    assert result.exit_code == 0, result.output
    return sjz


def test_refit_uses_the_imported_figures_and_ranges_follow(imported):
    result = invoke("calibrate", BASELINE, "--free", "tfp_growth,urbanization_speed", "--fit-until", "2021", "--ranges")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # plan.yaml's 2021 population, urbanization and GDP, plus the imported 2020 population and urbanization
    assert lines[0] == "5 figures, 2 free constants: 3 degrees of freedom"
    assert "  population_2020_imported (population 2020): 1124.15 / 1124.15" in lines
    assert "ranges from the record (leave-one-out refits over 5 figures, ±2 jackknife σ):" in lines
    # a refit ending in 2023: population and urbanization 2020-2023 (4 + 4), GDP 2021-2023 (3), growth 2022-2023 (2)
    later = invoke("calibrate", BASELINE, "--free", "tfp_growth,urbanization_speed", "--fit-until", "2023")
    assert later.output.splitlines()[0] == "13 figures, 2 free constants: 11 degrees of freedom"


def test_validation_after_the_fit_window_and_observed_verdicts_in_the_report(imported, tmp_path):
    from simulator.runs.validation import validate_scenario

    report = validate_scenario(BASELINE, 2021, refit=True)
    assert set(report.refit) == {"tfp_growth", "urbanization_speed"}
    expected = {}
    for row in fixture_rows():
        if 2020 <= int(row["year"]) and not (row["series"] == "gdp_nominal" and row["year"] == "2017"):
            expected.setdefault(row["series"], {})[int(row["year"])] = _model_units(row)
    series = {s.variable: s for s in report.series}
    assert set(series) == {"population", "urbanization_rate", "gdp_nominal", "gdp_growth_rate"}
    out_counts = {name: s.out_of_sample.n for name, s in series.items()}
    assert out_counts == {"population": 3, "urbanization_rate": 4, "gdp_nominal": 4, "gdp_growth_rate": 3}
    for name, s in series.items():
        assert dict(zip(s.years, s.observed)) == pytest.approx(expected[name])
        after = np.array([y > 2021 for y in s.years])
        observed, simulated = np.array(s.observed)[after], np.array(s.simulated)[after]
        relative = (simulated - observed) / observed
        assert s.out_of_sample.mape == pytest.approx(100 * np.mean(np.abs(relative)))
        assert s.out_of_sample.rmspe == pytest.approx(100 * np.sqrt(np.mean(relative ** 2)))
        split = s.out_of_sample.um + s.out_of_sample.us + s.out_of_sample.uc
        assert split == pytest.approx(1.0, abs=1e-9)

    result = invoke("batch", "scenarios/shijiazhuang/baseline_uncertain.yaml", "-n", "8", "--seed", "1",
                    "--out", tmp_path / "run", "--quiet", "--report", "pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "report_zh.pdf").stat().st_size > 0
    from reports import scorecard, validation_page
    from reports.context import ReportContext
    from reports.data import load_run

    ctx = ReportContext([load_run(tmp_path / "run")], "zh")
    rows = _table_text(scorecard.run_blocks(ctx, ctx.main))
    by_goal = {row[0]: row for row in rows}
    # urbanization 74.73 % in 2025 lies in the plan's band 71.25-78.75 %; GDP 7889.0亿 in 2025 is below 10000亿
    urbanization = by_goal["常住人口城镇化率达到75%左右"]
    assert urbanization[2:4] == ["0.747 (2025)", "已达成（实际值）"]
    gdp = by_goal["全市经济总量力争超万亿元"]
    assert gdp[2:4] == ["7,889 (2025)", "未达成（实际值）"]
    assert gdp[5] == f"单位内部数据·{OFFICE}"
    forecast = [row for row in rows if "PM2.5浓度降至49微克/立方米" in row[0]]
    assert forecast and "（实际值）" not in " ".join(map(str, forecast[0]))   # a 2025 goal without an observed PM2.5
    pages = validation_page.pages(ctx)
    assert pages[0].name == "validation"
    texts = [t.get_text() for page in pages for t in page.figure.findobj(lambda a: hasattr(a, "get_text"))]
    assert ("4 个序列在拟合期后有 3 个及以上数据，其拟合期外误差即样本外检验：常住人口、常住人口城镇化率、地区生产总值（现价）、"
            "地区生产总值增速。") in "".join(texts).replace("\n", "")
    assert ctx.cache["validation"][2] == "python run.py validate-history scenarios/shijiazhuang/baseline.yaml --refit"
