# ruff: noqa: E501, F811  (exact one-line messages; the sjz fixture is imported from data_project.py)
"""CLI `data template` / `data import` (cli_data.py): the workbook's layout, every import check with its exact
``Error:`` line, and nothing written on a refusal (the region's data.yaml absent, or unchanged byte for byte)."""

import datetime

import pytest
import yaml
from openpyxl import load_workbook

from data_project import OFFICE, fill_template, fixture_rows, invoke, sjz, write_csv  # noqa: F401  (sjz: fixture)

LAST = datetime.date.today().year - 1


def data_file(proj):
    return proj / "models" / "shijiazhuang" / "data.yaml"


def assert_refused(result, expected, proj, before=None):
    """Exit 1, exactly one ``Error:`` line, and data.yaml as it was (absent, or the same bytes)."""
    assert result.exit_code == 1, result.output
    assert result.output == f"Error: {expected}\n"
    path = data_file(proj)
    assert (path.read_bytes() if path.exists() else None) == before


@pytest.fixture
def template(sjz):
    result = invoke("data", "template", "shijiazhuang", "-o", "t.xlsx", "--to", "2025")
    assert result.exit_code == 0, result.output
    assert result.output == "wrote t.xlsx: 12 series, years 2010-2025\n"
    return sjz / "t.xlsx"


def test_template_rows_columns_recorded_cells_and_guide(template):
    book = load_workbook(template)
    sheet = book["数据"]
    header = [c.value for c in sheet[1]]
    assert header[:11] == ["模型变量", "指标名称", "单位", "口径/价格", "地区", "状态", "来源（标题）", "发布单位", "发布年份",
                           "网址", "原文摘录"]
    assert header[11:] == list(range(2010, 2026))  # INITIAL TIME of models/regional/regional.mdl to --to
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    population = [r for r in rows if r[0] == "population"]
    # plan.yaml published population_2021 (1120.47万, the 2021 communiqué) is shown, recorded and locked
    recorded, to_fill = population
    assert recorded[1:6] == ["常住人口", "万人", "常住", "石家庄市", "已入库"]
    assert recorded[header.index(2021)] == 1120.47 and recorded[7] == "石家庄市统计局"
    assert to_fill[5] == "待填" and to_fill[11:] == [None] * 16
    urbanization = next(r for r in rows if r[0] == "urbanization_rate" and r[5] == "已入库")
    assert urbanization[2] == "%" and urbanization[header.index(2021)] == 71.09   # stored 0.7109 (share)
    assert sheet.protection.sheet
    recorded_row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "population")
    fill_row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "population" and r[5].value == "待填")
    assert recorded_row[header.index(2021)].protection.locked and recorded_row[0].fill.fgColor.rgb.endswith("D9D9D9")
    assert not fill_row[header.index(2021)].protection.locked and fill_row[0].protection.locked
    guide = [[c.value for c in r] for r in book["说明"].iter_rows()]
    assert guide[0][0] == "plansim 数据模板 region=shijiazhuang"
    pm25 = next(r for r in guide if r[0] == "pm25")
    assert pm25[6] == "生态环境状况公报（空气质量）"


def test_template_refuses_a_non_xlsx_name(sjz):
    result = invoke("data", "template", "shijiazhuang", "-o", "t.csv")
    assert_refused(result, "t.csv: the template is an .xlsx workbook; name it FILE.xlsx", sjz)


def test_filled_workbook_imports_with_sources_units_converted_and_known_figures_skipped(template, sjz):
    fill_template(template, fixture_rows(), sjz / "filled.xlsx")
    result = invoke("data", "import", "filled.xlsx", "--region", "shijiazhuang", "--office", OFFICE)
    assert result.exit_code == 0, result.output
    # 24 figures in the fixture; 4 are plan.yaml's own (population, urbanization, GDP 2021; growth 2023)
    assert result.output == ("imported 20 figures (gdp_growth_rate, gdp_nominal, population, urbanization_rate) "
                             "into models/shijiazhuang/data.yaml; 4 already recorded\n")
    records = {r["id"]: r for r in yaml.safe_load(data_file(sjz).read_text(encoding="utf-8"))["imported"]}
    urbanization = records["urbanization_rate_2017_imported"]
    assert urbanization["value"] == 0.6164 and urbanization["unit"] == "share"
    assert urbanization["note"] == "given as 61.64 %, stored ×0.01 in share"
    assert urbanization["source"]["title"] == "石家庄市2017年国民经济和社会发展统计公报"
    assert urbanization["source"]["url"] == "http://www.ilynn.cn/document_detail/11248.html"
    assert urbanization["source"]["year_published"] == 2018
    internal = records["gdp_nominal_2025_imported"]["source"]
    assert (internal["title"], internal["publisher"]) == ("单位内部数据", OFFICE)
    assert internal["imported_from"].startswith("filled.xlsx:数据!")
    again = invoke("data", "import", "filled.xlsx", "--region", "shijiazhuang", "--office", OFFICE)
    assert again.output == "imported 0 figures (none new) into models/shijiazhuang/data.yaml; 24 already recorded\n"


def _with(rows, which, when, **changes):
    """``rows`` with the figure of series ``which`` in year ``when`` changed."""
    out = [dict(r) for r in rows]
    for row in out:
        if row["series"] == which and row["year"] == str(when):
            row.update(changes)
    return out


def test_a_wan_yuan_column_is_caught(template, sjz):
    """The 2017 GDP (6460.9亿元, 2017 communiqué) typed in 万元 under the template's 亿元."""
    rows = _with(fixture_rows(), "gdp_nominal", 2017, value="64609000")
    fill_template(template, rows, sjz / "wan.xlsx")
    result = invoke("data", "import", "wan.xlsx", "--region", "shijiazhuang", "--office", OFFICE)
    assert_refused(result, "wan.xlsx:数据!S25: gdp_nominal 2017 = 6.4609e+07 is 9,955× away from 6490.3 "
                           "(2021, wan.xlsx:数据!W26); a 万元 figure written as 亿元? check the value, unit and 口径, "
                           "and fix it", sjz)


def test_a_huji_series_labelled_changzhu_is_caught(template, sjz):
    """The 2017 communiqué's 户籍人口城镇化率 45.8% typed into the 常住 urbanization row (常住: 61.64%)."""
    rows = _with(fixture_rows(), "urbanization_rate", 2017, value="45.8", quote="戶籍人口城鎮(zhèn)化率為45.8%")
    fill_template(template, rows, sjz / "hj.xlsx")
    result = invoke("data", "import", "hj.xlsx", "--region", "shijiazhuang", "--office", OFFICE)
    assert_refused(result, "hj.xlsx:数据!S22: urbanization_rate 2017 = 0.458 is 1.31× away from 0.5996 (2016, "
                           "hj.xlsx:数据!R21); a 户籍 (registered) figure in a 常住 (resident) row? check the value, "
                           "unit and 口径, or pass --max-jump 1.4 if it is right", sjz)
    accepted = invoke("data", "import", "hj.xlsx", "--region", "shijiazhuang", "--office", OFFICE, "--max-jump", "1.6")
    assert accepted.exit_code == 0, accepted.output   # the office's answer to the question: it is right


def test_swapped_year_columns_are_caught(template, sjz):
    fill_template(template, fixture_rows(), sjz / "sw.xlsx")
    book = load_workbook(sjz / "sw.xlsx")
    sheet = book["数据"]
    column = [c.value for c in sheet[1]].index(2018) + 1
    sheet.cell(1, column).value, sheet.cell(1, column + 1).value = 2019, 2018
    book.save(sjz / "sw.xlsx")
    result = invoke("data", "import", "sw.xlsx", "--region", "shijiazhuang", "--office", OFFICE)
    assert_refused(result, "sw.xlsx:数据!T1: year 2019 follows 2017; the year columns must run 2010, 2011, … in "
                           "order (swapped or edited headers?); restore the template's headers", sjz)


def test_a_changed_recorded_cell_is_refused(template, sjz):
    fill_template(template, fixture_rows(), sjz / "edited.xlsx")
    book = load_workbook(sjz / "edited.xlsx")
    sheet = book["数据"]
    column = [c.value for c in sheet[1]].index(2021) + 1
    sheet.cell(2, column).value = 1121.0   # row 2: population, 已入库 (plan.yaml population_2021 = 1120.47)
    book.save(sjz / "edited.xlsx")
    result = invoke("data", "import", "edited.xlsx", "--region", "shijiazhuang", "--office", OFFICE)
    assert_refused(result, "edited.xlsx:数据!W2: this grey 已入库 cell was changed (1121; the recorded 1120.47 "
                           "(population_2021: 石家庄2021年常住人口缩减 (城市化网, citing 石家庄市2021年国民经济和社会发展统计公报))); "
                           "undo it — to correct a recorded figure write it in a 待填 row and pass --replace", sjz)


CSV_CASES = {
    "future_year": (lambda rows: _with(rows, "gdp_growth_rate", 2024, year="2042"),
                    f"x.csv:25: year 2042 is outside 1949-{LAST} (no figure can be out yet); a swapped or mistyped "
                    f"year? fix the year"),
    "same_year_twice": (lambda rows: _with(rows, "population", 2017, year="2020"),
                        "x.csv:3: population 2020 is also given at x.csv:2; one figure a year (a swapped year?) — "
                        "fix one of them"),
    "huji_basis": (lambda rows: _with(rows, "population", 2017, basis="户籍"),
                   "x.csv:2: 口径/价格 '户籍' is not the series' '常住' (常住人口); the model's series is 常住: a 户籍 "
                   "figure is a different quantity — leave it out or find the 常住 figure"),
    "province_area": (lambda rows: _with(rows, "population", 2017, geography="河北省"),
                      "x.csv:2: area '河北省' is not the region's '石家庄市'; a figure of another area is not a figure "
                      "of this model's series — leave it out (or cite it in plan.yaml published: with sets:)"),
    "unknown_unit": (lambda rows: _with(rows, "population", 2017, unit="千人"),
                     "x.csv:2: unit '千人' does not fit population (常住人口), whose figures are in 万人; write one "
                     "of 万人, 人"),
    "unknown_series": (lambda rows: _with(rows, "population", 2017, series="户籍人口"),
                       "x.csv:2: unknown series '户籍人口'; the model uses population, urbanization_rate, gdp_nominal, "
                       "gdp_growth_rate, energy_intensity, pm25, groundwater_storage, "
                       "cluster_revenue_nominal[biomedicine], cluster_revenue_nominal[electronic_information], "
                       "cluster_revenue_total_nominal, farm_gross_output, groundwater_net_recharge (python run.py "
                       "data template lists them)"),
    "no_source": (lambda rows: _with(rows, "population", 2017, source=""),
                  "x.csv:2: no source; write its title (e.g. 石家庄市2021年国民经济和社会发展统计公报) and publisher, "
                  "or 「单位内部数据」 and your office's name"),
    "not_a_number": (lambda rows: _with(rows, "population", 2017, value="约1088"),
                     "x.csv:2: '约1088' is not a number; write the figure only (unit in the 单位 column)"),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_csv_checks(sjz, case):
    change, expected = CSV_CASES[case]
    write_csv(sjz / "x.csv", change(fixture_rows()))
    result = invoke("data", "import", "x.csv", "--region", "shijiazhuang", "--office", OFFICE)
    assert_refused(result, expected, sjz)


def test_internal_data_needs_the_office(sjz):
    write_csv(sjz / "x.csv", fixture_rows())
    result = invoke("data", "import", "x.csv", "--region", "shijiazhuang")
    assert_refused(result, "x.csv:13: source '单位内部数据' has no publisher; pass --office NAME "
                           "(12 more problem(s) in the file)", sjz)


def test_people_are_converted_to_wan_ren(sjz):
    rows = _with(fixture_rows(), "population", 2017, unit="人", value="10879900")
    write_csv(sjz / "x.csv", [r for r in rows if r["series"] == "population" and r["year"] == "2017"])
    assert invoke("data", "import", "x.csv", "--region", "shijiazhuang").exit_code == 0
    record = yaml.safe_load(data_file(sjz).read_text(encoding="utf-8"))["imported"][0]
    assert (record["value"], record["unit"], record["note"]) == (1087.99, "万人", "given as 1.08799e+07 人, stored ×0.0001 in 万人")


def test_a_series_may_be_named_as_in_the_template(sjz):
    rows = _with(fixture_rows(), "urbanization_rate", 2017, series="常住人口城镇化率")
    write_csv(sjz / "x.csv", [r for r in rows if r["series"] == "常住人口城镇化率"])
    assert invoke("data", "import", "x.csv", "--region", "shijiazhuang").exit_code == 0
    record = yaml.safe_load(data_file(sjz).read_text(encoding="utf-8"))["imported"][0]
    assert (record["variable"], record["year"], record["value"]) == ("urbanization_rate", 2017, 0.6164)


def test_a_conflict_names_both_sources_and_replace_supersedes_the_plan_figure(sjz):
    from simulator.plans.plan import load_plan

    rows = _with(fixture_rows(), "population", 2021, value="1120.5", source="单位内部数据", publisher=OFFICE)
    write_csv(sjz / "x.csv", [r for r in rows if r["series"] == "population" and r["year"] == "2021"])
    write_csv(sjz / "ok.csv", [r for r in fixture_rows() if r["series"] == "population" and r["year"] == "2017"])
    assert invoke("data", "import", "ok.csv", "--region", "shijiazhuang").exit_code == 0
    before = data_file(sjz).read_bytes()
    result = invoke("data", "import", "x.csv", "--region", "shijiazhuang")
    assert_refused(result, "x.csv:2: population 2021 = 1120.5 (单位内部数据) conflicts with the recorded 1120.47 "
                           "(population_2021: 石家庄2021年常住人口缩减 (城市化网, citing 石家庄市2021年国民经济和社会发展统计公报)); "
                           "keep one: pass --replace to use the new figure, or delete it from the file", sjz, before)
    result = invoke("data", "import", "x.csv", "--region", "shijiazhuang", "--replace")
    assert result.output == ("imported 1 figure (population) into models/shijiazhuang/data.yaml; 0 already recorded\n"
                             "replaced: population_2021\n")
    plan = load_plan(sjz / "models" / "shijiazhuang" / "plan.yaml")
    population = {p.id: p.value for p in plan.published if p.variable == "population"}
    assert population == {"population_2017_imported": 1087.99, "population_2021_imported": 1120.5}
    assert "population_2021" in (sjz / "models" / "shijiazhuang" / "plan.yaml").read_text(encoding="utf-8")  # untouched


def test_a_workbook_of_another_region_is_refused(template, sjz):
    fill_template(template, fixture_rows(), sjz / "filled.xlsx")
    result = invoke("data", "import", "filled.xlsx", "--region", "qiaoxi", "--office", OFFICE)
    assert_refused(result, "filled.xlsx: the workbook is the template of region 'shijiazhuang', not 'qiaoxi'; pass "
                           "--region shijiazhuang or use the right file", sjz)


def test_bad_files_and_options(sjz):
    assert_refused(invoke("data", "import", "none.csv", "--region", "shijiazhuang"),
                   "none.csv: file not found; give the filled .xlsx template or a long .csv", sjz)
    (sjz / "x.txt").write_text("a", encoding="utf-8")
    assert_refused(invoke("data", "import", "x.txt", "--region", "shijiazhuang"),
                   "x.txt: unknown file type '.txt'; give an .xlsx (python run.py data template) or a .csv", sjz)
    (sjz / "x.xlsx").write_text("not a workbook", encoding="utf-8")
    assert_refused(invoke("data", "import", "x.xlsx", "--region", "shijiazhuang"),
                   "x.xlsx: not a readable .xlsx workbook (BadZipFile); save it as .xlsx or export a CSV "
                   "(docs/data.md)", sjz)
    (sjz / "h.csv").write_text("series,year,value\n", encoding="utf-8")
    assert_refused(invoke("data", "import", "h.csv", "--region", "shijiazhuang"),
                   "h.csv: line 1: missing column(s) unit, source; the columns are series, year, value, unit, source "
                   "(+ basis, geography, publisher, year_published, url, quote)", sjz)
    write_csv(sjz / "ok.csv", fixture_rows()[:1])
    assert_refused(invoke("data", "import", "ok.csv", "--region", "shijiazhuang", "--max-jump", "0.5"),
                   "--max-jump 0.5: give a factor above 1, e.g. --max-jump 1.5", sjz)


def test_data_help_has_examples():
    for command in (["data", "template"], ["data", "import"]):
        result = invoke(*command, "--help")
        assert result.exit_code == 0 and "Example" in result.output and "python run.py " + " ".join(command) in result.output
