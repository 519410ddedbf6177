"""Reference measurement beside the data flow: how many SDXorg test-models cases PySD's own runtime passes.

Runs PySD 3.x (translate + run) on every case that tests/integration/test_sd_suite.py runs through
our engine, and judges it with the same comparison (tests/integration/sd_suite.py: every canonical
column, canonical times, rtol 1e-3 / atol 1e-3, blank cells skipped), so the two pass counts are
stated in the same terms. Each case runs in a copy of its folder (PySD writes a .py beside the model).

With ``--engine plansim`` the same loop runs our engine instead (the suite's own comparison), which
gives both pass counts from one command each.

Usage::

    python benchmarks/pysd_suite_baseline.py                # table + per-format pass counts
    python benchmarks/pysd_suite_baseline.py --out pysd.csv -k lookups --timeout 60
    python benchmarks/pysd_suite_baseline.py --engine plansim
"""

from __future__ import annotations

import argparse
import csv
import shutil
import signal
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

import sd_suite  # noqa: E402


class _CaseTimeout(Exception):
    pass


def _raise_timeout(signum, frame):
    raise _CaseTimeout()


def run_pysd_case(case: sd_suite.SuiteCase, canonical, workdir: Path) -> list[str]:
    """Translate and run ``case`` with PySD in a copy of its folder; return the comparison problems."""
    import pysd

    folder = workdir / case.model.parent.name
    shutil.copytree(case.model.parent, folder)
    model_path = folder / case.model.name
    readers = {"mdl": pysd.read_vensim, "xmile": pysd.read_xmile, "stmx": pysd.read_xmile}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = readers[case.format](str(model_path))
        requested = _pysd_column_names(model, canonical.columns)
        output = model.run(return_columns=list(requested.values()))
    output = output.rename(columns={pysd_name: column for column, pysd_name in requested.items()})
    output.index = output.index.astype(float)
    return sd_suite.compare_to_canonical(output, canonical)


def _name_key(name: str) -> str:
    """XMILE/Vensim name equivalence: case-, quote- and space/underscore-insensitive."""
    return " ".join(name.strip().strip('"').replace("_", " ").lower().split())


def _pysd_column_names(model, columns) -> dict:
    """Canonical column -> the name PySD knows it by, matched the way our ``model.find`` matches.

    PySD's own look-up is only case-insensitive, so XMILE models (``contact_infectivity``) fail
    against Vensim-style headers (``Contact Infectivity``); giving PySD the same name matching as
    our engine keeps the two pass counts in the same terms.
    """
    known = {}
    for vensim_name, python_name in model.namespace.items():
        known.setdefault(_name_key(python_name), vensim_name)
        known[_name_key(vensim_name)] = vensim_name
    requested = {}
    for column in columns:
        name, elements = sd_suite.split_column(column)
        real = known.get(_name_key(name), name)
        requested[column] = f"{real}[{','.join(elements)}]" if elements else real
    return requested


def run_plansim_case(case: sd_suite.SuiteCase, canonical, workdir: Path) -> list[str]:
    """Run ``case`` through our engine exactly as tests/integration/test_sd_suite.py does."""
    frame, problems = sd_suite.engine_frame(case, canonical)
    return problems + sd_suite.compare_to_canonical(frame, canonical)


ENGINES = {"pysd": run_pysd_case, "plansim": run_plansim_case}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the table as CSV")
    parser.add_argument("-k", dest="keyword", default="", help="only cases whose id contains this")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per case (default 120)")
    parser.add_argument("--engine", choices=sorted(ENGINES), default="pysd", help="what runs the cases")
    args = parser.parse_args(argv)

    cases = [c for c in sd_suite.discover_cases() if args.keyword in c.id]
    if not cases:
        print(f"no cases under {sd_suite.suite_root()} (set {sd_suite.SUITE_ENV_VAR})")
        return 1
    signal.signal(signal.SIGALRM, _raise_timeout)
    rows = []
    for case in cases:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="pysd_case_") as tmp:
            signal.alarm(args.timeout)
            try:
                canonical = sd_suite.read_canonical(case.canonical)
                problems = ENGINES[args.engine](case, canonical, Path(tmp))
                outcome = "pass" if not problems else "fail"
                reason = "; ".join(problems)
            except _CaseTimeout:
                outcome, reason = "error", f"timeout after {args.timeout} s"
            except Exception as err:  # PySD's own failures are data here, not crashes of the script
                outcome, reason = "error", f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}"
            finally:
                signal.alarm(0)
        seconds = time.perf_counter() - started
        rows.append({"case": case.id, "format": case.format, "outcome": outcome,
                     "seconds": f"{seconds:.2f}", "reason": reason[:300]})
        print(f"{outcome:5s} {seconds:6.1f}s {case.id}  {reason[:160]}", flush=True)

    label = f"PySD {_pysd_version()}" if args.engine == "pysd" else "plansim"
    print(f"\n{label} pass counts (rtol 1e-3, atol 1e-3, every canonical column):")
    for fmt in ("mdl", "xmile", "stmx"):
        subset = [r for r in rows if r["format"] == fmt]
        passed = sum(r["outcome"] == "pass" for r in subset)
        print(f"  .{fmt:6s} {passed:4d} / {len(subset)}")
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


def _pysd_version() -> str:
    import pysd

    return pysd.__version__


if __name__ == "__main__":
    sys.exit(main())
