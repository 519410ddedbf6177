"""Report stage, assumptions page: every number the results rest on that is NOT from the plan, set apart visibly.

Lists the plan file's ``assumptions`` (value, range, reason), each run's uncertain inputs
(distribution as written in the scenario, and the range actually sampled), its fixed settings and
levers; then, for contrast, the plan-sourced history figures with their document and line.
Assumption rows are on light orange; plan-sourced rows on white (the bundled CJK font has no
italic, so the difference is carried by colour and by the section headings).
"""

from . import formatting as fmt
from .labels import pick
from .layout import Cell, Column, Heading, Paragraph, Spacer, Table, flow
from .page import MUTED, SMALL_SIZE, Page, new_page

#: Look of a number that is an assumption, and of one that comes from the plan.
ASSUMED = {"background": "#fdebd3"}
SOURCED = {"background": "#ffffff"}


def _assumed(value) -> Cell:
    return Cell(str(value), **ASSUMED)


def _sourced(value) -> Cell:
    return Cell(str(value), **SOURCED)


def _range(values) -> str:
    if values is None:
        return ""
    return f"{fmt.plain(float(values[0]))} – {fmt.plain(float(values[1]))}"


def _distribution(spec) -> str:
    """``"uniform(low=0.01, high=0.03)"`` from an UncertainInput."""
    params = ", ".join(f"{k}={_param(v)}" for k, v in spec.params.items())
    return f"{spec.dist}({params})"


def _param(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_param(v) for v in value) + "]"
    return fmt.plain(value)


def plan_assumptions_table(ctx) -> Table:
    columns = [Column(ctx.t("col_id"), 0.17), Column(ctx.t("col_variable"), 0.17), Column(ctx.t("col_value"), 0.09,
               "right"), Column(ctx.t("col_range"), 0.14), Column(ctx.t("col_unit"), 0.09),
               Column(ctx.t("col_reason"), 0.34)]
    rows = [[_assumed(a.id), _assumed(a.variable), _assumed(fmt.plain(a.value)), _assumed(_range(a.range)),
             _assumed(pick(a.unit, ctx.lang)), _assumed(a.reason)] for a in ctx.plan.assumptions]
    return Table(columns, rows, stripes=False)


def sampled_range(run, name: str) -> str:
    """Min – max of an input as sampled in ``run`` (inputs.csv)."""
    column = run.inputs[name].astype(float)
    return _range((column.min(), column.max()))


def uncertain_table(ctx, run) -> list:
    columns = [Column(ctx.t("col_variable"), 0.3), Column(ctx.t("col_dist"), 0.45), Column(ctx.t("col_sampled"), 0.25)]
    blocks = []
    if run.scenario is not None:
        rows = [[_assumed(u.name), _assumed(_distribution(u)),
                 _assumed(sampled_range(run, u.name) if u.name in run.inputs else "")] for u in run.scenario.uncertain]
        if run.scenario.correlation:
            pairs = "; ".join(f"{a} ~ {b}: ρ = {fmt.number(rho)}" for a, b, rho in run.scenario.correlation)
            rows.append([_assumed("correlation"), _assumed(pairs), _assumed("")])
    else:
        blocks.append(Paragraph(ctx.t("no_scenario_file"), size=SMALL_SIZE, colour=MUTED))
        rows = [[_assumed(name), _assumed("?"), _assumed(sampled_range(run, name))] for name in run.input_names]
    if rows:
        blocks.insert(0, Table(columns, rows, stripes=False))
    return blocks


def _lever_text(spec) -> str:
    points = ", ".join(f"{fmt.year(t)}: {fmt.plain(v)}" for t, v in zip(spec.times, spec.values))
    return f"{spec.kind} {{{points}}}"


def fixed_table(ctx, run) -> list:
    scenario = run.scenario
    if scenario is None or not (scenario.fixed or scenario.lever_specs):
        return []
    columns = [Column(ctx.t("col_variable"), 0.35), Column(ctx.t("col_value"), 0.65)]
    rows = [[_assumed(name), _assumed(_param(value))] for name, value in scenario.fixed.items()]
    rows += [[_assumed(name), _assumed(_lever_text(spec))] for name, spec in scenario.lever_specs.items()]
    return [Heading(f"{ctx.t('scenario_fixed')} · {run.name}", size=10), Table(columns, rows, stripes=False), Spacer()]


def history_table(ctx) -> Table:
    columns = [Column(ctx.t("col_id"), 0.2), Column(ctx.t("col_variable"), 0.2), Column(ctx.t("col_year"), 0.1),
               Column(ctx.t("col_value"), 0.12, "right"), Column(ctx.t("col_unit"), 0.12),
               Column(ctx.t("col_source"), 0.26)]
    rows = [[_sourced(h.id), _sourced(h.variable), _sourced(fmt.year(h.year)), _sourced(fmt.plain(h.value)),
             _sourced(pick(h.unit, ctx.lang)), _sourced(fmt.source(h, ctx.lang))] for h in ctx.plan.history]
    return Table(columns, rows, stripes=False)


def blocks(ctx) -> list:
    """The page content, top to bottom."""
    result = [Paragraph(ctx.t("assumptions_intro"), size=SMALL_SIZE + 0.5, colour=MUTED), Spacer()]
    if ctx.plan is not None and ctx.plan.assumptions:
        result += [Heading(ctx.t("plan_assumptions"), size=10), plan_assumptions_table(ctx), Spacer()]
    seen = set()
    for run in ctx.runs:
        key = str(run.manifest.get("scenario_sha256") or run.path)
        if key in seen:
            continue
        seen.add(key)
        if run.input_names or run.scenario is not None:
            result += [Heading(f"{ctx.t('scenario_uncertain')} · {run.name}", size=10)] + uncertain_table(ctx, run)
            result.append(Spacer())
        result += fixed_table(ctx, run)
    if ctx.plan is not None and ctx.plan.history:
        result += [Spacer(), Heading(ctx.t("plan_history"), size=10), history_table(ctx)]
    return result


def pages(ctx) -> list:
    """The assumptions page(s)."""
    title = ctx.t("assumptions")
    figures = flow(blocks(ctx), lambda i: new_page(title + (ctx.t("continued") if i else "")))
    return [Page("assumptions" if i == 0 else f"assumptions_{i + 1}", f) for i, f in enumerate(figures)]
