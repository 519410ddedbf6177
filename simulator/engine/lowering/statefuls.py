"""Part of lowering (lower.py): stateful functions → hidden IR variables with their own state slots.

SMOOTH*, DELAY*, TREND, FORECAST and nested INTEG become hidden stocks, so an integrator only
sees ``derivative(t, state)``; INITIAL becomes a value computed once at the initial time;
SAMPLE IF TRUE and DELAY FIXED become discrete state updated once per TIME STEP (as Vensim does).
Each converter takes (lowering, PySD node, context) and returns the IR expression that replaces
the call (usually a reference to the hidden variable).
"""

from __future__ import annotations

import math

from simulator.engine import ir
from simulator.engine.analysis import static_value, time_invariant


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


def _order_value(lowering, node, ctx):
    """(IR expression of the order, its value if it is a constant number else None)."""
    expr = lowering.convert(node, ctx)
    value = static_value(expr, lowering.variables)
    return expr, (None if value is None else max(int(value), 1))


def _with_order(lowering, node, ctx, build, label):
    """Build a DELAY N / SMOOTH N chain once every variable is lowered and the initial time is
    known (the order is evaluated at the initial time, as Vensim and PySD do)."""
    order_expr, _ = _order_value(lowering, node.order, ctx)
    out_id = ctx.new_hidden("order_out")
    out_ref = hidden_variable(lowering, ctx, out_id, ir.AUX, ir.Num(0.0))

    def resolve(evaluate):
        value = evaluate(order_expr, ctx.var_name, label)
        if value is None:
            return
        output = build(max(int(value), 1), evaluate)
        for var in lowering.hidden:
            if var.id == out_id:
                var.components[0].expr = output
    lowering.pending.append(resolve)
    return out_ref


def _stage_chain(lowering, ctx, prefix, inflow, rate_time, init, order, content_scaled, stage_times=None):
    """Hidden stocks s_1..s_n of a material delay (content_scaled) or an information smooth.

    ``stage_times`` optionally gives each stage its own delay time (DELAY N with a varying time).
    """
    ids = [ctx.new_hidden(f"{prefix}{k + 1}") for k in range(order)]
    n = ir.Num(float(order))
    stage_times = stage_times or [rate_time] * order
    previous = inflow
    for k, hidden_id in enumerate(ids):
        me = _ref(hidden_id, ctx)
        if content_scaled:       # DELAY: stage content c, outflow c / T * n
            into = previous if k == 0 else _div(previous, stage_times[k - 1])
            flow = _mul(_sub(into, _div(me, stage_times[k])), n)
            stage_init = _mul(init, rate_time)
        else:                    # SMOOTH: stage value s, change (target - s) * n / T
            flow = _div(_mul(_sub(previous, me), n), rate_time)
            stage_init = init
        hidden_variable(lowering, ctx, hidden_id, ir.STOCK, flow, stage_init)
        previous = me
    return previous


def _one_step_late(lowering, ctx, value, init):
    """A hidden DELAY FIXED of one TIME STEP: ``value`` as it was at the previous step."""
    hidden_id = ctx.new_hidden("lag")
    return hidden_variable(lowering, ctx, hidden_id, ir.DELAY_FIXED, value, init,
                           extra={"delay_time": ir.Call("time_step", ())})


def _delay_n_varying(lowering, ctx, inflow, delay_time, init, order):
    """DELAY N whose delay time changes. Vensim's reference: the output "depends only on the
    values delay time had in previous Time Steps" and DELAY N "will conserve quantities". Read
    here as: the first stage drains with the current delay time, every later stage and the output
    with the previous step's, so the output is what leaves the last stage. This reproduces
    Vensim's published runs of the SD suite's tests/delays (order 2, a step in the delay time:
    exact) and of Earth4All (order 10, a slowly rising delay time: every column within 6e-4 of
    its range). PySD lags stage k by k steps and divides the output by the previous step's time,
    not the time that drains the stage; at order 2 the two coincide, at order 10 PySD's output
    falls short of the material leaving (Earth4All: up to 1e-2 of a column's range off)."""
    previous = _one_step_late(lowering, ctx, delay_time, delay_time)
    stage_times = [delay_time] + [previous] * (order - 1)
    last = _stage_chain(lowering, ctx, "delay", inflow, delay_time, init, order, True, stage_times)
    return _div(last, previous)


def _smooth(lowering, node, ctx, order=None):
    order = order or int(node.order)
    inflow = lowering.convert(node.input, ctx)
    smooth_time = lowering.convert(node.smooth_time, ctx)
    init = lowering.convert(node.initial, ctx)
    return _stage_chain(lowering, ctx, "smooth", inflow, smooth_time, init, order, False)


def _smooth_n(lowering, node, ctx):
    # the arguments are lowered now: inside a macro, its parameters are bound only during the call
    inflow, smooth_time, init = (lowering.convert(a, ctx) for a in (node.input, node.smooth_time, node.initial))
    return _with_order(lowering, node, ctx, lambda n, _evaluate: _stage_chain(
        lowering, ctx, "smooth", inflow, smooth_time, init, n, False), "SMOOTH N")


def _delay(lowering, node, ctx, order=None):
    order = order or int(node.order)
    inflow = lowering.convert(node.input, ctx)
    delay_time = lowering.convert(node.delay_time, ctx)
    init = lowering.convert(node.initial, ctx)
    last = _stage_chain(lowering, ctx, "delay", inflow, delay_time, init, order, True)
    return _div(last, delay_time)


def _reduced_order(order, delay_time, ctx, evaluate):
    """Vensim: DELAY N needs delay time >= order * TIME STEP, else it reduces the order to the
    whole number of time steps in the delay time (at least 1), so each stage holds its content
    at least one TIME STEP. A stage time equal to TIME STEP drains the stage fully every step: a
    pure pipeline, as Vensim's runs show (SD test-models ``tests/delay_pipeline``: DELAY N(input,
    1, init, 2) and DELAY N(input, 1.5, init, 3) at TIME STEP 0.5 print the input shifted by
    exactly the delay time; DELAY N(input, 1.25, init, 3) prints the same as order 2). The delay
    time is taken at the initial time (the order kept as is if it is not known then)."""
    steps = evaluate(_div(delay_time, ir.Call("time_step", ())), ctx.var_name, "DELAY N", quiet=True)
    if steps is None or not math.isfinite(steps):
        return order
    return max(min(order, math.floor(steps + 1e-9)), 1)


def _delay_n(lowering, node, ctx):
    # the arguments are lowered now: inside a macro, its parameters are bound only during the call
    inflow, delay_time, init = (lowering.convert(a, ctx) for a in (node.input, node.delay_time, node.initial))

    def build(order, evaluate):
        order = _reduced_order(order, delay_time, ctx, evaluate)
        if time_invariant(delay_time, lowering.variables):
            last = _stage_chain(lowering, ctx, "delay", inflow, delay_time, init, order, True)
            return _div(last, delay_time)
        return _delay_n_varying(lowering, ctx, inflow, delay_time, init, order)
    return _with_order(lowering, node, ctx, build, "DELAY N")


def _trend(lowering, node, ctx):
    inflow = lowering.convert(node.input, ctx)
    average_time = lowering.convert(node.average_time, ctx)
    initial_trend = lowering.convert(node.initial_trend, ctx)
    hidden_id = ctx.new_hidden("trend")
    me = _ref(hidden_id, ctx)
    init = _div(inflow, ir.Binary("+", ir.Num(1.0), _mul(initial_trend, average_time)))
    hidden_variable(lowering, ctx, hidden_id, ir.STOCK, _div(_sub(inflow, me), average_time), init)
    return ir.Call("zidz", (_sub(inflow, me), _mul(average_time, ir.Call("abs", (me,)))))


def _forecast(lowering, node, ctx):
    inflow = lowering.convert(node.input, ctx)
    average_time = lowering.convert(node.average_time, ctx)
    horizon = lowering.convert(node.horizon, ctx)
    initial_trend = lowering.convert(node.initial_trend, ctx)
    hidden_id = ctx.new_hidden("forecast")
    me = _ref(hidden_id, ctx)
    init = _div(inflow, ir.Binary("+", ir.Num(1.0), initial_trend))
    hidden_variable(lowering, ctx, hidden_id, ir.STOCK, _div(_sub(inflow, me), average_time), init)
    trend = ir.Call("zidz", (_sub(inflow, me), _mul(average_time, me)))
    return _mul(inflow, ir.Binary("+", ir.Num(1.0), _mul(trend, horizon)))


def _integ(lowering, node, ctx):
    hidden_id = ctx.new_hidden("integ")
    flow = lowering.convert(node.flow, ctx)
    init = lowering.convert(node.initial, ctx)
    return hidden_variable(lowering, ctx, hidden_id, ir.STOCK, flow, init)


def _initial(lowering, node, ctx):
    hidden_id = ctx.new_hidden("initial")
    return hidden_variable(lowering, ctx, hidden_id, ir.INITIAL, lowering.convert(node.initial, ctx))


def _sample_if_true(lowering, node, ctx):
    hidden_id = ctx.new_hidden("sample")
    condition = lowering.convert(node.condition, ctx)
    value = lowering.convert(node.input, ctx)
    init = lowering.convert(node.initial, ctx)
    # the value is IF cond THEN input ELSE state; the state (a self-reference) is updated per step
    expr = ir.Call("if_then_else", (condition, value, _ref(hidden_id, ctx)))
    return hidden_variable(lowering, ctx, hidden_id, ir.SAMPLE, expr, init)


def _delay_fixed(lowering, node, ctx):
    hidden_id = ctx.new_hidden("delay_fixed")
    value = lowering.convert(node.input, ctx)
    delay_time = lowering.convert(node.delay_time, ctx)
    init = lowering.convert(node.initial, ctx)
    return hidden_variable(lowering, ctx, hidden_id, ir.DELAY_FIXED, value, init,
                           extra={"delay_time": delay_time})


def delay_material(lowering, node, ctx, label="DELAY MATERIAL", arity=4):
    """DELAY MATERIAL(input, delay time, initial value, missing value) and DELAY INFORMATION(input,
    delay time, initial value): Vensim documents each as "the same as DELAY FIXED except that delay
    time can be a variable" (MATERIAL's missing value only fills gaps left when the delay time
    grows; INFORMATION discards or holds values). With a delay time that cannot change during a run
    they are DELAY FIXED; a changing one is refused (checked once every variable is lowered)."""
    if len(node.arguments) != arity:
        ctx.unsupported(f"{label} with {len(node.arguments)} arguments (it takes {arity})")
        return ir.Num(0.0)
    value, delay_time, init = (lowering.convert(a, ctx) for a in node.arguments[:3])

    def check(_evaluate):
        if not time_invariant(delay_time, lowering.variables):
            ctx.unsupported(f"{label} with a delay time that changes during the run (supported: a "
                            "constant delay time, where it equals DELAY FIXED); make the delay time constant")
    lowering.pending.append(check)
    hidden_id = ctx.new_hidden(label.lower().replace(" ", "_"))
    return hidden_variable(lowering, ctx, hidden_id, ir.DELAY_FIXED, value, init,
                           extra={"delay_time": delay_time})


def random_call(lowering, name, args):
    """A RANDOM call with its call-site number appended (each site draws its own numbers)."""
    lowering.random_sites = getattr(lowering, "random_sites", 0) + 1
    return ir.Call(name, tuple(args) + (ir.Num(float(lowering.random_sites)),))


def pink_noise(lowering, node, ctx):
    """RANDOM PINK NOISE(mean, std deviation, correlation time, seed) as Vensim documents it
    (Ed Anderson's structure): a first-order smooth of normal white noise whose spread is scaled
    by sqrt((2 - TIME STEP / T) * T / TIME STEP), so that the Euler output keeps the given standard
    deviation at any TIME STEP; the stock starts at a normal draw around the mean."""
    if len(node.arguments) != 4:
        ctx.unsupported(f"RANDOM PINK NOISE with {len(node.arguments)} arguments (it takes 4)")
        return ir.Num(0.0)
    mean, deviation, time, seed = (lowering.convert(a, ctx) for a in node.arguments)
    dt = ir.Call("time_step", ())

    def normal():
        return random_call(lowering, "random_normal",
                           (ir.Num(-6.0), ir.Num(6.0), ir.Num(0.0), ir.Num(1.0), seed))
    spread = ir.Call("sqrt", (_mul(_sub(ir.Num(2.0), _div(dt, time)), _div(time, dt)),))
    scaled = ir.Binary("+", mean, _mul(_mul(normal(), deviation), spread))
    hidden_id = ctx.new_hidden("pink_noise")
    init = ir.Binary("+", mean, _mul(deviation, normal()))
    return hidden_variable(lowering, ctx, hidden_id, ir.STOCK, _div(_sub(scaled, _ref(hidden_id, ctx)), time), init)


def npv(lowering, node, ctx):
    """NPV(stream, discount rate, initial value, factor), as Vensim defines it (and SDEverywhere
    expands it): a discount factor ``df = INTEG(-df * rate / (1 + rate * TIME STEP), 1)``, the
    discounted sum ``ncum = INTEG(stream * df, initial value)``, and the value
    ``(ncum + stream * TIME STEP * df) * factor`` (the current step's stream counted at once)."""
    if len(node.arguments) != 4:
        ctx.unsupported(f"NPV with {len(node.arguments)} arguments (it takes 4)")
        return ir.Num(0.0)
    stream, rate, init, factor = (lowering.convert(a, ctx) for a in node.arguments)
    dt = ir.Call("time_step", ())
    df_id = ctx.new_hidden("npv_discount")
    df = _ref(df_id, ctx)
    discount = _div(_mul(ir.Unary("neg", df), rate),
                    ir.Binary("+", ir.Num(1.0), _mul(rate, dt)))
    hidden_variable(lowering, ctx, df_id, ir.STOCK, discount, ir.Num(1.0))
    total = hidden_variable(lowering, ctx, ctx.new_hidden("npv_sum"), ir.STOCK, _mul(stream, df), init)
    return _mul(ir.Binary("+", total, _mul(_mul(stream, dt), df)), factor)


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
