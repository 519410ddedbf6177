"""The function table: every Vensim function the engine supports, and how it is spelled in numpy.

{lower_snake function name (as PySD's parser spells calls): :class:`Builtin`}. Each ``template`` is
python source with ``{0}``, ``{1}`` … for the (already aligned) arguments; ``t`` is the current
time and ``_dt`` the TIME STEP inside generated code; the helpers templates call (``_ramp`` …) are
in ``codegen/builtins.py``. Lowering reads this table to know what is supported, codegen to know
how to write it; the supported-function list of ``run.py check`` and the docs is generated here
(:func:`supported_functions`). Imports nothing from lowering or codegen.

>>> "SMOOTH N" in supported_functions() and BUILTINS["abs"].template
'np.abs({0})'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Builtin:
    """One supported function: Vensim spelling, numpy template, argument counts, time dependence."""

    vensim: str
    template: str
    arity: tuple
    uses_time: bool = False
    aggregate: bool = False
    elementwise: bool = True


def _b(vensim, template, arity, **kw):
    return Builtin(vensim, template, tuple(arity) if not isinstance(arity, int) else (arity,), **kw)


BUILTINS = {
    "abs": _b("ABS", "np.abs({0})", 1),
    "exp": _b("EXP", "np.exp({0})", 1),
    "ln": _b("LN", "np.log({0})", 1),
    "log": _b("LOG", "(np.log({0}) / np.log({1}))", 2),
    "sqrt": _b("SQRT", "np.sqrt({0})", 1),
    "power": _b("POWER", "np.power({0}, {1})", 2),
    "sin": _b("SIN", "np.sin({0})", 1),
    "cos": _b("COS", "np.cos({0})", 1),
    "tan": _b("TAN", "np.tan({0})", 1),
    "arcsin": _b("ARCSIN", "np.arcsin({0})", 1),
    "arccos": _b("ARCCOS", "np.arccos({0})", 1),
    "arctan": _b("ARCTAN", "np.arctan({0})", 1),
    "sinh": _b("SINH", "np.sinh({0})", 1),
    "cosh": _b("COSH", "np.cosh({0})", 1),
    "tanh": _b("TANH", "np.tanh({0})", 1),
    "integer": _b("INTEGER", "np.trunc({0})", 1),
    "gamma_ln": _b("GAMMA LN", "_gamma_ln({0})", 1),
    "quantum": _b("QUANTUM", "_quantum({0}, {1})", 2),
    "modulo": _b("MODULO", "({0} - _quantum({0}, {1}))", 2),
    "min": _b("MIN", "np.minimum({0}, {1})", 2),
    "max": _b("MAX", "np.maximum({0}, {1})", 2),
    "xidz": _b("XIDZ", "_xidz({0}, {1}, {2})", 3),
    "zidz": _b("ZIDZ", "_xidz({0}, {1}, 0.0)", 2),
    "if_then_else": _b("IF THEN ELSE", "np.where({0}, {1}, {2})", 3),
    "pi": _b("PI", "np.pi", 0),
    "step": _b("STEP", "({0} * (t + _dt / 2 > {1}))", 2, uses_time=True),
    "ramp": _b("RAMP", "_ramp(t, {0}, {1}, {2})", (2, 3), uses_time=True),
    "pulse": _b("PULSE", "_pulse(t, _dt, {0}, {1})", 2, uses_time=True),
    "pulse_train": _b("PULSE TRAIN", "_pulse_train(t, {0}, {1}, {2}, {3})", 4, uses_time=True),
    "xramp": _b("RAMP (XMILE: slope, start)", "_ramp(t, {0}, {1}, None)", 2, uses_time=True),
    "xpulse": _b("PULSE (XMILE: magnitude, first)", "_xpulse(t, _dt, {0}, {1}, 0.0)", 2, uses_time=True),
    "xpulse_train": _b("PULSE (XMILE: magnitude, first, interval)", "_xpulse(t, _dt, {0}, {2}, {1})", 3,
                       uses_time=True),
    "allocate_by_priority": _b("ALLOCATE BY PRIORITY", "_allocate_by_priority({0}, {1}, {2}, {3})", 4,
                               elementwise=False),
    "allocate_available": _b("ALLOCATE AVAILABLE", "_allocate_available({0}, {1}, {2})", 3,
                             elementwise=False),
    "sum": _b("SUM", "np.sum({0}, axis={axes})", 1, aggregate=True, elementwise=False),
    "prod": _b("PROD", "np.prod({0}, axis={axes})", 1, aggregate=True, elementwise=False),
    "vmin": _b("VMIN", "np.min({0}, axis={axes})", 1, aggregate=True, elementwise=False),
    "vmax": _b("VMAX", "np.max({0}, axis={axes})", 1, aggregate=True, elementwise=False),
    "invert_matrix": _b("INVERT MATRIX", "np.linalg.inv({0})", (1, 2), elementwise=False),
    "vector_sort_order": _b("VECTOR SORT ORDER", "_vector_sort_order({0}, {1})", 2, elementwise=False),
    "vector_rank": _b("VECTOR RANK", "(np.argsort(_vector_sort_order({0}, {1}), axis=-1) + 1.0)", 2,
                      elementwise=False),
    "vector_reorder": _b("VECTOR REORDER", "_vector_reorder({0}, {1})", 2, elementwise=False),
    "vector_select": _b("VECTOR SELECT", "_vector_select", 5, elementwise=False),
    "vector_elm_map": _b("VECTOR ELM MAP", "_vector_elm_map", 2, elementwise=False),
    "vector_lookup": _b("VECTOR LOOKUP (modes 0-4, 7)", "_vector_lookup", 5, elementwise=False),
    "random_0_1": _b("RANDOM 0 1", "_random_0_1", 0, uses_time=True, elementwise=False),
    "random_uniform": _b("RANDOM UNIFORM", "_random_uniform", 3, uses_time=True, elementwise=False),
    "random_normal": _b("RANDOM NORMAL", "_random_normal", 5, uses_time=True, elementwise=False),
    "random_exponential": _b("RANDOM EXPONENTIAL", "_random_exponential", 5, uses_time=True,
                             elementwise=False),
    "random_poisson": _b("RANDOM POISSON", "_random_poisson", 6, uses_time=True, elementwise=False),
    "random_beta": _b("RANDOM BETA", "_random_beta", 7, uses_time=True, elementwise=False),
    "random_binomial": _b("RANDOM BINOMIAL", "_random_binomial", 7, uses_time=True, elementwise=False),
    "random_gamma": _b("RANDOM GAMMA", "_random_gamma", 6, uses_time=True, elementwise=False),
    "random_negative_binomial": _b("RANDOM NEGATIVE BINOMIAL", "_random_negative_binomial", 7, uses_time=True,
                                   elementwise=False),
    "random_triangular": _b("RANDOM TRIANGULAR", "_random_triangular", 6, uses_time=True, elementwise=False),
    "random_lookup": _b("RANDOM LOOKUP", "_random_lookup", 6, uses_time=True, elementwise=False),
    "random_weibull": _b("RANDOM WEIBULL", "_random_weibull", 6, uses_time=True, elementwise=False),
    "vmin_xmile": _b("MIN (XMILE, one array)", "np.min({0}, axis={axes})", 1, aggregate=True,
                     elementwise=False),
    "vmax_xmile": _b("MAX (XMILE, one array)", "np.max({0}, axis={axes})", 1, aggregate=True,
                     elementwise=False),
}
"""{lower_snake function name (as PySD's parser spells calls): Builtin}."""

TIME_NAMES = {"initial_time": "_t0", "final_time": "_tf", "time_step": "_dt", "saveper": "_saveper"}
"""Control variables usable in expressions → name of the runtime scalar in generated code."""

LOOKUP_FUNCTIONS = {"lookup_extrapolate": "extrapolate", "lookup_forward": "forward",
                    "lookup_backward": "backward", "lookup": "table", "lookup_invert": None}
"""Functions that evaluate a lookup with a given extrapolation ("table": the table's own;
None: unsupported)."""


STATEFUL_FUNCTIONS = {
    "SmoothStructure": ("SMOOTH", "SMOOTHI", "SMOOTH3", "SMOOTH3I"), "SmoothNStructure": ("SMOOTH N",),
    "DelayStructure": ("DELAY1", "DELAY1I", "DELAY3", "DELAY3I"), "DelayNStructure": ("DELAY N",),
    "TrendStructure": ("TREND",), "ForecastStructure": ("FORECAST",), "IntegStructure": ("INTEG",),
    "InitialStructure": ("INITIAL",), "SampleIfTrueStructure": ("SAMPLE IF TRUE",),
    "DelayFixedStructure": ("DELAY FIXED",),
}
"""{PySD structure class name: Vensim spellings} of the stateful functions (lowered in
``lowering/statefuls.py``, whose converter table has exactly these keys)."""

EXTERNAL_FUNCTIONS = tuple(f"GET {source} {what}" for source in ("XLS", "DIRECT")
                           for what in ("CONSTANTS", "LOOKUPS", "DATA", "SUBSCRIPT"))
"""External-data functions, read at load time (``lowering/external.py``, ``engine/external.py``)."""

OTHER_FUNCTIONS = ("ACTIVE INITIAL", "WITH LOOKUP", "LOOKUP EXTRAPOLATE", "LOOKUP FORWARD",
                   "LOOKUP BACKWARD", "TIME", "INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER",
                   "ELMCOUNT", "GAME", "GET TIME VALUE (0 or 1, offset, 0)", "RANDOM PINK NOISE",
                   "DELAY MATERIAL (delay time constant during the run)",
                   "DELAY INFORMATION (delay time constant during the run)", "NPV")
"""Functions handled by lowering itself rather than by a table entry."""

RANDOM_FUNCTIONS = ("random_0_1", "random_uniform", "random_normal", "random_exponential", "random_poisson",
                    "random_beta", "random_binomial", "random_gamma", "random_negative_binomial",
                    "random_triangular", "random_weibull", "random_lookup")
"""Draws from the scenario's own stream: lowering appends the call site's number as a last argument."""


def supported_functions():
    """Sorted Vensim spellings of every supported function."""
    names = {b.vensim for b in BUILTINS.values()}
    for spellings in STATEFUL_FUNCTIONS.values():
        names.update(spellings)
    names.update(OTHER_FUNCTIONS)
    names.update(EXTERNAL_FUNCTIONS)
    return sorted(names)
