"""The batch progress line (simulator.runs.progress): rate and ETA from a hand-driven clock."""

import io

from simulator.runs.progress import ProgressLine, format_duration


def test_rate_and_eta_from_the_clock():
    ticks = iter([100.0, 102.0, 104.0])
    stream = io.StringIO()
    line = ProgressLine(stream=stream, width=10, clock=lambda: next(ticks), redraw=True)
    line(0, 1000, "base")        # t = 100: start
    line(250, 1000, "base")      # t = 102: 250 in 2 s = 125/s; 750 left → 6 s
    line(1000, 1000, "base")     # t = 104: 1000 in 4 s = 250/s; done
    frames = stream.getvalue().split("\r")[1:]
    assert frames[0] == "base [          ] 0/1,000 scenarios  --/s  ETA --:--"
    assert frames[1] == "base [##        ] 250/1,000 scenarios  125/s  ETA 0:00:06"
    assert frames[2] == "base [##########] 1,000/1,000 scenarios  250/s  ETA 0:00:00\n"


def test_resumed_batch_counts_only_new_scenarios():
    ticks = iter([0.0, 10.0])
    stream = io.StringIO()
    line = ProgressLine(stream=stream, width=4, clock=lambda: next(ticks), redraw=True)
    line(600, 1000, "r")         # 600 were done before this process started
    line(700, 1000, "r")         # 100 in 10 s = 10/s; 300 left → 30 s
    assert stream.getvalue().split("\r")[-1] == "r [##  ] 700/1,000 scenarios  10/s  ETA 0:00:30"


def test_format_duration():
    assert format_duration(3725) == "1:02:05"
    assert format_duration(float("nan")) == "--:--"


def test_not_a_terminal_gets_whole_lines_each_tenth():
    ticks = iter(float(t) for t in range(100))
    stream = io.StringIO()                       # not a tty: no \r redraws
    line = ProgressLine(stream=stream, width=10, clock=lambda: next(ticks))
    for done in range(0, 1001, 50):              # 21 calls, 0 … 1000
        line(done, 1000, "b")
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split("] ")[1].split()[0] for line in lines] == [f"{k * 100:,}/1,000" for k in range(11)]
