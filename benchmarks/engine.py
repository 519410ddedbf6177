"""Speed benchmark of the run stage (compiled model + inputs → Dataset): our engine vs PySD vs a hand numpy loop.

In one process: PySD's runtime (one run, best of a few) on three samples of the SDXorg suite, then
``simulator.load_model(...).run(params=..., n=N)`` for N scenarios that differ in one constant, and
for teacup a hand-written numpy Euler loop over the same N scenarios storing the same two series
(the floor a generated kernel can hope for). The same runs again on the fused kernels
(``kernel="fused"``, numba; ``fused_first_s`` is the first call: compilation, or loading the
kernel from the per-user cache). Prints one table; ``--out`` also writes it as CSV.

Ratios, not timed assertions: ``pysd/ours`` is PySD's single-run time over our time per scenario
(goal ≥ 1,000 at N = 10,000 on SIR and Population); ``ours/hand`` is our total time over the hand
loop's for the same N (goal ≤ 2 on teacup); ``pysd_over_fused`` and ``fused_over_hand`` the same for the
fused kernels (goal ≥ 2,000 at N = 10,000 on every model). N above ``--chunk`` (10,000) runs as several runs of
10,000, as a batch would, so N = 100,000 fits in memory; the note column says so.

Usage::

    python benchmarks/engine.py                 # N = 1, 100, 10,000, 100,000
    python benchmarks/engine.py --quick         # without 100,000
    python benchmarks/engine.py --sizes 1,10 --models teacup --out /tmp/engine.csv
    python benchmarks/engine.py --models world3 --sizes 1,10000 --pysd-repeats 1   # the corpus' largest
    python benchmarks/engine.py --sizes 10000 --one-column      # both engines return one column only
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))      # this checkout's simulator, not an installed one
SUITE_ROOT = Path(os.environ.get("PLANSIM_TEST_MODELS", REPO_ROOT.parent / "shared" / "test-models"))
MODEL_CORPUS = Path(os.environ.get("PLANSIM_MODEL_CORPUS", REPO_ROOT.parent / "shared" / "model-corpus"))
FULL_SIZES = (1, 100, 10_000, 100_000)


@dataclass(frozen=True)
class BenchModel:
    """A suite sample and the constant varied across scenarios (linearly between low and high)."""

    key: str
    path: str
    constant: str
    low: float
    high: float
    output: str = ""        # the one column both engines return under --one-column


MODELS = {
    "teacup": BenchModel("teacup", "samples/teacup/teacup.mdl", "Characteristic Time", 5.0, 15.0, "Teacup Temperature"),
    "sir": BenchModel("sir", "samples/SIR/SIR.mdl", "Contact Infectivity", 0.2, 0.4, "Infectious"),
    "population": BenchModel(
        "population", "samples/Population/Subscripted Population Model.mdl", "Lifespan", 60.0, 80.0, "Population"
    ),
    # the largest corpus model PySD runs ($PLANSIM_MODEL_CORPUS, default ../shared/model-corpus; 311 variables;
    # PySD needs ~80 s per run). Earth4All (852) needs RANDOM PINK NOISE, which PySD lacks; MEDEAS-World
    # (2,252) did not finish in PySD in 50 minutes (docs/model-corpus.md)
    "world3": BenchModel(
        "world3", str(MODEL_CORPUS / "world3_03" / "wrld3-03.mdl"), "initial nonrenewable resources", 5e11, 2e12,
        "population"),
}

DEFAULT_MODELS = ("teacup", "sir", "population")
"""Benchmarked unless ``--models`` names others (world3 is opt-in: PySD takes ~80 s per run)."""

COLUMNS = [
    "model", "n", "pysd_single_s", "ours_total_s", "ours_per_scenario_s", "pysd_over_ours",
    "hand_total_s", "ours_over_hand", "fused_first_s", "fused_total_s", "pysd_over_fused", "fused_over_hand", "note",
]


def best_of(function, repeats: int) -> float:
    """Shortest wall time of ``repeats`` calls of ``function()`` (seconds)."""
    best = np.inf
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def time_pysd(model_file: Path, repeats: int, columns=None) -> float:
    """PySD: translate a copy of the model once, then best-of-``repeats`` time of ``model.run()``
    (of ``model.run(return_columns=columns)`` when given)."""
    import pysd

    with tempfile.TemporaryDirectory(prefix="bench_pysd_") as tmp:
        copy = Path(tmp) / model_file.name
        shutil.copy(model_file, copy)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = pysd.read_vensim(str(copy))
            return best_of(lambda: model.run(return_columns=columns), repeats)


def teacup_hand_loop(characteristic_time: np.ndarray, room=70.0, initial=180.0,
                     t0=0.0, t1=30.0, dt=0.125):
    """Vensim Euler for teacup over a vector of scenarios, saving both series every step."""
    n_steps = int(round((t1 - t0) / dt))
    temperature = np.full(characteristic_time.shape, initial)
    saved_temperature = np.empty((n_steps + 1, temperature.size))
    saved_heat_loss = np.empty_like(saved_temperature)
    for step in range(n_steps + 1):
        heat_loss = (temperature - room) / characteristic_time
        saved_temperature[step] = temperature
        saved_heat_loss[step] = heat_loss
        temperature = temperature - dt * heat_loss
    return saved_temperature, saved_heat_loss


def _repeats_for(n: int) -> int:
    return 5 if n <= 100 else 3 if n <= 10_000 else 2


def bench_model(spec: BenchModel, sizes, pysd_repeats: int, max_gb: float, chunk: int,
                fused_kernels: bool = True, one_column: bool = False) -> list[dict]:
    """One row per N for ``spec``: PySD single-run time, our batch time, the hand loop (teacup).

    Both engines return every variable, or with ``one_column`` only ``spec.output`` (PySD's
    ``return_columns`` and ours), which takes the cost of writing the outputs out of the ratio.

    N larger than ``chunk`` runs as consecutive runs of ``chunk`` scenarios (as a batch does), so
    that N = 100,000 fits in memory; the result of each run is dropped before the next.
    """
    import simulator

    model_file = (REPO_ROOT if spec.path.startswith("tests/") else SUITE_ROOT) / spec.path
    columns = [spec.output] if one_column else None
    pysd_single = time_pysd(model_file, pysd_repeats, columns)
    model = simulator.load_model(model_file)
    one = model.run(params={spec.constant: np.array([spec.low])}, n=1, return_columns=columns)
    bytes_per_scenario = one.nbytes
    rows = []
    for n in sizes:
        row = {"model": spec.key, "n": n, "pysd_single_s": pysd_single, "note": ""}
        per_run = min(n, chunk)
        estimate_gb = bytes_per_scenario * per_run / 1e9
        if estimate_gb > max_gb:
            row["note"] = f"skipped: output ~{estimate_gb:.1f} GB > --max-gb {max_gb:g}"
            rows.append(row)
            continue
        values = np.linspace(spec.low, spec.high, n)
        chunks = [values[start:start + per_run] for start in range(0, n, per_run)]
        if len(chunks) > 1:
            row["note"] = f"{len(chunks)} runs of {per_run:,} (--chunk)"

        def run_all(kernel="numpy"):
            for part in chunks:
                label = model.run(params={spec.constant: part}, n=part.size, kernel=kernel,
                                  return_columns=columns).attrs["kernel"]
            return label

        total = best_of(run_all, _repeats_for(n))
        row.update(ours_total_s=total, ours_per_scenario_s=total / n, pysd_over_ours=pysd_single / (total / n))
        if fused_kernels:
            started = time.perf_counter()
            label = run_all("fused")       # compiles the kernel, or loads it from the per-user cache
            row["fused_first_s"] = time.perf_counter() - started
            fused = best_of(lambda: run_all("fused"), _repeats_for(n))
            row.update(fused_total_s=fused, pysd_over_fused=pysd_single / (fused / n))
            if not label.startswith("fused"):
                row["note"] = (row["note"] + "; " if row["note"] else "") + label
        if spec.key == "teacup" and not one_column:      # the hand loop saves both series
            def hand_all():
                for part in chunks:  # like run_all: each chunk's result is dropped before the next
                    teacup_hand_loop(part)

            hand = best_of(hand_all, _repeats_for(n))
            row.update(hand_total_s=hand, ours_over_hand=total / hand)
            if "fused_total_s" in row:
                row["fused_over_hand"] = row["fused_total_s"] / hand
        rows.append(row)
    return rows


def _format(value, column) -> str:
    if value is None or value == "":
        return "-"
    if column == "n":
        return f"{value:,}"
    if column in ("pysd_over_ours", "ours_over_hand", "pysd_over_fused", "fused_over_hand"):
        return f"{value:,.1f}"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def print_table(rows: list[dict]) -> None:
    """Fixed-width table, one line per (model, N)."""
    widths = {c: max(len(c), *(len(_format(r.get(c), c)) for r in rows)) for c in COLUMNS}
    print("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for row in rows:
        print("  ".join(_format(row.get(c), c).ljust(widths[c]) for c in COLUMNS))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip N = 100,000")
    parser.add_argument("--sizes", help="comma-separated scenario counts (default 1,100,10000,100000)")
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS),
                        help=f"subset of {','.join(MODELS)} (world3 only when named: PySD takes ~80 s per run)")
    parser.add_argument("--pysd-repeats", type=int, default=3, help="PySD runs to take the best of")
    parser.add_argument("--max-gb", type=float, default=4.0,
                        help="skip a size whose result would exceed this many GB (default 4)")
    parser.add_argument("--chunk", type=int, default=10_000,
                        help="largest N run at once; larger N runs chunk by chunk (default 10000)")
    parser.add_argument("--out", type=Path, help="also write the table as CSV")
    parser.add_argument("--one-column", action="store_true",
                        help="both engines return one column (the model's main stock) instead of every variable")
    parser.add_argument("--no-fused", action="store_true",
                        help="skip the fused-kernel columns (they need numba: pip install plansim[fast])")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(FULL_SIZES)
    if args.quick:
        sizes = [n for n in sizes if n < 100_000]
    keys = [k.strip() for k in args.models.split(",") if k.strip()]
    unknown = [k for k in keys if k not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; choose from {sorted(MODELS)}")

    rows = []
    for key in keys:
        rows.extend(bench_model(MODELS[key], sizes, args.pysd_repeats, args.max_gb, args.chunk,
                                fused_kernels=not args.no_fused and importlib.util.find_spec("numba") is not None,
                                one_column=args.one_column))
    print(f"plansim engine vs PySD (python {sys.version.split()[0]}, numpy {np.__version__}); "
          "times in seconds, best of several runs" + ("; one column returned by both" if args.one_column else ""))
    print_table(rows)
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
