"""Report stage, analysis pages for people: a bar chart per goal of what decides it, one sentence per seek, PRIM rules.

- **Sensitivity**: one horizontal bar chart per goal of the main run, every goal, three to a page
  (pages as needed, nothing cut): the share of the goal value's spread each input explains alone
  (Sobol' ``S1`` with its 95 % range from the run's ``analysis/sensitivity`` folder, else the given-data
  first-order estimate of :mod:`reports.sensitivity` from the run's own samples). Where the file's
  numbers are unreliable (an index outside [0, 1] or a range wider than the index it belongs to) the
  chart says so in words, with the ``-n`` that would do.
- **What it would take**: one sentence per seek result (:func:`reports.findings.seek_sentence`).
- **Scenario discovery**: a PRIM box as a rule in the inputs' Chinese names, when ``discover`` wrote one.

Analyses that were not run are left out (no page says "missing"); ``batch --report`` runs the first two.
"""

import json
import math

import numpy as np

from . import evidence
from . import formatting as fmt
from .findings import seek_sentence
from .indicators import input_label
from .layout import Heading, Paragraph, Spacer, flow, wrap_to_page
from .page import LEFT, MUTED, RIGHT, SMALL_SIZE, Page, new_page
from .sensitivity import rank_inputs

#: Goals per sensitivity page; bars per chart (the largest); smallest share drawn.
PER_PAGE, TOP_BARS, MIN_SHARE = 3, 8, 0.01

#: Figure-height of one goal's slot, of its chart, and the top of the first slot.
SLOT, CHART, FIRST_TOP = 0.275, 0.17, 0.9

BAR_COLOUR = "#4a5568"


def sensitivity_source(ctx, run) -> tuple:
    """(wide table with goal_id, input, S1[, S1_conf, ST, ST_conf] or None, metadata dict) of the run's file."""
    table, path = evidence.read_analysis(run, "sensitivity")
    if table is None or not {"goal_id", "input", "S1"} <= set(table.columns):
        return None, {}
    meta_path = path.with_suffix(".json")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    except (OSError, ValueError):
        meta = {}
    return table, meta


def goal_indices(ctx, run, goal, table):
    """Rows (input, S1, conf) of one goal, largest first; None when the goal's value has no spread."""
    if table is not None:
        rows = table[table["goal_id"] == goal.id]
        if len(rows):
            conf = rows["S1_conf"] if "S1_conf" in rows else np.full(len(rows), np.nan)
            found = [(r, float(s), float(c)) for r, s, c in zip(rows["input"], rows["S1"], conf)]
            return sorted(found, key=lambda item: -(item[1] if math.isfinite(item[1]) else -1))
    values = run.goal_values(goal.id)
    if values.nunique() < 2 or not run.input_names:
        return None
    ranked = rank_inputs(run.inputs, values)
    return sorted(((r, float(s), math.nan) for r, s in zip(ranked["input"], ranked["first_order"])),
                  key=lambda item: -(item[1] if math.isfinite(item[1]) else -1))


def unreliable(rows) -> list:
    """Inputs whose index lies outside [0, 1] by more than its own 95 % range, or whose range is wider than an index
    large enough to be drawn as a finding (≥ 0.05). An input with no effect scatters around 0 by its sampling
    error; only an estimate that error cannot explain says the samples are too few."""
    if rows is None:
        return []
    bad = []
    for name, s1, conf in rows:
        if not math.isfinite(s1):
            continue
        half = conf if math.isfinite(conf) else 0.0
        if s1 < -half or s1 > 1 + half or (s1 >= 0.05 and half > s1):
            bad.append((name, s1, conf))
    return bad


def needed_n(meta: dict, bad: list) -> int:
    """Sobol' base samples that would narrow the widest range below its index (CI ∝ 1/√N), a power of 2."""
    n = int(meta.get("n") or 256)
    ratio = max((c / s if s > 0 and math.isfinite(c) else 4.0) for _, s, c in bad) if bad else 1.0
    factor = max(4, int(math.ceil(ratio ** 2)))
    return 1 << int(math.ceil(math.log2(n * factor)))


def draw_goal(fig, ctx, run, goal, rows, bad, meta, top) -> None:
    """One goal's slot: its label, a note when the numbers are unreliable, and the bar chart."""
    fig.text(LEFT, top, ctx.label(goal), fontsize=9.5, va="top")
    y = top - 0.022
    if rows is None or not any(math.isfinite(s) and s > 0 for _, s, _ in rows):
        fig.text(LEFT, y, ctx.t("sens_flat", goal=ctx.label(goal)), fontsize=SMALL_SIZE + 0.5, color=MUTED, va="top")
        return
    if bad:
        for line in wrap_to_page(fig, ctx.t("sens_too_few", k=len(bad), n=f"{needed_n(meta, bad):,}"), SMALL_SIZE + 0.5):
            fig.text(LEFT, y, line, fontsize=SMALL_SIZE + 0.5, color="#b03a2e", va="top")
            y -= 0.014
    shown = [r for r in rows if math.isfinite(r[1]) and r[1] >= MIN_SHARE][:TOP_BARS]
    rest = sum(1 for r in rows if math.isfinite(r[1])) - len(shown)
    names = [input_label(run, name, ctx.lang) for name, _, _ in shown][::-1]
    share = np.array([s for _, s, _ in shown][::-1])
    conf = np.array([c for _, _, c in shown][::-1])
    ax = fig.add_axes([LEFT + 0.3, y - CHART - 0.008, RIGHT - LEFT - 0.34, CHART])
    ypos = np.arange(len(shown))
    ax.barh(ypos, np.clip(share, 0, 1), color=BAR_COLOUR, height=0.6)
    if np.isfinite(conf).any():
        ax.errorbar(np.clip(share, 0, 1), ypos, xerr=np.where(np.isfinite(conf), conf, 0), fmt="none",
                    ecolor="#222222", elinewidth=0.7, capsize=2)
    for yi, s, c in zip(ypos, share, conf):       # the number right of the bar's 95 % range
        ax.text(min(max(s, 0), 1) + (c if np.isfinite(c) else 0.0) + 0.015, yi, f"{s:.2f}", va="center", fontsize=7)
    ax.set_yticks(ypos, names, fontsize=7.5)
    ax.set_xlim(0, 1.08)
    ax.set_ylim(-0.6, max(len(shown), 1) - 0.4)
    ax.set_xlabel(ctx.t("sens_axis"), fontsize=7.5)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    if rest > 0:
        fig.text(LEFT, y - CHART - 0.045, ctx.t("sens_more", k=rest, cut=f"{MIN_SHARE:.2f}"), fontsize=SMALL_SIZE,
                 color=MUTED, va="top")


def sensitivity_pages(ctx) -> list:
    """Every goal of the main run, :data:`PER_PAGE` to a page."""
    run = ctx.main
    summary = ctx.summary(run)
    goals = [g for g in ctx.goals() if g.id in summary.index]
    if not run.input_names or not goals:
        return []
    table, meta = sensitivity_source(ctx, run)
    runs = meta.get("runs", run.n)
    intro = ctx.t("sens_intro", runs=f"{int(runs):,}", n=f"{int(meta.get('n', run.n)):,}")
    pages = []
    for start in range(0, len(goals), PER_PAGE):
        part = ctx.t("continued") if start else ""
        fig = new_page(ctx.t("sens_title") + part, run.title(ctx.lang))
        lines = wrap_to_page(fig, intro, SMALL_SIZE + 0.5)
        for i, line in enumerate(lines):
            fig.text(LEFT, FIRST_TOP - i * 0.014, line, fontsize=SMALL_SIZE + 0.5, color=MUTED, va="top")
        top = FIRST_TOP - len(lines) * 0.014 - 0.012
        for goal in goals[start:start + PER_PAGE]:
            rows = goal_indices(ctx, run, goal, table)
            draw_goal(fig, ctx, run, goal, rows, unreliable(rows) if table is not None else [], meta, top)
            top -= SLOT
        pages.append(Page("sensitivity" if not start else f"sensitivity_{start // PER_PAGE + 1}", fig))
    return pages


def seek_blocks(ctx) -> list:
    """One sentence per goal with a seek result, and one per unlikely goal without a plan measure."""
    run = ctx.main
    results = evidence.seek_results(run)
    summary = ctx.summary(run)
    unlikely = [g for g in ctx.goals() if g.id in summary.index and float(summary.loc[g.id, "p_met"]) < 0.5]
    goals = [g for g in ctx.goals() if g.id in results or g in unlikely]
    if not goals:
        return []
    prob = next((f"{float(r.get('prob', 0.8)) * 100:.0f}%" for r in results.values()), "80%")
    blocks = [Paragraph(ctx.t("seek_intro", prob=prob), size=SMALL_SIZE + 0.5, colour=MUTED)]   # the page title heads it
    sentences = [s for s in (seek_sentence(ctx, run, g) for g in goals) if s]
    if not sentences:
        return []
    blocks += [Paragraph(f"{i}. {s}") for i, s in enumerate(sentences, 1)]
    return blocks + [Spacer()]


def prim_blocks(ctx) -> list:
    """PRIM boxes as rules in the inputs' names, when ``discover`` wrote them (discovery.json beside the limits)."""
    run = ctx.main
    path = evidence.analysis_file(run, "prim")
    if path is None:
        return []
    try:
        meta = json.loads(path.with_name("discovery.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    sentences = []
    for goal in ctx.goals():
        info = (meta.get("goals") or {}).get(goal.id) or {}
        box = info.get("box") or {}
        if not info.get("studied") or not box:
            continue
        joiner = "且" if ctx.lang == "zh" else " and "
        conditions = joiner.join(ctx.t("prim_between", name=input_label(run, name, ctx.lang), low=fmt.number(low),
                                       high=fmt.number(high)) for name, (low, high) in box.items())
        sentences.append(ctx.t("prim_rule", goal=ctx.label(goal), conditions=conditions,
                               coverage=fmt.percent(info.get("coverage", math.nan)),
                               density=fmt.percent(info.get("density", math.nan))))
    if not sentences:
        return []
    return [Heading(ctx.t("prim_title"), size=10)] + [Paragraph(s) for s in sentences] + [Spacer()]


def blocks(ctx) -> list:
    """The sentence pages: what it would take, then the discovery rules."""
    return seek_blocks(ctx) + prim_blocks(ctx)


def pages(ctx) -> list:
    result = sensitivity_pages(ctx)
    text = blocks(ctx)
    if text:
        title = ctx.t("seek_title")
        figures = flow(text, lambda i: new_page(title + (ctx.t("continued") if i else ""), ctx.main.title(ctx.lang)))
        result += [Page("analyses" if i == 0 else f"analyses_{i + 1}", f) for i, f in enumerate(figures)]
    return result
