"""Report stage, scorecard pages: one table row per plan goal with its probability of being met and a traffic light.

Numbers come from :mod:`reports.attainment` (goals.csv only); wording from
:mod:`reports.formatting`. The table continues onto more pages when the plan has many goals.
"""

from simulator.plans.kinds import is_window

from . import formatting as fmt
from . import observed, verdicts
from .evidence import series_errors
from .labels import pick
from .layout import Cell, Column, Heading, Paragraph, Spacer, Table, flow
from .page import MUTED, SMALL_SIZE, Page, new_page

#: Marks for binding (约束性) and expected (预期性) targets.
BINDING_MARK = {True: "★", False: "☆", None: ""}


def columns(ctx) -> list:
    """The scorecard's columns (widths sum to 1)."""
    return [
        Column(ctx.t("col_goal"), 0.23),
        Column(ctx.t("col_target"), 0.15),
        Column(ctx.t("col_source"), 0.08),
        Column(ctx.t("col_median"), 0.18, "right"),
        Column(ctx.t("col_prob"), 0.16),
        Column(ctx.t("col_first"), 0.10, "right"),   # wide enough for 首次达成 on one line
        Column(ctx.t("col_oos"), 0.10, "right"),
    ]


def oos_text(ctx, goal) -> str:
    """Out-of-sample MAPE of the goal's own series (``"4.2%"``), or "no data" where history has none after the fit."""
    errors = series_errors(ctx)
    variable = goal.variable
    found = errors.get(variable) or errors.get(variable.replace("_nominal", ""))
    if found is None or found.out_of_sample is None:
        return ctx.t("oos_none")
    return f"{found.out_of_sample.mape:.1f}%"


def assumption_mark(ctx, goal) -> str:
    """``"set by assumption"`` for a goal whose outcome one assumed rate fixes (plan.yaml ``decided_by: assumption``)."""
    return ctx.t("set_by_assumption") if getattr(goal, "decided_by", None) == "assumption" else ""


def goal_cell(ctx, goal) -> Cell:
    """Goal label with its binding mark and unit."""
    mark = BINDING_MARK.get(getattr(goal, "binding", None), "")
    unit = fmt.unit(getattr(goal, "unit", ""), ctx.lang)
    suffix = f" ({unit})" if unit and not is_window(goal.comparison) else ""
    assumed = assumption_mark(ctx, goal)
    assumed = f"\n〔{assumed}〕" if assumed else ""
    return Cell(f"{mark} {ctx.label(goal)}{suffix}".strip() + assumed)


def row(ctx, goal, numbers, run=None) -> list:
    """One scorecard row for ``goal`` from its summary ``numbers`` (a row of attainment.goal_summary)."""
    run = run or ctx.main
    return [
        goal_cell(ctx, goal),
        fmt.target(goal, ctx.lang),
        Cell(fmt.source(goal, ctx.lang), colour=MUTED),
        fmt.outcome(goal, numbers, ctx.lang),
        Cell(_p_met_text(ctx, run, goal, numbers), dot=verdicts.colour(ctx, run, goal)),
        fmt.first_met(numbers["first_met"], ctx.lang, goal.comparison),
        Cell(oos_text(ctx, goal), colour=MUTED),
    ]


def _p_met_text(ctx, run, goal, numbers) -> str:
    """P(met) and its verdict word, or the verdict that replaces it (reports.verdicts), with "n failed" beneath it
    when some scenarios went non-finite."""
    failed = int(numbers["n"]) - int(numbers["n_ok"])
    text = verdicts.word(ctx, run, goal)
    return text + (f"\n{ctx.t('n_failed', n=failed)}" if failed > 0 else "")


def run_blocks(ctx, run, heading: bool = True) -> list:
    """Blocks of one run's scorecard: heading, table, notes."""
    summary = ctx.summary(run)
    goals = [g for g in ctx.goals() if g.id in summary.index]
    size = f"  (n = {run.n})" if run.n > 1 else ""
    blocks = [Heading(f"{ctx.t('scenario')}: {run.title(ctx.lang)}{size}")] if heading else []
    judged = observed.blocks(ctx, run, summary)  # goals whose year has passed: judged on the observed figures
    ahead = observed.forecast_goals(ctx, goals)
    if judged and ahead:
        blocks.append(Heading(ctx.t("forecast_goals"), size=9.5))
    if ahead or not judged:
        blocks.append(Table(columns(ctx), [row(ctx, g, summary.loc[g.id], run) for g in ahead]))
    blocks += judged
    if run.failed:
        blocks.append(Paragraph(ctx.t("failed_runs", failed=run.failed), size=SMALL_SIZE, colour=MUTED))
    return blocks


def sources_blocks(ctx) -> list:
    """Where each goal's target comes from: document, line, the quoted words, and how a rate became a level."""
    goals = [g for g in ctx.goals() if getattr(g, "source", None)]
    if not goals:
        return []
    columns = [Column(ctx.t("col_goal"), 0.25), Column(ctx.t("col_source"), 0.12), Column(ctx.t("col_quote"), 0.35),
               Column(ctx.t("col_note"), 0.28)]
    rows = [[ctx.label(g), fmt.source(g, ctx.lang), f"“{g.source.quote}”", fmt.note(g, ctx)] for g in goals]
    return [Spacer(), Heading(ctx.t("goal_sources"), size=9.5), Table(columns, rows, size=SMALL_SIZE + 0.5)]


def not_modelled_blocks(ctx) -> list:
    """The plan's targets that no model variable measures (plan.yaml ``not_modelled: true``): listed, not judged."""
    uncovered = list(getattr(ctx.plan, "not_modelled", None) or [])
    if not uncovered:
        return []
    zh = ctx.lang == "zh"
    columns = [Column("目标" if zh else "Goal", 0.45), Column("出处" if zh else "Source", 0.2),
               Column("指标" if zh else "Indicator", 0.35)]
    rows = [[pick(u.label, ctx.lang), f"{u.source.doc}:{u.source.line}", u.indicator] for u in uncovered]
    title = f"模型未覆盖的目标（{len(rows)} 项，未评估）" if zh else f"Goals the model does not cover ({len(rows)}, not judged)"
    return [Spacer(), Heading(title, size=9.5), Table(columns, rows, size=SMALL_SIZE + 0.5)]


def reading_text(ctx) -> str:
    """The reading guide: probabilities and verdicts for sampled runs; value and met/not met for a single run."""
    return ctx.t("how_to_read_body", n=ctx.main.n) if ctx.main.n > 1 else ctx.t("how_to_read_single")


def blocks(ctx) -> list:
    """The scorecard of every run, the reading guide and where the targets come from."""
    result = []
    for run in ctx.runs:
        result += run_blocks(ctx, run) + [Spacer()]
    result += [Heading(ctx.t("how_to_read"), size=9.5),
               Paragraph(reading_text(ctx), size=SMALL_SIZE + 0.5, colour=MUTED)]
    return result + sources_blocks(ctx) + not_modelled_blocks(ctx)


def pages(ctx) -> list:
    """The scorecard pages of every run, then the reading guide."""
    title = ctx.t("scorecard")

    def make(i):
        return new_page(title + (ctx.t("continued") if i else ""), _subtitle(ctx))

    figures = flow(blocks(ctx), make)
    return [Page("scorecard" if i == 0 else f"scorecard_{i + 1}", f) for i, f in enumerate(figures)]


def _subtitle(ctx) -> str:
    plan = ctx.plan
    if plan is None:
        return ctx.main.title(ctx.lang)
    return f"{pick(plan.name, ctx.lang)} · {pick(plan.plan.get('title'), ctx.lang)}"
