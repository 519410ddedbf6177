"""Report stage, Word writer: the report as an editable .docx (python-docx) with the PDF's content, in its order.

Each section's text blocks (:mod:`reports.layout` Heading / Paragraph / Table, from the same
``blocks(ctx)`` functions that the PDF pages flow) become Word headings, paragraphs and tables; the
charts (sensitivity bars, fans, drivers, median paths, history panels) go in as pictures rendered
from the same figures at :data:`DPI`. The model-structure appendix (equations) stays in the PDF.
"""

import io
from pathlib import Path

from . import (analyses, assumptions, changes, colophon, comparison, drivers, fan_charts, findings, glossary, scorecard,
               validation_page)
from .layout import Cell, Heading, Paragraph, Table

#: Resolution of the chart pictures (dots per inch) and their width on the page (cm).
DPI, WIDTH_CM = 110, 16.0

#: East-Asian font of the document (Word falls back to a system CJK font when it is not installed).
CJK_FONT = "Noto Sans CJK SC"


def _figures(pages):
    return [page.figure for page in pages]


#: (title key, text blocks, charts) per section in report order; either may be empty.
SECTIONS = (
    ("findings", findings.blocks, None),
    ("changes", changes.blocks, None),
    ("scorecard", scorecard.blocks, None),
    ("comparison", comparison.blocks, lambda ctx: [p.figure for p in comparison.figures(ctx)
                                                   if p.name == "comparison_medians"]),
    ("validation", None, lambda ctx: _figures(validation_page.pages(ctx))),
    ("sens_title", None, lambda ctx: _figures(analyses.sensitivity_pages(ctx))),
    ("seek_title", analyses.blocks, None),
    ("fan_charts", None, lambda ctx: _figures(fan_charts.figures(ctx))),
    ("drivers_all", None, lambda ctx: _figures(drivers.figures(ctx))),
    ("assumptions", assumptions.blocks, None),
    ("glossary", glossary.blocks, None),
    ("colophon", colophon.blocks, None),
)


def _font(run, size=None, colour=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = CJK_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    if size:
        run.font.size = Pt(size)
    if colour and colour.startswith("#") and len(colour) == 7:
        run.font.color.rgb = RGBColor.from_string(colour[1:].upper())


def _text(cell) -> str:
    return cell.text if isinstance(cell, Cell) else str(cell)


def add_block(doc, block) -> None:
    """One layout block as Word content (a Spacer adds nothing: Word spaces paragraphs itself)."""
    if isinstance(block, Heading):
        _font(doc.add_heading(block.text, level=2).runs[0])
    elif isinstance(block, Paragraph):
        _font(doc.add_paragraph().add_run(block.text), 10, getattr(block, "colour", None))
    elif isinstance(block, Table):
        add_table(doc, block)


def add_table(doc, table: Table) -> None:
    """A layout Table as a Word table: a header row (when the table shows one), then its rows as text."""
    header = getattr(table, "show_header", True)
    rows = ([[c.header for c in table.columns]] if header else []) + [[_text(c) for c in row] for row in table.rows]
    word = doc.add_table(rows=len(rows), cols=len(table.columns))
    word.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = word.cell(r, c)
            cell.text = ""
            _font(cell.paragraphs[0].add_run(value), 8.5)


def add_figure(doc, figure) -> None:
    from docx.shared import Cm

    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=DPI, format="png", facecolor="white")
    buffer.seek(0)
    doc.add_picture(buffer, width=Cm(WIDTH_CM))
    figure.clear()


def write_docx(ctx, out_dir: Path) -> Path:
    """Write ``report_<lang>.docx`` into ``out_dir``; returns its path."""
    import docx

    doc = docx.Document()
    _font(doc.add_heading(ctx.t("report_title"), level=0).runs[0])
    for key, texts, charts in SECTIONS:
        content = texts(ctx) if texts else []
        figures = charts(ctx) if charts else []
        if not content and not figures:
            continue
        _font(doc.add_heading(ctx.t(key), level=1).runs[0])
        for block in content:
            add_block(doc, block)
        for figure in figures:
            add_figure(doc, figure)
    path = Path(out_dir) / f"report_{ctx.lang}.docx"
    doc.save(path)
    return path
