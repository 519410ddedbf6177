"""Report stage, PDF writer: puts every section's pages into one A4 PDF with footers and document metadata.

Uses matplotlib's PdfPages; the CJK font is embedded as a glyph subset (see reports.fonts).
"""

from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages

from .labels import pick
from .page import add_footer


def _footer_left(ctx) -> str:
    region = pick(ctx.plan.name, ctx.lang) if ctx.plan is not None else ""
    runs = ", ".join(run.title(ctx.lang) for run in ctx.runs)
    return " · ".join(part for part in (region, runs) if part)


def write_pdf(ctx, pages: list, out_dir: Path) -> Path:
    """Write ``pages`` (in order, footers added) to ``report_<lang>.pdf`` in ``out_dir``; returns its path."""
    path = Path(out_dir) / f"report_{ctx.lang}.pdf"
    left = _footer_left(ctx)
    metadata = {"Title": f"{ctx.t('report_title')} – {left}", "Creator": f"plansim (matplotlib {matplotlib.__version__})"}
    with PdfPages(path, metadata=metadata) as pdf:
        for index, page in enumerate(pages, start=1):
            add_footer(page.figure, left, ctx.t("page", i=index, n=len(pages)))
            pdf.savefig(page.figure)
    return path
