"""Second stage of the data flow: PySD AbstractModel → ModelIR (``ir.py``).

Resolves names to python-safe ids, subscript ranges (subranges, copies, mappings), per-element
and :EXCEPT: definitions, turns PySD's AST into our expression nodes, lowers stateful functions
into hidden variables (``statefuls.py``), and collects EVERY unsupported construct into one
:class:`UnsupportedFeatureError`. Ordering (and algebraic-loop detection) is in ``ordering``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import CONTROL_KEYS, references, static_value
from simulator.engine.lowering.keys import python_id, reference_key
from simulator.errors import ModelParseError, UnsupportedFeatureError
from simulator.engine.lowering import external as lower_external, macros, statefuls
from simulator.engine.lowering.dimensions import Dimensions
from simulator.engine.lowering.expressions import CONVERTERS, INCOMPLETE, call_name, is_table

class _Context:
    """What the AST converter needs to know about the component it is converting."""

    def __init__(self, lowering, var_id, var_name, free_dims):
        self.lowering = lowering
        self.var_id = var_id
        self.var_name = var_name
        self.free_dims = free_dims

    def unsupported(self, what):
        self.lowering.unsupported.append((self.var_name, what))

    def new_hidden(self, prefix):
        self.lowering.hidden_counter += 1
        return f"_{prefix}_{self.var_id}_{self.lowering.hidden_counter}"


class _Lowering(Dimensions):
    """One lowering run over one AbstractModel."""

    def __init__(self, abstract_model, path):
        self.am = abstract_model
        self.path = Path(path)
        self.unsupported = []          # (variable name, what)
        self.hidden_counter = 0
        self.dimensions = {}
        self.key_to_id = {}
        self.variables = {}
        self.lookup_ids = set()
        self.hidden = []
        self.level_ids = set()         # variables defined by a stateful function (SMOOTH, DELAY ...)
        self.pending = []              # callbacks that need the initial time (DELAY N orders)

    def register_names(self, elements):
        taken = set()
        for element in elements:
            key = reference_key(element.name)
            if key in self.key_to_id:
                continue
            ident = python_id(key, taken)
            taken.add(ident)
            self.key_to_id[key] = ident
            if element.components and all(
                    type(c).__name__ == "AbstractLookup" or is_table(c.ast) for c in element.components):
                self.lookup_ids.add(ident)

    def variable_dims(self, element):
        """Final dimensions of a variable from the LHS subscripts of all its components."""
        lhs = [list(c.subscripts[0]) for c in element.components]
        if not lhs or not lhs[0]:
            return ()
        ndim = len(lhs[0])
        dims = []
        for pos in range(ndim):
            names = [subs[pos] for subs in lhs if len(subs) == ndim]
            if len(set(names)) == 1 and names[0] in self.dimensions:
                dims.append(names[0])
                continue
            elements = []
            for name in names:
                for el in self.elements_of(name):
                    if el not in elements:
                        elements.append(el)
            hints = [n for n in names if n in self.dimensions]
            dim = self.dim_for_elements(elements, hints)
            if dim is None:
                raise ModelParseError(
                    f"{self.path}: variable '{element.name}': subscripts {names} belong to no "
                    f"subscript range; define the range")
            dims.append(dim)
        return self._distinct(dims)

    def _distinct(self, dims):
        """A dimension repeated in one variable (``m[dim, dim]``) gets a copy for its later positions."""
        out = []
        for dim in dims:
            name = dim
            while name in out:
                name = f"{dim} ({len(out) + 1})"
                if name not in self.dimensions:
                    self.dimensions[name] = ir.Dimension(name, self.dimensions[dim].elements)
            out.append(name)
        return tuple(out)

    def lower_element(self, element):
        key = reference_key(element.name)
        var_id = self.key_to_id[key]
        if var_id in self.variables:      # duplicated definitions are merged as components
            existing = self.variables[var_id]
        else:
            existing = None
        dims = self.variable_dims(element)
        components = []
        roles = set()
        for comp in element.components:
            subs, excepts = comp.subscripts
            subs = [dims[pos] if sub in self.dimensions and pos < len(dims) and sub != dims[pos]
                    and self.dimensions[sub].elements == self.dimensions[dims[pos]].elements
                    and sub in dims[:pos] else sub for pos, sub in enumerate(subs)]
            free = tuple(s for s in subs if s in self.dimensions)
            ctx = _Context(self, var_id, element.name, free)
            role, component = self.lower_component(comp, ctx, tuple(subs), excepts)
            roles.add(role)
            components.extend(component if isinstance(component, list) else [component])
        if len(roles) > 1:
            self.unsupported.append((element.name, f"mixed definitions ({', '.join(sorted(roles))})"))
        role = roles.pop() if roles else ir.AUX
        if existing is not None:
            existing.components.extend(components)
            return
        var = ir.Variable(
            id=var_id, name=element.name, kind="", role=role, dims=dims, components=components,
            units=str(element.units or ""), doc=str(element.documentation or ""), limits=_limits(element))
        if role == ir.STOCK:
            var.non_negative = any(getattr(c.ast, "non_negative", False) for c in element.components)
        if all(type(c).__name__ == "AbstractData" for c in element.components):
            var.extra["data"] = True          # kind "data" (GET XLS/DIRECT DATA)
        self.variables[var_id] = var

    def lower_component(self, comp, ctx, subs, excepts):
        ast = comp.ast
        kind = type(comp).__name__
        excepts = tuple(tuple(e) for e in (excepts or ()))
        external = lower_external.lower_component(self, comp, ctx, subs, excepts)
        if external is not None:
            return external
        if type(ast).__name__ == "DataStructure":
            ctx.unsupported("DATA variable without equation (its values come from a Vensim data file at run time)")
            return ir.AUX, ir.Component(subs, ir.Num(0.0), excepts=excepts)
        if kind == "AbstractLookup" or is_table(ast):
            return ir.LOOKUP, ir.Component(subs, self.table(ast), excepts=excepts)
        if type(ast).__name__ == "IntegStructure":
            flow = self.convert(ast.flow, ctx)
            init = self.convert(ast.initial, ctx)
            return ir.STOCK, ir.Component(subs, flow, init=init, excepts=excepts)
        if type(ast).__name__ == "CallStructure" and call_name(ast) == "active_initial":
            args = ast.arguments
            expr = self.convert(args[0], ctx)
            init = self.convert(args[1], ctx)
            return ir.ACTIVE_INITIAL, ir.Component(subs, expr, init=init, excepts=excepts)
        if isinstance(ast, np.ndarray):
            return ir.AUX, ir.Component(subs, ir.ArrayLiteral(np.asarray(ast, dtype=float)), excepts=excepts)
        if type(ast).__name__ in STATE_STRUCTURES:
            self.level_ids.add(ctx.var_id)
        return ir.AUX, ir.Component(subs, self.convert(ast, ctx), excepts=excepts)

    def table(self, ast):
        kind = getattr(ast, "type", "interpolate") or "interpolate"
        kind = {"hold_backward": "backward", "look_forward": "forward"}.get(kind, kind)
        x = tuple(float(v) for v in ast.x)
        y = tuple(float(v) for v in ast.y)
        return ir.Table(x, y, kind)

    # --- expressions ---------------------------------------------------------------------
    def convert(self, node, ctx):
        handler = CONVERTERS.get(type(node).__name__)
        if handler is not None:
            return handler(self, node, ctx)
        if isinstance(node, (bool, int, float, np.integer, np.floating)):
            return ir.Num(float(node))
        if isinstance(node, np.ndarray):
            return ir.ArrayLiteral(np.asarray(node, dtype=float))
        ctx.unsupported(f"construct {type(node).__name__}")
        return ir.Num(0.0)

    def ref_id(self, key, ctx):
        ident = self.key_to_id.get(key)
        if ident is None:
            ctx.unsupported(f"reference to undefined variable '{key}'")
            return "__undefined__"
        return ident


STATE_STRUCTURES = frozenset(statefuls.CONVERTERS) - {"InitialStructure"}
"""Top-level stateful functions that make a variable a level (kind "stock") for the user."""


# --- time settings ---------------------------------------------------------------------------

def _time_settings(control, variables, path):
    values = {}
    for _ in range(len(control) + 1):
        for key, expr in control.items():
            value = static_value(expr, variables, controls=values)
            if value is not None:
                values[key] = float(value)
    defaults = {"initial_time": 0.0, "final_time": None, "time_step": 1.0}
    for key, default in defaults.items():
        if key not in values:
            if default is None and key not in control:
                raise ModelParseError(f"{path}: FINAL TIME is missing; set it to a number")
            # an equation of Time: a placeholder here, the run's grid is walked by engine/timegrid.py
            values[key] = values["initial_time"] if default is None else default
    values.setdefault("saveper", values["time_step"])
    if values["time_step"] <= 0:
        raise ModelParseError(f"{path}: TIME STEP must be > 0 (is {values['time_step']})")
    return ir.TimeSettings(values["initial_time"], values["final_time"], values["time_step"], values["saveper"])


# --- kinds -----------------------------------------------------------------------------------

def _refs(expr):
    """All variable ids referenced by an expression."""
    return references(expr)


def _assign_kinds(variables, level_ids=()):
    flow_ids = set()
    for var in variables.values():
        if var.role == ir.STOCK and not var.hidden:
            for comp in var.components:
                flow_ids |= _refs(comp.expr)
    for var in variables.values():
        if var.role == ir.STOCK or var.id in level_ids:
            var.kind = "stock"
        elif var.role == ir.LOOKUP:
            var.kind = "lookup"
        elif var.extra.get("data"):
            var.kind = "data"
        elif var.role == ir.AUX and all(
                isinstance(c.expr, (ir.Num, ir.ArrayLiteral)) for c in var.components):
            var.kind = "constant"
        elif var.id in flow_ids:
            var.kind = "flow"
        else:
            var.kind = "auxiliary"


# --- entry point -----------------------------------------------------------------------------

def lower(abstract_model, path, value_at_start=None):
    """Translate a PySD AbstractModel into a :class:`ModelIR`.

    Raises
    ------
    UnsupportedFeatureError
        Listing every unsupported function or construct (file, variable, function).
    ModelParseError
        Inconsistent definitions (e.g. subscripts outside every range).

    ``value_at_start(model_ir, expr)`` evaluates a scalar expression at the initial time (for
    DELAY N / SMOOTH N orders; raises LookupError, ValueError … when it cannot); the engine
    passes ``codegen.evaluate.value_at_start``, which evaluates any supported function. Without
    it, orders must fold to constants (:func:`simulator.engine.analysis.static_value`).
    """
    lowering = _Lowering(abstract_model, path)
    try:
        model_ir = _lower(lowering, abstract_model, path, value_at_start)
        reader = getattr(lowering, "external_reader", None)
        if reader is not None:
            model_ir.data_files = tuple(sorted(str(f) for f in reader.files))
        return model_ir
    finally:
        reader = getattr(lowering, "external_reader", None)
        if reader is not None:
            reader.close()


def unsupported_message(path, unsupported):
    """One line: equations left as ``A FUNCTION OF`` placeholders first (Vensim's check reports
    them as incomplete; PySD runs them as NaN, which no result of plansim should carry), else the
    unsupported features."""
    incomplete = [name for name, what in unsupported if what == INCOMPLETE]
    if incomplete:
        names = ", ".join(f"'{name}'" for name in incomplete)
        return (f"{Path(path)}: incomplete equation{'s' if len(incomplete) > 1 else ''} {names}: "
                "A FUNCTION OF(…) is Vensim's placeholder for an equation not written yet (Vensim's "
                "model check reports it as incomplete); write the equation (or a constant)")
    listed = "; ".join(f"'{name}': {what}" for name, what in unsupported)
    return f"{Path(path)}: unsupported: {listed}; remove or replace these"


def _lower(lowering, abstract_model, path, value_at_start):
    sections = list(abstract_model.sections)
    main = [s for s in sections if s.type == "main"] or sections[:1]
    macros.register(lowering, [s for s in sections if s not in main])
    section = main[0]
    lowering.lower_dimensions(section.subscripts)
    control_elements = [e for e in section.elements
                        if reference_key(e.name) in CONTROL_KEYS]
    model_elements = [e for e in section.elements if reference_key(e.name) not in CONTROL_KEYS]
    if not model_elements:
        raise ModelParseError(f"{Path(path)}: no model variables found (only time settings); "
                              f"check that the file is a complete Vensim/XMILE model")
    lowering.register_names(model_elements)
    for element in model_elements:
        if not element.components:
            continue
        lowering.lower_element(element)
    control = {}
    for element in control_elements:
        ctx = _Context(lowering, reference_key(element.name), element.name, ())
        control[reference_key(element.name)] = lowering.convert(element.components[0].ast, ctx)
    if lowering.pending:
        settings = _time_settings(control, lowering.variables, path)
        evaluate = _order_evaluator(lowering, settings, path, value_at_start or _folded_at_start)
        for resolve in lowering.pending:
            resolve(evaluate)
    variables = dict(lowering.variables)
    for hidden in lowering.hidden:
        variables[hidden.id] = hidden
    if lowering.unsupported:
        raise UnsupportedFeatureError(unsupported_message(path, _unique(lowering.unsupported)))
    _assign_kinds(variables, lowering.level_ids)
    settings = _time_settings(control, variables, path)
    return ir.ModelIR(Path(path), variables, lowering.dimensions, settings, control)


def _folded_at_start(model, expr):
    """Value of a constant-folding expression at the initial time (LookupError if it does not fold)."""
    settings = model.time
    controls = {"initial_time": settings.initial, "final_time": settings.final,
                "time_step": settings.dt, "saveper": settings.saveper}
    value = static_value(expr, model.variables, controls=controls)
    if value is None:
        raise LookupError(expr)
    return value


def _order_evaluator(lowering, settings, path, value_at_start):
    """A function evaluating a DELAY N / SMOOTH N order at the initial time, or noting it unsupported."""
    def evaluate(expr, var_name, label, quiet=False):
        variables = dict(lowering.variables)
        variables.update({h.id: h for h in lowering.hidden})
        model = ir.ModelIR(Path(path), variables, lowering.dimensions, settings)
        try:
            return float(value_at_start(model, expr))
        except (LookupError, IndexError, ValueError, TypeError):
            if not quiet:
                lowering.unsupported.append((var_name, f"{label} whose order is not a scalar constant"))
            return None
    return evaluate


def _unique(items):
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _limits(element) -> tuple:
    """``(min, max)`` of the range in an element's units field (``~ Dmnl [0,1]``; ``?`` or none: None)."""
    found = tuple(getattr(element, "limits", None) or ())[:2]
    found = found + (None,) * (2 - len(found))
    return tuple(None if v is None else float(v) for v in found)
