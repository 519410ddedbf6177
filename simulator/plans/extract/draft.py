"""Plans, extract, step 6: a whole plan text → the draft plan document (goals, history, notes) and its counts.

``extract(path)`` walks the lines (1-based, as ``source.line``), reads every clause with
:func:`targets.read_clause`, maps each target to a model variable through the indicator
dictionary, and quotes the clause byte for byte from the original line. Nothing is dropped
silently: ``Draft.unread`` lists every line with a number that became neither a goal nor a fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from simulator.plans import reading
from simulator.plans.extract.clauses import PAST_RE, When, in_review, plan_years, split, when
from simulator.plans.extract.numbers import mask, quantities
from simulator.plans.extract.targets import read_clause
from simulator.plans.extract.text import read_lines, simplified


@dataclass
class Draft:
    """What ``extract`` read from one plan text."""

    doc: str
    title: str
    years: dict
    goals: list = field(default_factory=list)
    history: list = field(default_factory=list)
    unmapped_history: list = field(default_factory=list)
    unread: list = field(default_factory=list)      # (line, words) with a number read as nothing
    duplicates: int = 0

    def counts(self) -> dict:
        mapped = sum(1 for goal in self.goals if "variable" in goal)
        return {"goals": len(self.goals), "mapped": mapped, "not_modelled": len(self.goals) - mapped,
                "history": len(self.history), "history_without_variable": len(self.unmapped_history),
                "duplicates": self.duplicates, "lines_not_read": len(self.unread)}


def _unique(ident: str, taken: set) -> str:
    base, k = ident, 2
    while ident in taken:
        ident, k = f"{base}_{k}", k + 1
    taken.add(ident)
    return ident


def _slug(variable: str) -> str:
    return re.sub(r"_+", "_", re.sub(r"\W", "_", variable)).strip("_")


def _year_tag(year) -> str:
    return f"{year[0]}_{year[1]}" if isinstance(year, list) else str(year)


def _convert(item: dict) -> tuple:
    """(value, unit, variable or None, why not) of a read target or fact, in the model's unit when mapped."""
    q, indicator, value = item["quantity"], item["indicator"], item.get("value")
    growth = item.get("comparison", "").startswith("growth")
    if item["kind"] == "fact":
        value = q.value if isinstance(q.value, float) else q.value[1]
        value = round(value / 100, 10) if q.unit == "%" else value
    text_unit = "" if q is None else q.unit
    unit = "1/Year" if growth else ("1" if text_unit == "%" else text_unit)
    if indicator is None:
        return value, unit, None, "no indicator of the dictionary in its words"
    if indicator.variable is None:
        return value, unit, None, f"'{indicator.name}' of an industry the words do not name"
    if growth:
        spec = indicator.growth or {"variable": indicator.variable}
        return value, "1/Year", spec["variable"], None
    if q is None or (text_unit == "%" and "%" in indicator.units):
        return value, indicator.unit, indicator.variable, None
    if text_unit not in indicator.units:
        return value, unit, None, f"unit {text_unit or '(none)'} not convertible to {indicator.unit} of {indicator.variable}"
    factor = indicator.units[text_unit]
    scaled = [round(v * factor, 10) for v in value] if isinstance(value, list) else round(value * factor, 10)
    return scaled, indicator.unit, indicator.variable, None


def _basis(goal: dict, item: dict) -> None:
    """Money goals state a price basis: growth at comparable prices (real), levels in current prices."""
    indicator = item["indicator"]
    money = "元" in goal["unit"] or (item["quantity"] is not None and "元" in item["quantity"].unit)
    if not money and not (indicator and indicator.basis):
        return
    if goal["comparison"].startswith("growth"):
        goal["basis"], goal["price_year"] = "real", goal["year"][0]
    elif indicator and indicator.basis == "real" and "variable" in goal:
        goal["basis"], goal["price_year"] = "real", goal["year"] if isinstance(goal["year"], int) else goal["year"][0]
    else:
        goal["basis"] = "nominal"


_VERB_TAIL = re.compile(r"(?:总体|分别|力争|争取|确保|继续|基本|全面)?(?:达到|达|突破|超过|超|不低于|不少于|不超过|"
                        r"控制在|保持在|稳定在|提高到|提高至|提升到|提升至|增加到|增至|降至|降到|缩小到|年均增长|增长|下降|降低|大于|至少|为|在)?\s*$")
_TIME_HEAD = re.compile(r"^\s*(?:到|至)?\s*(?:19|20)\d\d\s*年(?:底|末)?(?:前)?\s*|^\s*(?:力争|争取|确保|其中)\s*")


def indicator_name(subject: str) -> str:
    """The indicator's words in the subject of a target: time and verbs trimmed (森林覆盖率达到 -> 森林覆盖率).

    >>> indicator_name("到2025 年全区森林覆盖率达到")
    '全区森林覆盖率'
    """
    name = _TIME_HEAD.sub("", subject.strip())
    previous = None
    while previous != name:
        previous, name = name, _VERB_TAIL.sub("", name).strip("“”\"'、，, ")
    return name[-24:]


def _goal(item: dict, source: dict, sentence: str, taken: set) -> dict:
    value, unit, variable, why = _convert(item)
    label = source["quote"] if len(source["quote"]) <= 60 else source["quote"][:59] + "…"
    goal = {"id": "", "label": {"zh": label}}
    if variable:
        goal["variable"] = variable
    else:
        goal["not_modelled"] = True
        goal["indicator"] = (item["indicator"].name if item["indicator"] else indicator_name(item["subject"])) or label
        goal["why"] = why
    goal.update({"year": item["year"], "comparison": item["comparison"], "value": value, "unit": unit})
    _basis(goal, item)
    aspiration = reading.is_aspiration(sentence) or "预期性" in sentence or "争取" in sentence
    goal["binding"] = not aspiration
    goal["reading"] = item["reading"] + ("; 力争/争取/预期性 -> an aspiration, binding: false" if aspiration else "")
    goal["source"] = source
    goal["id"] = _unique(f"{_slug(variable) if variable else 'goal_line' + str(source['line'])}_{_year_tag(item['year'])}", taken)
    return goal


def _fact(item: dict, source: dict, taken: set) -> tuple:
    value, unit, variable, why = _convert(item)
    fact = {"id": "", "variable": variable, "year": item["year"], "value": value, "unit": unit, "source": source,
            "note": "read by python run.py extract; check the year and the unit"}
    if variable is None:
        fact.pop("variable")
        fact["indicator"], fact["why"] = indicator_name(item["subject"]), why
    fact["id"] = _unique(f"{_slug(variable) if variable else 'fact_line' + str(source['line'])}_{item['year']}", taken)
    return fact, variable is not None


def extract(path, year_default: int | None = None) -> Draft:
    """Read the plan text at ``path`` into a :class:`Draft` (PlanError if it cannot be read)."""
    path = Path(path)
    lines = read_lines(path)
    simple = [simplified(line) for line in lines]
    years = plan_years(simple, year_default)
    title = next((line.strip() for line in lines if line.strip()), path.stem)[:80]
    draft = Draft(doc=path.name, title=title, years=years)
    taken = set()
    review = False
    for number, (line, text) in enumerate(zip(lines, simple), start=1):
        unread = []
        review = in_review(text, review, years["now"])
        for sentence in split(text):
            context = When(years["now"] - 1, past=True) if review or PAST_RE.search(text) else None
            for clause in sentence:
                context = when(clause.text, years["now"]) or context
                found = read_clause(clause.text, context, years["now"], text[:clause.start], years["default"])
                quote = line[clause.start:clause.end]
                source = {"doc": path.name, "line": number, "quote": quote}
                sentence_text = text[sentence[0].start:sentence[-1].end]
                for item in found:
                    if item["kind"] == "fact":
                        fact, mapped = _fact(item, dict(source), taken)
                        (draft.history if mapped else draft.unmapped_history).append(fact)
                    else:
                        draft.goals.append(_goal(item, dict(source), sentence_text, taken))
                if len(found) < len(quantities(clause.text)):
                    unread.append(clause.text)
        if unread:
            draft.unread.append((number, "，".join(unread)))
    _drop_repeated_documents(draft)
    return draft


def _drop_repeated_documents(draft: Draft) -> None:
    """A target whose quote was already read on an earlier line (a text pasted twice) is kept once."""
    seen, kept = set(), []
    for goal in draft.goals:
        key = (goal["source"]["quote"], goal["comparison"], str(goal["value"]), goal.get("variable"))
        if key in seen:
            draft.duplicates += 1
            continue
        seen.add(key)
        kept.append(goal)
    draft.goals = kept
    facts = {}
    for fact in draft.history:
        facts.setdefault((fact["variable"], fact["year"], fact["value"]), fact)
    draft.history = list(facts.values())


def masked_digits(text: str) -> bool:
    """True when ``text`` holds a digit that is not a year, date, rank or name (a number someone should read)."""
    return bool(re.search(r"\d", mask(text)[0]))
