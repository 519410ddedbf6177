"""Plans, extract, step 2: a simplified line → sentences → clauses (with their spans), and the time each clause speaks of.

A sentence ends at 。；！？; a clause at a comma or colon. The time a clause names (``到2025年``,
``2025年前``, ``“十四五”期间``, ``今年``) holds for the clauses after it in the same sentence.

>>> [c.text for c in split("到2025年,A达到1%,B达到2%。C")[0]]
['到2025年', 'A达到1%', 'B达到2%']
>>> when("“十四五”期间,地区生产总值年均增长6%以上", now=2021)
When(year=2025, window=(2020, 2025), past=False, annual=False)
>>> when("由2010 年的49.4 亿元增长到2020 年的111 亿元", now=2021).past
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_RE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_CLAUSE_RE = re.compile(r"[^，,：:]+")
YEAR = r"((?:19|20)\d\d)"
#: five-year plans by name: (start year - 1, end year)
FIVE_YEAR_PLANS = {"十三五": (2015, 2020), "十四五": (2020, 2025), "十五五": (2025, 2030), "十六五": (2030, 2035)}
_FYP_RE = re.compile(r"(十[三四五六]五)”?\s*(?:期间|时期|末|规划期)")
_BY_RE = re.compile(rf"(?:到|至|在|于)\s*{YEAR}\s*年(?:底|末)?|{YEAR}\s*年(?:底|末)?(?:前|以前)")
_WINDOW_RE = re.compile(rf"{YEAR}\s*[—–\-~～至到]\s*{YEAR}\s*年")
_PLAIN_RE = re.compile(rf"(?<!比)(?<!较)(?<!\d){YEAR}\s*年(?!\s*[—–\-~～至到]\s*\d)")
#: words that put a whole line in the past (its figures are results, not targets)
PAST_RE = re.compile(r"过去五年|五年来|刚刚过去|过去一年|去年|上年")
_NOW_RE = re.compile(r"今年|(?<![\d到至])年内|年底前|本年度|全年|当年")


@dataclass(frozen=True)
class Clause:
    """One clause: its span in the line and its simplified words."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class When:
    """The time a clause speaks of: a target year, a window for rates, and whether it is the past."""

    year: int
    window: tuple | None = None
    past: bool = False
    annual: bool = False


def split(line: str) -> list:
    """Sentences of ``line``, each a list of its non-empty clauses (spans into ``line``)."""
    sentences = []
    for sentence in _SENTENCE_RE.finditer(line):
        found = []
        for clause in _CLAUSE_RE.finditer(sentence.group(0)):
            text = clause.group(0).strip("。；;！？!? \t")
            if text:
                start = sentence.start() + clause.start() + clause.group(0).find(text)
                found.append(Clause(start, start + len(text), text))
        if found:
            sentences.append(found)
    return sentences


def when(text: str, now: int) -> When | None:
    """The time ``text`` names, or None; years before ``now`` without 到/前 are the past."""
    match = _FYP_RE.search(text)
    if match:
        base, end = FIVE_YEAR_PLANS[match.group(1)]
        return When(end, (base, end), past=end < now)
    match = _WINDOW_RE.search(text)
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        return When(end, (start - 1, end), past=end < now)
    match = _BY_RE.search(text)
    if match:
        year = int(match.group(1) or match.group(2))
        return When(year, past=year < now)
    years = [int(y) for y in _PLAIN_RE.findall(text)]
    if years:
        return When(max(years), past=max(years) < now)
    if _NOW_RE.search(text):
        return When(now, (now - 1, now), annual=True)
    return None


def year_before(text: str, position: int) -> int | None:
    """The last year named in ``text`` before ``position`` (the year of a past figure: 由2010年的49.4亿元)."""
    years = [int(m.group(1)) for m in _PLAIN_RE.finditer(text[:position])]
    return years[-1] if years else None


def plan_years(lines: list, year_default: int | None) -> dict:
    """``now`` (first year of the plan), ``end`` (its last) and ``default`` (a target's year when it names none)."""
    head = " ".join(lines[:8])
    names = re.findall(r"十[三四五六]五|第十[三四五六]个五年", head)
    named = {"第十三个五年": "十三五", "第十四个五年": "十四五", "第十五个五年": "十五五", "第十六个五年": "十六五"}
    if names:
        base, end = FIVE_YEAR_PLANS[named.get(names[-1], names[-1])]
        return {"now": base + 1, "end": end, "default": year_default or end}
    targets = [int(y) for line in lines for y in re.findall(rf"到\s*{YEAR}\s*年", line)]
    if year_default:
        return {"now": year_default, "end": year_default, "default": year_default}
    if targets:
        return {"now": min(targets) - 2, "end": max(targets), "default": max(set(targets), key=targets.count)}
    return {"now": 2021, "end": 2025, "default": 2025}


_HEADING_RE = re.compile(r"^\s*(?:第[一二三四五六七八九十]+[章篇]|[一二三四五六七八九十]+、)")
_REVIEW_WORDS = ("发展基础", "发展成就", "回顾", "全面建成小康", "小康社会全面建成", "决定性成就", "五年来", "成绩单")
_TARGETS_HEADING = ("预期目标", "主要目标", "目标任务")


def in_review(line: str, was: bool, now: int) -> bool:
    """Whether ``line`` belongs to the plan's review of the past period (its figures are facts, not goals).

    A review starts at a line opening with the last plan period (“十三五”时期…) or a heading such as
    发展基础 / 全面建成小康; it ends at a chapter heading (第二章, 二、) or a line opening with the
    current period.
    """
    head = line.strip()[:16]
    past = [name for name, (_, end) in FIVE_YEAR_PLANS.items() if end == now - 1]
    current = [name for name, (base, _) in FIVE_YEAR_PLANS.items() if base == now - 1]
    if any(word in head for word in _REVIEW_WORDS) or any(name in head[:6] for name in past):
        return True
    targets_heading = any(word in line.strip()[:30] for word in _TARGETS_HEADING)
    if _HEADING_RE.match(line) or any(name in head[:6] for name in current) or targets_heading:
        return False
    return was
