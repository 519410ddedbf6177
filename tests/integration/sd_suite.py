"""Test harness beside the data flow: finds SDXorg test-models cases, reads canonical outputs, compares runs.

A *case* is one model file (``.mdl``, ``.xmile``, ``.stmx``) in the suite's ``tests/`` or
``samples/`` folders whose folder also holds a canonical output (``output.csv`` or ``output.tab``,
written by Vensim or Stella). The engine (through the public API of docs/interfaces.md §1) or PySD
(benchmarks/pysd_suite_baseline.py) produces a frame indexed by time whose columns are named like the
canonical ones (``Var`` or ``Var[a,b]``); :func:`compare_to_canonical` then lists every mismatch.

The canonical values are the only expected values; nothing the code under test produces is ever
written here as an expectation.
"""

from __future__ import annotations

import os
import re
from io import StringIO
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SUITE_ENV_VAR = "PLANSIM_TEST_MODELS"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SUITE_ROOT = REPO_ROOT.parent / "shared" / "test-models"

MODEL_SUFFIXES = {".mdl": "mdl", ".xmile": "xmile", ".stmx": "stmx"}
# PySD's runner prefers output.csv when both exist; so do we.
CANONICAL_FILE_NAMES = ("output.csv", "output.tab")
CANONICAL_READERS = {".csv": ",", ".tab": "\t"}
SUITE_FOLDERS = ("tests", "samples")

RTOL = 1e-3
ATOL = 1e-3

_SUBSCRIPTED_COLUMN = re.compile(r"^(?P<name>.*?)\[(?P<elements>[^\[\]]*)\]$")


@dataclass(frozen=True)
class SuiteCase:
    """One model file of the suite and the canonical output it is checked against.

    Attributes
    ----------
    id : str
        Path of the model relative to the suite root, e.g. ``tests/lookups/test_lookups.mdl``.
    model : Path
        Absolute path of the model file.
    canonical : Path
        Absolute path of ``output.csv`` / ``output.tab`` in the same folder.
    """

    id: str
    model: Path
    canonical: Path

    @property
    def format(self) -> str:
        """``"mdl"``, ``"xmile"`` or ``"stmx"`` (from the suffix, case-insensitive)."""
        return MODEL_SUFFIXES[self.model.suffix.lower()]


def suite_root() -> Path:
    """Folder of the SDXorg test-models suite: ``$PLANSIM_TEST_MODELS`` or ``../shared/test-models``."""
    return Path(os.environ.get(SUITE_ENV_VAR, DEFAULT_SUITE_ROOT)).resolve()


def discover_cases(root: Path | None = None) -> list[SuiteCase]:
    """List every model file with a canonical output beside it, sorted by id.

    Parameters
    ----------
    root : Path, optional
        Suite root; defaults to :func:`suite_root`.

    Returns
    -------
    list of SuiteCase
        Empty when the suite folder does not exist.
    """
    root = Path(root) if root is not None else suite_root()
    cases = []
    for folder_name in SUITE_FOLDERS:
        folder = root / folder_name
        if not folder.is_dir():
            continue
        for model in sorted(folder.rglob("*")):
            if model.suffix.lower() not in MODEL_SUFFIXES or not model.is_file():
                continue
            canonical = next(
                (model.parent / name for name in CANONICAL_FILE_NAMES if (model.parent / name).is_file()),
                None,
            )
            if canonical is not None:
                cases.append(SuiteCase(model.relative_to(root).as_posix(), model, canonical))
    return sorted(cases, key=lambda case: case.id)


def _decode(raw: bytes) -> str:
    """Text of a canonical file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_canonical(path: Path) -> pd.DataFrame:
    """Read a Vensim/Stella output table into a float frame indexed by time.

    Handles tab or comma separators, CR / CRLF / LF line ends, a ``Time``/``TIME``/``time`` first
    column, and files written transposed (one variable per row). Blank cells stay NaN (Vensim
    writes constants only in the first row). Trailing rows without a time are dropped.

    Parameters
    ----------
    path : Path
        ``output.csv`` or ``output.tab``.

    Returns
    -------
    pandas.DataFrame
        Index: float times (named ``time``); columns: the header names as written.

    Raises
    ------
    ValueError
        If the file has no time column or a cell is not a number.
    """
    path = Path(path)
    separator = CANONICAL_READERS[path.suffix.lower()]
    text = _decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    frame = pd.read_csv(StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.columns[0].lower() != "time":
        raise ValueError(f"{path}: the first header cell is {frame.columns[0]!r}, expected 'Time'")
    first_column = frame.iloc[:, 0].str.strip()
    if pd.to_numeric(first_column[first_column != ""], errors="coerce").isna().any():
        # transposed: 'Time' heads a row of times, each further row is one variable
        frame = frame.set_index(frame.columns[0]).T.reset_index()
        frame.columns = ["time", *[str(c).strip() for c in frame.columns[1:]]]
    frame = frame.rename(columns={frame.columns[0]: "time"})
    frame = frame[frame["time"].str.strip() != ""]
    frame = frame.set_index("time")
    values = frame.apply(lambda column: column.str.strip().replace("", np.nan))
    try:
        numbers = values.astype(float)
    except ValueError as err:
        raise ValueError(f"{path}: non-numeric cell ({err})") from None
    numbers.index = numbers.index.astype(float)
    numbers.index.name = "time"
    # Stray empty trailing columns (a separator at the end of each line) carry no variable.
    unnamed = [c for c in numbers.columns if c.startswith("Unnamed:") and numbers[c].isna().all()]
    return numbers.drop(columns=unnamed)


def split_column(column: str) -> tuple[str, tuple[str, ...]]:
    """Split ``'Var[a, b]'`` into ``('Var', ('a', 'b'))``; a plain name gives ``(name, ())``."""
    match = _SUBSCRIPTED_COLUMN.match(column.strip())
    if not match:
        return column.strip(), ()
    elements = tuple(element.strip() for element in match["elements"].split(","))
    return match["name"].strip(), elements


def match_times(available: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Positions in ``available`` of each ``wanted`` time, allowing for 6-digit printing.

    Vensim prints times with 6 significant digits (92.28125 → 92.2812), so a time matches the
    nearest available one within 1e-5 relative (and never more than a third of the spacing).

    Returns
    -------
    positions : ndarray of int
        Index into ``available`` for every wanted time (-1 where none matches).
    missing : list of float
        The wanted times without a match.
    """
    available = np.asarray(available, dtype=float)
    wanted = np.asarray(wanted, dtype=float)
    if available.size == 0:
        return np.full(wanted.shape, -1), list(wanted)
    nearest = np.abs(available[None, :] - wanted[:, None]).argmin(axis=1)
    spacing = np.min(np.diff(available)) if available.size > 1 else np.inf
    tolerance = np.minimum(1e-5 * np.maximum(1.0, np.abs(wanted)), spacing / 3)
    ok = np.abs(available[nearest] - wanted) <= tolerance
    positions = np.where(ok, nearest, -1)
    return positions, [float(t) for t in wanted[~ok]]


def compare_to_canonical(
    actual: pd.DataFrame, canonical: pd.DataFrame, rtol: float = RTOL, atol: float = ATOL
) -> list[str]:
    """List every way ``actual`` differs from ``canonical``; an empty list means the case passes.

    Every canonical column must be present in ``actual``; values are compared at the canonical
    times, skipping blank canonical cells. A value passes when
    ``|actual - expected| <= atol + rtol * |expected|`` (NaN matches NaN, inf matches same-sign inf).

    Parameters
    ----------
    actual : pandas.DataFrame
        Index: times of the run; columns named like the canonical ones.
    canonical : pandas.DataFrame
        From :func:`read_canonical`.

    Returns
    -------
    list of str
        One line per problem (missing column, missing times, first mismatch of a column).
    """
    problems = []
    missing_columns = [c for c in canonical.columns if c not in actual.columns]
    if missing_columns:
        problems.append(f"{len(missing_columns)} column(s) not produced: {_preview(missing_columns)}")
    positions, missing_times = match_times(actual.index.to_numpy(), canonical.index.to_numpy())
    if missing_times:
        problems.append(
            f"{len(missing_times)} canonical time(s) not in the run's times: {_preview(missing_times)}"
        )
    rows = positions >= 0
    for column in canonical.columns:
        if column in missing_columns:
            continue
        expected = canonical[column].to_numpy(dtype=float)[rows]
        got = actual[column].to_numpy(dtype=float)[positions[rows]]
        compared = ~np.isnan(expected)
        expected, got = expected[compared], got[compared]
        with np.errstate(invalid="ignore"):
            close = np.abs(got - expected) <= atol + rtol * np.abs(expected)
        close |= got == expected  # same-sign infinities
        if not close.all():
            times = canonical.index.to_numpy()[rows][compared]
            first = int(np.argmin(close))
            problems.append(
                f"{column}: {int((~close).sum())}/{close.size} values off; first at t={times[first]:g}:"
                f" expected {expected[first]:.6g}, got {got[first]:.6g}"
            )
    return problems


def _name_key(name: str) -> str:
    """Vensim/XMILE name equivalence for control names: case-insensitive, ``_`` same as space."""
    return " ".join(name.replace("_", " ").lower().split())


def _preview(items, limit: int = 5) -> str:
    shown = ", ".join(repr(item) for item in list(items)[:limit])
    return shown + (", …" if len(items) > limit else "")


# --- the engine under test, through the public API only ------------------------------------------


def _find(model, name: str):
    """``model.find`` on the name as written, then without surrounding quotes; None if unknown."""
    from simulator.errors import UnknownVariableError

    for candidate in dict.fromkeys((name, name.strip('"'))):
        try:
            return model.find(candidate)
        except UnknownVariableError:
            continue
    return None


def _table_key(name: str, elements: tuple[str, ...] = ()) -> str:
    """A column of ``simulate``'s table or of a canonical file, as a case/space-insensitive key."""
    key = _name_key(name.strip('"'))
    if elements:
        key += "[" + ",".join(_name_key(e.strip('"')) for e in elements) + "]"
    return key


def engine_frame(case: SuiteCase, canonical: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Run ``case`` as ``run.py simulate`` does (``simulate_table``: every variable and control
    variable, no column selection) and pick the canonical columns out of that table.

    Parameters
    ----------
    case : SuiteCase
    canonical : pandas.DataFrame
        Its columns say which variables (and elements) to compare.

    Returns
    -------
    frame : pandas.DataFrame
        Index: the run's times; one column per canonical column the table holds.
    problems : list of str
        Canonical columns the table does not hold (the model's names resolved through
        ``model.find``, so a quoted or differently spelled canonical name still maps).
    """
    import simulator
    from simulator.engine.table import simulate_table

    model = simulator.load_model(case.model)
    table = simulate_table(model)
    by_key = {}
    for column in table.columns[1:]:
        name, elements = split_column(column)
        by_key.setdefault(_table_key(name, elements), column)
    problems, columns = [], {}
    for column in canonical.columns:
        name, elements = split_column(column)
        info = _find(model, name)
        key = _table_key(info.name if info is not None else name, elements)
        if key not in by_key:
            problems.append(f"column {column!r}: not in the simulate table (variable {name!r})")
            continue
        columns[column] = table[by_key[key]].to_numpy(dtype=float)
    return pd.DataFrame(columns, index=pd.Index(table["Time"].to_numpy(dtype=float), name="time")), problems


def dataset_to_vensim_frame(dataset, scenario: int = 0) -> pd.DataFrame:
    """Flatten one scenario of an engine Dataset into Vensim-style columns (``Name``, ``Name[a,b]``).

    Column names come from each variable's ``attrs["name"]`` (the Vensim name); subscripted
    variables give one column per element combination, in the Dataset's dimension order.
    """
    times = np.asarray(dataset["time"].values, dtype=float)
    columns = {}
    for var_id, data_array in dataset.data_vars.items():
        if var_id in ("status", "message"):
            continue
        name = data_array.attrs.get("name", var_id)
        one = data_array.isel(scenario=scenario)
        if "time" not in one.dims:
            one = one.expand_dims(time=times)
        subscript_dims = [d for d in one.dims if d != "time"]
        if not subscript_dims:
            columns[name] = one.to_numpy().astype(float)
            continue
        stacked = one.transpose("time", *subscript_dims).stack(element=subscript_dims)
        for position, key in enumerate(stacked["element"].values):
            key = key if isinstance(key, tuple) else (key,)
            columns[f"{name}[{','.join(str(k) for k in key)}]"] = stacked.values[:, position].astype(float)
    return pd.DataFrame(columns, index=pd.Index(times, name="time"))
