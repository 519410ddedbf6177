"""Report stage, Excel writer: the report's numbers as an editable .xlsx workbook (openpyxl), in the report's language.

Sheets (names and headers in the report's language):

- goals (目标): one row per run × goal — target, goal year, the verdict as the scorecard words it,
  P(met), median, 5 % and 95 % (:mod:`reports.attainment`, the numbers the PDF prints);
- by year (逐年): per run × goal × saved year — percentiles 5/25/50/75/95 of the goal's variable
  (:func:`reports.fan_charts.series_percentiles`, the fan charts' numbers) and the share of samples
  that have met the goal by that year (``first_year_met`` of goals.csv);
- inputs (输入): per run × sampled input — its name, distribution as written, sampled min, median, max;
- samples (抽样值): the main run's sampled input values, one row per sample.

Probabilities are stored as fractions with a percent number format, values as numbers.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from . import formatting as fmt
from . import verdicts
from .assumptions import _distribution
from .fan_charts import series_percentiles
from .indicators import input_label

PERCENTS = (5, 25, 50, 75, 95)


def _run_goals(ctx):
    """(run, goal, its summary row) for every run and every goal the run's goals.csv holds."""
    for run in ctx.runs:
        summary = ctx.summary(run)
        for goal in ctx.goals():
            if goal.id in summary.index:
                yield run, goal, summary.loc[goal.id]


def goal_rows(ctx) -> list:
    return [[run.title(ctx.lang), ctx.label(goal), goal.id, fmt.target(goal, ctx.lang), str(goal.year),
             verdicts.word(ctx, run, goal), float(s["p_met"]), float(s["median"]), float(s["q05"]), float(s["q95"])]
            for run, goal, s in _run_goals(ctx)]


def year_rows(ctx) -> list:
    rows = []
    for run, goal, s in _run_goals(ctx):
        times, values, _ = series_percentiles(run, goal, list(PERCENTS))
        first = pd.to_numeric(run.goal_rows(goal.id, ("scenario", "first_year_met"))["first_year_met"],
                              errors="coerce").to_numpy(dtype=float)
        total = int(s["n"])
        for i, year in enumerate(times):
            met = float(np.sum(first <= year + 1e-9)) / total if total else np.nan
            rows.append([run.title(ctx.lang), ctx.label(goal), int(round(year)), *[float(v) for v in values[:, i]], met])
    return rows


def input_rows(ctx) -> list:
    rows = []
    for run in ctx.runs:
        specs = {s.name: s for s in (run.scenario.uncertain if run.scenario is not None else [])}
        for name in run.input_names:
            column = pd.to_numeric(run.inputs[name], errors="coerce")
            rows.append([run.title(ctx.lang), input_label(run, name, ctx.lang), name,
                         _distribution(specs[name], ctx.lang) if name in specs else "",
                         float(column.min()), float(column.median()), float(column.max())])
    return rows


def _sheet(book, title, header, rows, percent_columns=()):
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None if isinstance(v, float) and not np.isfinite(v) else v for v in row])
    for column in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "0%"
    for index, name in enumerate(header, 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, min(40, len(str(name)) * 2 + 4))
    sheet.freeze_panes = "A2"
    return sheet


def write_xlsx(ctx, out_dir: Path) -> Path:
    """Write ``report_<lang>.xlsx`` into ``out_dir``; returns its path."""
    from openpyxl import Workbook

    t = ctx.t
    book = Workbook()
    book.remove(book.active)
    _sheet(book, t("sheet_goals"), [t("col_scenario"), t("col_goal"), t("col_id"), t("col_target"), t("col_goal_year"),
                                    t("col_verdict"), t("col_prob"), t("col_q50"), t("col_q05"), t("col_q95")],
           goal_rows(ctx), percent_columns=(7,))
    _sheet(book, t("sheet_years"), [t("col_scenario"), t("col_goal"), t("col_year"),
                                    *[t(f"col_q{p:02d}") for p in PERCENTS], t("col_p_by_year")],
           year_rows(ctx), percent_columns=(9,))
    _sheet(book, t("sheet_inputs"), [t("col_scenario"), t("col_input"), t("col_id"), t("col_dist"), t("col_min"),
                                     t("col_q50"), t("col_max")], input_rows(ctx))
    main = ctx.main
    if main.input_names:
        samples = main.inputs.reset_index()
        _sheet(book, t("sheet_samples"), [samples.columns[0]] + [input_label(main, n, ctx.lang) for n in main.input_names],
               samples.astype(float).to_numpy().tolist())
    path = Path(out_dir) / f"report_{ctx.lang}.xlsx"
    book.save(path)
    return path
