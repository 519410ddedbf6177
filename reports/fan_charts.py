"""Report stage, fan charts: the spread of each goal variable over time across samples, with goals and history marked.

Bands are the central 50 / 75 / 95 % of the ok samples at each saved time, plus the median.
Goals are drawn where they bite: a point (▲ at least, ▼ at most, ● equal) at the target in the
goal year, a bar for ``between``, a shaded window for ``rising``/``falling``. The plan's
historical figures (``plan.history``) are black dots. One panel per goal variable; the PDF
puts two panels on a page, the PNGs get one each (``fan_<variable>.png``).
"""

import re
from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulator.plans.goals import goal_series, goal_spec
from simulator.runs.blockread import read_in_blocks
from simulator.names import split_name, to_id
from simulator.plans.kinds import KINDS, is_window

from . import formatting as fmt
from . import verdicts
from .indicators import indicator_name
from .page import BOTTOM, LEFT, RIGHT, TOP, Page, new_page, year_ticks

#: Central coverage of the bands, widest first, with their fill alpha.
BANDS = ((95, 0.18), (75, 0.28), (50, 0.42))

FAN_COLOUR = "#2b6cb0"
GOAL_COLOUR = "#c0392b"
HISTORY_COLOUR = "#111111"
LABEL_COLOUR = "#222222"

#: Goal markers take their traffic-light colour; the legend shows the shape in neutral grey.
LEGEND_GOAL_COLOUR = "#555555"

#: White box behind goal labels so they stay readable over the bands.
LABEL_BOX = {"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85, "edgecolor": "none"}

#: comparison -> marker of the goal point
GOAL_MARKERS = {">=": "^", "reached_by": "^", "<=": "v", "==": "o"}

#: Extra room above the data (share of the y range) for goal labels.
HEADROOM = 0.08

#: Panels per PDF page.
PANELS_PER_PAGE = 2

#: Size of a stand-alone PNG figure (inches).
PNG_SIZE = (8.0, 4.6)


def variable_slug(variable: str) -> str:
    """File-name-safe form of a goal variable (``"output[industry]"`` -> ``"output_industry"``)."""
    return re.sub(r"[^0-9A-Za-z]+", "_", variable).strip("_").lower()


def series_percentiles(run, goal, percents) -> tuple:
    """(times, percentiles (len(percents), T), n_ok) of a goal's variable over the ok samples at each saved time.

    A sample counts when its status is ok and its values are finite at every time. The variable is
    read from the run folder once (n × T numbers) and reduced a time column at a time, so nothing
    else of size n × T is made (issue 12: bounded memory of the PNG pass).
    """
    series = goal_series(run.results, goal_spec(goal))
    times = np.asarray(series["time"].values, dtype=float)
    values = read_in_blocks(series)
    keep = np.asarray(run.results["status"].values) == 0 if "status" in run.results else np.ones(len(values), bool)
    for column in range(values.shape[1]):
        keep &= np.isfinite(values[:, column])
    out = np.full((len(percents), len(times)), np.nan)
    if keep.any():
        for column in range(values.shape[1]):
            out[:, column] = np.percentile(values[keep, column], percents)
    return times, out, int(keep.sum())


def variable_title(run, goal, lang) -> str:
    """Indicator name in the report's language and unit (``"产业规模·生物医药（亿元/年）"``); the Vensim name only
    when the model has no label for the variable."""
    base = (split_name(goal.variable) or (goal.variable,))[0]
    key = base if base in run.results else to_id(base)
    attrs = run.results[key].attrs if key in run.results else {}
    unit = fmt.unit(attrs.get("units") or getattr(goal, "unit", ""), lang)
    indicator = indicator_name(run.indicators, goal.variable, lang)
    if not indicator:
        indicator = attrs.get("name") or goal.variable
        if "[" in goal.variable:
            indicator += "[" + goal.variable.split("[", 1)[1]
    if not unit:
        return indicator
    return f"{indicator}（{unit}）" if lang == "zh" else f"{indicator} ({unit})"


def _draw_goal(ax, ctx, goal, verdict, times):
    """Mark ``goal`` on the fan; ``verdict`` = (its words, its dot colour) from reports.verdicts, or None."""
    colour = verdict[1] if verdict else GOAL_COLOUR
    label = f"{ctx.label(goal)}  {verdict[0]}" if verdict else ctx.label(goal)
    comparison, year = goal.comparison, goal.year
    if is_window(comparison):
        ax.axvspan(year[0], year[1], color=colour, alpha=0.12, linewidth=0)
        arrow = "↘" if comparison == "falling" or (comparison == "growth<=" and goal.value < 0) else "↗"
        ax.annotate(f"{arrow} {label}", xy=(year[0], 0.97), xycoords=("data", "axes fraction"), fontsize=7,
                    xytext=(3, 0), textcoords="offset points", color=LABEL_COLOUR, va="top", bbox=LABEL_BOX)
        return
    if KINDS[comparison].value_shape == "pair":
        low, high = goal.value
        ax.errorbar([year], [(low + high) / 2], yerr=[[(high - low) / 2]], fmt="none", ecolor=colour,
                    elinewidth=2.2, capsize=5, zorder=5)
        y = high
    else:
        y = goal.value
        ax.axhline(y, color=colour, linestyle=(0, (4, 3)), linewidth=0.8, alpha=0.7)
        ax.plot([year], [y], marker=GOAL_MARKERS.get(comparison, "o"), color=colour, markersize=8,
                markeredgecolor="white", zorder=6)
    early = year < times[0] + 0.3 * (times[-1] - times[0])    # label to the right of early goals, else left
    ax.annotate(label, xy=(year, y), xytext=(6 if early else -6, 7), textcoords="offset points", fontsize=7,
                color=LABEL_COLOUR, ha="left" if early else "right", va="bottom", zorder=7, bbox=LABEL_BOX)


def draw_fan(ax, ctx, run, variable: str, goals: list) -> None:
    """Draw the fan of ``variable`` for ``run`` on ``ax`` with ``goals`` (all on that variable) marked."""
    percents = [50] + [p for coverage, _ in BANDS for p in (50 - coverage / 2, 50 + coverage / 2)]
    times, bands, n_ok = series_percentiles(run, goals[0], percents)
    if n_ok:
        for index, (_, alpha) in enumerate(BANDS):
            ax.fill_between(times, bands[1 + 2 * index], bands[2 + 2 * index], color=FAN_COLOUR, alpha=alpha,
                            linewidth=0)
        ax.plot(times, bands[0], color=FAN_COLOUR, linewidth=1.8)
    summary = ctx.summary(run)
    for goal in goals:
        verdict = (verdicts.word(ctx, run, goal), verdicts.colour(ctx, run, goal)) if goal.id in summary.index else None
        _draw_goal(ax, ctx, goal, verdict, times)
    history = [h for h in (ctx.plan.history if ctx.plan is not None else []) if h.variable == variable]
    if history:
        ax.plot([h.year for h in history], [h.value for h in history], "o", color=HISTORY_COLOUR, markersize=4.5,
                zorder=8)
    ax.set_title(variable_title(run, goals[0], ctx.lang), fontsize=10, loc="left")
    ax.tick_params(labelsize=7.5)
    year_ticks(ax)
    ax.grid(True, color="#dddddd", linewidth=0.5)
    _fit_years(ax, times, goals)
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, top + HEADROOM * (top - bottom))
    ax.legend(handles=_legend_handles(ctx, bool(history)), fontsize=7, loc="upper center", frameon=False,
              bbox_to_anchor=(0.5, -0.07), ncol=6, handlelength=1.6, columnspacing=1.2)


def _fit_years(ax, times, goals) -> None:
    """x range: the saved times, with room for goal markers drawn on the first or last year."""
    years = [y for g in goals for y in (g.year if isinstance(g.year, (list, tuple)) else [g.year])]
    low, high = min([times[0], *years]), max([times[-1], *years])
    pad = 0.03 * (high - low)
    ax.set_xlim(low - pad, high + pad)


def _stacked_alpha(coverage: int) -> float:
    """Opacity a band shows on the chart: every band at least as wide is painted over it."""
    return 1.0 - float(np.prod([1.0 - alpha for wider, alpha in BANDS if wider >= coverage]))


def _legend_handles(ctx, with_history: bool) -> list:
    handles = [Line2D([], [], color=FAN_COLOUR, linewidth=1.8, label=ctx.t("fan_median"))]
    handles += [Patch(color=FAN_COLOUR, alpha=_stacked_alpha(coverage), label=ctx.t("fan_band", p=coverage),
                      linewidth=0) for coverage, _ in reversed(BANDS)]
    handles.append(Line2D([], [], color=LEGEND_GOAL_COLOUR, marker="^", linestyle="none", label=ctx.t("fan_goal")))
    if with_history:
        handles.append(Line2D([], [], color=HISTORY_COLOUR, marker="o", markersize=4.5, linestyle="none",
                              label=ctx.t("fan_history")))
    return handles


def goals_by_variable(ctx) -> dict:
    """Goal variable -> its goals, in plan order."""
    grouped = {}
    for goal in ctx.goals():
        grouped.setdefault(goal.variable, []).append(goal)
    return grouped


def pages(ctx) -> list:
    """PDF pages of the main run's fan charts, :data:`PANELS_PER_PAGE` per page."""
    items = list(goals_by_variable(ctx).items())
    result = []
    for start in range(0, len(items), PANELS_PER_PAGE):
        fig = new_page(ctx.t("fan_charts"), f"{ctx.t('scenario')}: {ctx.main.title(ctx.lang)}  (n = {ctx.main.n})")
        chunk = items[start:start + PANELS_PER_PAGE]
        height = (TOP - BOTTOM - 0.04) / PANELS_PER_PAGE
        for i, (variable, goals) in enumerate(chunk):
            bottom = TOP - (i + 1) * height + 0.025
            ax = fig.add_axes([LEFT + 0.04, bottom, RIGHT - LEFT - 0.05, height - 0.075])
            draw_fan(ax, ctx, ctx.main, variable, goals)
        result.append(Page(f"fans_{start // PANELS_PER_PAGE + 1}", fig))
    return result


def figures(ctx) -> Iterator:
    """One stand-alone figure per goal variable (``fan_<variable>``), for PNG output."""
    for variable, goals in goals_by_variable(ctx).items():
        fig = Figure(figsize=PNG_SIZE)
        ax = fig.add_axes([0.09, 0.16, 0.88, 0.74])
        draw_fan(ax, ctx, ctx.main, variable, goals)
        yield Page(f"fan_{variable_slug(variable)}", fig)
