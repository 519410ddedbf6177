"""Report stage, text layout: flows headings, paragraphs and tables down A4 pages, wrapping and paginating.

Page modules describe *what* goes on the paper as a list of blocks (:class:`Heading`,
:class:`Paragraph`, :class:`Table`, :class:`Spacer`); :func:`flow` places them top-down,
wraps text to the column widths (glyph advances measured in the report font; CJK text may break
between any two characters, Latin text at spaces, punctuation stays with its word), starts a new page when
one is full and repeats a table's header row on every page it continues onto.
"""

import unicodedata
from dataclasses import dataclass

from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Rectangle

from .fonts import advance_em
from .page import BODY_SIZE, BOTTOM, HEADING_SIZE, INK, LEFT, RIGHT, RULE, TOP, line_height

#: Share of a column's width that wrapping fills (advances are measured; kerning and hinting are not).
WRAP_SAFETY = 0.97

#: Vertical padding of a table row, in text lines.
ROW_PAD = 0.3

#: Horizontal padding inside a table cell, as a fraction of the page width.
CELL_PAD = 0.006


@dataclass
class Cell:
    """A table cell: text plus optional styling.

    Attributes
    ----------
    text : str
    background : str or None
        Face colour of the cell.
    colour : str
        Text colour.
    style : {"normal", "italic"}
    weight : str
        Font weight; the bundled CJK font has one weight, so emphasis is by colour/size.
    dot : str or None
        Colour of a filled traffic-light dot drawn before the text.
    """

    text: str
    background: str = None
    colour: str = INK
    style: str = "normal"
    weight: str = "normal"
    dot: str = None


@dataclass
class Column:
    """A table column: header text, width (fraction of the text width) and alignment."""

    header: str
    width: float
    align: str = "left"


@dataclass
class Heading:
    text: str
    size: float = HEADING_SIZE


@dataclass
class Paragraph:
    text: str
    size: float = BODY_SIZE
    colour: str = INK
    style: str = "normal"
    background: str = None


@dataclass
class Spacer:
    height: float = 0.012


@dataclass
class Table:
    """A table block; ``rows`` hold str or :class:`Cell` values, one per column."""

    columns: list
    rows: list
    size: float = BODY_SIZE
    row_background: str = None
    header_background: str = "#e8e8e8"
    stripes: bool = True
    show_header: bool = True


def _char_em(char: str) -> float:
    return advance_em(char)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_em(text: str) -> float:
    """Approximate width of ``text`` in ems."""
    return sum(_char_em(c) for c in text)


#: Characters that must not start a line (kept with the unit before) or end one (kept with the unit after).
NO_LINE_START = set(")]）】」』》〉、，。；：！？%％,.;:!?”’")
NO_LINE_END = set("([（【「『《〈“‘")


#: Half-width characters after which a line may break (identifiers like ``tfp_growth[secondary]``).
BREAK_AFTER = set("_/,")


def _tokens(text: str) -> list:
    """Wrap units of ``text``, with closing/opening punctuation glued to its neighbour."""
    units = []
    for token in _raw_tokens(text):
        if units and (token[0] in NO_LINE_START or units[-1].rstrip()[-1:] in NO_LINE_END):
            units[-1] += token
        else:
            units.append(token)
    return units


def _raw_tokens(text: str):
    """Split into wrap units: runs of half-width non-space characters (with trailing spaces), single wide chars."""
    token = ""
    for char in text:
        if _wide(char):
            if token:
                yield token
                token = ""
            yield char
        elif (char == " " and token and not token.endswith(" ")) or char in BREAK_AFTER:
            token += char
            yield token
            token = ""
        else:
            token += char
    if token:
        yield token


def wrap(text: str, width_em: float) -> list:
    """Greedy line wrap of ``text`` to ``width_em`` ems; explicit newlines are kept."""
    lines = []
    for paragraph in str(text).split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if line and text_em(line + token.rstrip()) > width_em:
                lines.append(line.rstrip())
                line, token = "", token.lstrip()
            while not line and text_em(token.rstrip()) > width_em:     # a unit wider than the column
                cut = _fit(token, width_em)
                lines.append(token[:cut])
                token = token[cut:]
            line += token
        lines.append(line.rstrip())
    return lines


def wrap_to_page(fig, text: str, size: float) -> list:
    """Lines of ``text`` wrapped to the page's text width at ``size`` points."""
    return wrap(text, _width_em(fig, 1.0, size))


def _fit(token: str, width_em: float) -> int:
    used = 0.0
    for i, char in enumerate(token):
        used += _char_em(char)
        if used > width_em:
            return max(i, 1)
    return len(token)


class _Cursor:
    """Where the next block goes: the current figure and the y of its next line."""

    def __init__(self, new_page):
        self.new_page = new_page
        self.pages = []
        self._start()

    def _start(self):
        self.fig = self.new_page(len(self.pages))
        self.pages.append(self.fig)
        self.y = TOP - 0.012

    def need(self, height: float) -> bool:
        """Start a new page if ``height`` does not fit; True if a page was started."""
        if self.y - height < BOTTOM + 0.015 and self.y < TOP - 0.013:
            self._start()
            return True
        return False


def _width_em(fig, fraction: float, size: float) -> float:
    return WRAP_SAFETY * (fraction * (RIGHT - LEFT) - 2 * CELL_PAD) * fig.get_figwidth() * 72.0 / size


def _place_heading(cur: _Cursor, block: Heading):
    h = line_height(cur.fig, block.size, 1.7)
    cur.need(h * 2.5)
    cur.fig.text(LEFT, cur.y - h * 0.55, block.text, fontsize=block.size, color=INK, va="center")
    cur.y -= h * 1.05


def _place_paragraph(cur: _Cursor, block: Paragraph):
    lines = wrap(block.text, _width_em(cur.fig, 1.0, block.size))
    h = line_height(cur.fig, block.size)
    for index, line in enumerate(lines):
        cur.need(h)
        if block.background:
            cur.fig.add_artist(Rectangle((LEFT, cur.y - h), RIGHT - LEFT, h, transform=cur.fig.transFigure,
                                         facecolor=block.background, edgecolor="none", zorder=0))
        cur.fig.text(LEFT + CELL_PAD, cur.y - h / 2, line, fontsize=block.size, color=block.colour,
                     style=block.style, va="center")
        cur.y -= h


def _as_cell(value) -> Cell:
    return value if isinstance(value, Cell) else Cell("" if value is None else str(value))


def _draw_row(cur: _Cursor, table: Table, cells, height: float, h: float, header: bool, stripe: bool):
    fig, x = cur.fig, LEFT
    base = table.header_background if header else (table.row_background or ("#f6f6f6" if stripe else None))
    for column, cell in zip(table.columns, cells):
        width = column.width * (RIGHT - LEFT)
        face = cell.background or base
        if face:
            fig.add_artist(Rectangle((x, cur.y - height), width, height, transform=fig.transFigure,
                                     facecolor=face, edgecolor="none", zorder=0))
        lines = cell.lines
        indent = 0.0
        if cell.dot:
            radius = h * 0.32
            fig.add_artist(_dot(fig, x + CELL_PAD + radius * fig.get_figheight() / fig.get_figwidth(),
                                cur.y - h / 2, radius, cell.dot))
            indent = 2.6 * radius * fig.get_figheight() / fig.get_figwidth()
        for i, line in enumerate(lines):
            tx = {"left": x + CELL_PAD + indent, "right": x + width - CELL_PAD, "center": x + width / 2}[column.align]
            fig.text(tx, cur.y - h * (i + 0.5) - h * ROW_PAD / 2, line, fontsize=table.size, color=cell.colour, style=cell.style,
                     weight=cell.weight, va="center", ha=column.align)
        x += width
    fig.add_artist(Line2D([LEFT, RIGHT], [cur.y - height] * 2, transform=fig.transFigure, color=RULE,
                          linewidth=0.8 if header else 0.3))
    cur.y -= height


def _dot(fig, x, y, radius_fig_h, colour):
    return Ellipse((x, y), 2 * radius_fig_h * fig.get_figheight() / fig.get_figwidth(), 2 * radius_fig_h,
                   transform=fig.transFigure, facecolor=colour, edgecolor="none")


def _prepare(cur: _Cursor, table: Table, row) -> list:
    cells = [_as_cell(v) for v in row]
    for column, cell in zip(table.columns, cells):
        width = _width_em(cur.fig, column.width, table.size) - (2.2 if cell.dot else 0)
        cell.lines = wrap(cell.text, width)
    return cells


def _place_table(cur: _Cursor, table: Table):
    h = line_height(cur.fig, table.size, 1.32)
    pad = h * ROW_PAD
    header = _prepare(cur, table, [column.header for column in table.columns])

    def row_height(cells):
        return max(len(c.lines) for c in cells) * h + pad

    def put_header():
        if table.show_header:
            _draw_row(cur, table, header, row_height(header), h, True, False)

    rows = [_prepare(cur, table, row) for row in table.rows]
    first = rows[0] if rows else []
    cur.need((row_height(header) if table.show_header else 0) + (row_height(first) if rows else 0))
    put_header()
    for index, cells in enumerate(rows):
        height = row_height(cells)
        if cur.need(height):
            put_header()
        _draw_row(cur, table, cells, height, h, False, table.stripes and index % 2 == 1)


def _place_spacer(cur: _Cursor, block: Spacer):
    cur.y -= block.height


#: block type -> placer(cursor, block)
PLACERS = {Heading: _place_heading, Paragraph: _place_paragraph, Table: _place_table, Spacer: _place_spacer}


def flow(blocks, new_page) -> list:
    """Lay ``blocks`` out top-down over as many pages as needed.

    Parameters
    ----------
    blocks : list of Heading, Paragraph, Table, Spacer
    new_page : callable(int) -> Figure
        Makes page number ``i`` (0-based) of this flow, with its title band.

    Returns
    -------
    list of matplotlib.figure.Figure
    """
    cursor = _Cursor(new_page)
    for block in blocks:
        PLACERS[type(block)](cursor, block)
    return cursor.pages
