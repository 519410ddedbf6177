"""Lowering, expressions: PySD's AST → IR expression nodes, one converter per PySD structure class.

:data:`CONVERTERS` is ``{PySD structure class name: function(lowering, node, ctx) -> ir node}``
(stateful functions come from ``statefuls.py``, macro calls from ``macros.py``). Anything not in
the table, or a function not in ``engine/functions.py``, is noted as unsupported on ``ctx``.
"""

from __future__ import annotations

from simulator.engine import ir
from simulator.engine.analysis import static_value
from simulator.engine.functions import BUILTINS, LOOKUP_FUNCTIONS, RANDOM_FUNCTIONS, TIME_NAMES
from simulator.engine.lowering import external, macros, statefuls
from simulator.engine.lowering.keys import reference_key


#: What ``unsupported`` records for an ``A FUNCTION OF`` placeholder (see convert.unsupported_message).
INCOMPLETE = "A FUNCTION OF"


def is_table(ast):
    return type(ast).__name__ in ("LookupsStructure", "GetLookupsStructure")


def call_name(ast):
    return reference_key(ast.function.reference)


_ARITH_OPS = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "^"}
_LOGIC_OPS = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
              ":AND:": "and", ":OR:": "or"}


def _fold(lowering, node, ctx, table):
    args = [lowering.convert(a, ctx) for a in node.arguments]
    ops = [str(op).upper() if str(op).startswith(":") else str(op) for op in node.operators]
    if ops in (["negative"], ["NEGATIVE"]):
        return ir.Unary("neg", args[0])
    if ops in ([":NOT:"], ["NOT"]):
        return ir.Unary("not", args[0])
    mapped_ops = []
    for op in ops:
        mapped = table.get(op) or _LOGIC_OPS.get(op) or _ARITH_OPS.get(op)
        if mapped is None:
            ctx.unsupported(f"operator {op}")
            mapped = "+"
        mapped_ops.append(mapped)
    if mapped_ops and all(op == "^" for op in mapped_ops):
        # Vensim's ^ is right-associative, and binds tighter than a leading minus (-2^2 = -4)
        result = args[-1]
        for arg in reversed(args[:-1]):
            result = _power(arg, result)
        return result
    result = args[0]
    for op, arg in zip(mapped_ops, args[1:]):
        result = ir.Binary(op, result, arg)
    return result


def _power(base, exponent):
    if isinstance(base, ir.Num) and base.value < 0:
        return ir.Unary("neg", ir.Binary("^", ir.Num(-base.value), exponent))
    return ir.Binary("^", base, exponent)


def _convert_reference(lowering, node, ctx):
    key = reference_key(node.reference)
    subs = tuple(node.subscripts.subscripts) if node.subscripts is not None else None
    if key.endswith("$") and (key[:-1] in TIME_NAMES or key == "time$"):   # TIME STEP$, TIME$ in macros
        key = key[:-1]
    if key == "time":
        return ir.Time()
    if key in TIME_NAMES:
        return ir.Call(key, ())
    if key not in lowering.key_to_id:
        as_subscript = lowering.subscript_value(key)
        if as_subscript is not None:
            return as_subscript
    return ir.Ref(lowering.ref_id(key, ctx), subs)


def _convert_call(lowering, node, ctx):
    name = call_name(node)
    if name in lowering.key_to_id and lowering.key_to_id[name] in lowering.lookup_ids:
        func = node.function
        subs = tuple(func.subscripts.subscripts) if func.subscripts is not None else None
        arg = lowering.convert(node.arguments[0], ctx)
        return ir.LookupCall(lowering.key_to_id[name], subs, arg)
    if name in LOOKUP_FUNCTIONS and LOOKUP_FUNCTIONS[name] is not None:
        target, arg = node.arguments[0], node.arguments[1]
        if type(target).__name__ != "ReferenceStructure":
            ctx.unsupported(f"{name} on a non-lookup argument")
            return ir.Num(0.0)
        lookup = _convert_reference(lowering, target, ctx)
        kind = LOOKUP_FUNCTIONS[name]
        return ir.LookupCall(lookup.id, lookup.subs, lowering.convert(arg, ctx),
                             None if kind == "table" else kind)
    if name == "active_initial":
        hidden = ctx.new_hidden("active_initial")
        expr = lowering.convert(node.arguments[0], ctx)
        init = lowering.convert(node.arguments[1], ctx)
        return statefuls.hidden_variable(lowering, ctx, hidden, ir.ACTIVE_INITIAL, expr, init)
    if name == "elmcount":
        arg = lowering.convert(node.arguments[0], ctx)
        if isinstance(arg, ir.DimIndex):
            return ir.Num(float(len(arg.positions)))
        ctx.unsupported("ELMCOUNT of something that is not a subscript range")
        return ir.Num(0.0)
    if name == "get_time_value":
        return _get_time_value(lowering, node, ctx)
    if macros.is_macro(lowering, name):
        return macros.expand_call(lowering, node, ctx)
    if name == "delay_material":
        return statefuls.delay_material(lowering, node, ctx)
    if name == "delay_information":
        return statefuls.delay_material(lowering, node, ctx, "DELAY INFORMATION", 3)
    if name == "npv":
        return statefuls.npv(lowering, node, ctx)
    if name == "random_pink_noise":
        return statefuls.pink_noise(lowering, node, ctx)
    if name == "a_function_of":        # Vensim's placeholder of an unfinished equation
        ctx.unsupported(INCOMPLETE)
        return ir.Num(0.0)
    if name not in BUILTINS:
        ctx.unsupported(f"function {name.upper()}")
        return ir.Num(0.0)
    args = tuple(lowering.convert(a, ctx) for a in node.arguments)
    builtin = BUILTINS[name]
    one_array = name in ("min", "max") and len(args) == 1      # XMILE MIN/MAX of one array
    if len(args) not in builtin.arity and not one_array:
        expected = " or ".join(str(a) for a in builtin.arity)
        ctx.unsupported(f"{builtin.vensim} with {len(args)} arguments (it takes {expected})")
        return ir.Num(0.0)
    if name in RANDOM_FUNCTIONS:
        return statefuls.random_call(lowering, name, args)
    return ir.Call(name, args)


def _get_time_value(lowering, node, ctx):
    """GET TIME VALUE(relative to, offset, measure): 0 = TIME, 1 = INITIAL TIME, plus offset, in the
    model's time units (measure 0). The computer clock (2) and calendar measures are refused."""
    args = [lowering.convert(a, ctx) for a in node.arguments]
    relative = static_value(args[0], lowering.variables)
    measure = static_value(args[2], lowering.variables)
    if relative not in (0, 1):
        ctx.unsupported("GET TIME VALUE relative to the computer clock (2) or an unknown reference: "
                        "runs must be reproducible; use 0 (TIME) or 1 (INITIAL TIME)")
        return ir.Num(0.0)
    if measure != 0:
        ctx.unsupported("GET TIME VALUE with a calendar measure (1-10): model time has no calendar; use 0")
        return ir.Num(0.0)
    origin = ir.Time() if relative == 0 else ir.Call("initial_time", ())
    return ir.Binary("+", origin, args[1])


def _convert_allocate_available(lowering, node, ctx):
    """ALLOCATE AVAILABLE(request, pp[..., ptype], avail): the profile argument names the first
    element of the profile range (ptype, ppriority, pwidth, pextra) and stands for all four."""
    profile = lowering.convert(node.pp, ctx)
    if not (isinstance(profile, ir.Ref) and profile.subs):
        ctx.unsupported("ALLOCATE AVAILABLE whose priority profile is not a subscripted variable")
        return ir.Num(0.0)
    last = profile.subs[-1]
    main = lowering.main_range((last,)) if last not in lowering.dimensions else lowering.dimensions[last]
    if main is None or len(main.elements) != 4:
        ctx.unsupported("ALLOCATE AVAILABLE whose profile range does not have 4 elements")
        return ir.Num(0.0)
    profile = ir.Ref(profile.id, profile.subs[:-1] + (main.name,))
    return ir.Call("allocate_available",
                   (lowering.convert(node.request, ctx), profile, lowering.convert(node.avail, ctx)))


def _convert_inline_lookup(lowering, node, ctx):
    return ir.InlineLookup(lowering.convert(node.argument, ctx), lowering.table(node.lookups))


def _convert_game(lowering, node, ctx):
    return lowering.convert(node.expression, ctx)


def _unsupported_structure(label):
    def convert(lowering, node, ctx):
        ctx.unsupported(label)
        return ir.Num(0.0)
    return convert


CONVERTERS = {
    "ArithmeticStructure": lambda lw, n, c: _fold(lw, n, c, _ARITH_OPS),
    "LogicStructure": lambda lw, n, c: _fold(lw, n, c, _LOGIC_OPS),
    "ReferenceStructure": _convert_reference,
    "CallStructure": _convert_call,
    "InlineLookupsStructure": _convert_inline_lookup,
    "GameStructure": _convert_game,
    "AllocateAvailableStructure": lambda lw, n, c: _convert_allocate_available(lw, n, c),
    "AllocateByPriorityStructure": lambda lw, n, c: ir.Call("allocate_by_priority", tuple(
        lw.convert(a, c) for a in (n.request, n.priority, n.width, n.supply))),
    "GetLookupsStructure": _unsupported_structure("function GET XLS/DIRECT LOOKUPS"),
    "GetDataStructure": lambda lw, n, c: external.nested_data(lw, n, c),
    "GetConstantsStructure": _unsupported_structure("function GET XLS/DIRECT CONSTANTS"),
    "DataStructure": _unsupported_structure("data variable"),
    "LookupsStructure": _unsupported_structure("lookup table inside an expression"),
}
CONVERTERS.update(statefuls.CONVERTERS)
