"""Paths and plain-pandas helpers shared by the report tests (no plansim code, so they can check it)."""

from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIOS = FIXTURES / "scenarios" / "reportland"
PLAN = FIXTURES / "models" / "reportland" / "plan.yaml"


def goals_csv(run_dir) -> pd.DataFrame:
    """goals.csv of a run folder, read plainly (no plansim code)."""
    return pd.read_csv(Path(run_dir) / "goals.csv")


def p_met(run_dir) -> pd.Series:
    """Share of samples meeting each goal, computed here from goals.csv."""
    return goals_csv(run_dir).groupby("goal_id", sort=False)["met"].mean()
