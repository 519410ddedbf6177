"""Report stage, paper: A4 figures with a title band and a footer; the unit every page module returns.

A :class:`Page` pairs a matplotlib Figure with the file stem its PNG gets (``scorecard``,
``fan_gdp`` …). Figures are made with :class:`matplotlib.figure.Figure` directly (no pyplot
state), so building a report never leaks windows or memory between calls.
"""

from dataclasses import dataclass

from matplotlib.figure import Figure

from . import fonts  # noqa: F401  (registers the CJK font before any figure exists)

#: A4 portrait, inches.
A4 = (8.27, 11.69)

#: Page margins as figure fractions.
LEFT, RIGHT, TOP, BOTTOM = 0.07, 0.95, 0.915, 0.05

#: Font sizes (points).
TITLE_SIZE, HEADING_SIZE, BODY_SIZE, SMALL_SIZE = 15, 11.5, 8.5, 7

#: Colours.
INK, MUTED, RULE = "#1a1a1a", "#666666", "#bbbbbb"


@dataclass
class Page:
    """One page of the report.

    Attributes
    ----------
    name : str
        File stem of the page's PNG (content-named, ASCII: ``scorecard``, ``fan_gdp``).
    figure : matplotlib.figure.Figure
    """

    name: str
    figure: Figure


def year_ticks(ax, bins: int = 6) -> None:
    """Whole years on a time axis (no "2022.5" between them)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=bins))


def new_page(title: str, subtitle: str = "", size=A4) -> Figure:
    """An empty page with ``title`` (and an optional ``subtitle`` line) in the top band."""
    fig = Figure(figsize=size)
    fig.text(LEFT, 0.957, title, fontsize=TITLE_SIZE, color=INK, va="center")
    if subtitle:
        fig.text(LEFT, 0.935, subtitle, fontsize=SMALL_SIZE + 0.5, color=MUTED, va="center")
    fig.add_artist(_rule(fig, 0.925))
    return fig


def _rule(fig: Figure, y: float):
    from matplotlib.lines import Line2D

    return Line2D([LEFT, RIGHT], [y, y], transform=fig.transFigure, color=RULE, linewidth=0.8)


def add_footer(fig: Figure, left: str, right: str) -> None:
    """Write the footer line (``left`` text, ``right`` text) at the page bottom."""
    fig.text(LEFT, 0.022, left, fontsize=SMALL_SIZE, color=MUTED, va="center")
    fig.text(RIGHT, 0.022, right, fontsize=SMALL_SIZE, color=MUTED, va="center", ha="right")


def line_height(fig: Figure, fontsize: float, spacing: float = 1.38) -> float:
    """Height of one text line of ``fontsize`` points, as a fraction of the figure height."""
    return fontsize * spacing / 72.0 / fig.get_figheight()
