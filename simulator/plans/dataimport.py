"""Plans, data import: an office's filled workbook or long CSV → checked figures → models/<region>/data.yaml.

Reads the template of ``plans/datasheet.py`` (sheet 数据) or a long CSV (series, year, value, unit, source
[, basis, geography, publisher, year_published, url, quote]) and checks every figure before anything is
written: the series is one the model uses, the year is a year (in order, not twice, not in the future), the
unit is the series' unit or converts to it (人→万人, 万元→亿元, %→share), the 口径/price basis and the area are
the series', the figure names its source (title and publisher; 单位内部数据 with the office's name), a value
is within ``max_jump`` of its neighbours in the series, and a figure for a year already recorded with another
value is a conflict naming both sources unless ``replace``. The first problem refuses the whole file (one
line naming the cell and the fix); the accepted figures are written to ``data.yaml`` in one atomic replace.
"""

from __future__ import annotations

import csv
import datetime
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from simulator.errors import DataImportError
from simulator.plans import datasheet as sheet_layout
from simulator.plans.datachecks import MAX_JUMP, check_entries
from simulator.plans.observed import data_path

CSV_COLUMNS = ("series", "year", "value", "unit", "source")
_SOURCE_KEYS = ("title", "publisher", "year_published", "url", "quote")


@dataclass
class Entry:
    """One figure read from the file, before checks: where it is (``FILE:数据!M5``) and what it says."""

    where: str
    series: str
    year: object
    value: object
    unit: str
    basis: str = ""
    geography: str = ""
    source: dict = field(default_factory=dict)
    recorded: bool = False  # a cell of a grey 已入库 row: must still equal the record


@dataclass
class ImportSummary:
    """What an import did: figures written, already recorded (identical) and replaced, the data file."""

    written: list
    unchanged: int
    replaced: list
    path: Path


# ----------------------------------------------------------------------------- reading


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_workbook(path: Path, region: str) -> list:
    """Entries of the filled template ``path`` (cells of 已入库 rows marked ``recorded``)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except Exception as err:  # openpyxl raises many types for a file that is not an .xlsx
        raise DataImportError(f"{path}: not a readable .xlsx workbook ({type(err).__name__}); "
                              f"save it as .xlsx or export a CSV (docs/data.md)") from None
    if sheet_layout.SHEET not in book.sheetnames:
        raise DataImportError(f"{path}: no sheet '{sheet_layout.SHEET}'; start from python run.py data template {region}")
    guide = book[sheet_layout.GUIDE] if sheet_layout.GUIDE in book.sheetnames else None
    mark = _text(next(guide.iter_rows(max_row=1, values_only=True))[0]) if guide is not None else ""
    if mark.startswith(sheet_layout.MARK) and mark != f"{sheet_layout.MARK}{region}":
        raise DataImportError(f"{path}: the workbook is the template of region '{mark[len(sheet_layout.MARK):]}', "
                              f"not '{region}'; pass --region {mark[len(sheet_layout.MARK):]} or use the right file")
    rows = list(book[sheet_layout.SHEET].iter_rows(values_only=True))
    years = _year_columns(path, rows[0] if rows else ())
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        row = list(row) + [None] * (len(sheet_layout.HEADERS) + len(years) - len(row))
        if not _text(row[0]):
            continue
        source = dict(zip(_SOURCE_KEYS, (_text(v) for v in row[6:11])))
        for offset, year in enumerate(years):
            value = row[len(sheet_layout.HEADERS) + offset]
            if _text(value):
                column = _column_letter(len(sheet_layout.HEADERS) + offset + 1)
                entries.append(Entry(f"{path.name}:{sheet_layout.SHEET}!{column}{number}", _text(row[0]), year, value,
                                     _text(row[2]), _text(row[3]), _text(row[4]), source,
                                     recorded=_text(row[5]) == sheet_layout.RECORDED))
    return entries


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _year_columns(path: Path, header) -> list:
    """The year headers after the fixed columns: whole years, each one more than the last (a swapped pair is refused)."""
    fixed = len(sheet_layout.HEADERS)
    cells = list(header)[fixed:]
    years = []
    for offset, cell in enumerate(cells):
        if cell is None:
            break
        where = f"{path.name}:{sheet_layout.SHEET}!{_column_letter(fixed + offset + 1)}1"
        if not re.fullmatch(r"\d{4}(\.0)?", _text(cell)):
            raise DataImportError(f"{where}: year header {cell!r} is not a year; restore the template's headers")
        year = int(float(_text(cell)))
        if years and year != years[-1] + 1:
            raise DataImportError(f"{where}: year {year} follows {years[-1]}; the year columns must run "
                                  f"{years[0]}, {years[0] + 1}, … in order (swapped or edited headers?); "
                                  f"restore the template's headers")
        years.append(year)
    return years


def read_csv(path: Path) -> list:
    """Entries of a long CSV: one figure a line (series, year, value, unit, source, optional columns)."""
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataImportError(f"{path}: line 1: missing column(s) {', '.join(missing)}; "
                                  f"the columns are {', '.join(CSV_COLUMNS)} (+ basis, geography, publisher, "
                                  f"year_published, url, quote)")
        entries = []
        for line, row in enumerate(reader, start=2):
            source = {"title": _text(row.get("source"))}
            source.update({k: _text(row.get(k)) for k in _SOURCE_KEYS[1:]})
            entries.append(Entry(f"{path.name}:{line}", _text(row.get("series")), _text(row.get("year")),
                                 _text(row.get("value")), _text(row.get("unit")), _text(row.get("basis")),
                                 _text(row.get("geography")), source))
    return entries


def read_entries(path: Path | str, region: str) -> list:
    """Entries of ``path`` by its suffix (.xlsx or .csv)."""
    path = Path(path)
    if not path.is_file():
        raise DataImportError(f"{path}: file not found; give the filled .xlsx template or a long .csv")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_workbook(path, region)
    if suffix == ".csv":
        return read_csv(path)
    raise DataImportError(f"{path}: unknown file type '{suffix}'; give an .xlsx (python run.py data template) or a .csv")


# ----------------------------------------------------------------------------- writing


def _record(item) -> dict:
    """The data.yaml mapping of one checked figure."""
    base = re.sub(r"[^a-z0-9_]+", "_", item.spec.variable.lower()).strip("_")
    source = {k: item.entry.source.get(k, "") for k in _SOURCE_KEYS if item.entry.source.get(k)}
    if str(source.get("year_published", "")).isdigit():
        source["year_published"] = int(source["year_published"])
    source["imported_from"] = item.entry.where
    source["imported_on"] = datetime.date.today().isoformat()
    record = {"id": f"{base}_{item.year}_imported", "variable": item.spec.variable, "year": item.year,
              "value": round(float(item.value), 12), "unit": item.unit, "geography": item.spec.geography}
    if item.spec.basis:
        record["basis"] = item.spec.basis
    record["source"] = source
    if item.note:
        record["note"] = item.note
    if item.replaces is not None and not _is_imported(item.replaces):
        record["replaces"] = item.replaces.id
    return record


def _is_imported(figure) -> bool:
    return bool(figure.source.get("imported_from"))


def _existing_records(path: Path) -> list:
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("imported") or [])


def write_data_file(plan, checked: list) -> Path:
    """Add ``checked`` figures to the region's data.yaml (replacing earlier imports of the same series and year),
    written to a temporary file and moved into place in one step."""
    path = data_path(plan.path)
    new = [_record(item) for item in checked]
    keys = {(r["variable"], r["year"]) for r in new}
    kept = [r for r in _existing_records(path) if (r.get("variable"), r.get("year")) not in keys]
    records = sorted(kept + new, key=lambda r: (str(r["variable"]), int(r["year"])))
    text = ("# Figures imported with python run.py data import (docs/data.md); read beside plan.yaml's published:.\n"
            "# Re-import to change them; a figure with replaces: supersedes that plan.yaml figure.\n"
            + yaml.safe_dump({"region": plan.region, "imported": records}, allow_unicode=True, sort_keys=False,
                             width=110))
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".data-", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def import_file(plan, path: Path | str, *, replace: bool = False, max_jump: float = MAX_JUMP,
                office: str | None = None) -> ImportSummary:
    """Read, check and record an office's figures for ``plan``'s region (nothing is written on a refusal).

    Parameters
    ----------
    plan : simulator.plans.records.Plan
    path : the filled template (.xlsx) or a long CSV
    replace : a figure differing from a recorded one replaces it (else the import is refused)
    max_jump : a value more than this factor from its series' neighbouring figure is refused as a question
    office : the office's name for 单位内部数据 rows that give no publisher
    """
    entries = read_entries(path, plan.region)
    checked, unchanged = check_entries(plan, entries, replace=replace, max_jump=max_jump, office=office)
    written = write_data_file(plan, checked) if checked else data_path(plan.path)
    return ImportSummary(written=checked, unchanged=unchanged,
                         replaced=[c.replaces.id for c in checked if c.replaces is not None], path=written)
