"""Report stage, goals judged on what happened: observed value and 已达成/未达成 beside what the model said.

Verdicts come from :func:`simulator.plans.observed.observed_verdicts` (a goal whose year is at or before the last
observed year of its variable, figures from plan.yaml ``published:`` and an office's ``data.yaml``); the model's
P(met) and median are the run's own (goals.csv), i.e. what the model said from its fit window. The scorecard
lists these goals in their own table, apart from the goals that are still a forecast.
"""

from simulator.plans.observed import INTERNAL, observed_verdicts, text_of
from simulator.plans.kinds import KINDS

from . import formatting as fmt
from .attainment import LIGHT_COLOURS
from .layout import Cell, Column, Heading, Paragraph, Table
from .page import MUTED, SMALL_SIZE


def verdicts(ctx) -> dict:
    """``{goal id: ObservedVerdict}`` of the report's plan (cached; empty without a plan)."""
    if "observed" not in ctx.cache:
        ctx.cache["observed"] = observed_verdicts(ctx.plan) if ctx.plan is not None else {}
    return ctx.cache["observed"]


def columns(ctx) -> list:
    return [Column(ctx.t("col_goal"), 0.24), Column(ctx.t("col_target"), 0.16), Column(ctx.t("col_observed"), 0.14, "right"),
            Column(ctx.t("col_observed_verdict"), 0.14), Column(ctx.t("col_model_said"), 0.17),
            Column(ctx.t("col_observed_source"), 0.15)]


def _value(goal, value: float, lang: str) -> str:
    measure = KINDS[goal.comparison].measure
    if measure == "growth":
        return fmt.rate(value)
    shown = fmt.number(value)
    return shown if measure == "level" else f"{fmt.text(measure, lang)} {shown}"


def _source(verdict, lang: str) -> str:
    last = verdict.figures[-1]
    title, publisher = text_of(last.source.get("title")), text_of(last.source.get("publisher"))
    if title == INTERNAL:
        return f"{INTERNAL}·{publisher}" if lang == "zh" else f"office's own figures: {publisher}"
    return title if lang == "zh" or not publisher else publisher


def row(ctx, goal, verdict, numbers) -> list:
    """One row: goal, target, observed value (years), verdict on the figures, the run's P(met) and median."""
    years = "–".join(str(y) for y in (verdict.years[0], verdict.years[-1])) if len(verdict.years) > 1 else str(
        verdict.years[0])
    said = "–"
    if numbers is not None:
        said = f"{fmt.percent(numbers['p_met'])} · {fmt.outcome(goal, numbers, ctx.lang)}"
    light = "green" if verdict.met else "red"
    return [Cell(ctx.label(goal)), fmt.target(goal, ctx.lang), f"{_value(goal, verdict.value, ctx.lang)} ({years})",
            Cell(ctx.t("met_observed" if verdict.met else "missed_observed"), dot=LIGHT_COLOURS.get(light)),
            Cell(said, colour=MUTED), Cell(_source(verdict, ctx.lang), colour=MUTED)]


def blocks(ctx, run, summary) -> list:
    """Heading, table and note of the run's goals judged on observed figures ([] when none is)."""
    found = verdicts(ctx)
    goals = [g for g in ctx.goals() if g.id in found]
    if not goals:
        return []
    until = (getattr(ctx.plan, "calibration", None) or {}).get("fit_until", "–")
    rows = [row(ctx, g, found[g.id], summary.loc[g.id] if g.id in summary.index else None) for g in goals]
    return [Heading(ctx.t("observed_goals"), size=9.5), Table(columns(ctx), rows),
            Paragraph(ctx.t("observed_note", until=until), size=SMALL_SIZE, colour=MUTED)]


def forecast_goals(ctx, goals: list) -> list:
    """``goals`` less those judged on observed figures."""
    found = verdicts(ctx)
    return [g for g in goals if g.id not in found]
