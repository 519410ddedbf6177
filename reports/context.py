"""Report stage, hub: the loaded runs plus the language, with goal lookups every page module shares.

:func:`reports.build.build_report` makes one :class:`ReportContext` from the run folders;
each page module (scorecard, fan charts, …) takes it and returns pages.
"""

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from .attainment import goal_summary
from .labels import pick


def by_role(runs: list) -> list:
    """The runs with plan scenarios first, then baselines (stable within each), so that a report compares the
    plan against the baseline whatever order the folders were typed in."""
    from simulator.runs.analyses import scenario_role

    return sorted(runs, key=lambda run: scenario_role(run.name) == "baseline")


def _goal_from_row(row) -> SimpleNamespace:
    """A minimal goal (no label/source) rebuilt from a goals.csv row, for goals not in the plan."""

    def parse(value):
        if isinstance(value, str) and value.startswith("["):
            return json.loads(value)
        return value

    return SimpleNamespace(id=row["goal_id"], label=row["goal_id"], variable=row["variable"], year=parse(row["year"]),
                           comparison=row["comparison"], value=parse(row["target"]), unit="", binding=None,
                           source=None, note="")


@dataclass
class ReportContext:
    """The runs a report covers and the language it is written in.

    Attributes
    ----------
    runs : list of reports.data.RunData
        First run = the main one (its plan, its folder); :func:`by_role` puts the plan run first whatever
        order the folders were given in.
    lang : {"zh", "en"}
    """

    runs: list
    lang: str
    _summaries: dict = field(default_factory=dict)
    _goals: list = None
    #: per-report results shared by page modules (e.g. the validation run of reports.evidence)
    cache: dict = field(default_factory=dict)

    @property
    def main(self):
        return self.runs[0]

    @property
    def plan(self):
        return self.main.plan

    @property
    def baseline(self):
        """The run compared against: the first other run whose scenario is a baseline, else the second run."""
        from simulator.runs.analyses import scenario_role

        others = self.runs[1:]
        found = next((r for r in others if scenario_role(r.name) == "baseline"), None)
        return found or (others[0] if others else None)

    def goals(self) -> list:
        """Goals of the report, in plan order: every goal id that appears in some run's goals.csv (cached)."""
        if self._goals is None:
            self._goals = self._collect_goals()
        return self._goals

    def _collect_goals(self) -> list:
        present = []
        for run in self.runs:
            present += [g for g in dict.fromkeys(run.goals["goal_id"]) if g not in present]
        by_id = {g.id: g for g in (self.plan.goals if self.plan is not None else [])}
        ordered = [by_id[g] for g in by_id if g in present]
        rows = {r["goal_id"]: r for run in self.runs for _, r in run.goals.drop_duplicates("goal_id").iterrows()}
        return ordered + [_goal_from_row(rows[g]) for g in present if g not in by_id]

    def summary(self, run):
        """Per-goal summary table of ``run`` (cached), in plan order."""
        key = str(run.path)
        if key not in self._summaries:
            self._summaries[key] = goal_summary(run.goals, [g.id for g in self.goals()]).set_index("goal_id",
                                                                                                   drop=False)
        return self._summaries[key]

    def label(self, goal) -> str:
        """The goal's label in the report language."""
        return pick(goal.label, self.lang) or goal.id

    def t(self, key, **fields) -> str:
        """Shortcut for :func:`reports.labels.text` in the report language."""
        from .labels import text

        return text(key, self.lang, **fields)
