"""Report stage, driver pages: for each goal not safely met, which uncertain inputs decide it (bar charts).

A goal of the main run gets a page when its probability of being met is below 90 % (amber or red
light) and the run sampled at least one input. Numbers come from :mod:`reports.sensitivity`; the page says
which measures they are. PNG stems are ``drivers_<goal id>``.
"""

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from simulator.plans.kinds import KINDS, is_trend

from . import formatting as fmt
from . import verdicts
from .attainment import LIGHT_COLOURS
from .layout import Paragraph, flow, text_em, wrap, wrap_to_page
from .page import LEFT, MUTED, RIGHT, Page, new_page
from .indicators import input_label
from .sensitivity import rank_inputs

#: Inputs shown per chart (the most influential).
TOP_INPUTS = 12

#: Height of one bar slot on the PDF page (figure fraction) and of the charts' frame.
SLOT_HEIGHT, FRAME_HEIGHT = 0.032, 0.05

#: Font size of the method note at the page bottom (points).
NOTE_SIZE = 7.5

#: Longest input name shown in full; the widest label column (figure fraction); gap between the charts.
MAX_NAME, MAX_LABEL, BAR_GAP = 44, 0.36, 0.04

#: Most points a scatter shows; larger runs are thinned to every k-th sample (keeps the PDF light).
MAX_SCATTER = 2000

POSITIVE, NEGATIVE, SHARE = "#0072b2", "#e69f00", "#4a5568"  # Okabe-Ito blue/orange: apart in grey too

#: Size of a stand-alone PNG figure (inches).
PNG_SIZE = (8.0, 4.8)


def goals_to_explain(ctx, run) -> list:
    """Goals of ``run`` with an amber or red light, in plan order (none if nothing was sampled)."""
    if not run.input_names:
        return []
    summary = ctx.summary(run)
    return [g for g in ctx.goals() if g.id in summary.index and summary.loc[g.id, "light"] != "green"]


def ranking(run, goal):
    """The input ranking table of ``goal`` in ``run`` (ok samples only)."""
    return rank_inputs(run.inputs, run.goal_values(goal.id))


def label_width(fig, names, size: float = 8.0) -> float:
    """Figure-width fraction the longest input name needs as a tick label (capped at :data:`MAX_LABEL`)."""
    longest = max((text_em(line) for name in names for line in name.split("\n")), default=0.0)
    return min(MAX_LABEL, longest * size / 72.0 / fig.get_figwidth() + 0.015)


def bar_rects(fig, names, left: float, right: float, bottom: float, height: float):
    """Axes rectangles of the two bar charts between ``left`` and ``right``, after room for the names."""
    start = left + label_width(fig, names)
    width = (right - start - BAR_GAP) / 2
    return [start, bottom, width, height], [start + width + BAR_GAP, bottom, width, height]


def draw_bars(fig, rect_left, rect_right, ctx, table, run=None) -> None:
    """Two horizontal bar charts side by side: Spearman (signed) and first-order share."""
    shown = table.head(TOP_INPUTS).iloc[::-1]
    names = [_short(input_label(run or ctx.main, name, ctx.lang)) for name in shown["input"]]
    slots = len(names)
    y = np.arange(len(names))
    ax1 = fig.add_axes(rect_left)
    rho = shown["spearman"].fillna(0).to_numpy()
    ax1.barh(y, rho, color=[POSITIVE if r >= 0 else NEGATIVE for r in rho], height=0.6)
    ax1.set_xlim(-1, 1)
    ax1.set_ylim(-0.6, slots - 0.4)
    ax1.axvline(0, color="#333333", linewidth=0.6)
    ax1.set_yticks(y, names, fontsize=8)
    ax1.set_title(ctx.t("spearman"), fontsize=9, loc="left")
    for yi, r in zip(y, rho):
        inside = abs(r) > 0.75
        ax1.text(r + (0.03 if (r >= 0) != inside else -0.03), yi, f"{r:+.2f}", va="center", fontsize=7,
                 ha="left" if (r >= 0) != inside else "right", color="white" if inside else "#222222")
    ax2 = fig.add_axes(rect_right, sharey=ax1)
    share = shown["first_order"].fillna(0).to_numpy()
    ax2.barh(y, share, color=SHARE, height=0.6)
    ax2.set_xlim(0, 1)
    ax2.tick_params(labelleft=False)
    ax2.set_title(ctx.t("first_order"), fontsize=9, loc="left")
    for yi, s in zip(y, share):
        inside = s > 0.8
        ax2.text(s - 0.02 if inside else s + 0.02, yi, f"{s:.2f}", va="center", fontsize=7,
                 ha="right" if inside else "left", color="white" if inside else "#222222")
    for ax in (ax1, ax2):
        ax.set_axisbelow(True)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.grid(True, axis="x", color="#dddddd", linewidth=0.5)


def _short(name: str) -> str:
    """An input name on one line up to :data:`MAX_NAME` characters, else on two lines of about equal length (at
    ``·`` before the element where it fits), else cut in the middle to :data:`MAX_NAME` characters."""
    if len(name) <= MAX_NAME:
        return name
    head, dot, element = name.rpartition("·")
    if dot and len(head) <= MAX_NAME and len(element) + 1 <= MAX_NAME:
        return f"{head}\n·{element}"
    lines = wrap(name, text_em(name) / 2 + 1.0)
    if len(lines) == 2 and max(map(len, lines)) <= MAX_NAME:
        return "\n".join(lines)
    half = (MAX_NAME - 1) // 2
    return f"{name[:half]}…{name[-half:]}"


def draw_scatter(ax, ctx, run, goal, table) -> None:
    """Goal value against the top-ranked input, met samples green, others red."""
    top = table.iloc[0]["input"]
    rows = run.goal_rows(goal.id).set_index("scenario")
    stride = max(1, -(-len(rows) // MAX_SCATTER))
    rows = rows.iloc[::stride]
    x = run.inputs.loc[rows.index, top].astype(float)
    met = rows["met"].astype(int) == 1
    ax.scatter(x[met], rows.loc[met, "value"], s=8, color=LIGHT_COLOURS["green"], alpha=0.7, linewidths=0,
               marker="o", label=ctx.t("met"))
    ax.scatter(x[~met], rows.loc[~met, "value"], s=10, color=LIGHT_COLOURS["red"], alpha=0.7, linewidths=0.8,
               marker="x", label=ctx.t("not_met"))
    for level in _levels(goal):
        ax.axhline(level, color="#333333", linestyle=(0, (4, 3)), linewidth=0.8)
    ax.set_xlabel(input_label(run, top, ctx.lang), fontsize=8)
    measure = KINDS[goal.comparison].measure
    ax.set_ylabel(ctx.t(measure) if measure != "level" else ctx.t("goal_year_value"), fontsize=8)
    thinned = f"  ({ctx.t('every_kth', k=stride)})" if stride > 1 else ""
    ax.set_title(f"{ctx.label(goal)}: {fmt.target(goal, ctx.lang)}{thinned}", fontsize=9, loc="left")
    ax.legend(fontsize=7, frameon=True, framealpha=0.85, edgecolor="none", markerscale=2, loc="best")
    ax.tick_params(labelsize=7.5)
    ax.grid(True, color="#dddddd", linewidth=0.5)


def _levels(goal) -> list:
    """Target level(s) to draw across the scatter (slope 0 for rising/falling goals)."""
    if is_trend(goal.comparison):
        return [0.0]
    if KINDS[goal.comparison].value_shape == "pair":
        return list(goal.value)
    return [goal.value]


def _heading(ctx, run, goal) -> str:
    numbers = ctx.summary(run).loc[goal.id]
    shown = verdicts.verdicts(ctx, run)[goal.id]
    words = ctx.t('p_met_short', p=fmt.percent(numbers['p_met'])) if shown.shows_probability else verdicts.word(ctx, run, goal)
    return (f"{fmt.target(goal, ctx.lang)} · {words} · "
            f"{ctx.t('scenario')}: {run.title(ctx.lang)}")


def _page(ctx, run, goal, table) -> Figure:
    fig = new_page(ctx.t("drivers", goal=ctx.label(goal)), _heading(ctx, run, goal))
    if not table["spearman"].notna().any():      # the outcome does not vary: nothing to rank
        return flow([Paragraph(ctx.t("drivers_const"))], lambda i: fig)[0]
    height = SLOT_HEIGHT * min(len(table), TOP_INPUTS) + FRAME_HEIGHT
    bottom = 0.87 - height
    names = [_short(input_label(run, name, ctx.lang)) for name in table.head(TOP_INPUTS)["input"]]
    draw_bars(fig, *bar_rects(fig, names, LEFT, RIGHT - 0.02, bottom, height), ctx, table, run)
    scatter_height = min(0.32, bottom - 0.26)
    ax = fig.add_axes([LEFT + 0.08, bottom - 0.08 - scatter_height, RIGHT - LEFT - 0.12, scatter_height])
    draw_scatter(ax, ctx, run, goal, table)
    lines = wrap_to_page(fig, ctx.t("drivers_method", n=int(run.goals["scenario"].nunique())), NOTE_SIZE)
    fig.text(LEFT, 0.105, "\n".join(lines), fontsize=NOTE_SIZE, color=MUTED, va="top", linespacing=1.5)
    return fig


def pages(ctx) -> list:
    """One page per amber/red goal of the main run (a compared run's drivers are in its own report)."""
    run = ctx.main
    return [Page(f"drivers_{goal.id}", _page(ctx, run, goal, ranking(run, goal))) for goal in goals_to_explain(ctx, run)]


def figures(ctx) -> Iterator:
    """Stand-alone bar-chart figures (``drivers_<goal id>``) of the main run, for PNG output."""
    run = ctx.main
    for goal in goals_to_explain(ctx, run):
        table = ranking(run, goal)
        if not table["spearman"].notna().any():
            continue
        fig = Figure(figsize=PNG_SIZE)
        fig.suptitle(f"{ctx.t('drivers', goal=ctx.label(goal))}\n{_heading(ctx, run, goal)}", fontsize=9.5, x=0.02,
                     ha="left", y=0.98)
        names = [_short(input_label(run, name, ctx.lang)) for name in table.head(TOP_INPUTS)["input"]]
        draw_bars(fig, *bar_rects(fig, names, 0.01, 0.97, 0.1, 0.72), ctx, table, run)
        yield Page(f"drivers_{goal.id}", fig)
