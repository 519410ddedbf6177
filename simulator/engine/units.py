"""Beside the data flow (ModelIR → report): dimensional consistency of every equation, from the model's own unit strings.

``run.py check MODEL --units`` (Vensim's units check; PySD has none). Every unit name a model
uses becomes its own base dimension in a pint registry (so ``Month`` and ``Year`` differ unless
the model says otherwise, as in Vensim; a plural equals its singular, ``Minutes`` = ``Minute``);
``Dmnl``/``fraction``/``1`` are dimensionless. A scale written in a unit string counts:
``10k persons`` is 10,000 person (so is ``万人``: 万 = 10⁴, 亿 = 10⁸, 人 = person, 元 = yuan) and
``1e8 m3/year`` is 10⁸ m3/year, so ``10k persons`` × ``t/(person*year)`` matches ``10k t/year``
and not ``t/year`` (a scale slip is reported like a dimension slip). Each equation's units are
inferred from the IR: + - MIN MAX IF THEN ELSE and comparisons need equal units, * / ^ combine
them, EXP/LN/trigonometric functions give dimensionless, a lookup gives its output units; numbers
and variables without units adapt to anything (they are not checked). A stock's flow must have
the stock's units per the units of TIME STEP.
"""

from __future__ import annotations

import re

import pint

from simulator.engine import ir

DIMENSIONLESS = {"dmnl", "dimensionless", "fraction", "1", "unitless", "%", "percent"}
_NAME = re.compile(r"[A-Za-z_$%€¥£\u4e00-\u9fff][^*/^()]*")
_CHINESE_SCALE = {"万": "10000", "亿": "100000000"}
_CHINESE_NAME = {"人": "person", "元": "yuan", "吨": "t"}
_SCALE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)([kKM]?)(?=[\s*/^()]|$)")
_SCALE_SUFFIX = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6}
_SAME_UNITS = {"min", "max", "abs", "integer", "quantum", "modulo", "sum", "prod", "vmin", "vmax"}
_DIMENSIONLESS_FUNCTIONS = {"exp", "ln", "log", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
                            "sinh", "cosh", "tanh"}


class _Units:
    """Parses a model's unit strings into pint units, defining each new name as a base dimension."""

    def __init__(self):
        self.registry = pint.UnitRegistry(None)
        self.names = {}

    def _identifier(self, name):
        key = " ".join(name.strip().lower().split())
        if len(key) > 3 and key.endswith("s") and not key.endswith("ss"):
            key = key[:-1]          # Vensim treats a plural as its singular (Minutes = Minute)
        if key not in self.names:
            ident = "u" + str(len(self.names)) + "_" + re.sub(r"\W", "_", key)
            self.registry.define(f"{ident} = [{ident}]")
            self.names[key] = ident
        return self.names[key]

    def parse(self, text):
        """A pint quantity (scale × units) of a unit string, or None when blank or unreadable."""
        text = re.sub(r"\[[^\]]*\]", "", str(text or "")).strip()
        if not text:
            return None
        if text.lower() in DIMENSIONLESS:
            return self.registry.Quantity(1.0)
        text = re.sub("[人元吨]", lambda m: _CHINESE_NAME[m.group(0)], text)
        text = re.sub(r"([万亿])\s*([^*/^()\s]+)", lambda m: f"({_CHINESE_SCALE[m.group(1)]} * {m.group(2)})", text)
        text = _SCALE.sub(lambda m: f" {float(m.group(1)) * _SCALE_SUFFIX[m.group(2)]!r} ", text)

        def replace(match):
            name = match.group(0).strip()
            return "1" if name.lower() in DIMENSIONLESS else self._identifier(name)
        try:
            quantity = self.registry.parse_expression(_NAME.sub(replace, text))
            return quantity if isinstance(quantity, self.registry.Quantity) else self.registry.Quantity(quantity)
        except Exception:  # noqa: BLE001 - an unreadable unit string is not checked
            return None


def _time_units(model_ir, units):
    """Units of TIME STEP read from the model file (``TIME STEP = … ~ units ~``), else None."""
    try:
        text = model_ir.path.read_text(errors="ignore")
    except OSError:
        return None
    match = re.search(r"TIME STEP\s*=[^~]*~\s*([^~\[]*)", text, re.I)
    return units.parse(match.group(1)) if match else None


class _Checker:
    def __init__(self, model_ir):
        self.ir = model_ir
        self.units = _Units()
        self.declared = {vid: self.units.parse(var.units) for vid, var in model_ir.variables.items()}
        self.time = _time_units(model_ir, self.units)
        self.problems = []

    def equal(self, where, a, b):
        if a is not None and b is not None and not _same(a, b):
            self.problems.append(f"'{where}': {_show(a)} vs {_show(b)} in one sum, comparison or choice")
            return a
        return a if a is not None else b

    def infer(self, node, where):
        if isinstance(node, ir.Ref):
            return self.declared.get(node.id)
        if isinstance(node, ir.LookupCall):
            self.infer(node.arg, where)
            return self.declared.get(node.id)
        if isinstance(node, ir.Time):
            return self.time
        if isinstance(node, ir.Unary):
            return self.infer(node.arg, where)
        if isinstance(node, ir.Binary):
            return self._binary(node, where)
        if isinstance(node, ir.Call):
            return self._call(node, where)
        return None

    def _binary(self, node, where):
        left, right = self.infer(node.left, where), self.infer(node.right, where)
        if node.op in ("+", "-", "==", "!=", "<", "<=", ">", ">="):
            result = self.equal(where, left, right)
            return result if node.op in ("+", "-") else self.units.registry.Quantity(1.0)
        if node.op in ("*", "/"):
            if left is None or right is None:
                return None
            return left * right if node.op == "*" else left / right
        if node.op == "^" and left is not None and isinstance(node.right, ir.Num):
            return left ** node.right.value
        return None

    def _call(self, node, where):
        args = [self.infer(a, where) for a in node.args]
        if node.func in _DIMENSIONLESS_FUNCTIONS:
            return self.units.registry.Quantity(1.0)
        if node.func == "if_then_else":
            return self.equal(where, args[1], args[2])
        if node.func in _SAME_UNITS and args:
            result = args[0]
            for other in args[1:2] if node.func in ("min", "max") else ():
                result = self.equal(where, result, other)
            return result
        if node.func in ("xidz", "zidz") and args[0] is not None and args[1] is not None:
            return args[0] / args[1]
        return None

    def check(self):
        checked = 0
        for vid, var in self.ir.variables.items():
            if var.hidden or var.role == ir.LOOKUP:
                continue
            declared = self.declared[vid]
            for comp in var.components:
                inferred = self.infer(comp.expr, var.name)
                expected = declared
                if var.role == ir.STOCK:
                    expected = None if declared is None or self.time is None else declared / self.time
                if inferred is None or expected is None:
                    continue
                checked += 1
                if not _same(inferred, expected):
                    what = "its flows give" if var.role == ir.STOCK else "its equation gives"
                    self.problems.append(f"'{var.name}': {what} {_show(inferred)}, expected {_show(expected)}")
        return checked


def _same(a, b):
    """Equal units and equal scale (to rounding)."""
    return a.units == b.units and abs(a.magnitude - b.magnitude) <= 1e-9 * max(abs(a.magnitude), abs(b.magnitude))


def _show(quantity):
    if quantity is None:
        return "?"
    units = re.sub(r"u\d+_", "", f"{quantity.units:~}") or "Dmnl"
    return units if quantity.magnitude == 1 else f"{quantity.magnitude:g} {units}"


def check_units(model_ir):
    """(number of equations whose units could be compared, list of problem lines)."""
    checker = _Checker(model_ir)
    checked = checker.check()
    return checked, list(dict.fromkeys(checker.problems))
