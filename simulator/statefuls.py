"""Part of lowering (lower.py): stateful functions → hidden IR variables with their own state slots.

SMOOTH*, DELAY*, TREND, FORECAST and nested INTEG become hidden stocks, so an integrator only
sees ``derivative(t, state)``; INITIAL becomes a value computed once at the initial time;
SAMPLE IF TRUE and DELAY FIXED become discrete state updated once per TIME STEP (as Vensim does).
Each converter takes (lowering, PySD node, context) and returns the IR expression that replaces
the call (usually a reference to the hidden variable).
"""

from __future__ import annotations

from . import ir


def hidden_variable(lowering, ctx, hidden_id, role, expr, init=None, extra=None):
    """Register a hidden variable over the component's free dimensions and return a reference to it."""
    dims = tuple(ctx.free_dims)
    var = ir.Variable(
        id=hidden_id, name=hidden_id, kind="", role=role, dims=dims,
        components=[ir.Component(dims, expr, init=init)], hidden=True,
        doc=f"{role} of {ctx.var_name}", extra=dict(extra or {}))
    lowering.hidden.append(var)
    return ir.Ref(hidden_id, dims or None)


def _ref(hidden_id, ctx):
    return ir.Ref(hidden_id, tuple(ctx.free_dims) or None)


def _div(a, b):
    return ir.Binary("/", a, b)


def _mul(a, b):
    return ir.Binary("*", a, b)


def _sub(a, b):
    return ir.Binary("-", a, b)


def _static_order(lowering, node, ctx, label):
    """Delay/smooth order as an int; it must be a constant number."""
    expr = lowering.convert(node, ctx)
    from .lower import _static_value
    value = _static_value(expr, lowering.variables)
    if value is None and isinstance(expr, ir.Ref):
        for element_var in lowering.variables.values():
            if element_var.id == expr.id and len(element_var.components) == 1:
                value = _static_value(element_var.components[0].expr, lowering.variables)
    if value is None or isinstance(value, tuple):
        ctx.unsupported(f"{label} with a non-constant order")
        return 1
    return max(int(value), 1)


def _stage_chain(lowering, ctx, prefix, inflow, rate_time, init, order, content_scaled):
    """Hidden stocks s_1..s_n of a material delay (content_scaled) or an information smooth."""
    ids = [ctx.new_hidden(f"{prefix}{k + 1}") for k in range(order)]
    n = ir.Num(float(order))
    previous = inflow
    for k, hidden_id in enumerate(ids):
        me = _ref(hidden_id, ctx)
        if content_scaled:       # DELAY: stage content c, outflow c / T * n
            into = previous if k == 0 else _div(previous, rate_time)
            flow = _mul(_sub(into, _div(me, rate_time)), n)
            stage_init = _mul(init, rate_time)
        else:                    # SMOOTH: stage value s, change (target - s) * n / T
            flow = _div(_mul(_sub(previous, me), n), rate_time)
            stage_init = init
        hidden_variable(lowering, ctx, hidden_id, "stock", flow, stage_init)
        previous = me
    return previous


def _smooth(lowering, node, ctx, order=None):
    order = order or int(node.order)
    inflow = lowering.convert(node.input, ctx)
    smooth_time = lowering.convert(node.smooth_time, ctx)
    init = lowering.convert(node.initial, ctx)
    return _stage_chain(lowering, ctx, "smooth", inflow, smooth_time, init, order, False)


def _smooth_n(lowering, node, ctx):
    return _smooth(lowering, node, ctx, _static_order(lowering, node.order, ctx, "SMOOTH N"))


def _delay(lowering, node, ctx, order=None):
    order = order or int(node.order)
    inflow = lowering.convert(node.input, ctx)
    delay_time = lowering.convert(node.delay_time, ctx)
    init = lowering.convert(node.initial, ctx)
    last = _stage_chain(lowering, ctx, "delay", inflow, delay_time, init, order, True)
    return _div(last, delay_time)


def _delay_n(lowering, node, ctx):
    return _delay(lowering, node, ctx, _static_order(lowering, node.order, ctx, "DELAY N"))


def _trend(lowering, node, ctx):
    inflow = lowering.convert(node.input, ctx)
    average_time = lowering.convert(node.average_time, ctx)
    initial_trend = lowering.convert(node.initial_trend, ctx)
    hidden_id = ctx.new_hidden("trend")
    me = _ref(hidden_id, ctx)
    init = _div(inflow, ir.Binary("+", ir.Num(1.0), _mul(initial_trend, average_time)))
    hidden_variable(lowering, ctx, hidden_id, "stock", _div(_sub(inflow, me), average_time), init)
    return ir.Call("zidz", (_sub(inflow, me), _mul(average_time, ir.Call("abs", (me,)))))


def _forecast(lowering, node, ctx):
    inflow = lowering.convert(node.input, ctx)
    average_time = lowering.convert(node.average_time, ctx)
    horizon = lowering.convert(node.horizon, ctx)
    initial_trend = lowering.convert(node.initial_trend, ctx)
    hidden_id = ctx.new_hidden("forecast")
    me = _ref(hidden_id, ctx)
    init = _div(inflow, ir.Binary("+", ir.Num(1.0), initial_trend))
    hidden_variable(lowering, ctx, hidden_id, "stock", _div(_sub(inflow, me), average_time), init)
    trend = ir.Call("zidz", (_sub(inflow, me), _mul(average_time, me)))
    return _mul(inflow, ir.Binary("+", ir.Num(1.0), _mul(trend, horizon)))


def _integ(lowering, node, ctx):
    hidden_id = ctx.new_hidden("integ")
    flow = lowering.convert(node.flow, ctx)
    init = lowering.convert(node.initial, ctx)
    return hidden_variable(lowering, ctx, hidden_id, "stock", flow, init)


def _initial(lowering, node, ctx):
    hidden_id = ctx.new_hidden("initial")
    return hidden_variable(lowering, ctx, hidden_id, "initial", lowering.convert(node.initial, ctx))


def _sample_if_true(lowering, node, ctx):
    hidden_id = ctx.new_hidden("sample")
    condition = lowering.convert(node.condition, ctx)
    value = lowering.convert(node.input, ctx)
    init = lowering.convert(node.initial, ctx)
    # the value is IF cond THEN input ELSE state; the state (a self-reference) is updated per step
    expr = ir.Call("if_then_else", (condition, value, _ref(hidden_id, ctx)))
    return hidden_variable(lowering, ctx, hidden_id, "sample", expr, init)


def _delay_fixed(lowering, node, ctx):
    hidden_id = ctx.new_hidden("delay_fixed")
    value = lowering.convert(node.input, ctx)
    delay_time = lowering.convert(node.delay_time, ctx)
    init = lowering.convert(node.initial, ctx)
    return hidden_variable(lowering, ctx, hidden_id, "delay_fixed", value, init,
                           extra={"delay_time": delay_time})


CONVERTERS = {
    "SmoothStructure": _smooth,
    "SmoothNStructure": _smooth_n,
    "DelayStructure": _delay,
    "DelayNStructure": _delay_n,
    "TrendStructure": _trend,
    "ForecastStructure": _forecast,
    "IntegStructure": _integ,
    "InitialStructure": _initial,
    "SampleIfTrueStructure": _sample_if_true,
    "DelayFixedStructure": _delay_fixed,
}
"""{PySD structure class name: converter} for every stateful function we support."""
