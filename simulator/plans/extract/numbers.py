"""Plans, extract, step 3: the quantities a clause states, and the numbers that are never a goal (years, dates, ranks, names).

Works on the simplified text of one clause. Numbers that are not quantities are masked first, each
with its reason: a year (``2025年``, ``2021-2025``), a date (``9月30日``), a rank (``第二``,
``前10名``, ``后十``), a document or clause number (``〔2021〕12号``, ``15.`` at the start, ``(3)``),
a name with digits (``PM2.5``, ``5G``, ``G338``, ``5A级``, a quoted ``“1559”``), a duration
(``3到5年内``). What is left is read as value + magnitude + unit, or a range ``A—B``.

>>> [(q.value, q.unit) for q in quantities("到2035年常住人口规模控制在200万—205万人以内")]
[((200.0, 205.0), '万人')]
>>> [(q.value, q.unit) for q in quantities("PM2.5浓度降至49微克/立方米")]
[(49.0, '微克/立方米')]
>>> [(q.value, q.unit) for q in quantities("全市经济总量力争超万亿元")]
[(10000.0, '亿元')]
>>> [q.value for q in quantities("2017年11月26日,第3次会议,前10名")]
[]
>>> [(q.value, q.unit) for q in quantities("全市生产总值增长6%-6.5%")]
[((6.0, 6.5), '%')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YEAR_RE = r"(?:19|20)\d\d"
#: (pattern, reason): spans that are never a quantity; masked before quantities are read
MASKS = (
    (r"PM\s*2\.5|PM\s*10|[Pp][Mm]2\.5", "a name (PM2.5)"),
    (rf"{YEAR_RE}\s*(?:[—–\-~～至到]\s*{YEAR_RE}\s*)?年?(?:\s*\d{{1,2}}\s*月)?(?:\s*\d{{1,2}}\s*日)?", "a year or date"),
    (r"\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*[日号](?!均)", "a date"),
    (r"[〔\[【]\s*\d+\s*[〕\]】]\s*\d*\s*号?|\d+\s*号(?:文|令|线)?", "a document number"),
    (r"^\s*[（(]?\s*\d+\s*[)）.．、](?!\d)|[（(]\s*\d+\s*[)）]", "a clause number"),
    (r"第\s*\d+|前\s*\d+\s*(?:名|位|强)?|后\s*\d+\s*(?:名|位)?|\d+\s*强|排名\D{0,6}\d+", "a rank"),
    (r"[A-Za-z]+\s*\d+(?:\.\d+)?[A-Za-z\d]*|\d+(?:\.\d+)?\s*[A-Za-z]+\d*", "a name with digits (5G, G338, IPv6)"),
    (r"(?<![\d.])\d+(?:\s*[到至—\-~～]\s*\d+)?\s*(?:个月|年|周|小时|分钟)(?:内|间|来|以来|过渡期)?", "a duration"),
    (r"\d+(?:\.\d+)?\s*(?:级|星级|千伏|届|次会议|国道|省道|环路)", "a level or a name"),
    (r"\d+\s*\+\s*\d+", "a name (3+2)"),
)
_MASK_RE = [(re.compile(pattern), reason) for pattern, reason in MASKS]
_QUOTED_RE = re.compile(r"“[^”]{0,15}”|\"[^\"]{0,15}\"")

#: units after the number (longest first); a magnitude (万亿, 亿, 万, 千) may stand before them
UNITS = ("微克/立方米", "毫克/立方米", "吨标准煤", "立方米", "平方公里", "平方米", "公顷", "公里", "千米", "千瓦时", "千瓦",
         "个百分点", "人次", "元", "人", "吨", "亩", "户", "个", "家", "所", "项", "天", "倍", "座", "条", "辆", "张", "头",
         "台", "套", "件", "名", "处", "次", "床", "间", "棵", "株", "部", "批", "%", "％")
NUMBER = r"\d+(?:\.\d+)?"
MAGNITUDE = r"万亿|亿|万|千"
_QTY_RE = re.compile(
    rf"(?<![\d.])(?P<a>{NUMBER})\s*(?P<amag>{MAGNITUDE})?"
    rf"(?:\s*%?\s*[—–\-~～至到]\s*(?P<b>{NUMBER})\s*(?P<bmag>{MAGNITUDE})?)?"
    rf"\s*(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})?"
)
_WORD_RE = re.compile(r"(?<![\d.万亿千百])(?P<word>万亿|千亿|百亿)(?=元|级|规模)")
_WORD_VALUES = {"万亿": 10000.0, "千亿": 1000.0, "百亿": 100.0}
_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, None: 1.0}


@dataclass(frozen=True)
class Quantity:
    """A number (or range) with its unit as read: ``value`` in ``unit`` (a range is a (low, high) pair)."""

    value: float | tuple
    unit: str
    start: int
    end: int
    text: str


def mask(text: str) -> tuple[str, list]:
    """``text`` with every non-quantity number replaced by ``#`` (same length), and [(reason, words)] masked."""
    skipped = []

    def blank(match, reason):
        if re.search(r"\d", match.group(0)):
            skipped.append((reason, match.group(0).strip()))
        return re.sub(r"\d", "#", match.group(0))

    text = _QUOTED_RE.sub(lambda m: blank(m, "a name in quotes"), text)
    for pattern, reason in _MASK_RE:
        text = pattern.sub(lambda m, r=reason: blank(m, r), text)
    return text, skipped


def _unit_and_scale(mag, unit: str | None, after: str) -> tuple[str, float]:
    """The unit to report and the factor a value is multiplied by (money in 亿元, 万 kept for 人/吨/元)."""
    unit = "%" if unit == "％" else unit
    if unit == "元":
        if mag in ("万亿", "亿"):
            return "亿元", _SCALE[mag] / 1e8
        return ("万元", 1.0) if mag == "万" else ("元", _SCALE[mag])
    if mag == "万" and unit is None and re.match(r"\s*(?:常住)?人口", after):
        return "万人", 1.0
    if mag in ("万", "亿") and unit:
        return f"{mag}{unit}", 1.0
    if mag and not unit:
        return mag, 1.0
    return unit or "", _SCALE[mag] if mag == "千" else 1.0


_RATIO_RE = re.compile(rf"(?<![\d.])(?P<a>{NUMBER})\s*[∶:]\s*1(?![\d.])")


def quantities(text: str) -> list[Quantity]:
    """The quantities in ``text`` (simplified characters), in order; a ratio A∶1 is A (unit ``∶1``).

    >>> [(q.value, q.unit) for q in quantities("收入差距控制在2.2∶1以内")]
    [(2.2, '∶1')]
    """
    masked, _ = mask(text)
    found = [Quantity(float(m.group("a")), "∶1", m.start(), m.end(), text[m.start():m.end()])
             for m in _RATIO_RE.finditer(masked)]
    for q in found:
        masked = masked[:q.start] + re.sub(r"\d", "#", masked[q.start:q.end]) + masked[q.end:]
    for match in _QTY_RE.finditer(masked):
        unit, scale = _unit_and_scale(match.group("bmag") or match.group("amag"), match.group("unit"), masked[match.end():])
        low = float(match.group("a")) * scale
        value = low if match.group("b") is None else (low, float(match.group("b")) * scale)
        found.append(Quantity(value, unit, match.start(), match.end(), text[match.start():match.end()]))
    for match in _WORD_RE.finditer(masked):
        if any(0 <= match.start() - q.end <= 3 for q in found):
            continue  # 5个“千亿级”集群: the count is the target, 千亿级 says what kind
        found.append(Quantity(_WORD_VALUES[match.group("word")], "亿元", match.start(), match.end() + 1,
                              text[match.start():match.end() + 1]))
    return sorted(found, key=lambda q: q.start)
