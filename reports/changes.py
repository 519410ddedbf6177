"""Report stage, "what the plan changes": one table of the settings in which the plan run differs from the baseline run.

Rows come from the two runs' scenario files (``set:`` values, ``levers:`` paths, ``uncertain:``
distributions): a variable is listed when the two scenarios give it differently. The plan-text
column quotes the plan line that the plan's assumption (``assumptions:`` id ``*_plan`` of the same
variable) names in its reason ("line 139", "lines 226-227"), read from the plan document; a lever the
plan sizes with no number says so.
"""

import re

from simulator.plans.records import seeds_dir

from . import formatting as fmt
from .assumptions import _distribution, _lever_text, _param
from .indicators import display_name
from .labels import pick
from .layout import Column, Paragraph, Table, flow
from .page import MUTED, SMALL_SIZE, Page, new_page

#: Longest plan quote shown (characters); longer lines are cut with an ellipsis.
MAX_QUOTE = 60

LINE_WORDS = re.compile(r"\blines?\s+(\d+)")
SEE = re.compile(r"\bsee\s+([A-Za-z0-9_]+)")


def setting(scenario, name: str, lang: str) -> str:
    """How ``scenario`` gives variable ``name``: its distribution, value, path, or "" when it leaves it alone."""
    for spec in scenario.uncertain:
        if spec.name == name:
            return _distribution(spec, lang)
    if name in scenario.fixed:
        return _param(scenario.fixed[name])
    if name in scenario.lever_specs:
        return _lever_text(scenario.lever_specs[name], lang)
    return ctx_default(lang)


def ctx_default(lang: str) -> str:
    """What a row shows for a scenario that leaves the variable at the model's own value."""
    from .labels import text

    return text("model_default", lang)


def changed(plan_scenario, base_scenario, lang: str) -> list:
    """``[(name, baseline text, plan text)]`` of every variable the two scenarios give differently, in plan order."""
    names = [s.name for s in plan_scenario.uncertain] + list(plan_scenario.fixed) + list(plan_scenario.lever_specs)
    names += [s.name for s in base_scenario.uncertain] + list(base_scenario.fixed) + list(base_scenario.lever_specs)
    rows = []
    for name in dict.fromkeys(names):
        plan, base = setting(plan_scenario, name, lang), setting(base_scenario, name, lang)
        if plan != base:
            rows.append((name, base, plan))
    return rows


def _reason_text(plan, assumption, depth: int = 3) -> str:
    """The assumption's English reason; "see <other id>" followed to that assumption's reason (a few steps)."""
    reason = fmt.localized(assumption.reason, "en") or pick(assumption.reason, "en")
    match = SEE.search(reason)
    if match and not LINE_WORDS.search(reason) and depth:
        other = next((a for a in plan.assumptions if a.id == match.group(1)), None)
        if other is not None:
            return _reason_text(plan, other, depth - 1)
    return reason


def plan_line(ctx, name: str) -> str:
    """The plan's own words behind lever ``name`` (line number and quote), or a note that the plan gives no number."""
    plan = ctx.plan
    if plan is None:
        return ""
    found = [a for a in plan.assumptions if a.variable == name and str(a.id).endswith("_plan")]
    if not found:
        return ctx.t("no_quote")
    reason = _reason_text(plan, found[0])
    match = LINE_WORDS.search(reason)
    doc = (plan.plan or {}).get("doc")
    if not match or not doc:
        return ctx.t("no_quote")
    line = int(match.group(1))
    path = seeds_dir() / doc
    quote = ""
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        quote = lines[line - 1].strip() if 1 <= line <= len(lines) else ""
    quote = quote if len(quote) <= MAX_QUOTE else quote[:MAX_QUOTE] + "…"
    where = ctx.t("line", line=line)
    return f"{where}：“{quote}”" if quote and ctx.lang == "zh" else (f"{where}: “{quote}”" if quote else where)


def blocks(ctx) -> list:
    """The changes table (or a sentence when there is no baseline run or no difference)."""
    base = ctx.baseline
    if base is None or ctx.main.scenario is None or base.scenario is None:
        return []
    rows = changed(ctx.main.scenario, base.scenario, ctx.lang)
    if not rows:
        return [Paragraph(ctx.t("changes_none"))]
    columns = [Column(ctx.t("col_lever"), 0.25), Column(base.title(ctx.lang), 0.2), Column(ctx.main.title(ctx.lang), 0.2),
               Column(ctx.t("col_plan_line"), 0.35)]
    table = [[display_name(ctx.main, name, ctx.lang), b or "–", p or "–", plan_line(ctx, name)] for name, b, p in rows]
    return [Paragraph(ctx.t("changes_intro"), size=SMALL_SIZE + 0.5, colour=MUTED), Table(columns, table, size=SMALL_SIZE)]


def pages(ctx) -> list:
    content = blocks(ctx)
    if not content:
        return []
    title = ctx.t("changes")
    figures = flow(content, lambda i: new_page(title + (ctx.t("continued") if i else ""), ctx.main.title(ctx.lang)))
    return [Page("changes" if i == 0 else f"changes_{i + 1}", f) for i, f in enumerate(figures)]
