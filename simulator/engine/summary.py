"""Beside the engine's data flow (after load_model): a plain-text inventory of a compiled model.

Used by ``run.py check``: what the model contains (stocks, flows, auxiliaries, constants,
lookups, dimensions), its time settings, and the functions the engine supports.
"""

from __future__ import annotations

KIND_TITLES = (("stock", "Stocks"), ("flow", "Flows"), ("auxiliary", "Auxiliaries"),
               ("constant", "Constants"), ("lookup", "Lookups"), ("data", "Data"))


def summary_lines(model):
    """Lines describing ``model`` (a CompiledModel), grouped by kind."""
    lines = [f"Model: {model.path}",
             f"Time: {model.time.initial:g} to {model.time.final:g}, "
             f"time step {model.time.dt:g}, saved every {model.time.saveper:g}"
             + _changing(model)]
    for kind, title in KIND_TITLES:
        infos = [v for v in model.variables.values() if v.kind == kind]
        if not infos:
            continue
        lines.append(f"{title} ({len(infos)}):")
        for info in infos:
            dims = f"[{', '.join(info.dims)}]" if info.dims else ""
            units = f"  ({info.units})" if info.units else ""
            lines.append(f"  {info.id}{dims}  \"{info.name}\"{units}")
    if model.dimensions:
        lines.append(f"Dimensions ({len(model.dimensions)}):")
        for name, elements in model.dimensions.items():
            lines.append(f"  {name}: {', '.join(elements)}")
    lines.append("Unsupported: none")
    return lines


def _changing(model):
    """The control variables given by equations of Time (their values above are those at the start)."""
    labels = {"initial_time": "INITIAL TIME", "final_time": "FINAL TIME", "time_step": "TIME STEP", "saveper": "SAVEPER"}
    keys = getattr(model, "_dynamic_time", ())
    return f" (at the start; {', '.join(labels[k] for k in keys)} change during the run)" if keys else ""
