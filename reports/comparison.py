"""Report stage, comparison pages: several runs side by side (scorecards per run, overlaid median paths).

Only made when the report covers more than one run folder. The table shows, per goal, each
run's probability (with its traffic light) and median; the chart grid overlays each run's
median path of every goal variable, with the goals marked as in the fan charts.
"""

import numpy as np
from matplotlib.figure import Figure

from simulator.plans.kinds import KINDS, is_window

from . import formatting as fmt
from . import verdicts
from .scorecard import reading_text
from .fan_charts import GOAL_COLOUR, GOAL_MARKERS, goals_by_variable, series_percentiles, variable_title
from .layout import Cell, Column, Paragraph, Table, flow, wrap
from .page import BOTTOM, LEFT, MUTED, RIGHT, SMALL_SIZE, TOP, Page, new_page, year_ticks

#: Line colours of the runs (first = main run).
RUN_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#4a5568")  # Okabe-Ito

#: Line styles of the runs, so identical paths stay visible and prints in grey stay readable.
RUN_STYLES = ("-", (0, (5, 2)), (0, (1, 1.5)), "-.")

#: Columns of the median-path grid.
GRID_COLUMNS = 2


def table(ctx) -> Table:
    """Goal × run table: probability with light, and median, per run."""
    share = (1.0 - 0.34) / len(ctx.runs)
    columns = [Column(ctx.t("col_goal"), 0.34)] + [Column(run.title(ctx.lang), share) for run in ctx.runs]
    rows = []
    for goal in ctx.goals():
        row = [Cell(f"{ctx.label(goal)}\n{fmt.target(goal, ctx.lang)}")]
        for run in ctx.runs:
            summary = ctx.summary(run)
            if goal.id not in summary.index:
                row.append(Cell("–", colour=MUTED))
                continue
            numbers = summary.loc[goal.id]
            median = fmt.number(numbers["median"])
            measure = KINDS[goal.comparison].measure
            if measure != "level":
                median = f"{ctx.t(measure)} {median}"
            row.append(Cell(f"{verdicts.word(ctx, run, goal)}\n{median}", dot=verdicts.colour(ctx, run, goal)))
        rows.append(row)
    return Table(columns, rows)


#: Font size of a median panel's title (wrapped to the panel's width).
TITLE_SIZE = 8.5


def draw_medians(ax, ctx, variable: str, goals: list) -> None:
    """Each run's median path of ``variable`` on ``ax``, goals marked."""
    for index, run in enumerate(ctx.runs):
        if goals[0].id not in run.goals["goal_id"].values:
            continue
        times, medians, n_ok = series_percentiles(run, goals[0], [50])
        if n_ok:
            ax.plot(times, medians[0], color=RUN_COLOURS[index % len(RUN_COLOURS)],
                    linestyle=RUN_STYLES[index % len(RUN_STYLES)], linewidth=1.5, label=run.title(ctx.lang))
    for goal in goals:
        if is_window(goal.comparison):
            ax.axvspan(goal.year[0], goal.year[1], color=GOAL_COLOUR, alpha=0.08, linewidth=0)
        elif KINDS[goal.comparison].value_shape == "pair":
            ax.vlines(goal.year, *goal.value, color=GOAL_COLOUR, linewidth=2)
        else:
            ax.plot([goal.year], [goal.value], marker=GOAL_MARKERS.get(goal.comparison, "o"), color=GOAL_COLOUR,
                    markersize=6, linestyle="none")
    width_em = ax.get_position().width * ax.figure.get_figwidth() * 72 / TITLE_SIZE     # the panel's width
    ax.set_title("\n".join(wrap(variable_title(ctx.main, goals[0], ctx.lang), width_em)), fontsize=TITLE_SIZE,
                 loc="left")
    ax.tick_params(labelsize=7)
    year_ticks(ax)
    ax.grid(True, color="#dddddd", linewidth=0.5)


def _grid(fig, ctx, box) -> None:
    left, bottom, right, top = box
    items = list(goals_by_variable(ctx).items())
    rows = int(np.ceil(len(items) / GRID_COLUMNS))
    cell_w, cell_h = (right - left) / GRID_COLUMNS, (top - bottom) / max(rows, 1)
    for index, (variable, goals) in enumerate(items):
        r, c = divmod(index, GRID_COLUMNS)
        ax = fig.add_axes([left + c * cell_w + 0.05, top - (r + 1) * cell_h + 0.04, cell_w - 0.08, cell_h - 0.075])
        draw_medians(ax, ctx, variable, goals)
        if index == 0:
            ax.legend(fontsize=7, frameon=False)


def blocks(ctx) -> list:
    """The comparison table and its reading guide (nothing for a single run)."""
    if len(ctx.runs) < 2:
        return []
    return [table(ctx), Paragraph(reading_text(ctx), size=SMALL_SIZE, colour=MUTED)]


def pages(ctx) -> list:
    """The comparison table page(s) and the median-path page, or nothing for a single run."""
    if len(ctx.runs) < 2:
        return []
    title = ctx.t("comparison")
    figures = flow(blocks(ctx),
                   lambda i: new_page(title + (ctx.t("continued") if i else ""), " · ".join(r.title(ctx.lang) for r in ctx.runs)))
    result = [Page("comparison" if i == 0 else f"comparison_{i + 1}", f) for i, f in enumerate(figures)]
    fig = new_page(ctx.t("comparison_medians"), " · ".join(r.title(ctx.lang) for r in ctx.runs))
    _grid(fig, ctx, (LEFT, BOTTOM + 0.02, RIGHT, TOP - 0.01))
    result.append(Page("comparison_medians", fig))
    return result


def figures(ctx) -> list:
    """PNG output: the comparison table page(s) and a stand-alone median-path grid, if several runs."""
    if len(ctx.runs) < 2:
        return []
    tables = [page for page in pages(ctx) if page.name != "comparison_medians"]
    rows = int(np.ceil(len(goals_by_variable(ctx)) / GRID_COLUMNS))
    fig = Figure(figsize=(8.0, 2.8 * rows + 0.4))
    _grid(fig, ctx, (0.0, 0.0, 1.0, 0.98))
    return tables + [Page("comparison_medians", fig)]
