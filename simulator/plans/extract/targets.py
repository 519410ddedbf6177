"""Plans, extract, step 5: one clause with its time → goals (comparison, value, year, reading) or past facts.

The comparison comes from :mod:`simulator.plans.reading` (the rule of docs/goal-reading.md as
code: ``expected_comparisons``, ``about_band``, ``is_aspiration``); this module only decides
which number it applies to, the window of a rate, and the value's unit.

>>> when = When(2025, (2020, 2025))
>>> [(g["comparison"], g["value"]) for g in read_clause("地区生产总值年均增长6%以上", when, 2021)]
[('growth>=', 0.06)]
>>> [(g["comparison"], g["value"], g["year"]) for g in read_clause("万元GDP能耗比2020年降低19%", When(2025), 2021)]
[('growth<=', -0.041268, [2020, 2025])]
"""

from __future__ import annotations

import re
from dataclasses import replace

from simulator.plans import reading
from simulator.plans.extract.clauses import When, year_before
from simulator.plans.extract.indicators import clusters_in, dictionary, lookup
from simulator.plans.extract.numbers import Quantity, quantities

#: words that make a clause with a number a target even when no comparison word of the reading rule is in it
TARGET_WORDS = ("提高到", "提升到", "增加到", "增至", "提高至", "提升至", "控制在", "保持在", "稳定在", "增长", "新增", "新建",
                "建成", "完成", "实现", "确保", "力争", "争取", "累计", "打造", "达", "突破", "以上", "以内", "左右",
                "不低于", "不超过", "降至", "下降", "降低", "减少", "提高", "培育", "冲刺", "至少", "不少于", "大于",
                "缩小到", "缩小至", "压缩到",
                "压缩至")
#: words that bring a level down to a number (a ceiling) that the reading rule's table does not list
DOWN_TO = ("缩小到", "缩小至", "压缩到", "压缩至", "压减到", "压减至")
_DECLINE_RE = re.compile(r"(?:比|较)\s*((?:19|20)\d\d)\s*年?\s*(?:末|底)?\s*(?:累计)?\s*(?:下降|降低|减少)")
_DOWN_WORDS = ("下降", "降低", "减少")
_CHANGE_WORDS = ("增加", "增长", "下降", "提高", "减少", "降低", "增", "降")
_RATE_WORDS = ("年均增长", "年均增速", "年均递增", "增长", "增速")


def _percent(q: Quantity) -> bool:
    return q.unit == "%"


def _decline(text: str, q: Quantity, when: When) -> dict | None:
    """下降/降低 X% over a window: the end value is at most (1 - X) times the start, as average growth."""
    if not _percent(q) or not any(word in text[:q.start] for word in _DOWN_WORDS):
        return None
    share = q.value if isinstance(q.value, float) else q.value[1]
    match = _DECLINE_RE.search(text[:q.start])
    if "年均" in text[:q.start]:
        window = when.window or (when.year - 5, when.year)
        return {"comparison": "growth<=", "value": round(-share / 100, 6), "year": list(window),
                "reading": f"年均下降 {share:g}% -> growth<= {-share / 100:g} a year over {list(window)}"}
    if match:
        window = (int(match.group(1)), when.year)
    else:
        window = when.window or (when.year - 1, when.year)
    years = window[1] - window[0]
    if years <= 0:
        return None
    value = round((1 - share / 100) ** (1 / years) - 1, 6)
    return {"comparison": "growth<=", "value": value, "year": list(window),
            "reading": f"下降 {share:g}% over {list(window)} -> end <= (1 - {share / 100:g}) x start, "
                       f"as growth<= (1 - {share / 100:g})^(1/{years}) - 1 = {value:g} a year"}


def _growth(text: str, q: Quantity, when: When) -> dict | None:
    """年均增长 X% (or 增长 X% for one year): average annual growth over the window, comparable prices."""
    before = text[:q.start]
    if not _percent(q) or not any(word in before[-8:] for word in _RATE_WORDS) or "百分点" in text[q.end:q.end + 3]:
        return None
    low, high = (q.value, q.value) if isinstance(q.value, float) else q.value
    window = when.window or ((when.year - 5, when.year) if "年均" in before else (when.year - 1, when.year))
    after = text[q.end:]
    if any(word in after[:4] for word in ("以内", "以下")) or "不超过" in before:
        return {"comparison": "growth<=", "value": round(high / 100, 6), "year": list(window),
                "reading": f"增长 {high:g}% 以内 -> growth<= {high / 100:g} over {list(window)}"}
    band = reading.about_band(text[q.start:q.end + 6]) if after.lstrip().startswith("左右") else None
    value = round(band[0], 6) if band else round(low / 100, 6)
    why = (f"增长 {q.text}左右 -> the lower edge of the ±5 % band, growth>= {value:g}" if band
           else f"年均增长 {low:g}% -> growth>= {low / 100:g}")
    return {"comparison": "growth>=", "value": value, "year": list(window),
            "reading": f"{why} over {list(window)}, comparable prices"}


def _level(text: str, q: Quantity, when: When) -> dict | None:
    """A level: the comparisons the reading rule allows for the words, applied to this number (or range)."""
    allowed = reading.expected_comparisons(text) or ((">=",) if any(w in text for w in TARGET_WORDS) else None)
    if not allowed:
        return None
    comparison = allowed[0] if allowed[0] in (">=", "<=", "between") else (
        "<=" if any(word in text for word in _DOWN_WORDS) else ">=")
    if not reading.expected_comparisons(text) and any(word in text for word in DOWN_TO):
        comparison = "<="
    low, high = (q.value, q.value) if isinstance(q.value, float) else q.value
    scale = 0.01 if _percent(q) else 1.0
    band = _about(text, q) if isinstance(q.value, float) and "左右" in text else None
    if band and comparison in (">=", "<="):  # X左右 by direction (reading.about_goal): 0.95 X more-is-better, 1.05 X less
        value = round(band[0] if comparison == ">=" else band[1], 10)
        return {"comparison": comparison, "value": value, "year": when.year,
                "reading": f"X 左右, {reading.about_direction(text)} is better -> {comparison} {value:g}"}
    if comparison == "between":
        if band:
            value = [round(band[0], 10), round(band[1], 10)]
            return {"comparison": "between", "value": value, "year": when.year,
                    "reading": f"X 左右 -> between [0.95 X, 1.05 X] = {value}"}
        if low == high:
            comparison = ">="
    if comparison == "between" or (not isinstance(q.value, float) and comparison == ">=" and "以上" not in text):
        value = [round(low * scale, 10), round(high * scale, 10)]
        return {"comparison": "between", "value": value, "year": when.year,
                "reading": f"a range A—B without 以内/以上 -> between {value}"}
    value = round((high if comparison == "<=" else low) * scale, 10)
    rule = {"<=": "a ceiling (以内, 不超过, 降至)", ">=": "a floor (达到, 以上, 突破, 超过)"}[comparison]
    if not reading.expected_comparisons(text):
        rule = "no comparison word of the rule; a target verb, read as a floor"
    return {"comparison": comparison, "value": value, "year": when.year, "reading": f"{rule} -> {comparison} {value:g}"}


def _about(text: str, q: Quantity):
    """The ±band of reading.about_band for the number ``q`` when 左右 follows it (and its unit: 68万人左右)."""
    if not text[q.end:].lstrip().startswith("左右"):
        return reading.about_band(text[:q.end + 6]) if _percent(q) else None
    band = reading.about_band(text[:q.end + 6])
    return band or reading.about_band(f"{q.value!r}{'%' if _percent(q) else ''}左右")


def _subjects(text: str, count: int) -> list | None:
    """分别: the ``count`` subjects before 分别 (城镇、农村居民人均可支配收入 → two names), else None."""
    head = text.split("分别")[0]
    items = [item for item in re.split(r"[、和与及]", head) if item]
    if len(items) != count:
        return None
    tail = items[-1][len(items[0]):] if len(items[-1]) > len(items[0]) else ""
    return [item + tail for item in items[:-1]] + [items[-1]]


def _values_of(text: str) -> list:
    found = quantities(text)
    if "分别" in text and len(found) >= 2:
        names = _subjects(text, len(found))
        if names:
            return [(q, name) for q, name in zip(found, names)]
    starts = [0] + [q.end for q in found]
    return [(q, text[start:q.start]) for q, start in zip(found, starts)]


def _several(goal: dict, context: str) -> list:
    """An industry target after a list of industries (电子信息、生物医药两大产业…,打造千亿级): one goal per industry."""
    indicator = goal["indicator"]
    previous = re.split(r"[，,]", context.rstrip("，, "))[-1] if context else ""
    if indicator is None or not indicator.variable or "[" not in indicator.variable:
        return [goal]
    named = clusters_in(previous)
    if len(named) < 2 or not re.search(r"[两三四五六七八九]大|分别|、", previous):
        return [goal]
    base = indicator.variable.split("[")[0]
    return [{**goal, "indicator": replace(indicator, variable=f"{base}[{cluster}]")} for cluster in named]


def _fact(text: str, q: Quantity, when: When, indicator, subject: str) -> dict | None:
    """A figure of the past (a level in a year); changes (增加 135 天) and classes (千亿级) are not levels."""
    if not q.text[:1].isdigit() or any(word in text[max(0, q.start - 4):q.start] for word in _CHANGE_WORDS):
        return None
    year = year_before(text, q.start) or when.year
    return {"kind": "fact", "year": year, "quantity": q, "indicator": indicator, "subject": subject}


#: words that state a direction without a number (docs/goal-reading.md: words only -> rising / falling)
RISING_WORDS = ("回升", "上升", "提高", "提升", "增加")
FALLING_WORDS = ("下降", "降低", "减少", "压减", "控制")


def _direction(text: str, when: When, now: int) -> dict | None:
    """A target in words only: a mapped indicator with a direction word right beside it -> rising/falling."""
    for name, _ in dictionary()["rows"]:
        at = text.find(name)
        indicator = lookup(text[max(0, at - 3):at + len(name) + 12], text) if at >= 0 else None
        if indicator is None or indicator.variable is None or indicator.phrase or indicator.name != name:
            continue
        start = max([text.rfind(mark, 0, at) for mark in "、和及与"] + [-1]) + 1
        ends = [i for i in (text.find(mark, at + len(name)) for mark in "、和及与") if i >= 0]
        piece_end = min(ends) if ends else len(text)
        near = text[max(start, at - 6):min(piece_end, at + len(name) + 6)]
        rising, falling = any(w in near for w in RISING_WORDS), any(w in near for w in FALLING_WORDS)
        if rising != falling:
            break
    else:
        return None
    window = list(when.window) if when.window else [now - 1, when.year]
    if window[0] >= window[1]:
        return None
    comparison = "rising" if rising else "falling"
    return {"kind": "goal", "quantity": None, "indicator": indicator, "subject": text, "comparison": comparison,
            "value": None, "year": window,
            "reading": f"words only ({near.strip()}) -> {comparison} over {window}, stated in words"}


def read_clause(text: str, when: When | None, now: int, context: str = "", default_year: int | None = None) -> list:
    """Goals and past facts of one clause (simplified words); ``context``: the words before it in its line."""
    when = when or When(default_year or now + 4)
    found = []
    for q, subject in _values_of(text):
        indicator = lookup(subject, context) or lookup(text[:q.end + 3], context)
        if when.past or (when.year < now and not when.window):
            fact = _fact(text, q, when, indicator, subject)
            found.extend([fact] if fact else [])
            continue
        read = _decline(text, q, when) or _growth(text, q, when) or _level(text, q, when)
        if read:
            found.extend(_several({"kind": "goal", "quantity": q, "indicator": indicator, "subject": subject, **read},
                                  context))
    if not found and not quantities(text):
        indicator = lookup(text)
        if not (indicator and indicator.phrase):
            direction = None if when.past else _direction(text, when, now)
            return [direction] if direction else []
        if indicator and indicator.phrase:
            found.append({"kind": "goal", "quantity": None, "indicator": indicator, "subject": text,
                          "comparison": indicator.phrase["comparison"], "value": indicator.phrase["value"],
                          "year": when.year, "reading": f"{indicator.name} (words, one reading) -> "
                                                        f"{indicator.phrase['comparison']} {indicator.phrase['value']}"})
    return found
