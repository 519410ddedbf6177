"""Plans, extract, step 4: an indicator's name in a plan → a model variable, through the dictionary ``indicators.yaml``.

>>> lookup("到2025年,石家庄市万元GDP能耗比2020年降低19%").variable
'energy_intensity'
>>> lookup("数字经济占地区生产总值比重") is None
True
>>> lookup("生物医药产业营业收入").variable
'cluster_revenue_nominal[biomedicine]'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

DICTIONARY = Path(__file__).with_name("indicators.yaml")


@dataclass(frozen=True)
class Indicator:
    """What a target's words measure: the name found, the model variable, its unit and conversions."""

    name: str
    variable: str | None        # None: an industry target whose cluster the words do not name
    unit: str
    basis: str | None = None
    units: dict = field(default_factory=dict)
    phrase: dict | None = None
    growth: dict | None = None


@lru_cache(maxsize=1)
def dictionary() -> dict:
    """The parsed ``indicators.yaml``: indicators (names longest first), clusters, not_after."""
    data = yaml.safe_load(DICTIONARY.read_text(encoding="utf-8"))
    rows = [(name, row) for row in data["indicators"] for name in row["names"]]
    rows.sort(key=lambda item: -len(item[0]))
    return {"rows": rows, "clusters": data["clusters"], "not_after": tuple(data["not_after"])}


def _cluster(words: str) -> str | None:
    """The cluster named last in ``words`` (the one nearest a target that follows them)."""
    best, best_at = None, -1
    for cluster, names in dictionary()["clusters"].items():
        for name in names:
            at = words.rfind(name)
            if at > best_at or (at == best_at and at >= 0 and len(name) > 1):
                best, best_at = cluster, at
    return best


def clusters_in(words: str) -> list:
    """Every cluster named in ``words``, in order of appearance (for 两大产业 / 分别 lists)."""
    found = []
    for cluster, names in dictionary()["clusters"].items():
        positions = [words.find(name) for name in names if name in words]
        if positions:
            found.append((min(positions), cluster))
    return [cluster for _, cluster in sorted(found)]


def _excluded(words: str, start: int, end: int) -> bool:
    """True when the words around a name make it another indicator (a share of it, per capita, per unit)."""
    after = words[end:end + 12]
    before = words[max(0, start - 3):start]
    if "人均" in before or before.endswith("占"):
        return True
    return any(word in after for word in dictionary()["not_after"])


def lookup(words: str, context: str = "") -> Indicator | None:
    """The indicator named in ``words`` (longest name first); clusters searched in ``words`` then ``context``."""
    for name, row in dictionary()["rows"]:
        start = words.find(name)
        if start < 0 or _excluded(words, start, start + len(name)):
            continue
        level = row["level"]
        variable = level["variable"]
        if row.get("cluster"):
            cluster = _cluster(words[:start + len(name)]) or _cluster(context)
            variable = f"{variable}[{cluster}]" if cluster else None
        return Indicator(name=name, variable=variable, unit=level.get("unit", ""), basis=level.get("basis"),
                         units=dict(level.get("units") or {}), phrase=row.get("phrase"), growth=row.get("growth"))
    return None
