"""Last stage of a single run for people (run arrays → Vensim-style table): what ``run.py simulate`` writes.

Like Vensim and PySD, the table holds every variable of the model — stocks, flows, auxiliaries,
constants and data variables (lookups are functions, not values over time) — and the control
variables INITIAL TIME, FINAL TIME, TIME STEP and SAVEPER. ``columns`` picks some of them by
Vensim name (spaces or underscores, any case), id, or ``Name[elem, …]`` for one element.
"""

from __future__ import annotations

from simulator.errors import NonFiniteError
from simulator.names import normalise, split_name
from simulator.yamlmarks import display_path

CONTROL_COLUMNS = {
    "initial_time": ("INITIAL TIME", "initial_time"),
    "final_time": ("FINAL TIME", "final_time"),
    "time_step": ("TIME STEP", "time_step"),
    "saveper": ("SAVEPER", "saveper"),
}
"""{normalised name: (Vensim column name, Dataset attribute)} of the control variables."""


def value_columns(model):
    """Ids of every variable with a value over time (all visible variables but lookups)."""
    return [vid for vid, info in model.variables.items() if info.kind != "lookup"]


def _resolve(model, columns):
    """(ids to run, control keys, column labels to keep or None for all) for ``columns``."""
    if columns is None:
        return value_columns(model), list(CONTROL_COLUMNS), None
    ids, controls, labels = [], [], []
    for name in columns:
        key = normalise(name)
        if key in CONTROL_COLUMNS:
            controls.append(key)
            labels.append(CONTROL_COLUMNS[key][0])
            continue
        parsed = split_name(name)
        base, elements = parsed if parsed is not None else (name, ())
        info = model.find(base)
        if info.id not in ids:
            ids.append(info.id)
        labels.append(info.name if not elements else (info.name, tuple(normalise(e) for e in elements)))
    return ids, controls, labels


def _keep(table, labels):
    """The columns of ``table`` that ``labels`` name, in the order asked (whole variables expand)."""
    keep = ["Time"]
    for label in labels:
        if isinstance(label, str):
            keep += [c for c in table.columns if c == label or c.startswith(label + "[")]
            continue
        name, elements = label
        for column in table.columns:
            if column.startswith(name + "["):
                inside = column[len(name) + 1:-1].split(",")
                if tuple(normalise(e) for e in inside) == elements:
                    keep.append(column)
    return table[list(dict.fromkeys(keep))]


def simulate_table(model, params=None, method="euler", columns=None, allow_nonfinite=True):
    """Run ``model`` once and return its Vensim-style table (``Time`` + one column per value).

    Parameters
    ----------
    model : CompiledModel
    params : dict, optional
        As for :meth:`CompiledModel.run` (one scenario).
    method : str
    columns : list of str, optional
        Variable names or ids (``Name[elem]`` for one element), or control variable names;
        default: every variable and the four control variables.
    allow_nonfinite : bool
        False: raise :class:`NonFiniteError` naming the first variable and time that went inf/NaN.

    Returns
    -------
    pandas.DataFrame
    """
    ids, controls, labels = _resolve(model, columns)
    run = model.run_arrays(params=params, method=method, return_columns=ids)   # no Dataset: xarray not imported
    problem = run.problems[0]
    if not allow_nonfinite and problem is not None:
        raise NonFiniteError(f"{display_path(model.path)}: non-finite value in '{problem[1]}' at time {problem[0]:g} "
                             "(division by zero, overflow, LN of a negative, or reading an element no equation "
                             "defines?); fix the model or --set, or pass --allow-nonfinite to write it anyway")
    table = _table(model, run)
    for key in controls:
        label, attr = CONTROL_COLUMNS[key]
        changing = run.attrs.get(f"{key}_over_time")     # an equation of Time: its value at each saved time
        table[label] = list(changing) if changing is not None else float(run.attrs[attr])
    return table if labels is None else _keep(table, labels)


def _table(model, run, scenario=0):
    """One scenario of a run (:class:`~simulator.engine.simulate.RunArrays`) as a ``pandas.DataFrame``:
    ``Time`` and one column per variable by its Vensim name, ``Var[a,b]`` per element."""
    import itertools

    import pandas as pd

    columns = {"Time": run.times}
    for vid, data in run.outputs.items():
        var = model.ir.variables[vid]
        values = data[:, scenario]
        if not var.dims:
            columns[var.name] = values
            continue
        coords = [list(model.ir.dimensions[d].elements) for d in var.dims]
        for index in itertools.product(*[range(len(c)) for c in coords]):
            label = ",".join(str(c[i]) for c, i in zip(coords, index))
            columns[f"{var.name}[{label}]"] = values[(slice(None),) + index]
    return pd.DataFrame(columns)
