"""Text helpers of the report: wrapping, number wording, equation reading."""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from reports import formatting as fmt
from reports.fonts import CJK_FAMILY, advance_em
from reports.layout import NO_LINE_START, text_em, wrap
from reports.model_text import read_equations

TEACUP = Path(__file__).parents[1] / "fixtures" / "models" / "teacup" / "teacup.mdl"


def test_bundled_cjk_font_is_registered():
    assert CJK_FAMILY == "Noto Sans CJK SC"
    assert advance_em("中") == pytest.approx(1.0, abs=0.01)
    assert advance_em("i") < 0.4


@pytest.mark.parametrize("text, width", [
    ("二氧化碳排放总量控制在规定范围内（万吨）", 6.0),
    ("Hebei 2020-2023 crude birth rates 6-8 per mille (statistical yearbook order of magnitude)", 12.0),
    ("≥ 190 亿元，不晚于 2030 年", 5.0),
    ("fitted: calibrate --free tfp_growth[secondary],pollution_control_rate", 6.0),   # long unit after text
])
def test_wrap_fits_width_and_keeps_text(text, width):
    lines = wrap(text, width)
    assert all(text_em(line) <= width for line in lines if len(line) > 1)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line[:1] in NO_LINE_START for line in lines)


def test_wrap_keeps_newlines():
    assert wrap("a\nb", 10) == ["a", "b"]


@pytest.mark.parametrize("value, text", [(148.5, "148"), (0.0075, "0.00750"), (12345.6, "12,346"), (-1.772, "-1.77"),
                                         (float("nan"), "–"), (0, "0")])
def test_number(value, text):
    assert fmt.number(value) == text


@pytest.mark.parametrize("p, text", [(0.0, "0%"), (0.004, "<1%"), (0.5, "50%"), (0.996, ">99%"), (1.0, "100%")])
def test_percent(p, text):
    assert fmt.percent(p) == text


@pytest.mark.parametrize("goal, zh, en", [
    (dict(comparison=">=", value=148.5, year=2025, unit="亿元"), "≥ 148 亿元（2025）", "≥ 148 × 100 million yuan (2025)"),
    (dict(comparison="between", value=[37.5, 39.5], year=2025, unit="万人"), "37.5–39.5 万人（2025）",
     "37.5–39.5 × 10,000 persons (2025)"),
    (dict(comparison="<=", value=0.5, year=2030, unit="tce/万元"), "≤ 0.500 吨标准煤/万元（2030）",
     "≤ 0.500 tce/10,000 yuan (2030)"),
    (dict(comparison="falling", value=None, year=[2028, 2035], unit="万吨"), "2028–2035 年下降", "falling 2028–2035"),
    (dict(comparison="reached_by", value=222, year=2035, unit="1"), "≥ 222，不晚于 2035 年", "≥ 222 by 2035"),
])
def test_target_wording(goal, zh, en):
    goal = SimpleNamespace(**goal)
    assert (fmt.target(goal, "zh"), fmt.target(goal, "en")) == (zh, en)


@pytest.mark.parametrize("unit, zh, en", [
    ("亿元", "亿元", "100 million yuan"),
    ("万人", "万人", "10,000 persons"),
    ("亿元/年", "亿元/年", "100 million yuan/year"),
    ("亿元/Year", "亿元/年", "100 million yuan/year"),
    ("万m3/Year", "万立方米/年", "10,000 m³/year"),
    ("1e8 m3/year", "亿立方米/年", "100 million m³/year"),
    ("10k persons/km2", "万人/平方公里", "10,000 persons/km²"),
    ("万tCO2/Year", "万吨二氧化碳/年", "10,000 t CO₂/year"),
    ("Year [0,?]", "年", "year"),
    ("Dmnl", "", ""),
    ({"zh": "万立方米", "en": "10,000 cubic metres"}, "万立方米", "10,000 cubic metres"),
])
def test_units_in_each_language_name_each_scale_once(unit, zh, en):
    assert (fmt.unit(unit, "zh"), fmt.unit(unit, "en")) == (zh, en)
    assert not fmt.has_cjk(fmt.unit(unit, "en")) and not fmt.has_latin(fmt.unit(unit, "zh"))
    for word in ("million", "10,000"):
        assert fmt.unit(unit, "en").count(word) <= 1


def test_a_number_of_scaled_units_is_a_multiple_in_english():
    assert fmt.number(10000) + fmt.unit_suffix(fmt.unit("亿元", "en"), "en") == "10,000 × 100 million yuan"
    assert fmt.number(10000) + fmt.unit_suffix(fmt.unit("亿元", "zh"), "zh") == "10,000 亿元"
    assert fmt.unit_suffix(fmt.unit("tce/万元", "en"), "en") == " tce/10,000 yuan"


def test_teacup_equations_read_from_the_mdl():
    equations = read_equations(TEACUP)
    assert equations["teacup_temperature"] == "Teacup Temperature= INTEG ( -Heat Loss to Room, 180)"
    assert equations["heat_loss_to_room"].startswith("Heat Loss to Room=")
    assert read_equations(TEACUP.with_suffix(".unknown")) == {}


def test_long_table_continues_on_more_pages_with_its_header():
    from reports.layout import Column, Table, flow
    from reports.page import new_page

    rows = [[f"goal {i}", f"第 {i} 行 " * 3] for i in range(150)]
    pages = flow([Table([Column("HEADER-A", 0.4), Column("HEADER-B", 0.6)], rows)], lambda i: new_page(f"page {i}"))
    assert len(pages) >= 3
    for figure in pages:
        texts = [t.get_text() for t in figure.texts]
        assert "HEADER-A" in texts and "HEADER-B" in texts
    shown = [t.get_text() for figure in pages for t in figure.texts if t.get_text().startswith("goal ")]
    assert shown == [f"goal {i}" for i in range(150)]     # every row once, in order


def test_xmile_equations_with_stocks_shown_as_integrals():
    suite = Path(os.environ.get("PLANSIM_TEST_MODELS", Path(__file__).resolve().parents[2].parent / "shared" / "test-models"))
    sir = suite / "samples" / "SIR" / "SIR.xmile"
    if not sir.is_file():
        pytest.skip(f"needs the SDXorg test-models suite ({sir} not found); set PLANSIM_TEST_MODELS")
    equations = read_equations(sir)
    assert equations["infectious"] == "infectious = INTEG(succumbing - recovering, 5)"
    assert equations["susceptible"] == "susceptible = INTEG(- succumbing, total_population)"
    assert equations["recovering"] == "recovering = infectious/duration"
