"""Part of the second stage (lower): expands Vensim macro calls (:MACRO: … :END OF MACRO:) into hidden IR variables.

PySD's AbstractModel gives each macro as a separate section with its parameters (``params``) and
extra outputs (``returns``). ``lower.py`` registers those sections here and, whenever an
equation calls a macro, :func:`expand_call` instantiates the macro's variables (stocks and
stateful functions included) once per call site under unique hidden ids: each parameter becomes
a hidden auxiliary holding the call's argument (a plain reference is used directly), and the call
itself becomes a reference to the instance's output variable (the one named like the macro).
Macros calling macros are expanded recursively; a macro calling itself is refused.
"""

from __future__ import annotations

from simulator.engine import ir
from simulator.engine.lowering.keys import python_id, reference_key
from simulator.engine.lowering.statefuls import hidden_variable
from simulator.errors import ModelParseError

MAX_DEPTH = 32
"""Deepest chain of macros calling macros before expansion is refused as recursive."""


class MacroDefinition:
    """One macro section: its reference key, parameter keys, extra outputs and elements."""

    def __init__(self, section):
        self.key = reference_key(section.name)
        self.elements = list(section.elements)
        self.name = next((e.name for e in self.elements if reference_key(e.name) == self.key), section.name)
        self.params = tuple(reference_key(p) for p in section.params)
        self.returns = tuple(section.returns or ())


def register(lowering, sections):
    """Record every macro section of the AbstractModel on ``lowering.macros`` (key → definition)."""
    lowering.macros = {}
    lowering.macro_stack = ()
    lowering.macro_instances = 0
    for section in sections:
        definition = MacroDefinition(section)
        if definition.returns:
            lowering.unsupported.append((section.name, "macro with several outputs (macro(a : out))"))
        lowering.macros[definition.key] = definition


def is_macro(lowering, name):
    """True when ``name`` (a reference key) is a registered macro."""
    return name in getattr(lowering, "macros", {})


def _arity_error(lowering, ctx, definition, given):
    return ModelParseError(
        f"{lowering.path}: variable '{ctx.var_name}' calls macro {definition.name.upper()} with "
        f"{given} argument(s) but it takes {len(definition.params)} ({', '.join(definition.params)}); "
        f"fix the call")


def _argument_id(lowering, ctx, prefix, param, node):
    """Id standing for one argument inside the instance: the referenced variable itself for an
    unsubscripted plain reference, else a hidden auxiliary holding the argument expression."""
    expr = lowering.convert(node, ctx)
    if isinstance(expr, ir.Ref) and expr.subs is None:
        return expr.id
    hidden_id = "_" + python_id(f"{prefix}_arg_{param}", set())
    hidden_variable(lowering, ctx, hidden_id, ir.AUX, expr)
    return hidden_id


def _instance_ids(lowering, definition, prefix):
    """Scoped name table of one instance: macro-local key → unique hidden id."""
    taken = set(lowering.key_to_id.values()) | set(lowering.variables) | {h.id for h in lowering.hidden}
    scope = {}
    for element in definition.elements:
        key = reference_key(element.name)
        if key in scope:
            continue
        ident = python_id(f"{prefix}_{key}", taken)
        taken.add(ident)
        scope[key] = "_" + ident
        if element.components and all(
                type(c).__name__ == "AbstractLookup"
                or type(c.ast).__name__ in ("LookupsStructure", "GetLookupsStructure")
                for c in element.components):
            lowering.lookup_ids.add(scope[key])
    return scope


def expand_call(lowering, node, ctx):
    """Instantiate the macro called by ``node`` for this call site and return a reference to its output.

    Parameters
    ----------
    lowering : simulator.engine.lowering.convert._Lowering
        The running lowering (its ``key_to_id`` is swapped for the instance's scope while the
        macro's equations are lowered).
    node : CallStructure
        PySD's call of the macro.
    ctx : simulator.engine.lowering.convert._Context
        The calling component.

    Returns
    -------
    ir.Ref or ir.Num
        Reference to the hidden output variable (``Num(0)`` after recording an unsupported use).

    Raises
    ------
    ModelParseError
        The macro is called with the wrong number of arguments.
    """
    definition = lowering.macros[reference_key(node.function.reference)]
    if len(node.arguments) != len(definition.params):
        raise _arity_error(lowering, ctx, definition, len(node.arguments))
    if definition.key in lowering.macro_stack or len(lowering.macro_stack) >= MAX_DEPTH:
        ctx.unsupported(f"recursive macro {definition.name.upper()}")
        return ir.Num(0.0)
    if definition.key not in {reference_key(e.name) for e in definition.elements}:
        ctx.unsupported(f"macro {definition.name.upper()} defines no variable named like the macro")
        return ir.Num(0.0)
    lowering.macro_instances += 1
    prefix = f"macro_{definition.key}_{lowering.macro_instances}"
    scope = _instance_ids(lowering, definition, prefix)
    for param, arg in zip(definition.params, node.arguments):
        scope[param] = _argument_id(lowering, ctx, prefix, param, arg)
    first_new = len(lowering.hidden)
    _lower_instance(lowering, definition, scope)
    if ctx.free_dims:
        _spread_over(lowering.hidden[first_new:], tuple(ctx.free_dims))
    return ir.Ref(scope[definition.key], None)


def _spread_over(variables, dims):
    """A call in a subscripted equation (``y[r] = M(x[r])``) evaluates the macro element by
    element: its scalar variables (and their hidden states) are laid out over the caller's dims."""
    for var in variables:
        if var.dims:
            continue
        var.dims = dims
        for component in var.components:
            component.subs = dims


def _lower_instance(lowering, definition, scope):
    """Lower the macro's elements with ``scope`` as name table; move the results to the hidden list."""
    outer_keys, outer_stack = lowering.key_to_id, lowering.macro_stack
    lowering.key_to_id = scope
    lowering.macro_stack = outer_stack + (definition.key,)
    local_ids = {scope[reference_key(e.name)] for e in definition.elements}
    try:
        for element in definition.elements:
            if element.components:
                lowering.lower_element(element)
    finally:
        lowering.key_to_id, lowering.macro_stack = outer_keys, outer_stack
    for var_id in sorted(local_ids & set(lowering.variables)):
        var = lowering.variables.pop(var_id)
        var.hidden = True
        var.doc = f"{var.name} in an instance of macro {definition.name.upper()}"
        var.name = var_id
        lowering.hidden.append(var)
