"""Report stage, entry point: run folders → ReportContext → pages → PDF, PNG, Word and Excel files in the output folder.

``build_report`` is what ``python run.py report`` and ``batch --report`` call. It validates its
arguments first (language, formats, folders), then asks each page module for its pages in the
order of :data:`SECTIONS`, and hands them to the writers in :data:`WRITERS`.
"""

from pathlib import Path

from simulator.errors import ReportError

from . import (analyses, assumptions, changes, colophon, comparison, drivers, fan_charts, findings, glossary, scorecard,
               structure, validation_page)
from .context import ReportContext, by_role
from .data import load_run
from .labels import check_language
from .pdf import write_pdf
from .png import write_pngs
from .document import write_docx
from .workbook import write_xlsx

#: Page modules in PDF order; each has ``pages(ctx) -> list[Page]``. Findings first, then what the plan changes
#: before the scorecard; the glossary, the colophon and the model structure (proper ids: file names, hashes,
#: equations) close the report.
SECTIONS = (findings, changes, scorecard, comparison, validation_page, analyses, fan_charts, drivers, assumptions,
            glossary, colophon, structure)

#: Modules whose stand-alone ``figures(ctx)`` replace their pages in the PNG output.
PNG_FIGURES = (fan_charts, drivers, comparison)

#: format name -> writer(ctx, {section: pages}, out_dir) -> list[Path]; the PDF writer builds every page (it
#: numbers them), the PNG writer builds one figure at a time (reusing pages already built) and drops each.
WRITERS = {
    "pdf": lambda ctx, pages, out: [write_pdf(ctx, [p for section in _all_pages(ctx, pages).values() for p in section],
                                              out)],
    "png": lambda ctx, pages, out: write_pngs(ctx, pages, SECTIONS, PNG_FIGURES, out),
    "docx": lambda ctx, pages, out: [write_docx(ctx, out)],
    "xlsx": lambda ctx, pages, out: [write_xlsx(ctx, out)],
}


def _all_pages(ctx, pages: dict) -> dict:
    """Every section's pages, built into ``pages`` (section -> list of Page) where missing."""
    for section in SECTIONS:
        if section not in pages:
            pages[section] = section.pages(ctx)
    return pages


def parse_formats(formats) -> list:
    """``"pdf,png"`` or a list of names -> validated list in writing order (ReportError naming the bad one)."""
    names = formats.split(",") if isinstance(formats, str) else list(formats)
    names = [n.strip().lower() for n in names if n.strip()]
    bad = [n for n in names if n not in WRITERS]
    if bad or not names:
        raise ReportError(f"--format {','.join(bad) or repr(formats)}: unknown report format; use pdf, png, docx or xlsx, "
                          f"comma-separated")
    return [name for name in WRITERS if name in names]


def check_options(lang: str, formats) -> list:
    """Validate report options before any work (e.g. before ``batch --report`` runs the batch).

    Returns the format names in writing order; raises one-line ReportError otherwise.
    """
    check_language(lang)
    return parse_formats(formats)


def build_report(run_dirs, lang: str = "zh", formats="pdf,png", out=None) -> list:
    """Write the goal-attainment report of one or more batch run folders.

    Parameters
    ----------
    run_dirs : list of str or Path
        Run folders made by ``run_batch`` (docs/interfaces.md §4), in any order: the plan run is the main one
        and the baseline run the one it is compared with (:func:`reports.context.by_role`).
    lang : {"zh", "en"}
        Language of the report's text.
    formats : str or list of str
        ``"pdf"``, ``"png"``, ``"docx"`` (Word), ``"xlsx"`` (Excel), or several (``"pdf,png,docx,xlsx"``).
    out : str or Path, optional
        Output folder; default the plan run's folder.

    Returns
    -------
    list of Path
        The files written: ``report_<lang>.pdf`` first (if asked for), then the PNGs, ``report_<lang>.docx`` and
        ``report_<lang>.xlsx``.

    Raises
    ------
    ReportError, RunDirError, PlanError
        Bad options, a missing or partial run folder, a plan that cannot be read.

    Examples
    --------
    >>> build_report(["out/baseline-20251121-101500"], lang="en", formats="pdf")  # doctest: +SKIP
    [PosixPath('out/baseline-20251121-101500/report_en.pdf')]
    """
    names = check_options(lang, formats)
    if isinstance(run_dirs, (str, Path)):
        run_dirs = [run_dirs]
    if not run_dirs:
        raise ReportError("no run folder given; pass one or more folders made by `python run.py batch`")
    ctx = ReportContext(by_role([load_run(path) for path in run_dirs]), lang)
    out_dir = Path(out) if out is not None else ctx.main.path
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = {}
    written = []
    for name in names:
        written += WRITERS[name](ctx, pages, out_dir)
    return written
