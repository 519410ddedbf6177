"""Report stage, wording of numbers: goal targets, sources, probabilities and values as short strings.

Pure functions from plan goals / summary rows to text in the report's language; the page
modules place these strings, they never format numbers themselves.
"""

import json
import math
import re

from simulator.plans.kinds import KINDS, is_window

from .labels import pick, text


def number(value, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, no scientific notation for plan-sized numbers."""
    if value is None:
        return ""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= digits or magnitude < -4:
        return f"{value:.{digits}g}" if magnitude < -4 or magnitude > 9 else f"{value:,.0f}"
    decimals = max(digits - 1 - magnitude, 0)
    return f"{value:.{decimals}f}"


def plain(value) -> str:
    """A number as written in a file: up to 4 significant digits, no trailing zeros (``0.0075``); whole numbers of
    10,000 or more in full (``60000``, never ``6e+04``: a planner reads 万m³ quotas and 亿元 levels).

    >>> plain(0.0075), plain(60000), plain(1.25e5), plain(3.14159)
    ('0.0075', '60000', '125000', '3.142')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if 1e4 <= abs(value) < 1e15:
        return f"{float(f'{value:.4g}'):.0f}"
    return f"{value:.4g}"


def rate(value) -> str:
    """A growth rate per year as a percent with one decimal (``0.06`` → ``"6.0%"``)."""
    return f"{float(value) * 100:.1f}%"


def percent(p) -> str:
    """A probability as a whole percent (``"87%"``); ``"<1%"`` / ``">99%"`` near the ends."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{100 * p:.0f}%"


def year(value) -> str:
    """A year as an integer string where it is whole."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _years(goal_year):
    if isinstance(goal_year, str):
        goal_year = json.loads(goal_year)
    return goal_year


#: Unit strings that mean "dimensionless" and are not printed.
DIMENSIONLESS = {"", "1", "dmnl", "dimensionless", "无量纲"}


#: Unit words in each language (longest first); model and plan units mix Vensim English and Chinese.
UNIT_WORDS = {
    "zh": (("1e8 m3", "亿立方米"), ("10k persons", "万人"), ("10k jobs", "万个岗位"), ("10k t", "万吨"),
           ("L/(person*day)", "升/(人·天)"), ("jobs", "岗位"), ("μg/m3", "µg/m³"), ("ug/m3", "µg/m³"),
           ("tCO2", "吨二氧化碳"), ("tce", "吨标准煤"), ("万t", "万吨"), ("t/(", "吨/("), ("m3", "立方米"),
           ("km2", "平方公里"), ("Years", "年"), ("Year", "年"), ("year", "年"), ("persons", "人"), ("person", "人"),
           ("days", "天"), ("Day", "天"), ("day", "天"), ("share", ""), ("Dmnl", ""), ("tonnes", "吨"), ("yuan", "元")),
    "en": (("1e8 m3", "100 million m³"), ("10k persons", "10,000 persons"), ("10k jobs", "10,000 jobs"),
           ("10k t", "10,000 t"), ("万tCO2", "10,000 t CO₂"), ("万tce", "10,000 tce"), ("万t", "10,000 t"),
           ("km2", "km²"), ("μg/m3", "µg/m³"), ("ug/m3", "µg/m³"), ("万m3", "10,000 m³"), ("亿m3", "100 million m³"),
           ("m3", "m³"), ("tCO2", "t CO₂"), ("亿元", "100 million yuan"), ("万元", "10,000 yuan"),
           ("万人", "10,000 persons"), ("万立方米", "10,000 m³"), ("亿立方米", "100 million m³"),
           ("万吨标准煤", "10,000 tce"), ("吨标准煤", "tce"), ("万吨", "10,000 t"), ("平方公里", "km²"), ("天", "days"),
           ("年", "year"), ("元", "yuan"), ("人", "persons"), ("Years", "years"), ("Year", "year"), ("Dmnl", "")),
}


def unit(value, lang: str) -> str:
    """A unit (plain or ``{zh, en}``) in the report's language (亿元/年 · 100 million yuan/year); empty if dimensionless.

    A Vensim range after the unit (``Year [0,?]``) is dropped.
    """
    text_unit = re.sub(r"\s*\[[^\]]*\]\s*$", "", pick(value or "", lang)).strip()
    if text_unit.lower() in DIMENSIONLESS:
        return ""
    for word, replacement in UNIT_WORDS[lang]:
        text_unit = text_unit.replace(word, replacement)
    text_unit = text_unit.strip()
    return "" if text_unit.lower() in DIMENSIONLESS or text_unit == "/" else text_unit


def unit_suffix(unit_text: str, lang: str) -> str:
    """The text that follows a number in ``unit_text`` (already in ``lang``): ``" 亿元"``; in English a unit that
    starts with a scale is a multiple, ``" × 100 million yuan"`` (so 10,000 of them never reads "10,000 100 million")."""
    if not unit_text:
        return ""
    if lang == "en" and unit_text[:1].isdigit():
        return f" × {unit_text}"
    return f" {unit_text}"


def has_latin(value: str) -> bool:
    """True if ``value`` holds a Latin word of two or more letters (a string not written for a Chinese reader)."""
    import re

    return re.search(r"[A-Za-z]{2,}", value or "") is not None


def has_cjk(value: str) -> bool:
    """True if ``value`` holds CJK ideographs."""
    return any("\u4e00" <= char <= "\u9fff" for char in value or "")


#: Chinese magnitude words after a number, in English (a number stays as written: "1000亿" → "1000 × 100 million")
MAGNITUDES = (("亿立方米", "100 million m³"), ("万立方米", "10,000 m³"), ("亿元", "100 million yuan"),
              ("万元", "10,000 yuan"), ("万人", "10,000 persons"), ("万吨", "10,000 t"), ("万亩", "10,000 mu"),
              ("亿", "100 million"), ("万", "10,000"))
_MAGNITUDE = re.compile(r"(\d[\d.,]*)\s*(" + "|".join(word for word, _ in MAGNITUDES) + ")")
_CJK = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
_CJK_RUN = re.compile(rf"[\u4e00-\u9fff][{_CJK}\d.%·—\s]*[{_CJK}]|[\u4e00-\u9fff]")
_QUOTED = re.compile(r"“[^“”]*”|‘[^‘’]*’|'[^']*'|\"[^\"]*\"")


def english(text: str) -> str:
    """An English plan text as the English report prints it: Chinese magnitudes after numbers in English, and every
    other Chinese word (the plan's own terms) set in quotes, as quoted plan words.

    >>> english("no published size; 1000亿 in 2023 (京津产业转移, '超过')")
    "no published size; 1000 × 100 million in 2023 (‘京津产业转移’, '超过')"
    """
    words = dict(MAGNITUDES)
    text = _MAGNITUDE.sub(lambda m: f"{m.group(1)} × {words[m.group(2)]}", text)
    parts = re.split(f"({_QUOTED.pattern})", text)
    return "".join(part if _QUOTED.fullmatch(part or "x") else _CJK_RUN.sub(lambda m: f"‘{m.group(0).strip()}’", part)
                   for part in parts)


def note(goal, ctx) -> str:
    """A goal's conversion note in the report's language; a note written only in the other language is not shown, the
    reader is told where to find it."""
    value = getattr(goal, "note", "") or ""
    if isinstance(value, dict):
        return pick(value, ctx.lang)
    if getattr(value, "zh", ""):
        return value.pick(ctx.lang) if ctx.lang == "zh" else english(value.pick("en"))
    wrong = has_latin(value) if ctx.lang == "zh" else (has_cjk(value) and not has_latin(value))
    return ctx.t("note_in_en") if wrong and value else value


def target(goal, lang: str) -> str:
    """The goal's target as read in the plan, e.g. ``"≥ 148.5 亿元（2025）"``, ``"falling 2028–2035"``."""
    comparison = goal.comparison
    unit_text = unit_suffix(unit(getattr(goal, "unit", ""), lang), lang)
    years = _years(goal.year)
    kind = KINDS[comparison]
    if kind.trend:
        return kind.words(lang, y0=year(years[0]), y1=year(years[1]))
    if kind.window:
        return kind.words(lang, value=rate(goal.value), y0=year(years[0]), y1=year(years[1]))
    if kind.value_shape == "pair":
        low, high = goal.value
        return kind.words(lang, low=number(low), high=number(high), unit=unit_text, year=year(years))
    return kind.words(lang, value=number(goal.value), unit=unit_text, year=year(years))


def _field(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def source(goal_or_item, lang: str) -> str:
    """``"003_28c4….txt 第 40 行"`` for a plan item's ``source: {doc, line, quote}``; "" if none."""
    src = _field(goal_or_item, "source")
    if not src:
        return ""
    doc, line = _field(src, "doc", ""), _field(src, "line")
    short = doc.split("_")[0] if "_" in doc else doc
    return f"{short} {text('line', lang, line=line)}" if line is not None else short


def first_met(value, lang: str, comparison: str = None) -> str:
    """The median first year met, "never" in the report's language, or "–" for trend goals (no such year)."""
    if is_window(comparison):
        return "–"
    if value is None or (isinstance(value, float) and (math.isinf(value) or math.isnan(value))):
        return text("never", lang)
    return year(value)


def value_range(median, q05, q95) -> str:
    """``"150 [120, 190]"`` (comma, not a dash, so negative bounds stay readable); ``"150"`` without spread."""
    if number(q05) == number(q95):
        return number(median)
    return f"{number(median)} [{number(q05)}, {number(q95)}]"


def outcome(goal, numbers, lang: str) -> str:
    """Median and 5–95 % range of a goal's value; trend goals say it is a slope per year."""
    text_range = value_range(numbers["median"], numbers["q05"], numbers["q95"])
    measure = KINDS[goal.comparison].measure
    if measure != "level":
        return f"{text(measure, lang)} {text_range}"
    return text_range


def sha(value, length: int = 16) -> str:
    """First ``length`` hex digits of a hash, or "–"."""
    return str(value)[:length] if value else "–"


def verdict_word(light: str, lang: str) -> str:
    """likely / uncertain / unlikely for a traffic light (可能达成 / 不确定 / 不太可能)."""
    return text(f"verdict_{light}", lang)


def localized(value, lang: str) -> str:
    """A plan field in the report's language: ``{zh, en}`` picked; plain text shown only if written in that language
    (Latin words in a zh report, or CJK in an en report, hide it)."""
    if isinstance(value, dict):
        return pick(value, lang)
    if getattr(value, "zh", ""):
        return value.pick(lang) if lang == "zh" else english(value.pick("en"))
    shown = "" if value is None else str(value)
    return "" if (has_latin(shown) if lang == "zh" else has_cjk(shown)) else shown
