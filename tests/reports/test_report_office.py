"""Word and Excel output (issue 21.8): read back with python-docx / openpyxl; the same numbers as the PDF's pages.

Expected numbers come from goals.csv read plainly (report_testdata), not from plansim code.
"""

import math

import pypdf
import pytest

from report_testdata import goals_csv, p_met


@pytest.fixture(scope="module")
def office(batch_runs, tmp_path_factory):
    from reports import build_report

    out = tmp_path_factory.mktemp("office")
    files = build_report(batch_runs, lang="zh", formats="pdf,docx,xlsx", out=out)
    return {path.suffix: path for path in files}


def percent(p) -> str:
    return f"{100 * p:.0f}%"


def pdf_text(path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages).replace("\n", "")


def test_all_three_files_are_written_in_the_report_language(office):
    assert {path.name for path in office.values()} == {"report_zh.pdf", "report_zh.docx", "report_zh.xlsx"}


def test_word_holds_the_pdfs_headings_sentences_tables_and_charts(office, batch_runs):
    import docx

    document = docx.Document(office[".docx"])
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["主要发现", "结论", "各目标达成概率一览"]
    for title in ("规划改变了什么", "目标记分卡", "情景比较", "哪些不确定因素决定各目标", "目标变量的不确定性扇形图",
                  "假设（非规划来源的数字）", "术语说明", "版本信息"):
        assert title in headings, title
    pdf = pdf_text(office[".pdf"])
    answer = [p.text for p in document.paragraphs if p.text[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert len(answer) >= 3
    for sentence in answer:             # page 1's sentences, word for word, in the PDF too
        assert sentence.replace(" ", "") in pdf.replace(" ", ""), sentence
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    for run in batch_runs:              # every probability of the scorecard, as the PDF prints it
        for goal, p in p_met(run).items():
            assert any(text.startswith(percent(p)) for text in cells), (run.name, goal)
            assert percent(p) in pdf
    assert len(document.inline_shapes) >= 5          # fans, sensitivity bars, median paths …


def test_excel_holds_p_met_and_percentiles_per_goal_and_year(office, batch_runs):
    import openpyxl

    book = openpyxl.load_workbook(office[".xlsx"])
    assert book.sheetnames == ["目标", "逐年", "输入", "抽样值"]
    goals = [[c.value for c in row] for row in book["目标"].iter_rows(min_row=2)]
    pdf = pdf_text(office[".pdf"])
    titles = {"baseline": "基准情景", "green": "green"}
    for run in batch_runs:
        rows = goals_csv(run)
        for goal, p in p_met(run).items():
            row = next(r for r in goals if r[2] == goal and r[0] == titles[run.name])
            assert row[6] == pytest.approx(p)
            ok = rows[(rows.goal_id == goal) & (rows.status == "ok")]["value"]
            assert row[7] == pytest.approx(ok.median(), rel=1e-6)
            assert f"{row[7]:.3g}" in pdf or f"{row[7]:,.0f}" in pdf          # the median the scorecard prints
    years = [[c.value for c in row] for row in book["逐年"].iter_rows(min_row=2)]
    main = batch_runs[1]
    level = goals_csv(main)
    level = level[level.comparison.isin([">=", "<="])]
    goal_id = level.goal_id.iloc[0]
    year = int(level.year.iloc[0])
    label = next(r[1] for r in goals if r[2] == goal_id)
    row = next(r for r in years if r[0] == titles[main.name] and r[1] == label and r[2] == year)
    ok = level[(level.goal_id == goal_id) & (level.status == "ok")]["value"]
    assert row[5] == pytest.approx(ok.median(), rel=1e-4)            # 50 % of the goal year = the goal's median
    first = goals_csv(main)
    first = first[first.goal_id == goal_id]["first_year_met"]
    assert row[8] == pytest.approx(float((first <= year).sum()) / len(first))
    inputs = [[c.value for c in r] for r in book["输入"].iter_rows(min_row=2)]
    assert {r[2] for r in inputs} >= {"birth_rate", "water_price"}
    assert all(r[4] <= r[5] <= r[6] for r in inputs)
    assert book["抽样值"].max_row == 1 + 48
    assert not math.isnan(book["抽样值"].cell(2, 2).value)
