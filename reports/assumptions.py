"""Report stage, assumptions page: every number the results rest on that is NOT from the plan, set apart visibly.

Lists the plan file's ``assumptions`` (value, range, reason), each run's uncertain inputs
(distribution as written in the scenario, and the range actually sampled), its fixed settings and
levers; then, for contrast, the plan-sourced history figures with their document and line.
Assumption rows are on light orange; plan-sourced rows on white (the bundled CJK font has no
italic, so the difference is carried by colour and by the section headings).
"""

from . import formatting as fmt
from .indicators import display_name
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


#: Distribution, parameter and interpolation words in the report's language (ids kept where no word is known).
WORDS = {
    "zh": {"uniform": "均匀分布", "triangular": "三角分布", "normal": "正态分布", "lognormal": "对数正态分布",
           "choice": "离散取值", "low": "下限", "high": "上限", "mode": "众数", "mean": "均值", "sd": "标准差",
           "median": "中位数", "sigma": "对数标准差", "values": "取值", "weights": "权重", "linear": "线性插值",
           "step": "阶梯", "correlation": "相关"},
    "en": {},
}


def word(value: str, lang: str) -> str:
    return WORDS[lang].get(value, value)


def _distribution(spec, lang: str = "en") -> str:
    """``"uniform(low=0.01, high=0.03)"`` (``"均匀分布(下限=0.01, 上限=0.03)"``) from an UncertainInput."""
    params = ", ".join(f"{word(k, lang)}={_param(v)}" for k, v in spec.params.items())
    start = getattr(spec, "start", None)
    if start is None:
        return f"{word(spec.dist, lang)}({params})"
    year, before = start
    when = (f"，自 {fmt.year(year)} 年起（此前 {fmt.plain(before)}）" if lang == "zh"
            else f", from {fmt.year(year)} ({fmt.plain(before)} before)")
    return f"{word(spec.dist, lang)}({params}){when}"


def _param(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_param(v) for v in value) + "]"
    return fmt.plain(value)


def scenario_of(ctx, assumption) -> str:
    """Which scenario an assumption row belongs to: ids ``*_plan`` the plan; ``*_baseline``, or another row of a
    variable the plan has its own ``*_plan`` row for, the baseline; anything else both."""
    ident = str(assumption.id)
    if ident.endswith("_plan"):
        return ctx.t("in_plan")
    planned = {a.variable for a in ctx.plan.assumptions if str(a.id).endswith("_plan")}
    if ident.endswith("_baseline") or assumption.variable in planned:
        return ctx.t("in_baseline")
    return ctx.t("both_scenarios")


def plan_assumptions_table(ctx) -> Table:
    columns = [Column(ctx.t("col_variable"), 0.23), Column(ctx.t("col_scenario"), 0.1),
               Column(ctx.t("col_value"), 0.08, "right"), Column(ctx.t("col_range"), 0.13), Column(ctx.t("col_unit"), 0.09),
               Column(ctx.t("col_reason"), 0.37)]
    rows = [[_assumed(display_name(ctx.main, a.variable, ctx.lang)), _assumed(scenario_of(ctx, a)), _assumed(fmt.plain(a.value)),
             _assumed(_range(a.range)), _assumed(fmt.unit(a.unit, ctx.lang)), _assumed(_reason(ctx, a.reason))]
            for a in ctx.plan.assumptions]
    return Table(columns, rows, stripes=False)


def _reason(ctx, reason) -> str:
    """The assumption's reason in the report's language, else a pointer to the other-language report."""
    shown = fmt.localized(reason, ctx.lang)
    return shown if shown or not reason else ctx.t("reason_in_en")


def sampled_range(run, name: str) -> str:
    """Min – max of an input as sampled in ``run`` (inputs.csv)."""
    column = run.inputs[name].astype(float)
    return _range((column.min(), column.max()))


def uncertain_table(ctx, run) -> list:
    columns = [Column(ctx.t("col_variable"), 0.3), Column(ctx.t("col_dist"), 0.45), Column(ctx.t("col_sampled"), 0.25)]
    blocks = []
    if run.scenario is not None:
        rows = [[_assumed(display_name(run, u.name, ctx.lang)), _assumed(_distribution(u, ctx.lang)),
                 _assumed(sampled_range(run, u.name) if u.name in run.inputs else "")] for u in run.scenario.uncertain]
        if run.scenario.correlation:
            pairs = "; ".join(f"{display_name(run, a, ctx.lang)} ~ {display_name(run, b, ctx.lang)}: ρ = "
                              f"{fmt.number(rho)}" for a, b, rho in run.scenario.correlation)
            rows.append([_assumed(word("correlation", ctx.lang)), _assumed(pairs), _assumed("")])
    else:
        blocks.append(Paragraph(ctx.t("no_scenario_file"), size=SMALL_SIZE, colour=MUTED))
        rows = [[_assumed(display_name(run, name, ctx.lang)), _assumed("?"), _assumed(sampled_range(run, name))]
                for name in run.input_names]
    if rows:
        blocks.insert(0, Table(columns, rows, stripes=False))
    return blocks


def _lever_text(spec, lang: str = "en") -> str:
    points = ", ".join(f"{fmt.year(t)}: {fmt.plain(v)}" for t, v in zip(spec.times, spec.values))
    return f"{word(spec.kind, lang)} {{{points}}}"


def fixed_table(ctx, run) -> list:
    scenario = run.scenario
    if scenario is None or not (scenario.fixed or scenario.lever_specs):
        return []
    columns = [Column(ctx.t("col_variable"), 0.35), Column(ctx.t("col_value"), 0.65)]
    rows = [[_assumed(display_name(run, name, ctx.lang)), _assumed(_param(value))] for name, value in scenario.fixed.items()]
    rows += [[_assumed(display_name(run, name, ctx.lang)), _assumed(_lever_text(spec, ctx.lang))]
             for name, spec in scenario.lever_specs.items()]
    return [Heading(f"{ctx.t('scenario_fixed')} · {run.title(ctx.lang)}", size=10), Table(columns, rows, stripes=False), Spacer()]


def history_table(ctx) -> Table:
    columns = [Column(ctx.t("col_variable"), 0.4), Column(ctx.t("col_year"), 0.1),
               Column(ctx.t("col_value"), 0.12, "right"), Column(ctx.t("col_unit"), 0.12),
               Column(ctx.t("col_source"), 0.26)]
    rows = [[_sourced(display_name(ctx.main, h.variable, ctx.lang)), _sourced(fmt.year(h.year)),
             _sourced(fmt.plain(h.value)), _sourced(fmt.unit(h.unit, ctx.lang)), _sourced(fmt.source(h, ctx.lang))]
            for h in ctx.plan.history]
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
            result += [Heading(f"{ctx.t('scenario_uncertain')} · {run.title(ctx.lang)}", size=10)] + uncertain_table(ctx, run)
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
