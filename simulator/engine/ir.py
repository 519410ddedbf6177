"""Model IR, between lower (producer) and program (consumer): dimensions, variables, expressions.

Nothing in here refers to PySD: ``lower.py`` translates PySD's AbstractModel into these
dataclasses, and ``expressions.py`` / ``program.py`` turn them into numpy source code.

Expressions are small immutable trees of the node classes below. Subscripted values are
described by a tuple of dimension names; every runtime array has the scenario as its first axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np


# --- expressions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Num:
    """A literal number."""

    value: float


@dataclass(frozen=True)
class ArrayLiteral:
    """A literal array written in the model (``1, 2, 3`` or ``1,2;3,4;``), laid out over the LHS dims."""

    values: np.ndarray = field(compare=False)


@dataclass(frozen=True)
class Ref:
    """A reference to a variable; ``subs`` holds one name per subscript (element, dimension or ``dim!``)."""

    id: str
    subs: Optional[tuple] = None


@dataclass(frozen=True)
class DimIndex:
    """A subscript range used as a value: positions 1..n of its elements in their main range."""

    dim: str
    positions: tuple


@dataclass(frozen=True)
class Time:
    """The simulation time."""


@dataclass(frozen=True)
class Unary:
    """``op`` is ``"neg"`` or ``"not"``."""

    op: str
    arg: object


@dataclass(frozen=True)
class Binary:
    """Arithmetic (``+ - * / ^``), comparison (``= <> < <= > >=``) or logic (``and or``)."""

    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    """A call of a built-in function by its lower_snake name (``if_then_else``, ``max`` …)."""

    func: str
    args: tuple


@dataclass(frozen=True)
class Table:
    """A lookup table: sorted x, y and the extrapolation ``kind`` (interpolate/extrapolate/forward/backward)."""

    x: tuple
    y: tuple
    kind: str = "interpolate"


@dataclass(frozen=True)
class LookupCall:
    """Evaluating the lookup variable ``id`` (with optional subscripts) at ``arg``."""

    id: str
    subs: Optional[tuple]
    arg: object
    kind: Optional[str] = None   # override of the table's extrapolation (LOOKUP FORWARD …)


@dataclass(frozen=True)
class InlineLookup:
    """``WITH LOOKUP(arg, table)``."""

    arg: object
    table: Table


# --- model -----------------------------------------------------------------------------------

@dataclass
class Dimension:
    """A subscript range. ``mappings`` maps a target dimension name to the target element of each of ours
    (a tuple of target elements where Vensim's explicit mapping names a subrange: ours maps to all of them)."""

    name: str
    elements: tuple
    mappings: dict = field(default_factory=dict)


@dataclass
class Component:
    """One equation of a variable: its LHS subscripts (names), excepted element tuples, and expressions.

    For stocks ``expr`` is the net flow and ``init`` the initial value; for ``initial`` variables
    ``expr`` is evaluated once at the initial time; for ``active_initial`` ``init`` is used during
    initialisation and ``expr`` afterwards; for lookups ``expr`` is a :class:`Table`.
    """

    subs: tuple
    expr: object
    init: object = None
    excepts: tuple = ()


# Variable roles: how the program computes a variable (``Variable.role``).
AUX = "aux"                        # an expression evaluated every step
STOCK = "stock"                    # integrated state
INITIAL = "initial"                # computed once at the initial time (INITIAL)
ACTIVE_INITIAL = "active_initial"  # a stock-like value with its own initial expression
LOOKUP = "lookup"                  # a table, called like a function
SAMPLE = "sample"                  # SAMPLE IF TRUE: discrete state, updated once per step
DELAY_FIXED = "delay_fixed"        # DELAY FIXED: discrete ring buffer


@dataclass
class Variable:
    """A model variable after lowering.

    ``kind`` is the user-facing kind (stock, flow, auxiliary, constant, lookup, data);
    ``role`` says how the program computes it: ``aux``, ``stock``, ``initial``, ``active_initial``,
    ``lookup``, ``sample`` (SAMPLE IF TRUE, discrete), ``delay_fixed`` (discrete ring buffer).
    """

    id: str
    name: str
    kind: str
    role: str
    dims: tuple
    components: list
    units: str = ""
    doc: str = ""
    limits: tuple = (None, None)       # Vensim's plausible range from the units field, ``~ Dmnl [0,1]``
    hidden: bool = False
    non_negative: bool = False
    extra: dict = field(default_factory=dict)


@dataclass
class TimeSettings:
    """Simulation time settings as read from the model (or overridden at run time)."""

    initial: float
    final: float
    dt: float
    saveper: float


@dataclass
class ModelIR:
    """Everything the compiler needs: variables by id, dimensions by name, time settings, source path
    (and ``data_files``: the other files the model's numbers were read from, for the model cache)."""

    path: object
    variables: dict
    dimensions: dict
    time: TimeSettings
    time_exprs: dict = field(default_factory=dict)
    data_files: tuple = ()

    def dims_shape(self, dims):
        """Lengths of the named dimensions."""
        return tuple(len(self.dimensions[d.rstrip("!")].elements) for d in dims)
