"""Report generators: turn a finished batch folder (results, goals) into PDF and PNG files.

Data flow: run folder(s) → :mod:`reports.data` → :class:`reports.context.ReportContext` →
page modules (title, scorecard, comparison, fan_charts, drivers, assumptions, structure) →
:mod:`reports.pdf` / :mod:`reports.png`. Entry point: :func:`build_report`
(:func:`check_options` validates ``lang``/``formats`` up front, e.g. before a batch runs).
"""

from . import fonts  # noqa: F401  (registers the bundled CJK font first)
from .build import build_report, check_options

__all__ = ["build_report", "check_options"]
