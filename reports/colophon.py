"""Report stage, colophon (last page): what was run (plan document, scenarios, n, seed, dates) and file fingerprints.

Everything printed here is read from the run folders (manifest, results attributes) and the
plan, so a reader can tell exactly which model, scenario and plan files produced the report.
Proper ids (file names, scenario names, hashes) are printed as they are, in either language.
"""

from datetime import datetime, timezone

from . import formatting as fmt
from .labels import pick
from .layout import Column, Heading, Paragraph, Spacer, Table, flow
from .page import MUTED, Page, new_page


def _attr(run, key):
    value = run.manifest.get(key)
    return run.results.attrs.get(key) if value in (None, "") else value


def plan_block(ctx) -> list:
    plan = ctx.plan
    if plan is None:
        return []
    meta = plan.plan
    rows = [[ctx.t("region"), f"{pick(plan.name, ctx.lang)} ({plan.region})"],
            [ctx.t("plan"), pick(meta.get("title"), ctx.lang)],
            [ctx.t("period"), pick(meta.get("period"), ctx.lang)],
            [ctx.t("plan_doc"), pick(meta.get("doc"), ctx.lang)]]
    return [Table([Column("", 0.22), Column("", 0.78)], rows, stripes=False, show_header=False)]


def runs_table(ctx) -> Table:
    columns = [Column(ctx.t("col_scenario"), 0.2), Column(ctx.t("n_scenarios"), 0.1, "right"),
               Column(ctx.t("seed"), 0.1, "right"), Column(ctx.t("sampling"), 0.12), Column(ctx.t("method"), 0.12),
               Column(ctx.t("finished"), 0.36)]
    rows = [[run.name, str(run.n), "–" if run.seed in (None, "") else str(run.seed),
             str(_attr(run, "sampling") or "–"), str(_attr(run, "method") or run.results.attrs.get("method", "–")),
             str(run.manifest.get("finished") or "–")] for run in ctx.runs]
    return Table(columns, rows)


def descriptions(ctx) -> list:
    """Each run's scenario description in the report's language (``description: {zh, en}``); a description written
    only in the other language is not shown."""
    result = []
    for run in ctx.runs:
        value = run.scenario.description if run.scenario is not None else ""
        shown = pick(value, ctx.lang) if isinstance(value, dict) else value
        wrong = not isinstance(value, dict) and (fmt.has_latin(shown) if ctx.lang == "zh" else fmt.has_cjk(shown))
        if shown and not wrong:
            result.append(Paragraph(f"{run.name}: {shown}", colour=MUTED))
    return result


def hashes_table(ctx) -> Table:
    columns = [Column(ctx.t("col_scenario"), 0.2), Column(ctx.t("model_hash"), 0.27),
               Column(ctx.t("scenario_hash"), 0.27), Column(ctx.t("plan_hash"), 0.26)]
    rows = [[run.name, fmt.sha(_attr(run, "model_sha256")), fmt.sha(_attr(run, "scenario_sha256")),
             fmt.sha(_attr(run, "plan_sha256"))] for run in ctx.runs]
    return Table(columns, rows)


def blocks(ctx) -> list:
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    blocks = plan_block(ctx) + [Spacer(0.02), Heading(ctx.t("runs")), runs_table(ctx)] + descriptions(ctx)
    blocks += [Spacer(0.02), Heading(ctx.t("hashes")), hashes_table(ctx), Spacer(0.02),
               Paragraph(f"{ctx.t('version')}: {_attr(ctx.main, 'plansim_version') or '–'} · "
                         f"{ctx.t('generated')}: {generated}", colour=MUTED)]
    return blocks


def pages(ctx) -> list:
    blocks_ = blocks(ctx)
    subtitle = pick(ctx.plan.name, ctx.lang) if ctx.plan is not None else ctx.main.title(ctx.lang)
    figures = flow(blocks_, lambda i: new_page(ctx.t("colophon"), subtitle))
    return [Page("colophon" if i == 0 else f"colophon_{i + 1}", f) for i, f in enumerate(figures)]
