"""Scenario → global sensitivity folder: SALib designs over the uncertain inputs, one vectorized batch, indices per goal.

``run_sensitivity(path, method, n, seed, goals, out)``:

1. SALib's sampler fills the unit hypercube (``sobol``: Saltelli/Sobol' design without second
   order, ``N·(D+2)`` rows; ``morris``: ``N`` trajectories of ``D+1`` points on 4 levels;
   ``delta``: Latin hypercube of ``N`` rows);
2. each column goes through the input's own inverse CDF (``simulator.runs.experiment``), and
   the rows run as one chunked, vectorized batch; every goal is evaluated per row;
3. SALib's analyzer gives, per goal, the indices on the goal **value** (the number
   ``goals.csv`` holds) and on **met** (1/0): Sobol S1/ST with bootstrap confidence intervals,
   Morris μ*/σ (on the probability scale of each input: the effect of moving an input across
   its whole distribution), or Borgonovo's δ (with S1).

The folder (layout in docs/sensitivity.md) holds ``sensitivity.csv`` (one row per goal × output
× input × index) and ``sensitivity.json`` (method, N, runs, seed, per-goal P(met), timings).
"""

from __future__ import annotations

import json
import math
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import BatchOptionError
from simulator.runs.experiment import (check_out_folder, correlation_note, load_for_experiment, run_rows, to_inputs,
                                       write_folder)

#: Default base sample size per method.
DEFAULT_N = {"sobol": 1024, "morris": 100, "delta": 4096}
METHODS = tuple(DEFAULT_N)
#: Columns of sensitivity.csv.
COLUMNS = ["goal_id", "output", "input", "index", "estimate", "conf", "low", "high"]
#: Bootstrap resamples of the confidence intervals; their level.
RESAMPLES, CONF_LEVEL = 100, 0.95     # SALib's own default number of resamples
#: delta's bootstrap re-runs a kernel density estimate per resample (about 0.5 s per 1,000 runs each)
DELTA_RESAMPLES = 10
#: bootstrap resamples of the pair indices S2 (their CIs cost pairs × resamples × N)
S2_RESAMPLES = 100
MORRIS_LEVELS = 4


def _problem(scenario) -> dict:
    names = [spec.name for spec in scenario.uncertain]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def design(method: str, problem: dict, n: int, seed: int, second_order: bool = False) -> np.ndarray:
    """SALib's design for ``method`` in the unit hypercube (rows × inputs)."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=second_order, scramble=True, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import latin

    return latin.sample(problem, n, seed=seed)


def analyze(method: str, problem: dict, unit: np.ndarray, y: np.ndarray, seed: int, second_order: bool = False) -> dict:
    """``{index: (estimates, half-widths of the CI)}`` per input; NaNs (no variance) as the note says."""
    names = problem["names"]
    nan = np.full(len(names), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # SALib divides by a tiny variance now and then
        if method == "sobol":
            return sobol_indices(y, len(names), second_order, seed)
        if method == "morris":
            from SALib.analyze import morris

            r = morris.analyze(problem, unit, y, num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                               num_levels=MORRIS_LEVELS, seed=seed)
            return {"mu_star": (np.asarray(r["mu_star"]), np.asarray(r["mu_star_conf"])),
                    "sigma": (np.asarray(r["sigma"]), nan), "mu": (np.asarray(r["mu"]), nan)}
        from SALib.analyze import delta

        r = delta.analyze(problem, unit, y, num_resamples=DELTA_RESAMPLES, conf_level=CONF_LEVEL, seed=seed)
        return {"delta": (np.asarray(r["delta_raw"]), np.asarray(r["delta_raw_conf"])),   # Borgonovo (2007)
                "S1": (np.asarray(r["S1"]), np.asarray(r["S1_conf"]))}


def sobol_indices(y: np.ndarray, d: int, second_order: bool, seed: int) -> dict:
    """Sobol' S1/ST (and S2) with bootstrap CIs: SALib's own estimators, its bootstrap made cheaper.

    ``SALib.analyze.sobol.analyze`` re-draws the resampled A and B matrices and their variance for
    every input; here they are drawn once and shared (same estimators, Saltelli 2010 / Jansen, on
    the standardized output as SALib does; same point estimates). S2's CI uses the first
    :data:`S2_RESAMPLES` resamples (190 pairs for 20 inputs).
    """
    from scipy.stats import norm
    from SALib.analyze.sobol import first_order, second_order as pair_order, separate_output_values, total_order

    y = (y - y.mean()) / y.std()
    n = y.size // (2 * d + 2 if second_order else d + 2)
    a, b, ab, ba = separate_output_values(y, d, n, second_order)
    r = np.random.default_rng(seed).integers(n, size=(n, RESAMPLES))
    z = norm.ppf(0.5 + CONF_LEVEL / 2)
    ar, br = a[r], b[r]
    out = {"S1": (np.empty(d), np.empty(d)), "ST": (np.empty(d), np.empty(d))}
    for j in range(d):
        out["S1"][0][j] = first_order(a, ab[:, j], b)
        out["ST"][0][j] = total_order(a, ab[:, j], b)
        abr = ab[:, j][r]
        out["S1"][1][j] = z * first_order(ar, abr, br).std(ddof=1)
        out["ST"][1][j] = z * total_order(ar, abr, br).std(ddof=1)
    if second_order:
        r2 = r[:, :S2_RESAMPLES]
        ar2, br2 = a[r2], b[r2]
        pairs = list(zip(*np.triu_indices(d, 1)))
        estimate = [pair_order(a, ab[:, j], ab[:, k], ba[:, j], b) for j, k in pairs]
        conf = [z * pair_order(ar2, ab[:, j][r2], ab[:, k][r2], ba[:, j][r2], br2).std(ddof=1) for j, k in pairs]
        out["S2"] = (np.asarray(estimate), np.asarray(conf))
    return out


def _check(method, n):
    if method not in METHODS:
        raise BatchOptionError(f"--method {method!r} is not one of {', '.join(METHODS)}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise BatchOptionError(f"-n must be a whole number >= 2, got {n!r}")
    if method == "sobol" and n & (n - 1):
        lower = 1 << (int(n).bit_length() - 1)
        raise BatchOptionError(f"-n {n}: Sobol' needs a power of 2 base samples; use {lower} or {lower * 2}")


def _rows(goal_id: str, output: str, names: list, indices: dict) -> list:
    rows = []
    i, j = np.triu_indices(len(names), 1)
    pairs = [f"{names[a]} & {names[b]}" for a, b in zip(i, j)]
    for index, (estimate, conf) in indices.items():
        for name, e, c in zip(pairs if index == "S2" else names, np.asarray(estimate, float), np.asarray(conf, float)):
            rows.append([goal_id, output, name, index, e, c, e - c, e + c])
    return rows


def sensitivity_table(method, problem, unit, outcomes, seed, second_order=False) -> tuple[pd.DataFrame, dict]:
    """sensitivity.csv rows and per-goal notes from the outcomes of the design's rows."""
    rows, notes = [], {}
    for goal_id in outcomes.goal_ids:
        value, met = outcomes.value[goal_id], outcomes.met[goal_id].astype(float)
        note = {"p_met": float(met.mean()), "n_failed": int(np.isnan(value).sum()), "skipped": []}
        for output, y in (("value", value), ("met", met)):
            if np.isnan(y).any():
                note["skipped"].append(f"{output}: {int(np.isnan(y).sum())} failed runs (no value)")
                continue
            if not np.ptp(y) > 0:
                note["skipped"].append(f"{output}: the same in every run (nothing to attribute)")
                continue
            rows += _rows(goal_id, output, problem["names"], analyze(method, problem, unit, y, seed, second_order))
        notes[goal_id] = note
    return pd.DataFrame(rows, columns=COLUMNS), notes


def run_sensitivity(path, method: str = "sobol", n: int | None = None, seed: int | None = None, goals=None,
                    out=None, chunk_size: int | None = None, progress=None, command: str = "",
                    second_order: bool = False) -> Path:
    """Global sensitivity of the scenario's goals to its uncertain inputs; returns the folder written.

    Parameters
    ----------
    path : str or Path
        A scenario with ``uncertain:`` inputs (e.g. ``scenarios/jizhou/plan_uncertain.yaml``).
    method : str
        ``sobol``, ``morris`` or ``delta``.
    n : int, optional
        Base samples (Sobol': a power of 2, runs = n·(D+2); Morris: trajectories, runs =
        n·(D+1); delta: runs = n). Default :data:`DEFAULT_N`.
    seed : int, optional
        Seed of the design and of the bootstrap (default: the scenario's sampling seed).
    goals : list of str, optional
        Goal ids (default: the scenario's goals).
    out : path, optional
        Folder to create (default ``out/<region>-<scenario>-sensitivity-<method>-<stamp>``).
    second_order : bool
        Sobol' only: also the pair indices ``S2`` (runs = n·(2D+2)).
    """
    n = DEFAULT_N.get(method, 0) if n is None else n
    _check(method, n)
    scenario, model, goal_list = load_for_experiment(path, goals)
    seed = scenario.sampling.seed if seed is None else int(seed)
    label = f"{scenario.region}-{scenario.name}" if scenario.region else scenario.name
    folder = check_out_folder(out, f"{label}-sensitivity-{method}")
    problem = _problem(scenario)
    started = time.perf_counter()
    second_order = bool(second_order and method == "sobol")
    unit = design(method, problem, n, seed, second_order)
    sampled = time.perf_counter()
    outcomes = run_rows(scenario, model, goal_list, to_inputs(scenario, unit), chunk_size=chunk_size,
                        progress=progress)
    ran = time.perf_counter()
    table, notes = sensitivity_table(method, problem, unit, outcomes, seed, second_order)
    meta = {
        "kind": "sensitivity", "method": method, "second_order": second_order, "n": int(n), "runs": int(len(unit)), "seed": seed,
        "scenario": str(scenario.path), "scenario_name": scenario.name, "region": scenario.region,
        "inputs": [{"name": s.name, "dist": s.dist, "params": s.params} for s in scenario.uncertain],
        "goals": notes, "conf_level": CONF_LEVEL, "resamples": DELTA_RESAMPLES if method == "delta" else RESAMPLES,
        "morris_levels": MORRIS_LEVELS if method == "morris" else None,
        "note": correlation_note(scenario), "command": command,
        "seconds": {"sample": round(sampled - started, 3), "runs": round(ran - sampled, 3),
                    "analyze": round(time.perf_counter() - ran, 3)},
        "failed_runs": int(outcomes.failed.sum()),
    }
    write_folder(folder, {
        "sensitivity.csv": lambda p: table.to_csv(p, index=False, float_format="%.6g"),
        "sensitivity.json": lambda p: p.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=_plain)),
    })
    return folder


def _plain(value):
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


#: indices that are shares of variance (or δ), so lie in [0, 1]; μ* (Morris) has the output's own units
SHARE_INDICES = ("S1", "ST", "S2", "delta")
#: the smallest index a confidence half-width is compared with (an index near 0 is "about 0", whatever its CI)
INDEX_FLOOR = 0.05


def too_few_samples(table: pd.DataFrame, n: int, method: str) -> tuple[list, int | None]:
    """Rows that show the sample is too small, and the base ``-n`` that would do.

    A share index (S1, ST, S2, δ) outside [0, 1] by more than its confidence half-width, or a half-width wider
    than the larger of the index and :data:`INDEX_FLOOR`, says the estimate is noise (an index of 0 ± 0.03 is a
    clear "about 0", not noise). Half-widths shrink as
    1/√n, so the ``n`` at which the widest one would fall below its index (for Sobol' the next power of 2)
    is returned with the rows (``None`` when no row is flagged).

    >>> t = pd.DataFrame({"goal_id": ["g", "g"], "output": ["value"] * 2, "input": ["a", "b"], "index": ["ST"] * 2,
    ...                   "estimate": [2.0, 0.4], "conf": [2.5, 0.05]})
    >>> rows, needed = too_few_samples(t, 64, "sobol")
    >>> [r["input"] for r in rows], needed
    (['a'], 512)
    """
    if table.empty:
        return [], None
    share = table[table["index"].isin(SHARE_INDICES)].dropna(subset=["estimate", "conf"])
    size = share["estimate"].abs().clip(upper=1.0).clip(lower=INDEX_FLOOR)
    outside = (share["estimate"] < -share["conf"]) | (share["estimate"] > 1 + share["conf"])
    wide = share["conf"] > size
    flagged = share[outside | wide]
    if flagged.empty:
        return [], None
    factor = float(((flagged["conf"] / size[flagged.index]) ** 2).max())
    needed = int(math.ceil(n * max(factor, 2.0)))
    if method == "sobol":
        needed = 1 << (needed - 1).bit_length()
    return flagged.to_dict("records"), needed


def format_sensitivity(folder) -> str:
    """A short text summary of a sensitivity folder: per goal and output, the inputs by the main index."""
    folder = Path(folder)
    meta = json.loads((folder / "sensitivity.json").read_text())
    table = pd.read_csv(folder / "sensitivity.csv")
    main = {"sobol": "ST", "morris": "mu_star", "delta": "delta"}[meta["method"]]
    lines = [f"{meta['method']} sensitivity of {meta['scenario_name']}: N = {meta['n']:,}, "
             f"{meta['runs']:,} runs ({meta['seconds']['runs']:.1f} s), seed {meta['seed']}"]
    if meta.get("note"):
        lines.append(f"  note: {meta['note']}")
    for goal_id, note in meta["goals"].items():
        lines.append(f"{goal_id}: P(met) {note['p_met']:.1%}" + (f"; skipped {'; '.join(note['skipped'])}"
                                                                 if note["skipped"] else ""))
        for output in ("value", "met"):
            part = table[(table.goal_id == goal_id) & (table.output == output) & (table["index"] == main)]
            top = part.sort_values("estimate", ascending=False).head(5)
            if len(top):
                items = ", ".join(f"{r.input} {r.estimate:.3f}±{r.conf:.3f}" for r in top.itertuples())
                lines.append(f"  {output:<5} {main}: {items}")
    flagged, needed = too_few_samples(table, int(meta["n"]), meta["method"])
    if flagged:
        worst = max(flagged, key=lambda r: r["conf"])
        lines.append(f"too few samples: with N = {meta['n']:,}, {len(flagged)} indices lie outside [0, 1] or have a "
                     f"95 % interval wider than the index itself (e.g. {worst['goal_id']} {worst['output']} "
                     f"{worst['index']}[{worst['input']}] = {worst['estimate']:.2f} ± {worst['conf']:.2f}), so they "
                     f"rank nothing; rerun with -n {needed:,} or more (intervals shrink as 1/√n)")
    return "\n".join(lines) + "\n"
