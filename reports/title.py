"""Report stage, title page: what was run (region, plan, scenarios, n, seed, dates) and file fingerprints.

Everything printed here is read from the run folders (manifest, results attributes) and the
plan, so a reader can tell exactly which model, scenario and plan files produced the report.
"""

from datetime import datetime, timezone

from . import formatting as fmt
from .attainment import LIGHT_COLOURS
from .labels import pick
from .layout import Cell, Column, Heading, Paragraph, Spacer, Table, flow
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
    return [Paragraph(f"{run.name}: {run.scenario.description}", colour=MUTED)
            for run in ctx.runs if run.scenario is not None and run.scenario.description]


def hashes_table(ctx) -> Table:
    columns = [Column(ctx.t("col_scenario"), 0.2), Column(ctx.t("model_hash"), 0.27),
               Column(ctx.t("scenario_hash"), 0.27), Column(ctx.t("plan_hash"), 0.26)]
    rows = [[run.name, fmt.sha(_attr(run, "model_sha256")), fmt.sha(_attr(run, "scenario_sha256")),
             fmt.sha(_attr(run, "plan_sha256"))] for run in ctx.runs]
    return Table(columns, rows)


def glance(ctx) -> Table:
    """Count of goals per traffic light, per run."""
    columns = [Column(ctx.t("col_scenario"), 0.4)] + [Column(ctx.t(f"light_{light}"), 0.2) for light in LIGHT_COLOURS]
    rows = []
    for run in ctx.runs:
        counts = ctx.summary(run)["light"].value_counts()
        rows.append([run.name] + [Cell(str(int(counts.get(light, 0))), dot=colour)
                                  for light, colour in LIGHT_COLOURS.items()])
    return Table(columns, rows)


def pages(ctx) -> list:
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    blocks = plan_block(ctx) + [Spacer(0.02), Heading(ctx.t("runs")), runs_table(ctx)] + descriptions(ctx)
    blocks += [Spacer(0.02), Heading(ctx.t("scorecard")), glance(ctx)]
    blocks += [Spacer(0.02), Heading(ctx.t("hashes")), hashes_table(ctx), Spacer(0.02),
               Paragraph(f"{ctx.t('version')}: {_attr(ctx.main, 'plansim_version') or '–'} · "
                         f"{ctx.t('generated')}: {generated}", colour=MUTED)]
    subtitle = pick(ctx.plan.name, ctx.lang) if ctx.plan is not None else ctx.main.name
    figures = flow(blocks, lambda i: new_page(ctx.t("report_title"), subtitle))
    return [Page("title" if i == 0 else f"title_{i + 1}", f) for i, f in enumerate(figures)]
