"""Plans, reading rules: which comparisons a goal's quoted plan words allow (docs/goal-reading.md), as code.

Used by the tests of every shipped plan.yaml (and by anyone writing a new one) to check that a
goal's ``comparison`` and ``value`` follow the one written rule for 左右, 以内, 以上, 突破, 力争,
年均增长 and 下降. Simplified and traditional characters are both read.

>>> expected_comparisons("常住人口城镇化率达到60%左右")
('between',)
>>> expected_comparisons("到2035年常住人口規模控制在200萬—205萬人以內")
('<=',)
>>> expected_comparisons("促進北京中心城區功能和人口疏解") is None
True
"""

from __future__ import annotations

import re

#: (words, comparisons they allow), first match wins: the order is the precedence of the rules
RULES = (
    (("左右",), ("between",)),
    (("以内", "以內", "不超过", "不超過", "降至"), ("<=",)),
    (("年均增长", "年均增長"), ("growth>=",)),
    (("下降率", "降低", "下降"), ("growth<=",)),
    (("以上", "不低于", "不低於", "突破", "超过", "超過", "超", "达到", "達到", "千亿级", "承接"), (">=", "between", "growth>=")),
)
#: words that make a goal an aspiration (never binding)
ASPIRATION = ("力争", "力爭")
#: half-width of the band a "X左右" goal gets, relative to X
ABOUT_BAND = 0.05


def states_a_number(quote: str) -> bool:
    """True when the words give a quantity: a digit that is not a year or PM2.5's name, or 百亿/千亿/万亿.

    >>> states_a_number("到2025 年,PM 2.5 浓度降低"), states_a_number("打造“千亿级”产业集群")
    (False, True)
    """
    text = re.sub(r"PM\s*2\.5|(19|20)\d\d\s*年?", "", quote)
    return bool(re.search(r"\d", text)) or any(word in quote for word in ("百亿", "千亿", "万亿", "萬億"))


def expected_comparisons(quote: str) -> tuple | None:
    """Comparisons the quoted words allow, or None when the quote states no number (words only)."""
    if not states_a_number(quote):
        return None
    for words, comparisons in RULES:
        if any(word in quote for word in words):
            return comparisons
    return None


def about_band(quote: str) -> tuple[float, float] | None:
    """``[0.95·X, 1.05·X]`` for the number before 左右 (a percentage as a fraction), else None.

    >>> about_band("常住人口城镇化率达到75%左右")
    (0.7125, 0.7875)
    """
    match = re.search(r"(\d+(?:\.\d+)?)\s*(%?)\s*左右", quote)
    if not match:
        return None
    value = float(match.group(1)) / (100 if match.group(2) else 1)
    return round(value * (1 - ABOUT_BAND), 10), round(value * (1 + ABOUT_BAND), 10)


def is_aspiration(quote: str) -> bool:
    """True when the plan says 力争 (strive for): the goal may not be marked binding."""
    return any(word in quote for word in ASPIRATION)
