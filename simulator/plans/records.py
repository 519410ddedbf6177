"""Plans, records: the shapes a plan.yaml is read into (Source, Fact, Published, Goal, Assumption, Plan).

Pure data with small helpers; ``plans/plan.py`` reads and validates the file into them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.errors import PlanError

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "models"
#: price basis of a money goal (unit in 元): real = constant prices of ``price_year``, nominal = current prices
BASES = ("real", "nominal")
#: what decides a goal's outcome: the model's feedback, a single assumed rate, or published data
DECIDERS = ("feedback", "assumption", "data")
PUBLISHED_SOURCE_KEYS = ("title", "publisher", "year_published", "url", "quote")


def seeds_dir() -> Path:
    """Folder holding the plan documents: ``$PLANSIM_SEEDS`` or ``<repo>/../shared/seeds``."""
    return Path(os.environ.get("PLANSIM_SEEDS", REPO_ROOT.parent / "shared" / "seeds"))


@dataclass(frozen=True)
class Source:
    """Where a number comes from: a seed document, a 1-based line, and words copied from it."""

    doc: str
    line: int
    quote: str
    where: str = field(default="", compare=False, repr=False)  # "plan.yaml:12" for messages

    def verify(self, seeds: Path | str | None = None) -> None:
        """Raise PlanError unless ``quote`` occurs verbatim on line ``line`` of ``doc``.

        Parameters
        ----------
        seeds : path, optional
            Folder of the seed documents; default :func:`seeds_dir`.
        """
        folder = Path(seeds) if seeds is not None else seeds_dir()
        path = folder / self.doc
        prefix = f"{self.where}: " if self.where else ""
        if not path.is_file():
            raise PlanError(f"{prefix}source doc '{self.doc}' not found in {folder}; fix the doc name")
        lines = path.read_text(encoding="utf-8").splitlines()
        if not 1 <= self.line <= len(lines):
            raise PlanError(
                f"{prefix}source line {self.line} is outside {self.doc} (1..{len(lines)}); fix the line number"
            )
        if self.quote not in lines[self.line - 1]:
            found = [i + 1 for i, text in enumerate(lines) if self.quote in text]
            hint = f"the quote is on line(s) {found}" if found else "copy the quote byte for byte from the document"
            raise PlanError(
                f"{prefix}quote {self.quote!r} is not on line {self.line} of {self.doc}; {hint}"
            )


#: plan.yaml keys whose text a report shows: each is ``{zh: …, en: …}`` (issue 21; tests/models/test_texts.py)
TEXT_KEYS = ("reason", "note", "decided_by_note", "reading")


class Text(str):
    """A plan text in two languages: the English as the string itself (messages, logs), the Chinese in ``zh``.

    Read from ``{zh: …, en: …}``; a plain string is English only (``zh`` empty).

    >>> reason = Text("assumed", zh="假设")
    >>> reason, reason.pick("zh"), reason.pick("en"), Text("only English").pick("zh")
    ('assumed', '假设', 'assumed', '')
    """

    zh: str = ""

    def __new__(cls, en: str = "", zh: str = ""):
        text = super().__new__(cls, en)
        text.zh = zh
        return text

    def pick(self, lang: str) -> str:
        """The text in ``lang`` (``"zh"`` or ``"en"``); empty when it was not written in that language."""
        return self.zh if lang == "zh" else str(self)


@dataclass(frozen=True)
class Fact:
    """A figure the plan gives for a past year (a calibration target)."""

    id: str
    variable: str
    year: float
    value: float
    unit: str
    source: Source
    note: Text = Text()


@dataclass(frozen=True)
class Published:
    """An official statistic (统计公报, 年鉴, census) for a past year: a validation/fit target.

    ``variable`` is the model variable the figure checks (None when it only informs a constant,
    named in ``sets``); ``source`` holds title, publisher, year_published, url, quote, repost.
    """

    id: str
    variable: str | None
    year: int
    value: float
    unit: str
    geography: str
    source: dict
    sets: str | None = None
    note: Text = Text()


@dataclass(frozen=True)
class Goal:
    """A target of the plan, checkable against a model variable."""

    id: str
    label: dict
    variable: str
    year: Any  # int, or [from_year, to_year] for rising/falling
    comparison: str
    value: Any  # number, [low, high] for between, None for rising/falling
    unit: str
    binding: bool
    source: Source
    tolerance: float | None = None
    note: Text = Text()
    #: money goals: "real" (constant prices of price_year) or "nominal" (current prices)
    basis: str | None = None
    price_year: int | None = None
    #: which rule of docs/goal-reading.md turned the plan's words into this comparison
    reading: Text = Text()
    #: "feedback", "assumption" (set by a single assumed rate) or "data"; and why
    decided_by: str | None = None
    decided_by_note: Text = Text()
    #: the levers (model constants or scenario levers) the plan itself names as this goal's means
    levers: tuple = ()


@dataclass(frozen=True)
class Uncovered:
    """A target of the plan that no model variable measures (``not_modelled: true``): listed, never evaluated."""

    id: str
    label: dict
    indicator: str
    source: Source
    why: str = ""


@dataclass(frozen=True)
class Assumption:
    """A number the model needs that the plan does not give: value, plausible range, reason."""

    id: str
    variable: str
    value: float
    range: tuple
    unit: str
    reason: Text


@dataclass
class Plan:
    """A validated plan file; see docs/interfaces.md §2."""

    region: str
    name: dict
    plan: dict
    model_path: Path
    history: list
    goals: list
    assumptions: list
    path: Path
    published: list = field(default_factory=list)
    #: {fit_until: year, free: [constant names]}: how the baseline was fitted (validate-history)
    calibration: dict = field(default_factory=dict)
    #: targets of the plan the model does not cover (goals marked ``not_modelled: true``), for the report
    not_modelled: list = field(default_factory=list)
    #: {floors: [ids], misfits: [{id, size, reason}]}: figures read as lower bounds, and those the
    #: baseline_uncertain band does not hold, with size and reason (tests/models/test_record.py)
    record: dict = field(default_factory=lambda: {"floors": [], "misfits": []})

    @property
    def start_year(self) -> int | None:
        """The plan's first year (``plan: {start_year}``): levers act from it, ``run.py seek`` searches after it."""
        year = self.plan.get("start_year")
        return None if year is None else int(year)

    def goal(self, goal_id: str) -> Goal:
        """The goal with id ``goal_id`` (PlanError naming the known ids otherwise)."""
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise PlanError(f"{self.path}: no goal '{goal_id}'; known goals: {', '.join(g.id for g in self.goals)}")

    def sources(self) -> list:
        """Every Source in the plan (history and goals)."""
        return [item.source for item in [*self.history, *self.goals]]

    def verify_sources(self, seeds: Path | str | None = None) -> None:
        """Check every quote against its seed document (PlanError at the first mismatch)."""
        for source in self.sources():
            source.verify(seeds)

    def variables(self) -> set:
        """All model variables the plan refers to (goals, history, assumptions)."""
        return {item.variable for item in [*self.history, *self.goals, *self.assumptions]}


