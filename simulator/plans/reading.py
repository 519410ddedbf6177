"""Plans, reading rules: which comparisons a goal's quoted plan words allow (docs/goal-reading.md), as code.

Used by the tests of every shipped plan.yaml (and by anyone writing a new one) to check that a
goal's ``comparison`` and ``value`` follow the one written rule for 左右 (by direction), 以内, 以上, 突破, 力争,
年均增长 and 下降. Simplified and traditional characters are both read.

>>> expected_comparisons("常住人口城镇化率达到60%左右")
('>=',)
>>> expected_comparisons("人口规模保持在300万左右")
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
    (("以内", "以內", "不超过", "不超過", "降至"), ("<=",)),
    (("年均增长", "年均增長"), ("growth>=",)),
    (("下降率", "降低", "下降"), ("growth<=",)),
    (("以上", "不低于", "不低於", "突破", "超过", "超過", "超", "达到", "達到", "千亿级", "承接"), (">=", "between", "growth>=")),
)
#: words that make a goal an aspiration (never binding)
ASPIRATION = ("力争", "力爭")
#: how far "X左右" (about X) may fall short of X (more is better), exceed it (less is better), or either (neither)
ABOUT_BAND = 0.05
#: words before 左右 that say the plan wants more of the quantity (then about X is met at >= 0.95·X), or less
#: (met at <= 1.05·X); checked less-first, since 控制在/降至 can sit in a sentence that also says 达到
ABOUT_LESS = ("控制在", "控制", "降至", "降到", "降低", "下降", "减少", "減少", "压减", "壓減", "不超过", "不超過")
ABOUT_MORE = ("达到", "達到", "提高", "提升", "增长", "增長", "增加", "突破", "超过", "超過", "上升")


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
    if "左右" in quote:
        return (ABOUT_COMPARISON[about_direction(quote)],)
    for words, comparisons in RULES:
        if any(word in quote for word in words):
            return comparisons
    return None


#: direction of an "about X" goal -> its comparison
ABOUT_COMPARISON = {"more": ">=", "less": "<=", "neither": "between"}


def about_direction(quote: str) -> str:
    """Which way the plan wants an "X左右" quantity to go: ``"more"``, ``"less"`` or ``"neither"``.

    Read from the verb before 左右 (达到/提高 → more; 控制在/降至 → less); a quote with neither
    (保持在, 稳定在) wants the quantity near X from both sides.

    >>> about_direction("到2025 年常住人口城镇化率达到60%左右"), about_direction("能耗控制在1500万吨左右")
    ('more', 'less')
    >>> about_direction("粮食播种面积稳定在500万亩左右")
    'neither'
    """
    head = quote[: quote.index("左右")] if "左右" in quote else quote
    if any(word in head for word in ABOUT_LESS):
        return "less"
    if any(word in head for word in ABOUT_MORE):
        return "more"
    return "neither"


def about_number(quote: str) -> float | None:
    """X in "X左右" (a percentage as a fraction; a unit word may stand between), else None.

    >>> about_number("达到60%左右"), about_number("控制在1500万吨左右")
    (0.6, 1500.0)
    """
    match = re.search(r"(\d+(?:\.\d+)?)\s*(%|[^\d\s,，。、；%]{0,4}?)\s*左右", quote)
    if not match:
        return None
    return float(match.group(1)) / (100 if match.group(2) == "%" else 1)


def about_band(quote: str) -> tuple[float, float] | None:
    """``[0.95·X, 1.05·X]`` for the number before 左右 (a percentage as a fraction), else None.

    >>> about_band("常住人口城镇化率达到75%左右")
    (0.7125, 0.7875)
    """
    value = about_number(quote)
    if value is None:
        return None
    return round(value * (1 - ABOUT_BAND), 10), round(value * (1 + ABOUT_BAND), 10)


def about_goal(quote: str) -> tuple[str, object] | None:
    """``(comparison, value)`` of an "X左右" goal by direction (docs/goal-reading.md), else None.

    More is better: met at ``>= 0.95·X``; less is better: at ``<= 1.05·X``; neither: ``between`` the two.

    >>> about_goal("到2025 年常住人口城镇化率达到60%左右")
    ('>=', 0.57)
    >>> about_goal("能耗控制在1500万吨左右")
    ('<=', 1575.0)
    >>> about_goal("粮食播种面积稳定在500万亩左右")
    ('between', [475.0, 525.0])
    """
    band = about_band(quote)
    if band is None:
        return None
    comparison = ABOUT_COMPARISON[about_direction(quote)]
    return comparison, {">=": band[0], "<=": band[1], "between": list(band)}[comparison]


def is_aspiration(quote: str) -> bool:
    """True when the plan says 力争 (strive for): the goal may not be marked binding."""
    return any(word in quote for word in ASPIRATION)
