"""Report stage, PNG writer: every figure and table page as its own content-named PNG at print resolution.

Sections listed in ``figure_sections`` provide stand-alone figures (``fan_gdp``, ``drivers_<goal>``,
``comparison_medians``) through ``figures(ctx)``; those replace their A4 pages. Other sections'
pages (``title``, ``scorecard``, ``assumptions``, ``structure``) are written as whole pages.
"""

import gc
from pathlib import Path

#: Print resolution of the PNGs (dots per inch).
DPI = 200


def write_pngs(ctx, pages: dict, sections, figure_sections, out_dir: Path) -> list:
    """Write ``<name>.png`` for every page/figure into ``out_dir``, one figure in memory at a time; returns the paths.

    Parameters
    ----------
    pages : dict
        section module -> its list of Page where already built (by the PDF writer); emptied as it goes.
    sections : tuple of modules
        Every section, in report order.
    figure_sections : tuple of modules
        Sections whose ``figures(ctx)`` (a generator: each figure is made when the previous one is saved
        and dropped) are written instead of their pages.
    """
    written = []
    for section in sections:
        built = pages.pop(section, None)
        if section in figure_sections:
            items = section.figures(ctx)
        else:
            items = _drain(built if built is not None else section.pages(ctx))
        del built
        for item in items:
            path = Path(out_dir) / f"{item.name}.png"
            item.figure.savefig(path, dpi=DPI, facecolor="white")
            written.append(path)
            item.figure.clear()
            del item
            gc.collect()        # a figure is a reference cycle holding its ~15 MiB raster: free it now
    return written


def _drain(pages: list):
    """Yield the pages of a list, removing each from it, so a page saved is no longer held."""
    while pages:
        yield pages.pop(0)
