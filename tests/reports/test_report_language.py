"""One language per report: the README's main job (a region's plan and baseline, uncertain) in zh and en.

Runs the real shijiazhuang_metro plan_uncertain and baseline_uncertain scenarios with a small n,
builds both reports and reads every page's text back out of the PDF (pypdf, no plansim code):

- zh: no Latin word (two or more letters) outside the allow-list — the units and names written
  that way in Chinese statistics (PM2.5, CO₂, µg/m³, GDP), ids set as code (a token holding a
  backtick or an underscore: commands and model ids), and everything from the colophon on (file
  names, hashes, equations);
- en: no CJK character outside quoted plan text (“…”, '…', ‘…’) and outside the colophon.
"""

import re
from pathlib import Path

import pypdf
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios" / "shijiazhuang_metro"

#: Latin words a Chinese report may contain (as Chinese statistics write them).
ZH_ALLOWED = {"PM", "CO", "GDP", "µg", "m³"}

COLOPHON = {"zh": "版本信息", "en": "Colophon"}

QUOTED = re.compile(r"“[^“”]*”|‘[^‘’]*’|'[^']*'|\"[^\"]*\"", re.S)


def unquoted(text: str) -> str:
    """``text`` without quoted passages, innermost first (the plan quotes “十四五” inside its own quotes)."""
    while True:
        stripped = QUOTED.sub("", text)
        if stripped == text:
            return text
        text = stripped
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def main_reports(tmp_path_factory):
    from reports import build_report
    from simulator.runs.batch import run_batch

    out = tmp_path_factory.mktemp("main_job")
    runs = run_batch([SCENARIOS / "plan_uncertain.yaml", SCENARIOS / "baseline_uncertain.yaml"], n=16, out=out)
    reports = {lang: build_report(runs, lang=lang, formats="pdf", out=out / lang)[0] for lang in ("zh", "en")}
    reports["reversed"] = build_report(runs[::-1], lang="en", formats="pdf", out=out / "reversed")[0]
    return reports


def body_pages(pdf: Path, lang: str) -> list:
    """Texts of the pages before the colophon (the colophon and the model structure after it list proper ids)."""
    texts = [page.extract_text() or "" for page in pypdf.PdfReader(pdf).pages]
    end = next(i for i, text in enumerate(texts) if text.lstrip().startswith(COLOPHON[lang]))
    assert end >= 5, "the colophon should close the report"
    return texts[:end]


def latin_words(text: str) -> list:
    """Latin words of ``text`` that are not allowed in a Chinese report."""
    bad = []
    text = re.sub(r"`[^`]*`", " ", text, flags=re.S)      # commands and ids set as code
    for token in re.split(r"[\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", text):
        if "`" in token or "_" in token:
            continue
        bad += [w for w in re.findall(r"[A-Za-zµ][A-Za-z³µ]+", token) if w not in ZH_ALLOWED]
    return bad


def test_quote_stripping_handles_nested_plan_quotes():
    assert unquoted("Source ““十四五”期间,增长6%以上” and 地区") == "Source  and 地区"


def test_latin_word_detector_is_not_blind():
    assert latin_words("差距 6,931 亿元 plan_uncertain 运行 `python run.py seek out/x` 生成") == []
    assert latin_words("Cluster Revenue（亿元/Year）") == ["Cluster", "Revenue", "Year"]
    assert latin_words("PM2.5年均浓度（µg/m³）·单位GDP二氧化碳排放") == []


def test_zh_report_has_no_latin_words_outside_the_allow_list(main_reports):
    pages = body_pages(main_reports["zh"], "zh")
    found = {i + 1: sorted(set(latin_words(text))) for i, text in enumerate(pages)}
    assert {page: words for page, words in found.items() if words} == {}


def test_en_report_has_no_cjk_outside_quoted_plan_text(main_reports):
    pages = body_pages(main_reports["en"], "en")
    found = {i + 1: sorted(set(CJK.findall(unquoted(text)))) for i, text in enumerate(pages)}
    assert {page: chars for page, chars in found.items() if chars} == {}


def test_findings_come_first_and_compare_plan_with_baseline(main_reports):
    first = pypdf.PdfReader(main_reports["en"]).pages[0].extract_text()
    assert first.lstrip().startswith("Findings")
    assert "plan (uncertain)" in first and "baseline (uncertain)" in first
    assert "The answer" in first and "Against the baseline, the plan's measures" in first
    assert "python run.py" not in first and ".txt" not in first and "`" not in first     # no command, no file name


def test_the_plan_run_is_the_plan_whatever_order_the_folders_are_typed_in(main_reports):
    """Issue 21.3: `report BASELINE PLAN` tells the same story as `report PLAN BASELINE`."""
    pages = [pypdf.PdfReader(main_reports[key]).pages for key in ("en", "reversed")]
    assert [p.extract_text() for p in pages[0][:3]] == [p.extract_text() for p in pages[1][:3]]
