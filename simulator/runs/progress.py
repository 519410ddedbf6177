"""Batch → terminal: a one-line progress bar (scenarios done, scenarios/s, ETA) redrawn on stderr after every chunk."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    """``h:mm:ss`` for a number of seconds (``--:--`` when unknown)."""
    if seconds != seconds or seconds == float("inf"):
        return "--:--"
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class ProgressLine:
    """Callable ``(done, total, label)`` that redraws ``label [####    ] done/total  rate/s  ETA``.

    The rate counts only scenarios run in this process (a resumed batch starts with some done),
    measured from the first call.

    Parameters
    ----------
    stream : text stream
        Where to draw (default ``sys.stderr``).
    width : int
        Characters of the bar itself.
    clock : callable
        Seconds since some fixed point (``time.monotonic``; a test passes its own).
    redraw : bool, optional
        Redraw one line with ``\r`` (default: when ``stream`` is a terminal). Otherwise (a log
        file, a pipe) write whole lines, only each time another tenth of the batch is done.
    """

    def __init__(self, stream: TextIO | None = None, width: int = 30, clock=time.monotonic,
                 redraw: bool | None = None):
        self.stream = stream or sys.stderr
        self.width = width
        self.clock = clock
        self.redraw = self.stream.isatty() if redraw is None else redraw
        self._start: dict[str, tuple[float, int]] = {}
        self._tenths: dict[str, int] = {}

    def __call__(self, done: int, total: int, label: str) -> None:
        now = self.clock()
        start_time, start_done = self._start.setdefault(label, (now, done))
        elapsed = now - start_time
        rate = (done - start_done) / elapsed if elapsed > 0 else float("nan")
        eta = (total - done) / rate if rate and rate == rate and rate > 0 else float("nan")
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + " " * (self.width - filled)
        rate_text = f"{rate:,.0f}/s" if rate == rate else "--/s"
        text = f"{label} [{bar}] {done:,}/{total:,} scenarios  {rate_text}  ETA {format_duration(eta)}"
        if self.redraw:
            self.stream.write("\r" + text + ("\n" if done >= total else ""))
        else:
            tenth = 10 * done // total if total else 10
            if tenth == self._tenths.get(label):
                return
            self._tenths[label] = tenth
            self.stream.write(text + "\n")
        self.stream.flush()
