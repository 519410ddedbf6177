"""Report stage, verdicts: per run and goal, whether a probability may be shown (simulator.plans.verdict), in words.

The first-order indices behind a verdict are the sensitivity file's ``S1`` on the goal value when
``python run.py sensitivity`` (or ``batch --report``) wrote one for the run and goal, else the
given-data estimate of :mod:`reports.sensitivity` from the run's own samples. Cached per report.
"""

import math

from simulator.plans.verdict import Verdict, anchored_inputs, base_name, judge

from . import evidence
from . import formatting as fmt
from .attainment import verdict as light_word
from .indicators import input_label
from .labels import pick
from .sensitivity import rank_inputs


def indices(ctx, run, goal) -> dict:
    """``{input: first-order index}`` of the goal's value in ``run`` (file's S1 first, else the given-data ε²)."""
    table, _ = evidence.read_analysis(run, "sensitivity")
    if table is not None and {"goal_id", "input", "S1"} <= set(table.columns):
        rows = table[table["goal_id"] == goal.id]
        if len(rows):
            return {r["input"]: float(r["S1"]) for _, r in rows.iterrows()}
    if not run.input_names:
        return {}
    values = run.goal_values(goal.id)
    if values.nunique() < 2:
        return {}
    ranked = rank_inputs(run.inputs, values)
    return dict(zip(ranked["input"], ranked["first_order"]))


def verdicts(ctx, run) -> dict:
    """``{goal id: Verdict}`` of ``run`` (cached in the report context)."""
    key = ("verdicts", str(run.path))
    if key not in ctx.cache:
        summary = ctx.summary(run)
        anchored = anchored_inputs(run.plan)
        found = {}
        for goal in ctx.goals():
            if goal.id not in summary.index:
                continue
            row = summary.loc[goal.id]
            if run.n <= 1:      # one run has no spread to judge: it is met or not (word())
                found[goal.id] = Verdict("probability", float(row["p_met"]), float(row["median"]))
                continue
            spread = float(row["q95"] - row["q05"]) if math.isfinite(row["q95"] - row["q05"]) else math.nan
            found[goal.id] = judge(spread, float(row["p_met"]), float(row["median"]), indices(ctx, run, goal), anchored,
                                   plan_levers(ctx))
        ctx.cache[key] = found
    return ctx.cache[key]


def plan_levers(ctx) -> set:
    """Names of the plan's levers: every goal's ``levers:`` and the variables of assumptions with ids ``*_plan``."""
    names = {lever for goal in ctx.goals() for lever in getattr(goal, "levers", ()) or ()}
    plan = ctx.plan
    names |= {a.variable for a in (getattr(plan, "assumptions", None) or []) if str(a.id).endswith("_plan")}
    return names


def settling_figure(ctx, run, name: str) -> str:
    """The published figure (or plan commitment) that would settle a goal decided by input ``name``."""
    label = input_label(run, name, ctx.lang)
    region = pick(ctx.plan.name, ctx.lang) if ctx.plan is not None else ""
    if base_name(name).startswith("initial_"):
        start = int(run.results["time"].values[0]) if "time" in run.results.coords else ""
        return ctx.t("settle_initial", region=region, name=label, year=start)
    return ctx.t("settle_rate", region=region, name=label)


def settling_figures(ctx, run, names) -> str:
    """Several settling figures in one phrase: the start-year statistics of one region grouped under one heading."""
    names = list(dict.fromkeys(n for n in names if n))
    initial = [n for n in names if base_name(n).startswith("initial_")]
    others = [settling_figure(ctx, run, n) for n in names if n not in initial]
    parts = []
    if len(initial) > 1:
        region = pick(ctx.plan.name, ctx.lang) if ctx.plan is not None else ""
        start = int(run.results["time"].values[0]) if "time" in run.results.coords else ""
        joiner = "、" if ctx.lang == "zh" else ", "
        parts.append(ctx.t("settle_initial_many", region=region, year=start,
                           names=joiner.join(f"“{input_label(run, n, ctx.lang)}”" for n in initial)))
    else:
        parts += [settling_figure(ctx, run, n) for n in initial]
    return ("；" if ctx.lang == "zh" else "; ").join(parts + others)


def word(ctx, run, goal, verdict: Verdict = None, light: str = None) -> str:
    """The scorecard's text for a goal: a probability with its word, or the verdict that replaces it."""
    verdict = verdict or verdicts(ctx, run)[goal.id]
    if verdict.kind == "set":
        return ctx.t("verdict_set", value=fmt.number(verdict.value))
    if verdict.kind == "undecidable":
        return ctx.t("verdict_undecidable")
    if run.n <= 1:
        return ctx.t("single_met") if verdict.p_met >= 0.5 else ctx.t("single_not_met")
    light = light or ctx.summary(run).loc[goal.id, "light"]
    return f"{fmt.percent(verdict.p_met)} {light_word(light, ctx.lang)}"


def category(ctx, run, goal) -> str:
    """``green``/``amber``/``red`` for goals shown as a probability, else the verdict kind (``set``, ``undecidable``)."""
    verdict = verdicts(ctx, run)[goal.id]
    return ctx.summary(run).loc[goal.id, "light"] if verdict.shows_probability else verdict.kind


def colour(ctx, run, goal) -> str:
    """The dot of the goal's verdict: its light's colour, or grey for a verdict that replaces the probability."""
    from .attainment import LIGHT_COLOURS, VERDICT_COLOURS

    kind = category(ctx, run, goal)
    return VERDICT_COLOURS.get(kind) or LIGHT_COLOURS[kind]
