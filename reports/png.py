"""Report stage, PNG writer: every figure and table page as its own content-named PNG at print resolution.

Sections listed in ``figure_sections`` provide stand-alone figures (``fan_gdp``, ``drivers_<goal>``,
``comparison_medians``) through ``figures(ctx)``; those replace their A4 pages. Other sections'
pages (``title``, ``scorecard``, ``assumptions``, ``structure``) are written as whole pages.
"""

from pathlib import Path

#: Print resolution of the PNGs (dots per inch).
DPI = 200


def write_pngs(ctx, pages: dict, figure_sections, out_dir: Path) -> list:
    """Write ``<name>.png`` for every page/figure into ``out_dir``; returns the paths.

    Parameters
    ----------
    pages : dict
        section module -> its list of Page, in report order.
    figure_sections : tuple of modules
        Sections whose ``figures(ctx)`` are written instead of their pages.
    """
    written = []
    for section, section_pages in pages.items():
        items = section.figures(ctx) if section in figure_sections else section_pages
        for item in items:
            path = Path(out_dir) / f"{item.name}.png"
            item.figure.savefig(path, dpi=DPI, facecolor="white")
            written.append(path)
    return written
