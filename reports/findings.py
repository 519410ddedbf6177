"""Report stage, page 1: the findings in sentences, generated from the run's numbers (never written per region).

Reads only what the other pages show: the per-goal summaries (:meth:`ReportContext.summary`), the
driver ranking (:mod:`reports.sensitivity`, labelled a quick look) or the sensitivity file of
``python run.py sensitivity`` when it exists, the seek file when it exists, and the baseline's fit
to published history (:mod:`reports.evidence`). The gap of a goal is measured in the goal's own
units (the median's shortfall from the target) and as a share of the target.
"""

import math

from simulator.plans.kinds import KINDS

from . import evidence
from . import formatting as fmt
from .indicators import input_label
from .labels import pick
from .attainment import LIGHT_COLOURS
from .layout import Cell, Column, Heading, Paragraph, Spacer, Table, flow
from .page import MUTED, SMALL_SIZE, Page, new_page
from .sensitivity import rank_inputs

#: Goals named in the gap sentences; inputs named per goal.
TOP_GAPS, TOP_INPUTS = 3, 2

#: A change of P(met) counted as a change between two scenarios (probability points).
CHANGE = 0.10

#: Columns of a sensitivity file read as the index, in order of preference.
INDEX_COLUMNS = ("ST", "S_total", "total", "S1", "first_order", "index", "value")


def count_sentence(ctx, run) -> str:
    counts = ctx.summary(run)["light"].value_counts()
    return ctx.t("f_counts", run=run.title(ctx.lang), n=run.n, total=int(counts.sum()), green=int(counts.get("green", 0)),
                 amber=int(counts.get("amber", 0)), red=int(counts.get("red", 0)))


def versus_sentences(ctx) -> list:
    """How the main (plan) run moves each goal's probability against the second run (baseline)."""
    if len(ctx.runs) < 2:
        return []
    main, base = ctx.summary(ctx.main), ctx.summary(ctx.runs[1])
    shared = [g for g in ctx.goals() if g.id in main.index and g.id in base.index]
    deltas = {g.id: float(main.loc[g.id, "p_met"] - base.loc[g.id, "p_met"]) for g in shared}
    up = sum(d > CHANGE for d in deltas.values())
    down = sum(d < -CHANGE for d in deltas.values())
    result = [ctx.t("f_versus", base=ctx.runs[1].title(ctx.lang), main=ctx.main.title(ctx.lang), up=up, down=down)]
    if deltas:
        goal = max(shared, key=lambda g: abs(deltas[g.id]))
        if abs(deltas[goal.id]) > 0:
            result.append(ctx.t("f_versus_one", goal=ctx.label(goal), p0=fmt.percent(base.loc[goal.id, "p_met"]),
                                p1=fmt.percent(main.loc[goal.id, "p_met"])))
    return result


def gap(goal, median: float):
    """(shortfall in the goal's units, share of the target) of a median that misses, or None if it meets it."""
    kind = KINDS[goal.comparison]
    if kind.value_shape == "none" or not math.isfinite(median):
        return None
    if kind.value_shape == "pair":
        low, high = goal.value
        target = low if median < low else high
        short = low - median if median < low else median - high
    else:
        target = float(goal.value)
        below = goal.comparison in (">=", "reached_by", "growth>=")
        short = target - median if below else (median - target if goal.comparison != "==" else abs(median - target))
    if short <= 0:
        return None
    return short, (short / abs(target) if target else math.inf)


def largest_gaps(ctx, run) -> list:
    """The goals of ``run`` whose median misses the target most (as a share of it), largest first."""
    summary = ctx.summary(run)
    found = []
    for goal in ctx.goals():
        if goal.id not in summary.index:
            continue
        result = gap(goal, float(summary.loc[goal.id, "median"]))
        if result is not None:
            found.append((result[1], result[0], goal))
    found.sort(key=lambda item: -item[0])
    return found[:TOP_GAPS]


def gap_sentence(ctx, run, share, short, goal) -> str:
    numbers = ctx.summary(run).loc[goal.id]
    p = f"{fmt.percent(numbers['p_met'])}（{fmt.verdict_word(numbers['light'], ctx.lang)}）" if ctx.lang == "zh" \
        else f"{fmt.percent(numbers['p_met'])} ({fmt.verdict_word(numbers['light'], ctx.lang)})"
    if KINDS[goal.comparison].measure == "growth":
        return ctx.t("f_gap_rate", goal=ctx.label(goal), median=fmt.rate(numbers["median"]),
                     target=fmt.rate(goal.value), gap=f"{short * 100:.1f}", p=p)
    unit = fmt.unit(getattr(goal, "unit", ""), ctx.lang)
    share_text = "∞" if math.isinf(share) else f"{share * 100:.0f}%"
    return ctx.t("f_gap", goal=ctx.label(goal), median=fmt.number(numbers["median"]), target=fmt.target(goal, ctx.lang),
                 gap=fmt.number(short), unit=fmt.unit_suffix(unit, ctx.lang), share=share_text, p=p)


def decider_sentence(ctx, run, goals) -> str:
    """Which inputs decide ``goals``: the sensitivity file if there is one, else the quick driver ranking."""
    if not goals:
        return ""
    table, path = evidence.read_analysis(run, "sensitivity")
    parts = []
    for goal in goals:
        ranked = _from_file(ctx, run, table, goal) if table is not None else _quick(ctx, run, goal)
        if ranked:
            names = "、".join(ranked) if ctx.lang == "zh" else "; ".join(ranked)
            parts.append(ctx.t("f_decider", goal=ctx.label(goal), inputs=names))
    items = ("；" if ctx.lang == "zh" else "; ").join(parts)
    if table is not None:
        return ctx.t("f_deciders_sens", file=path.name, items=items) if items else ""
    if not run.input_names:
        return ctx.t("f_no_inputs")
    return ctx.t("f_deciders_quick", items=items) if items else ""


def _quick(ctx, run, goal) -> list:
    values = run.goal_values(goal.id)
    if not run.input_names or values.nunique() < 2:
        return []
    table = rank_inputs(run.inputs, values).head(TOP_INPUTS)
    return [ctx.t("f_input_share", name=input_label(run, r["input"], ctx.lang),
                 share=f"{float(r['first_order']) * 100:.0f}%") for _, r in table.iterrows()
            if math.isfinite(float(r["first_order"]))]


def _from_file(ctx, run, table, goal) -> list:
    if "goal_id" not in table.columns or "input" not in table.columns:
        return []
    rows = table[table["goal_id"] == goal.id]
    column = next((c for c in INDEX_COLUMNS if c in rows.columns), None)
    if column is None or rows.empty:
        return []
    rows = rows.sort_values(column, ascending=False).head(TOP_INPUTS)
    return [ctx.t("f_input_share", name=input_label(run, r["input"], ctx.lang),
                 share=f"{float(r[column]) * 100:.0f}%") for _, r in rows.iterrows()]


def seek_sentence(ctx, run) -> str:
    table, path = evidence.read_analysis(run, "seek")
    if table is None:
        return ctx.t("f_missing", what=ctx.t("what_seek"), command=evidence.command(run, "seek"))
    return ctx.t("f_seek", file=path.name, page=ctx.t("what_seek"))


def validation_sentences(ctx) -> list:
    report, reason, command = evidence.validation(ctx)
    if report is None:
        return [ctx.t("validation_missing", why=ctx.t(reason), command=command)]
    result = [ctx.t("f_validation", series=len(report.series), until=report.fit_until, fit=report.n_fit_figures,
                    free=report.n_free)]
    outside = [s for s in report.series if s.out_of_sample is not None]
    if outside:
        mapes = sorted(s.out_of_sample.mape for s in outside)
        worst = max(outside, key=lambda s: s.out_of_sample.mape)
        result.append(ctx.t("f_validation_oos", k=len(outside), mape=f"{mapes[len(mapes) // 2]:.1f}%",
                            worst=input_label(ctx.main, worst.variable, ctx.lang),
                            worst_mape=f"{worst.out_of_sample.mape:.1f}%"))
    else:
        result += evidence.no_out_of_sample(ctx, report)[:1]
    if report.exactly_identified:
        result.append(ctx.t("exactly_identified"))
    return result


def assumption_sentence(ctx) -> str:
    goals = [g for g in ctx.goals() if getattr(g, "decided_by", None) == "assumption"]
    if not goals:
        return ""
    names = ("、" if ctx.lang == "zh" else "; ").join(ctx.label(g) for g in goals)
    return ctx.t("f_assumption_goals", k=len(goals), goals=names)


def glance_table(ctx) -> Table:
    """Goal × run: P(met) with its light and word, so the sentences can be checked against the numbers."""
    share = 0.55 / len(ctx.runs)
    columns = [Column(ctx.t("col_goal"), 0.45)] + [Column(run.title(ctx.lang), share) for run in ctx.runs]
    rows = []
    for goal in ctx.goals():
        row = [ctx.label(goal)]
        for run in ctx.runs:
            summary = ctx.summary(run)
            if goal.id not in summary.index:
                row.append("–")
                continue
            light = summary.loc[goal.id, "light"]
            row.append(Cell(f"{fmt.percent(summary.loc[goal.id, 'p_met'])} {fmt.verdict_word(light, ctx.lang)}",
                            dot=LIGHT_COLOURS[light]))
        rows.append(row)
    return Table(columns, rows, size=SMALL_SIZE + 0.5)


def plan_lines(ctx) -> list:
    plan = ctx.plan
    if plan is None:
        return []
    rows = [[ctx.t("region"), pick(plan.name, ctx.lang)], [ctx.t("plan"), pick(plan.plan.get("title"), ctx.lang)],
            [ctx.t("period"), fmt.localized(plan.plan.get("period"), ctx.lang)]]
    rows = [row for row in rows if row[1]]
    return [Table([Column("", 0.18), Column("", 0.82)], rows, stripes=False, show_header=False), Spacer()]


def blocks(ctx) -> list:
    """The findings page's blocks, top to bottom."""
    run = ctx.main
    result = plan_lines(ctx) + [Paragraph(count_sentence(ctx, r)) for r in ctx.runs]
    result += [Paragraph(s) for s in versus_sentences(ctx)]
    gaps = largest_gaps(ctx, run)
    result += [Spacer(), Heading(ctx.t("f_gaps_head", run=run.title(ctx.lang)), size=10)]
    result += [Paragraph(f"{i}. {gap_sentence(ctx, run, *item)}") for i, item in enumerate(gaps, 1)] or \
        [Paragraph(ctx.t("f_no_gaps"))]
    for sentence in (decider_sentence(ctx, run, [item[2] for item in gaps]), assumption_sentence(ctx)):
        if sentence:
            result += [Spacer(0.006), Paragraph(sentence)]
    result += [Spacer(), Heading(ctx.t("what_seek"), size=10), Paragraph(seek_sentence(ctx, run))]
    result += [Spacer(), Heading(ctx.t("what_validation"), size=10)] + [Paragraph(s) for s in validation_sentences(ctx)]
    result += [Spacer(), Heading(ctx.t("f_glance"), size=10), glance_table(ctx)]
    result += [Spacer(), Paragraph(ctx.t("f_note"), size=SMALL_SIZE, colour=MUTED)]
    return result


def pages(ctx) -> list:
    subtitle = pick(ctx.plan.name, ctx.lang) if ctx.plan is not None else ctx.main.title(ctx.lang)
    figures = flow(blocks(ctx), lambda i: new_page(ctx.t("findings") + (ctx.t("continued") if i else ""), subtitle))
    return [Page("findings" if i == 0 else f"findings_{i + 1}", f) for i, f in enumerate(figures)]
