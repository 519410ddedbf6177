"""Beside stage two (``lower.py``): external data files → numbers for the IR, read once at load time.

Vensim's GET XLS/DIRECT CONSTANTS, DATA, LOOKUPS and SUBSCRIPT name a spreadsheet (``.xlsx``,
``.xls``) or a text table (``.csv``, ``.tab``/``.txt``) relative to the model file, a sheet (for
text tables: the separator, or any name) and a cell (``B3``), a named range, or a row/column
holding the time or x values. :class:`ExternalReader` reads those blocks with pandas/openpyxl
and returns plain numpy arrays; ``lower.py`` turns them into literal arrays, lookup tables and
time series (data variables). Nothing here runs during the simulation.

Semantics follow Vensim as documented (and as PySD reads them):

- a constant block is read with its subscripts laid out as rows x columns (the last subscript
  that has more than one element across the columns); a cell ending in ``*`` is transposed;
- a data/lookup block has its x (time) values in a row (``'5'``) or a column (``'A'``) starting
  at the data's first cell, or in a named range; trailing blank x cells end the series, other
  blank x cells drop their column/row, x values are sorted, and blank data cells are filled by
  the variable's interpolation (interpolate / hold backward / look forward), ends held.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from simulator.engine.file_aliases import read_aliases, resolve_alias
from simulator.errors import ModelFileError

SPREADSHEET_ENGINES = {".xlsx": "openpyxl", ".xlsm": "openpyxl", ".xls": "xlrd", ".ods": "odf"}
"""{spreadsheet suffix: pandas reader engine}."""
ENGINE_PACKAGES = {"openpyxl": "openpyxl", "xlrd": "xlrd", "odf": "odfpy"}
"""{reader engine: the PyPI package that provides it}."""
_CELL = re.compile(r"^([A-Za-z]{1,3})([1-9][0-9]*)$")


def column_number(letters):
    """0-based column number of spreadsheet column letters (``A`` → 0, ``AA`` → 26)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number - 1


def cell_name(row, col):
    """Spreadsheet name of the 0-based (row, col) cell: (2, 1) → ``B3``."""
    letters, col = "", col + 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


def split_cell(cell):
    """(row, column), both 0-based, of a cell like ``B3``; ``None`` if ``cell`` is not one."""
    match = _CELL.match(str(cell).strip())
    if not match:
        return None
    return int(match.group(2)) - 1, column_number(match.group(1))


def _fill_missing(x, values, kind):
    """Fill NaN data cells column by column with the variable's interpolation, ends held."""
    filled = values.copy()
    for col in range(values.shape[1]):
        column = values[:, col]
        known = ~np.isnan(column)
        if known.all() or not known.any():
            continue
        xk, yk = x[known], column[known]
        for row in np.flatnonzero(~known):
            filled[row, col] = _FILLERS.get(kind, _fill_interpolate)(x[row], xk, yk)
    return filled


def _fill_interpolate(at, xk, yk):
    return float(np.interp(at, xk, yk))


def _fill_forward(at, xk, yk):
    later = yk[xk >= at]
    return float(later[0]) if later.size else float(yk[-1])


def _fill_backward(at, xk, yk):
    earlier = yk[xk <= at]
    return float(earlier[-1]) if earlier.size else float(yk[0])


_FILLERS = {"interpolate": _fill_interpolate, "forward": _fill_forward, "backward": _fill_backward}
"""{table kind: how a blank data cell at x is filled from the known cells}."""


@contextmanager
def _quiet_readers():
    """Silence the spreadsheet readers' deprecation chatter (xlrd for .xls) while reading."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*engine is deprecated.*")
        yield


class ExternalReader:
    """Reads external blocks for one model file; sheets are read once and cached.

    Parameters
    ----------
    model_path : str or pathlib.Path
        The model file; data file names are relative to its folder.
    """

    def __init__(self, model_path):
        self.model_path = Path(model_path)
        self._sheets = {}
        self._books = {}          # path -> pandas.ExcelFile (values)
        self._workbooks = {}      # path -> openpyxl Workbook (named ranges)
        self._aliases = None      # '?alias' -> linked path, read from the model file when first needed
        self.files = set()        # every data file resolved (the model cache checks them)

    # --- errors ------------------------------------------------------------------------------
    def _fail(self, var_name, file, tab, where, problem, fix):
        raise ModelFileError(
            f"{self.model_path}: '{var_name}': data file '{file}' sheet '{tab}' {where}: {problem}; {fix}")

    # --- files and sheets --------------------------------------------------------------------
    def _resolve(self, var_name, file, tab, where):
        if str(file).startswith("?"):
            if self._aliases is None:
                self._aliases = read_aliases(self.model_path)
            path = resolve_alias(self.model_path, self._aliases, str(file), f"'{var_name}' (sheet '{tab}' {where})")
            self.files.add(path)
            return path
        path = (self.model_path.parent / str(file)).resolve()
        if not path.is_file():
            self._fail(var_name, file, tab, where, f"file not found at {path}", "check the file name")
        self.files.add(path)
        return path

    def sheet(self, var_name, file, tab, where):
        """The whole sheet as a float array (non-numbers → NaN), rows x columns from A1."""
        path = self._resolve(var_name, file, tab, where)
        key = (path, str(tab))
        if key not in self._sheets:
            self._sheets[key] = self._read_sheet(var_name, path, file, tab, where)
        return self._sheets[key]

    def _raw_sheet(self, var_name, path, file, tab, where, dtype=None):
        """The cells of sheet ``tab`` (for text tables: separator ``tab`` if not alphanumeric) as objects."""
        import pandas as pd
        kwargs = {"header": None} if dtype is None else {"header": None, "dtype": dtype}
        suffix = path.suffix.lower()
        if suffix in SPREADSHEET_ENGINES:
            book = self._excel_file(var_name, path, file, tab, where)
            match = [n for n in book.sheet_names if n.lower() == str(tab).lower()]
            if not match:
                self._fail(var_name, file, tab, where, f"no such sheet (sheets: {', '.join(book.sheet_names)})",
                           "fix the sheet name")
            with _quiet_readers():
                return book.parse(sheet_name=match[0], **kwargs).values
        if tab and not str(tab)[0].isalnum():
            kwargs["sep"] = str(tab)
        reader = pd.read_csv if suffix == ".csv" else pd.read_table
        return reader(path, **kwargs).values

    def _read_sheet(self, var_name, path, file, tab, where):
        import pandas as pd
        raw = self._raw_sheet(var_name, path, file, tab, where)
        return np.array([pd.to_numeric(row, errors="coerce") for row in raw], dtype=float).reshape(raw.shape)

    def _excel_file(self, var_name, path, file, tab, where):
        """The open ``pandas.ExcelFile`` of a spreadsheet (opened once per load)."""
        import pandas as pd
        if path not in self._books:
            engine = SPREADSHEET_ENGINES[path.suffix.lower()]
            try:
                with _quiet_readers():
                    self._books[path] = pd.ExcelFile(path, engine=engine)
            except ImportError:
                package = ENGINE_PACKAGES[engine]
                self._fail(var_name, file, tab, where, f"reading {path.suffix} files needs the '{package}' package",
                           f"install it (pip install {package}) or save the file as .xlsx")
            except Exception as err:  # noqa: BLE001 - any reader failure means an unreadable file
                self._fail(var_name, file, tab, where, f"cannot read the spreadsheet ({err.__class__.__name__})",
                           "check that it is a valid spreadsheet")
        return self._books[path]

    def close(self):
        """Close the spreadsheets opened so far (pandas keeps them open for repeated reads)."""
        for book in self._books.values():
            book.close()
        self._books.clear()

    def block(self, var_name, file, tab, where, rows, cols):
        """Rows ``rows[0]:rows[1]`` x columns ``cols[0]:cols[1]`` (``None`` = to the end) as a 2-D array."""
        data = self.sheet(var_name, file, tab, where)[rows[0]:rows[1], cols[0]:cols[1]]
        if data.size == 0:
            self._fail(var_name, file, tab, where, "the cells are empty or outside the sheet",
                       "check the cell reference")
        return data

    def named_range(self, var_name, file, tab, name):
        """(rows, cols) 0-based half-open bounds of the named range ``name`` on sheet ``tab``."""
        from openpyxl import load_workbook
        path = self._resolve(var_name, file, tab, f"range '{name}'")
        if path not in self._workbooks:
            try:
                self._workbooks[path] = load_workbook(path, data_only=True)  # not read_only: that keeps the file open
            except Exception as err:  # noqa: BLE001 - openpyxl raises several kinds
                self._fail(var_name, file, tab, f"range '{name}'",
                           f"'{name}' is not a cell and the file has no named ranges ({err.__class__.__name__})",
                           "give a cell like B3 or an .xlsx named range")
        book = self._workbooks[path]
        sheets = [s for s in book.sheetnames if s.lower() == str(tab).lower()]
        if not sheets:
            self._fail(var_name, file, tab, f"range '{name}'",
                       f"no such sheet (sheets: {', '.join(book.sheetnames)})", "fix the sheet name")
        defined = book[sheets[0]].defined_names.get(name) or book.defined_names.get(name)
        if defined is None:
            self._fail(var_name, file, tab, f"range '{name}'", "no such named range",
                       "define it in the workbook or give a cell like B3")
        sheet, cells = next(defined.destinations)
        if sheet.lower() != str(tab).lower():
            self._fail(var_name, file, tab, f"range '{name}'", f"the range is on sheet '{sheet}'",
                       "fix the sheet name")
        corners = [split_cell(c) for c in cells.replace("$", "").split(":")]
        first, last = corners[0], corners[-1]
        return (first[0], last[0] + 1), (first[1], last[1] + 1)

    # --- constants ---------------------------------------------------------------------------
    def constants(self, var_name, file, tab, cell, shape):
        """Values of GET XLS/DIRECT CONSTANTS for a component whose subscripts have ``shape``.

        Returns an array of ``shape`` (a float for ``()``).
        """
        cell = str(cell).strip()
        transpose = cell.endswith("*")
        cell = cell.rstrip("*").strip()
        table = [n for n in shape if n > 1]
        if len(table) > 2:
            self._fail(var_name, file, tab, f"cell '{cell}'", f"{len(table)} subscripts with several elements",
                       "split the definition so each reads a 2-D block")
        table = [1] * (2 - len(table)) + table
        if transpose:
            table.reverse()
        start = split_cell(cell)
        if start is not None:
            data = self.block(var_name, file, tab, f"cell '{cell}'",
                              (start[0], start[0] + table[0]), (start[1], start[1] + table[1]))
            if list(data.shape) != table:
                self._fail(var_name, file, tab, f"cell '{cell}'",
                           f"needs {table[0]}x{table[1]} cells, the sheet ends after {data.shape[0]}x{data.shape[1]}",
                           "check the cell and the subscripts")
        else:
            rows, cols = self.named_range(var_name, file, tab, cell)
            data = self.block(var_name, file, tab, f"range '{cell}'", rows, cols)
            if list(data.shape) != table:
                self._fail(var_name, file, tab, f"range '{cell}'",
                           f"is {data.shape[0]}x{data.shape[1]} cells, the subscripts need {table[0]}x{table[1]}",
                           "resize the range or fix the subscripts")
        if np.isnan(data).any():
            top = start if start is not None else (rows[0], cols[0])
            row, col = np.argwhere(np.isnan(data))[0]
            self._fail(var_name, file, tab, f"cell '{cell}'",
                       f"cell {cell_name(top[0] + row, top[1] + col)} is blank or not a number",
                       "fill it with a number")
        if transpose:
            data = data.T
        return data.reshape(shape) if shape else float(data.reshape(-1)[0])

    # --- data and lookups --------------------------------------------------------------------
    def series(self, var_name, file, tab, x_row_or_col, cell, size, kind="interpolate"):
        """(x, values) of GET XLS/DIRECT DATA or LOOKUPS: ``x`` sorted 1-D, ``values`` (len(x), size)."""
        x_ref, cell = str(x_row_or_col).strip(), str(cell).strip()
        where = f"x '{x_ref}', cell '{cell}'"
        start = split_cell(cell)
        if x_ref.isdigit() and start is not None:            # x values across a row
            x = self.block(var_name, file, tab, where, (int(x_ref) - 1, int(x_ref)), (start[1], None))[0]
            values = self.block(var_name, file, tab, where, (start[0], start[0] + size), (start[1], None)).T
            x, values = self._trim(x, values)
        elif start is not None:                              # x values down a column
            col = column_number(x_ref)
            x = self.block(var_name, file, tab, where, (start[0], None), (col, col + 1))[:, 0]
            values = self.block(var_name, file, tab, where, (start[0], None), (start[1], start[1] + size))
            x, values = self._trim(x, values)
        else:                                                # named ranges
            rows, cols = self.named_range(var_name, file, tab, x_ref)
            x = self.block(var_name, file, tab, where, rows, cols)
            if min(x.shape) > 1:
                self._fail(var_name, file, tab, where, f"x range '{x_ref}' is a table, not a row or column",
                           "name a single row or column")
            across_row = x.shape[0] == 1 and x.shape[1] > 1
            x = x.reshape(-1)
            rows, cols = self.named_range(var_name, file, tab, cell)
            values = self.block(var_name, file, tab, where, rows, cols)
            values = values.T if across_row else values
        if values.shape != (x.size, size):
            self._fail(var_name, file, tab, where,
                       f"{values.shape[0]}x{values.shape[1]} data cells for {x.size} x values and {size} elements",
                       "check the ranges and the subscripts")
        keep = ~np.isnan(x)
        if not keep.any():
            self._fail(var_name, file, tab, where, "no numeric x (time) values", "check the row/column of x")
        x, values = x[keep], values[keep]
        order = np.argsort(x, kind="stable")
        x, values = x[order], values[order]
        if np.any(np.diff(x) == 0):
            self._fail(var_name, file, tab, where, "repeated x (time) values", "make x strictly increasing")
        return x, _fill_missing(x, values, kind)

    def _trim(self, x, values):
        """Drop the trailing blank x cells (the sheet's end, not missing values)."""
        end = len(x)
        while end and np.isnan(x[end - 1]):
            end -= 1
        return x[:end], values[:end]

    # --- subscripts --------------------------------------------------------------------------
    def subscript(self, range_name, file, tab, firstcell, lastcell, prefix):
        """Element names of GET XLS/DIRECT SUBSCRIPT: the cells firstcell..lastcell, prefixed, blanks skipped."""
        where = f"cells '{firstcell}'..'{lastcell}'"
        first = split_cell(firstcell)
        if first is None:
            rows, cols = self.named_range(range_name, file, tab, firstcell)
        else:
            last = split_cell(lastcell) if lastcell else None
            if last is not None:
                rows, cols = (first[0], last[0] + 1), (first[1], last[1] + 1)
            elif lastcell and str(lastcell).isdigit():
                rows, cols = (first[0], int(lastcell)), (first[1], None)
            elif lastcell:
                rows, cols = (first[0], None), (first[1], column_number(str(lastcell)) + 1)
            else:
                rows, cols = (first[0], None), (first[1], None)
        path = self._resolve(range_name, file, tab, where)
        raw = self._raw_sheet(range_name, path, file, tab, where, dtype=object)[rows[0]:rows[1], cols[0]:cols[1]]
        names = []
        for value in raw.reshape(-1):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            names.append(f"{prefix or ''}{value}")
        if not names:
            self._fail(range_name, file, tab, where, "no element names in these cells", "check the cells")
        return names
