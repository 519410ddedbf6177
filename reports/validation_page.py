"""Report stage, validation page: the baseline against the published record, fit window shaded, error table.

Numbers from :func:`reports.evidence.validation` (= ``python run.py validate-history`` on the region's
baseline.yaml). One small panel per series (published figures as dots, the model as a line, the
fit window in grey, and the 5-95 % band of ``baseline_uncertain.yaml`` shaded: the band the record
test reads, :func:`reports.evidence.record_bands`), then the table of in- and out-of-sample errors
with Theil's decomposition, the words "exactly identified" when the fit window has no more figures
than free constants, and each known misfit of the region's plan (``record.misfits``: size and
reason, issue 20).
"""

import numpy as np

from . import evidence
from .indicators import input_label
from .layout import Column, Paragraph, Spacer, Table, flow
from .page import LEFT, MUTED, RIGHT, SMALL_SIZE, TOP, Page, new_page, year_ticks

#: Panels per page (columns × rows) and the share of the first page they take.
GRID = (3, 3)
PANEL_AREA = 0.52

OBSERVED, SIMULATED, WINDOW, BAND = "#000000", "#0072b2", "#d9d9d9", "#9ecae1"
#: points after the fit window that make a series' out-of-sample errors a test (issue 22)
OOS_TEST = 3


def _panel(ax, ctx, series, fit_until, band=None) -> None:
    years = np.asarray(series.years, dtype=float)
    ax.axvspan(min(years.min(), fit_until) - 0.5, fit_until + 0.5, color=WINDOW, linewidth=0, zorder=0)
    if band is not None and len(band[0]):
        ax.fill_between(band[0], band[1], band[2], color=BAND, alpha=0.6, linewidth=0, zorder=1,
                        label=ctx.t("validation_band"))
    ax.plot(years, series.simulated, color=SIMULATED, linewidth=1.4, marker="s", markersize=2.5,
            label=ctx.t("simulated"))
    ax.plot(years, series.observed, "o", color=OBSERVED, markersize=4.5, markerfacecolor="none",
            markeredgewidth=1.0, label=ctx.t("observed"), zorder=5)
    if years.min() == years.max():
        ax.set_xlim(years.min() - 1.5, years.max() + 1.5)
    ax.set_title(input_label(ctx.main, series.variable, ctx.lang), fontsize=7.5, loc="left")
    ax.tick_params(labelsize=6)
    year_ticks(ax, 4)
    ax.grid(True, color="#e5e5e5", linewidth=0.4)


def panel_area(count: int) -> float:
    """Height (figure fraction) the panels of ``count`` series take on a page."""
    return PANEL_AREA / GRID[1] * -(-min(count, GRID[0] * GRID[1]) // GRID[0])


def _grid(fig, ctx, report, chunk, top, bands) -> None:
    cols, rows = GRID
    width = (RIGHT - LEFT) / cols
    height = PANEL_AREA / rows
    for index, series in enumerate(chunk):
        r, c = divmod(index, cols)
        ax = fig.add_axes([LEFT + c * width + 0.035, top - (r + 1) * height + 0.03, width - 0.055, height - 0.055])
        _panel(ax, ctx, series, report.fit_until, bands.get(series.variable))
        if index == 0:
            ax.legend(fontsize=6, frameon=False, loc="best")


def _error(err) -> list:
    if err is None:
        return ["–"] * 4
    return [f"{err.mape:.1f}%", f"{err.rmspe:.1f}%", f"{err.theil_u:.3f}", f"{err.um:.2f} / {err.us:.2f} / {err.uc:.2f}"]


def error_table(ctx, report) -> Table:
    columns = [Column(ctx.t("col_series"), 0.25), Column(ctx.t("col_window"), 0.12), Column("n", 0.05, "right"),
               Column(ctx.t("col_mape"), 0.13, "right"), Column(ctx.t("col_rmspe"), 0.13, "right"),
               Column(ctx.t("col_theil"), 0.09, "right"), Column(ctx.t("col_split"), 0.14, "right"),
               Column(ctx.t("col_trend"), 0.09)]
    rows = []
    for s in report.series:
        trend = "–" if s.trend_agrees is None else ctx.t("trend_same" if s.trend_agrees else "trend_diff")
        for key, err in (("in_sample", s.in_sample), ("out_sample", s.out_of_sample)):
            if err is not None:
                rows.append([input_label(ctx.main, s.variable, ctx.lang), ctx.t(key), str(err.n), *_error(err), trend])
    return Table(columns, rows, size=SMALL_SIZE + 0.5)


def pages(ctx) -> list:
    report, reason, command = evidence.validation(ctx)
    title = ctx.t("validation")
    if report is None:
        return [Page("validation", flow([Paragraph(ctx.t("validation_missing", why=ctx.t(reason), command=command))],
                                        lambda i: new_page(title))[0])]
    head = [Paragraph(ctx.t("validation_intro", until=report.fit_until), size=SMALL_SIZE + 0.5, colour=MUTED),
            Paragraph(ctx.t("f_validation", series=len(report.series), until=report.fit_until,
                            fit=report.n_fit_figures, free=report.n_free))]
    if report.exactly_identified:
        head.append(Paragraph(ctx.t("exactly_identified"), colour="#a03000"))
    head += [Paragraph(sentence) for sentence in evidence.no_out_of_sample(ctx, report)]
    tested = [s for s in report.series if s.out_of_sample is not None and s.out_of_sample.n >= OOS_TEST]
    if tested:
        names = "、".join(input_label(ctx.main, s.variable, ctx.lang) for s in tested) if ctx.lang == "zh" else \
            ", ".join(input_label(ctx.main, s.variable, ctx.lang) for s in tested)
        head.append(Paragraph(ctx.t("f_oos_tested", k=len(tested), n=OOS_TEST, names=names)))
    head += [Paragraph(sentence, colour="#a03000") for sentence in evidence.record_misfits(ctx)]
    bands = evidence.record_bands(ctx, report)
    per_page = GRID[0] * GRID[1]
    chunks = [report.series[i:i + per_page] for i in range(0, len(report.series), per_page)] or [[]]
    result = []
    for index, chunk in enumerate(chunks):
        fig = new_page(title + (ctx.t("continued") if index else ""), ctx.t("validation_subtitle", command=command))
        _grid(fig, ctx, report, chunk, TOP - 0.01, bands)
        result.append(fig)
    below = TOP - 0.01 - panel_area(len(chunks[-1]))

    def make(i):
        return result[-1] if i == 0 else new_page(title + ctx.t("continued"), ctx.t("validation_subtitle", command=command))

    tail = flow(_start_at(below) + head + ([error_table(ctx, report)] if report.series else []), make)
    figures = result[:-1] + tail
    return [Page("validation" if i == 0 else f"validation_{i + 1}", f) for i, f in enumerate(figures)]


def _start_at(y) -> list:
    """Blocks that move the flow cursor down to ``y`` on its first page (below the panels)."""
    return [Spacer(max(0.0, TOP - 0.012 - y))]

