"""Report stage, input: reads one finished batch run folder (docs/interfaces.md §4) and its region's plan.

Everything downstream in ``reports/`` works from a :class:`RunData`; nothing else opens files
of the run folder, and it reads them through :mod:`simulator.runs.runstore` (the one run-folder
contract: file names, columns, which statuses count as ok). A missing, partial or malformed folder
raises one :class:`~simulator.errors.RunDirError` line naming the folder, the file and the fix.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from simulator.plans.attainment import goal_positions

from simulator.runs.runstore import RunFolder, open_results, read_goals, read_inputs

from .indicators import load_indicators


@dataclass
class RunData:
    """One batch run folder, loaded.

    Attributes
    ----------
    path : Path
        The run folder.
    results : xarray.Dataset
        ``results.nc`` opened lazily (dims scenario, time, subscripts; ``input__*`` variables; attrs).
    goals : pandas.DataFrame
        ``goals.csv``, one row per (scenario, goal); ``ok`` column added (bool).
    inputs : pandas.DataFrame
        ``inputs.csv`` indexed by scenario, one column per sampled input.
    manifest : dict
        ``manifest.json``.
    plan : object or None
        The region's plan from :func:`simulator.plans.plan.load_plan`, or None if the run has no region.
    scenario : object or None
        The scenario from :func:`simulator.scenarios.scenario.load_scenario` if its file is still there.
    indicators : dict
        Indicator names of the plan's model (:func:`reports.indicators.load_indicators`).
    """

    path: Path
    results: xr.Dataset
    goals: pd.DataFrame
    inputs: pd.DataFrame
    manifest: dict
    plan: object = None
    scenario: object = None
    indicators: dict = field(default_factory=dict)
    _rows_of: dict = field(default=None, repr=False)

    def goal_rows(self, goal_id: str, columns=("scenario", "value", "met")) -> pd.DataFrame:
        """The ok rows of one goal, only ``columns`` (a small copy; the positions per goal are found once)."""
        if self._rows_of is None:
            self._rows_of = goal_positions(self.goals)
        positions = self._rows_of.get(goal_id, np.empty(0, dtype=np.intp))
        rows = self.goals[list(columns)].take(positions[self.goals["ok"].to_numpy()[positions]])
        return rows.reset_index(drop=True)

    def goal_values(self, goal_id: str) -> pd.Series:
        """The goal's value (float) per ok scenario, indexed by scenario."""
        rows = self.goal_rows(goal_id, ("scenario", "value"))
        return pd.Series(rows["value"].to_numpy(dtype=float), index=pd.Index(rows["scenario"], name="scenario"))

    @property
    def name(self) -> str:
        """Scenario name of the run (results attr ``scenario``, else the folder name)."""
        return str(self.results.attrs.get("scenario") or self.manifest.get("scenario") or self.path.name)

    def title(self, lang: str) -> str:
        """The scenario name for a reader (:func:`reports.labels.scenario_name`): 规划情景（含不确定性）, plan (uncertain)."""
        from .labels import scenario_name

        return scenario_name(self.name, lang)

    @property
    def region(self) -> str:
        return str(self.results.attrs.get("region") or self.manifest.get("region") or "")

    @property
    def n(self) -> int:
        return int(self.results.sizes.get("scenario", len(self.inputs)))

    @property
    def seed(self):
        """Sampling seed as recorded in the manifest (None if the batch had none)."""
        return self.manifest.get("seed", self.results.attrs.get("seed"))

    @property
    def input_names(self) -> list:
        """Names of the sampled inputs (columns of inputs.csv)."""
        return list(self.inputs.columns)

    @property
    def failed(self) -> int:
        """Number of samples whose status is not ok."""
        if "status" in self.results:
            return int((self.results["status"].values != 0).sum())
        return int(self.goals.loc[~self.goals["ok"], "scenario"].nunique())


def _existing(value) -> Path:
    """``value`` as a Path if it names an existing file, else None."""
    return Path(value) if isinstance(value, str) and value and Path(value).is_file() else None


def _load_plan(manifest: dict, region: str):
    """The plan the batch used (manifest ``plan_path``), else the region's current plan.yaml."""
    from simulator.plans.plan import load_plan

    path = _existing(manifest.get("plan_path"))
    if path is not None:
        return load_plan(path)
    return load_plan(region) if region else None


def _load_scenario(manifest: dict):
    """The scenario the batch ran (manifest ``scenario_path``) if that file is still there unchanged, else None.

    Only the assumptions page uses it (distributions as written); a file edited since the batch
    (its SHA-256 differs from the manifest's) would describe inputs the batch did not sample.
    """
    path = _existing(manifest.get("scenario_path"))
    if path is None:
        return None
    from simulator.runs.manifest import sha256_of
    from simulator.scenarios.scenario import load_scenario

    recorded = manifest.get("scenario_sha256")
    if recorded and sha256_of(path) != recorded:
        return None

    return load_scenario(path, check_model=False)


def load_run(path) -> RunData:
    """Load a complete batch run folder and the plan of its region.

    Parameters
    ----------
    path : str or Path
        A folder written by ``run_batch`` (docs/interfaces.md §4).

    Returns
    -------
    RunData

    Raises
    ------
    RunDirError
        The folder is missing, partial (``PARTIAL`` / ``complete: false``) or lacks a file/column.
    PlanError
        The region's plan.yaml cannot be loaded (raised by ``simulator.plans.plan``).
    """
    path = Path(path).resolve()
    _, manifest = RunFolder.open_complete(path)
    results = open_results(path)     # lazy: figures read one goal variable at a time
    goals = read_goals(path)
    inputs = read_inputs(path)
    run = RunData(path=path, results=results, goals=goals, inputs=inputs, manifest=manifest)
    run.plan = _load_plan(manifest, run.region)
    run.scenario = _load_scenario(manifest)
    run.indicators = load_indicators(getattr(run.plan, "model_path", None), run.region)
    return run
