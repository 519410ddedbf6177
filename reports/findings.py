"""Report stage, page 1: the answer in three to five plain sentences, generated from the run's numbers.

Which goals are on track, which are not and by how much (the median's shortfall as a share of the
target), whether the plan's measures change that against the baseline (a change of :data:`CHANGE`
or more), what it would take for the most important unlikely goal (the seek result under the run's
``analysis/`` folder), and which goals cannot be judged from public data or are set by a lever
(:mod:`reports.verdicts`). No command, file name or method name appears on page 1; the glossary page
explains the methods in plain words.
"""

import math

from simulator.plans.kinds import KINDS

from . import evidence, verdicts
from . import formatting as fmt
from .indicators import input_label
from .labels import pick
from .layout import Cell, Column, Heading, Paragraph, Spacer, Table, flow
from .page import MUTED, SMALL_SIZE, Page, new_page

#: Unlikely goals named with their gap on page 1.
TOP_GAPS = 3

#: A change of P(met) counted as a change between two scenarios (probability points).
CHANGE = 0.10


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


def _goal_by_id(ctx, goal_id):
    return next((g for g in ctx.goals() if g.id == goal_id), None)


def _joined(ctx, items) -> str:
    return ("；" if ctx.lang == "zh" else "; ").join(items)


def _names(ctx, goals) -> str:
    return ("、" if ctx.lang == "zh" else ", ").join(f"“{ctx.label(g)}”" for g in goals)


def categories(ctx, run) -> dict:
    """``{category: [goals]}`` of ``run`` (green, amber, red, undecidable, set), plan order within each."""
    found = {key: [] for key in ("green", "amber", "red", "undecidable", "set")}
    summary = ctx.summary(run)
    for goal in ctx.goals():
        if goal.id in summary.index:
            found[verdicts.category(ctx, run, goal)].append(goal)
    return found


def count_sentence(ctx, run) -> str:
    """How many goals fall into each verdict (likely, uncertain, unlikely, cannot be judged, set by a lever)."""
    groups = categories(ctx, run)
    total = sum(len(v) for v in groups.values())
    if run.n <= 1:
        met = sum(1 for g in ctx.goals() if g.id in ctx.summary(run).index and ctx.summary(run).loc[g.id, "p_met"] >= 0.5)
        return ctx.t("f_counts_single", run=run.title(ctx.lang), met=met, not_met=total - met, total=total)
    return ctx.t("f_counts2", run=run.title(ctx.lang), n=run.n, total=total,
                 **{key: len(goals) for key, goals in groups.items()})


def on_track_sentence(ctx, run) -> str:
    goals = categories(ctx, run)["green"]
    return ctx.t("f_on_track", k=len(goals), goals=_names(ctx, goals)) if goals else ctx.t("f_on_track_none")


def off_track_sentences(ctx, run) -> list:
    """The unlikely goals with their gap, largest first (at most :data:`TOP_GAPS` named), and the uncertain ones."""
    groups = categories(ctx, run)
    result = []
    red = groups["red"]
    if red:
        summary = ctx.summary(run)
        ranked = sorted(red, key=lambda g: -(gap(g, float(summary.loc[g.id, "median"])) or (0.0, 0.0))[1])
        items = [_gap_item(ctx, run, goal) for goal in ranked[:TOP_GAPS]]
        more = len(ranked) - TOP_GAPS
        text = _joined(ctx, items) + (("等" if ctx.lang == "zh" else f"; and {more} more") if more > 0 else "")
        result.append(ctx.t("f_off_track", k=len(red), items=text))
    if groups["amber"]:
        result.append(ctx.t("f_uncertain", k=len(groups["amber"]), goals=_names(ctx, groups["amber"])))
    return result


def _median_text(ctx, run, goal) -> str:
    """The goal's median in its own units (a rate as a percent)."""
    median = float(ctx.summary(run).loc[goal.id, "median"])
    if KINDS[goal.comparison].measure == "growth":
        return fmt.rate(median)
    return f"{fmt.number(median)}{fmt.unit_suffix(fmt.unit(getattr(goal, 'unit', ''), ctx.lang), ctx.lang)}"


def _gap_item(ctx, run, goal) -> str:
    median = float(ctx.summary(run).loc[goal.id, "median"])
    found = gap(goal, median)
    if KINDS[goal.comparison].measure == "growth":
        return ctx.t("f_off_item_rate", goal=ctx.label(goal), median=fmt.rate(median), target=fmt.rate(goal.value))
    unit = fmt.unit_suffix(fmt.unit(getattr(goal, "unit", ""), ctx.lang), ctx.lang)
    share = "—" if found is None else ("∞" if math.isinf(found[1]) else f"{found[1] * 100:.0f}%")
    return ctx.t("f_off_item", goal=ctx.label(goal), median=f"{fmt.number(median)}{unit}",
                 target=fmt.target(goal, ctx.lang), share=share)


def plan_effect_sentence(ctx) -> str:
    """Whether the plan's measures move any goal by :data:`CHANGE` or more against the baseline ("" without one)."""
    base = ctx.baseline
    if base is None or base is ctx.main or ctx.main.n <= 1 or base.n <= 1:
        return ""
    main, other = ctx.summary(ctx.main), ctx.summary(base)
    shared = [g for g in ctx.goals() if g.id in main.index and g.id in other.index]
    deltas = {g.id: float(main.loc[g.id, "p_met"] - other.loc[g.id, "p_met"]) for g in shared}
    moved = [g for g in shared if abs(deltas[g.id]) >= CHANGE]
    if moved:
        items = [ctx.t("f_change_item", goal=ctx.label(g), p0=fmt.percent(other.loc[g.id, "p_met"]),
                       p1=fmt.percent(main.loc[g.id, "p_met"])) for g in moved]
        return ctx.t("f_change", k=len(moved), items=_joined(ctx, items))
    if not shared or max(abs(d) for d in deltas.values()) == 0:
        return ctx.t("f_no_change_flat")
    goal = max(shared, key=lambda g: abs(deltas[g.id]))
    return ctx.t("f_no_change", goal=ctx.label(goal), p0=fmt.percent(other.loc[goal.id, "p_met"]),
                 p1=fmt.percent(main.loc[goal.id, "p_met"]))


def most_important_unlikely(ctx, run):
    """The unlikely goal page 1 sizes a measure for: binding first, then the largest gap; None without one."""
    summary = ctx.summary(run)
    red = [g for g in ctx.goals() if g.id in summary.index and float(summary.loc[g.id, "p_met"]) < 0.5
           and verdicts.verdicts(ctx, run)[g.id].kind != "set"]
    if not red:
        return None
    results = evidence.seek_results(run)

    def key(goal):
        found = gap(goal, float(summary.loc[goal.id, "median"]))
        return (goal.id not in results, verdicts.verdicts(ctx, run)[goal.id].kind != "probability",
                getattr(goal, "binding", None) is not True, -(found[1] if found else 0.0))

    return sorted(red, key=key)[0]


def seek_sentence(ctx, run, goal=None) -> str:
    """One sentence: how large the goal's plan measure would have to be for an 80 % probability (seek result)."""
    goal = goal or most_important_unlikely(ctx, run)
    if goal is None:
        return ""
    result = evidence.seek_results(run).get(goal.id)
    if result is None:
        return ctx.t("f_seek_none", goal=ctx.label(goal)) if not getattr(goal, "levers", None) else ""
    values = evidence.seek_in_units(run, result, goal)
    lever = input_label(run, result["lever"], ctx.lang)
    per_year = str(values["unit"]).lower() == "1/year"       # a rate: read as a percent a year
    unit = fmt.unit_suffix(fmt.unit(values["unit"], ctx.lang), ctx.lang) if values["unit"] and not per_year else ""

    def shown(value):
        if value is None:
            return "–"
        if per_year:
            return f"{value * 100:.1f}%/年" if ctx.lang == "zh" else f"{value * 100:.1f} %/year"
        return f"{fmt.number(value)}{unit}"

    prob = f"{float(result.get('prob', 0.8)) * 100:.0f}%"
    if values["reached"] and values["answer"] is not None:
        key = "f_seek_reached" if values["plan"] is None or values["answer"] >= values["plan"] else "f_seek_lower"
        return ctx.t(key, goal=ctx.label(goal), prob=prob, lever=lever, answer=shown(values["answer"]),
                     plan=shown(values["plan"]))
    return ctx.t("f_seek_never", goal=ctx.label(goal), lever=lever, high=shown(values["high"]), plan=shown(values["plan"]),
                 p=fmt.percent(result.get("p_max", 0.0)))


def judged_sentences(ctx, run) -> list:
    """The goals that cannot be judged from public data (with the figure that would settle each) and those set."""
    groups = categories(ctx, run)
    result = []
    found = verdicts.verdicts(ctx, run)
    if groups["undecidable"]:
        items = [ctx.t("f_undecidable_item", goal=ctx.label(g), median=_median_text(ctx, run, g),
                       target=fmt.target(g, ctx.lang)) for g in groups["undecidable"]]
        figures = verdicts.settling_figures(ctx, run, [found[g.id].settled_by for g in groups["undecidable"]])
        result.append(ctx.t("f_undecidable", k=len(items), items=_joined(ctx, items), figures=figures))
    if groups["set"]:
        items = [ctx.t("f_set_item", goal=ctx.label(g), value=fmt.number(found[g.id].value)) for g in groups["set"]]
        result.append(ctx.t("f_set", k=len(items), items=_joined(ctx, items)))
    return result


def answer_sentences(ctx) -> list:
    """Page 1's answer: on track, not on track and by how much, the plan's effect, what it would take, not judged."""
    run = ctx.main
    sentences = [on_track_sentence(ctx, run)] + off_track_sentences(ctx, run)
    sentences += [s for s in (plan_effect_sentence(ctx), seek_sentence(ctx, run)) if s]
    return sentences + judged_sentences(ctx, run)


def glance_table(ctx) -> Table:
    """Goal × run: the verdict (a probability with its word, or why none is given), to check the sentences against."""
    share = 0.55 / len(ctx.runs)
    columns = [Column(ctx.t("col_goal"), 0.45)] + [Column(run.title(ctx.lang), share) for run in ctx.runs]
    rows = []
    for goal in ctx.goals():
        row = [ctx.label(goal)]
        for run in ctx.runs:
            if goal.id not in ctx.summary(run).index:
                row.append("–")
                continue
            row.append(Cell(verdicts.word(ctx, run, goal), dot=verdicts.colour(ctx, run, goal)))
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
    """The findings page's blocks, top to bottom: plan, the answer, the counts, every goal at a glance."""
    result = plan_lines(ctx) + [Heading(ctx.t("f_answer"), size=10)]
    result += [Paragraph(f"{i}. {s}") for i, s in enumerate(answer_sentences(ctx), 1)]
    result += [Spacer()] + [Paragraph(count_sentence(ctx, r), size=SMALL_SIZE + 0.5) for r in ctx.runs]
    result += [Spacer(), Heading(ctx.t("f_glance"), size=10), glance_table(ctx)]
    result += [Spacer(), Paragraph(ctx.t("f_note2"), size=SMALL_SIZE, colour=MUTED)]
    return result


def pages(ctx) -> list:
    subtitle = pick(ctx.plan.name, ctx.lang) if ctx.plan is not None else ctx.main.title(ctx.lang)
    figures = flow(blocks(ctx), lambda i: new_page(ctx.t("findings") + (ctx.t("continued") if i else ""), subtitle))
    return [Page("findings" if i == 0 else f"findings_{i + 1}", f) for i, f in enumerate(figures)]
