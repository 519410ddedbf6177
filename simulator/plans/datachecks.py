"""Plans, data checks: entries read by ``plans/dataimport.py`` → figures in model units, or one refusal naming the cell.

Each check is one function over one entry (series, year, unit, 口径/basis, area, source) or over the series
(jump against neighbouring figures, conflict with a recorded figure). :func:`check_entries` runs them all and
raises the first problem, saying how many more there are, so nothing is written from a file with a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.errors import DataImportError
from simulator.plans import datasheet as layout
from simulator.plans.observed import INTERNAL, as_fraction, text_of

#: default: a value more than this factor away from the series' neighbouring figure is questioned
MAX_JUMP = 1.3
#: growth-rate series (1/Year) are compared by difference, not ratio: at most this far apart (0.10 = 10 points)
MAX_RATE_STEP = 0.10


@dataclass
class Checked:
    """A figure that passed the checks: in model units, with its source and what it replaces."""

    entry: object
    spec: layout.SeriesSpec
    year: int
    value: float
    unit: str
    note: str
    replaces: object = None  # a Published figure superseded (with --replace)


def _spec_of(entry, specs: dict, by_name: dict):
    spec = specs.get(entry.series) or by_name.get(entry.series)
    if spec is None:
        raise DataImportError(f"{entry.where}: unknown series '{entry.series}'; the model uses "
                              f"{', '.join(specs)} (python run.py data template lists them)")
    return spec


def _year(entry) -> int:
    text = str(entry.year).strip()
    if not re.fullmatch(r"\d{4}(\.0)?", text):
        raise DataImportError(f"{entry.where}: year '{entry.year}' is not a year like 2021; fix the year")
    year = int(float(text))
    last = layout.last_year()
    if not 1949 <= year <= last:
        raise DataImportError(f"{entry.where}: year {year} is outside 1949-{last} (no figure can be out yet); "
                              f"a swapped or mistyped year? fix the year")
    return year


def _value(entry, spec) -> tuple:
    """(value in the model's unit, stored unit, note) after the unit check."""
    try:
        given = float(str(entry.value).replace(",", "").strip())
    except ValueError:
        raise DataImportError(f"{entry.where}: '{entry.value}' is not a number; write the figure only "
                              f"(unit in the 单位 column)") from None
    accepted = layout.UNIT_FAMILIES.get(spec.unit, {spec.unit: 1.0})
    unit = entry.unit or spec.shown_unit
    if unit not in accepted:
        raise DataImportError(f"{entry.where}: unit '{unit}' does not fit {spec.variable} ({spec.name}), "
                              f"whose figures are in {spec.shown_unit}; write one of {', '.join(accepted)}")
    factor = accepted[unit]
    stored = "share" if spec.unit in ("share",) else spec.unit
    note = "" if factor == 1.0 else f"given as {given:g} {unit}, stored ×{factor:g} in {stored}"
    return given * factor, stored, note


def _basis_and_area(entry, spec) -> None:
    if entry.basis and spec.basis and _norm(entry.basis) != _norm(spec.basis):
        raise DataImportError(f"{entry.where}: 口径/价格 '{entry.basis}' is not the series' '{spec.basis}' "
                              f"({spec.name}); the model's series is {spec.basis}: a {entry.basis} figure is a "
                              f"different quantity — leave it out or find the {spec.basis} figure")
    if entry.geography and _norm(entry.geography) != _norm(spec.geography):
        raise DataImportError(f"{entry.where}: area '{entry.geography}' is not the region's '{spec.geography}'; "
                              f"a figure of another area is not a figure of this model's series — leave it out "
                              f"(or cite it in plan.yaml published: with sets:)")


def _norm(text: str) -> str:
    return str(text).strip().replace("（", "(").replace("）", ")").replace(" ", "")


def _source(entry, office: str | None) -> dict:
    source = {k: v for k, v in entry.source.items() if v}
    if not source.get("title"):
        raise DataImportError(f"{entry.where}: no source; write its title (e.g. 石家庄市2021年国民经济和社会发展统计公报) "
                              f"and publisher, or 「{INTERNAL}」 and your office's name")
    if not source.get("publisher") and source["title"] == INTERNAL and office:
        source["publisher"] = office
    if not source.get("publisher"):
        fix = "pass --office NAME" if source["title"] == INTERNAL else "write the publisher (发布单位)"
        raise DataImportError(f"{entry.where}: source '{source['title']}' has no publisher; {fix}")
    return source


def _duplicates(checked: list) -> None:
    seen = {}
    for item in checked:
        key = (item.spec.variable, item.year)
        if key in seen:
            raise DataImportError(f"{item.entry.where}: {item.spec.variable} {item.year} is also given at "
                                  f"{seen[key].entry.where}; one figure a year (a swapped year?) — fix one of them")
        seen[key] = item


def _hint(item, other_value: float, ratio: float) -> str:
    """A likely cause of a jump: a unit 10^4 or 100 off, or a 户籍 figure in a 常住 series."""
    if abs(ratio / 1e4 - 1) < 0.2:
        return {"亿元": "a 万元 figure written as 亿元? ", "万人": "a 人 figure written as 万人? "}.get(item.spec.unit, "")
    if abs(ratio / 100 - 1) < 0.2:
        return "a % written as a share, or the reverse? "
    if item.spec.basis == "常住" and item.value < other_value:
        return "a 户籍 (registered) figure in a 常住 (resident) row? "
    return ""


def _jump_message(item, other_year, other_value, other_source, size: float, is_rate: bool) -> str:
    shown = f"{size:.3g} points" if is_rate else (f"{size:,.0f}×" if size >= 10 else f"{size:.3g}×")
    hint = "" if is_rate else _hint(item, other_value, size)
    fix = f"or pass --max-jump {size * 1.05:.2g} if it is right" if not is_rate and size < 10 else "and fix it"
    return (f"{item.entry.where}: {item.spec.variable} {item.year} = {item.value:g} is {shown} away from "
            f"{other_value:g} ({other_year}, {other_source}); {hint}check the value, unit and 口径, {fix}")


def _jump(item, value: float, max_jump: float) -> float:
    """How far ``item`` is from ``value`` (points for growth rates, a ratio otherwise); 0 when within bounds."""
    if item.spec.unit == "1/Year":
        step = abs(item.value - value) * 100
        return step if step > MAX_RATE_STEP * 100 else 0.0
    if value > 0 and item.value > 0:
        ratio = max(item.value / value, value / item.value)
        return ratio if ratio > max_jump else 0.0
    return float("inf") if (value > 0) != (item.value > 0) else 0.0


def _jumps(checked: list, recorded: dict, max_jump: float) -> None:
    """Each new figure against the nearest earlier and later figure of its series (recorded or new); a figure
    that jumps away from both its neighbours is named first (it, not its neighbour, is the odd one)."""
    found = []
    for item in checked:
        others = {y: (v, s) for y, (v, s) in recorded.get(item.spec.variable, {}).items() if y != item.year}
        for other in checked:
            if other.spec.variable == item.spec.variable and other.year != item.year:
                others[other.year] = (other.value, other.entry.where)
        near = _neighbours(sorted(others), item.year)
        jumps = [(year, _jump(item, others[year][0], max_jump)) for year in near]
        jumps = [(year, size) for year, size in jumps if size]
        if jumps:
            year, size = jumps[0]
            odd = len(jumps) == len(near) and len(near) > 1
            found.append((not odd, _jump_message(item, year, others[year][0], others[year][1], size,
                                                 item.spec.unit == "1/Year")))
    if found:
        raise DataImportError(sorted(found, key=lambda f: f[0])[0][1])


def _neighbours(years: list, year: int) -> list:
    before = [y for y in years if y < year]
    after = [y for y in years if y > year]
    return ([before[-1]] if before else []) + ([after[0]] if after else [])


def _label(figure) -> str:
    title = text_of(figure.source.get("title"))
    return f"{figure.id}: {title}" if title else figure.id


def _conflicts(checked: list, plan, replace: bool) -> tuple:
    """(figures to write, number already recorded with the same value) — a different value is refused unless ``replace``."""
    by_key = {(p.variable, int(p.year)): p for p in plan.published if p.variable}
    keep, unchanged = [], 0
    for item in checked:
        old = by_key.get((item.spec.variable, item.year))
        if old is None:
            keep.append(item)
            continue
        if abs(as_fraction(old) - item.value) <= 1e-9 * max(1.0, abs(item.value)):
            unchanged += 1
            continue
        if not replace:
            raise DataImportError(f"{item.entry.where}: {item.spec.variable} {item.year} = {item.value:g} "
                                  f"({item.entry.source.get('title', '')}) conflicts with the recorded "
                                  f"{as_fraction(old):g} ({_label(old)}); keep one: pass --replace to use the new "
                                  f"figure, or delete it from the file")
        item.replaces = old
        keep.append(item)
    return keep, unchanged


def _unchanged_record(plan, entries: list, specs: dict, by_name: dict) -> list:
    """``entries`` less the cells of 已入库 rows, each of which must still equal its recorded figure."""
    recorded = {(p.variable, int(p.year)): p for p in plan.published if p.variable}
    kept = []
    for entry in entries:
        if not getattr(entry, "recorded", False):
            kept.append(entry)
            continue
        spec = _spec_of(entry, specs, by_name)
        value = _value(entry, spec)[0]
        figure = recorded.get((spec.variable, _year(entry)))
        if figure is None or abs(as_fraction(figure) - value) > 1e-9 * max(1.0, abs(value)):
            was = "no recorded figure" if figure is None else f"the recorded {as_fraction(figure):g} ({_label(figure)})"
            raise DataImportError(f"{entry.where}: this grey 已入库 cell was changed ({value:g}; {was}); undo it — "
                                  f"to correct a recorded figure write it in a 待填 row and pass --replace")
    return kept


def check_entries(plan, entries: list, *, replace: bool = False, max_jump: float = MAX_JUMP, office: str | None = None):
    """Checked figures of ``entries`` against ``plan``: (list of Checked to write, number already recorded).

    Raises
    ------
    DataImportError
        At the first problem (cell or line, what is wrong, the fix; how many more problems follow).
    """
    specs = {s.variable: s for s in layout.catalogue(plan)}
    by_name = {s.name: s for s in specs.values()}
    entries = _unchanged_record(plan, entries, specs, by_name)
    if not entries:
        raise DataImportError("the file holds no figure to import; fill the 待填 rows (or the CSV's lines)")
    checked, problems = [], []
    for entry in entries:
        try:
            spec = _spec_of(entry, specs, by_name)
            year = _year(entry)
            value, unit, note = _value(entry, spec)
            _basis_and_area(entry, spec)
            entry.source = _source(entry, office)
            checked.append(Checked(entry, spec, year, value, unit, note))
        except DataImportError as err:
            problems.append(str(err))
    if problems:
        more = f" ({len(problems) - 1} more problem(s) in the file)" if len(problems) > 1 else ""
        raise DataImportError(problems[0] + more)
    _duplicates(checked)
    recorded = {}
    for figure in plan.published:
        if figure.variable:
            recorded.setdefault(figure.variable, {})[int(figure.year)] = (as_fraction(figure), _label(figure))
    if replace:  # a figure being replaced is no neighbour of its replacement
        for item in checked:
            recorded.get(item.spec.variable, {}).pop(item.year, None)
    _jumps(checked, recorded, max_jump)
    return _conflicts(checked, plan, replace)
