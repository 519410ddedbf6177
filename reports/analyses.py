"""Report stage, analysis pages: sensitivity indices, "what it would take" (seek) and PRIM boxes, when they exist.

Reads the result files of ``python run.py sensitivity | seek | prim`` through
:func:`reports.evidence.read_analysis` (CSV in the run folder or its ``analysis/`` subfolder) and
shows them as tables: goal ids become goal labels, input ids become input labels, known column
names are translated. An analysis that has not been run is said to be missing, with the command
that makes it, so the reader knows what the report does not yet contain.
"""

import math

from . import evidence
from . import formatting as fmt
from .indicators import input_label
from .layout import Column, Heading, Paragraph, Spacer, Table, flow
from .page import MUTED, SMALL_SIZE, Page, new_page

#: Rows shown per analysis table.
MAX_ROWS = 40

#: Known column names of the analysis files -> label key.
COLUMN_KEYS = {"goal_id": "col_goal", "goal": "col_goal", "input": "col_input", "S1": "col_s1", "ST": "col_st",
               "S1_conf": "col_conf", "ST_conf": "col_conf", "low": "col_low", "high": "col_high",
               "value": "col_value", "p_met": "col_prob", "coverage": "col_coverage", "density": "col_density"}

KINDS = ("sensitivity", "seek", "prim")


def _cell(ctx, run, column: str, value) -> str:
    if column in ("goal_id", "goal"):
        goal = next((g for g in ctx.goals() if g.id == value), None)
        return ctx.label(goal) if goal is not None else str(value)
    if column == "input":
        return input_label(run, str(value), ctx.lang)
    if isinstance(value, float):
        return "–" if math.isnan(value) else fmt.number(value)
    return str(value)


def table(ctx, run, frame) -> Table:
    names = list(frame.columns)
    width = 1.0 / max(len(names), 1)
    columns = [Column(ctx.t(COLUMN_KEYS[n]) if n in COLUMN_KEYS else f"`{n}`", width) for n in names]
    rows = [[_cell(ctx, run, n, row[n]) for n in names] for _, row in frame.head(MAX_ROWS).iterrows()]
    return Table(columns, rows, size=SMALL_SIZE + 0.5)


def blocks(ctx) -> list:
    run = ctx.main
    result = []
    for kind in KINDS:
        frame, path = evidence.read_analysis(run, kind)
        result.append(Heading(ctx.t(f"what_{kind}"), size=10))
        if frame is None:
            result.append(Paragraph(ctx.t("f_missing", what=ctx.t(f"what_{kind}"), command=evidence.command(run, kind)),
                                    colour=MUTED))
        else:
            result += [Paragraph(ctx.t("analysis_file", file=path.name), size=SMALL_SIZE, colour=MUTED),
                       table(ctx, run, frame)]
        result.append(Spacer())
    return result


def pages(ctx) -> list:
    title = ctx.t("analyses")
    figures = flow(blocks(ctx), lambda i: new_page(title + (ctx.t("continued") if i else ""), ctx.main.title(ctx.lang)))
    return [Page("analyses" if i == 0 else f"analyses_{i + 1}", f) for i, f in enumerate(figures)]
