"""Fused kernels, step lowering: the step's generated scalar source (``generate.py``) → LLVM IR text.

Used by ``kernels/generate.py``. The parts of a step (straight-line scalar code over one
scenario's row ``V``: loads, equations, loops over a left-hand side's elements, stores) are the
same source numba would compile; here each part becomes one LLVM function and ``step`` calls them
in order, so ``kernels/native.py`` compiles them with llvmlite alone, skipping numba's typing and
lowering (≈ 10 ms per generated line: most of a large model's compile time). The operations are
the same IEEE operations in the same order (no fast-math, no contraction), so results equal the
numba parts' bit for bit; the helpers of ``runtime.py`` are written below in IR (the small ones)
or called as numba ``cfunc`` s (lookups, pulse trains). Only the subset the generator writes is
accepted: anything else raises :class:`Unsupported` and the kernel keeps numba parts.
"""

from __future__ import annotations

import ast
import struct

from simulator.engine.codegen.builtins import SMALL_VENSIM
from simulator.engine.kernels.expressions import Unsupported


def const(value):
    """An LLVM double constant, bit exact."""
    return "0x%016X" % struct.unpack("<Q", struct.pack("<d", float(value)))[0]


_S = const(SMALL_VENSIM)
PRELUDE = f"""
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare double @llvm.fabs.f64(double)
declare double @llvm.trunc.f64(double)
declare double @llvm.pow.f64(double, double)
declare double @llvm.exp.f64(double)
declare double @llvm.log.f64(double)
declare double @llvm.sqrt.f64(double)
declare double @llvm.sin.f64(double)
declare double @llvm.cos.f64(double)
declare double @tan(double)
declare double @asin(double)
declare double @acos(double)
declare double @atan(double)
declare double @sinh(double)
declare double @cosh(double)
declare double @tanh(double)
declare double @plansim_k_interp(double, ptr, ptr, i64)
declare double @plansim_k_extrapolate(double, ptr, ptr, i64)
declare double @plansim_k_forward(double, ptr, ptr, i64)
declare double @plansim_k_backward(double, ptr, ptr, i64)
declare double @plansim_k_pulse_train(double, double, double, double, double)
declare double @plansim_k_xpulse(double, double, double, double, double)

define internal double @k_min(double %a, double %b) #0 {{
  %n = fcmp uno double %a, %b
  %s = fadd double %a, %b
  %c = fcmp ole double %a, %b
  %m = select i1 %c, double %a, double %b
  %r = select i1 %n, double %s, double %m
  ret double %r
}}
define internal double @k_max(double %a, double %b) #0 {{
  %n = fcmp uno double %a, %b
  %s = fadd double %a, %b
  %c = fcmp oge double %a, %b
  %m = select i1 %c, double %a, double %b
  %r = select i1 %n, double %s, double %m
  ret double %r
}}
define internal double @k_quantum(double %a, double %b) #0 {{
  %c = fcmp olt double %b, {_S}
  %q = fdiv double %a, %b
  %t = call double @llvm.trunc.f64(double %q)
  %m = fmul double %b, %t
  %r = select i1 %c, double %a, double %m
  ret double %r
}}
define internal double @k_modulo(double %a, double %b) #0 {{
  %q = call double @k_quantum(double %a, double %b)
  %r = fsub double %a, %q
  ret double %r
}}
define internal double @k_xidz(double %n, double %d, double %f) #0 {{
  %a = call double @llvm.fabs.f64(double %d)
  %c = fcmp olt double %a, {_S}
  %q = fdiv double %n, %d
  %r = select i1 %c, double %f, double %q
  ret double %r
}}
define internal double @k_ramp(double %t, double %slope, double %start) #0 {{
  %x = fadd double %t, {_S}
  %c = fcmp ogt double %x, %start
  %f = uitofp i1 %c to double
  %m = fmul double %f, %slope
  %d = fsub double %t, %start
  %r = fmul double %m, %d
  ret double %r
}}
define internal double @k_ramp_to(double %t, double %slope, double %start, double %finish) #0 {{
  %x = fadd double %t, {_S}
  %c = fcmp ogt double %x, %start
  %f = uitofp i1 %c to double
  %m = fmul double %f, %slope
  %e = call double @k_min(double %finish, double %t)
  %d = fsub double %e, %start
  %r = fmul double %m, %d
  ret double %r
}}
define internal double @k_pulse(double %t, double %start, double %width) #0 {{
  %a = fsub double %start, {_S}
  %c1 = fcmp ole double %a, %t
  %b = fadd double %start, %width
  %c2 = fcmp olt double %t, %b
  %c = and i1 %c1, %c2
  %f = uitofp i1 %c to double
  %r = fmul double 1.0, %f
  ret double %r
}}
attributes #0 = {{ alwaysinline nounwind }}
attributes #1 = {{ noinline nounwind }}
"""
_INLINE = {"k_min": 2, "k_max": 2, "k_quantum": 2, "k_modulo": 2, "k_xidz": 3, "k_ramp": 3, "k_ramp_to": 4,
           "k_pulse": 3, "k_pulse_train": 5, "k_xpulse": 5}
_EXTERNAL = {"k_pulse_train", "k_xpulse"}
_LOOKUPS = {"k_interp", "k_extrapolate", "k_forward", "k_backward"}
_NUMPY = {"abs": "llvm.fabs.f64", "trunc": "llvm.trunc.f64", "exp": "llvm.exp.f64", "log": "llvm.log.f64",
          "sqrt": "llvm.sqrt.f64", "sin": "llvm.sin.f64", "cos": "llvm.cos.f64", "tan": "tan",
          "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh"}
_CONSTANTS = {"nan": float("nan"), "inf": float("inf"), "pi": 3.141592653589793}
_FCMP = {ast.Eq: "oeq", ast.NotEq: "une", ast.Lt: "olt", ast.LtE: "ole", ast.Gt: "ogt", ast.GtE: "oge"}
_ICMP = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "slt", ast.LtE: "sle", ast.Gt: "sgt", ast.GtE: "sge"}
_FOPS = {ast.Add: "fadd", ast.Sub: "fsub", ast.Mult: "fmul", ast.Div: "fdiv"}
_IOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul"}
PARAMS = ("t", "_dt", "_t0", "_tf", "_saveper")
SIGNATURE = "ptr noalias %V, ptr noalias %T, " + ", ".join(f"double %{name}" for name in PARAMS)
ENTRY, SAVE = "@__STEP__", "@__SAVE__"
"""Placeholders of the exported functions' names (``native.py`` names them after the IR's hash)."""


def step_ir(parts, saved):
    """LLVM IR of a step: ``parts`` (lists of source lines over the row ``V``) as functions, the
    exported ``void step(ptr V, ptr T, double t, _dt, _t0, _tf, _saveper)`` calling them in order,
    and ``void save(ptr V, ptr O, i64 isave, i64 i, i64 n)`` copying the ``saved`` values
    (``(first slot, element count or None)`` each) of the row to output ``j`` (``O[j]`` the address
    of a C-contiguous ``(saves, n, elements)`` array) at ``[isave, i]``."""
    functions = [_Function(f"part{index}").lower(lines) for index, lines in enumerate(parts)]
    args = "ptr %V, ptr %T, " + ", ".join(f"double %{name}" for name in PARAMS)
    calls = [f"  call void @part{index}({args})" for index in range(len(parts))]
    step = [f"define void {ENTRY}({SIGNATURE}) nounwind {{", "entry:"] + calls + ["  ret void", "}"]
    return "\n".join([PRELUDE] + functions + step + _save(saved)) + "\n"


def _save(saved):
    lines = [f"define void {SAVE}(ptr noalias %V, ptr noalias %O, i64 %isave, i64 %i, i64 %n) nounwind {{",
             "entry:", "  %row = mul i64 %isave, %n", "  %at = add i64 %row, %i"]
    for j, (start, size) in enumerate(saved):
        lines += [f"  %a{j} = getelementptr inbounds ptr, ptr %O, i64 {j}", f"  %o{j} = load ptr, ptr %a{j}",
                  f"  %s{j} = getelementptr inbounds double, ptr %V, i64 {start}"]
        if size is None:
            lines += [f"  %v{j} = load double, ptr %s{j}", f"  %d{j} = getelementptr inbounds double, ptr %o{j}, i64 %at",
                      f"  store double %v{j}, ptr %d{j}"]
        else:
            lines += [f"  %e{j} = mul i64 %at, {size}", f"  %d{j} = getelementptr inbounds double, ptr %o{j}, i64 %e{j}",
                      f"  call void @llvm.memcpy.p0.p0.i64(ptr %d{j}, ptr %s{j}, i64 {8 * size}, i1 false)"]
    return lines + ["  ret void", "}"]


class _Function:
    """One part: Python statements of the generated subset → the text of one LLVM function."""

    def __init__(self, name):
        self.name, self.body, self.allocas, self.count = name, [], [], 0
        self.names = {name: ("v", f"%{name}") for name in PARAMS}     # kind: v value, f/i slot, p pointer, t table
        self.names.update({"V": ("p", "%V"), "T": ("p", "%T")})

    def lower(self, lines):
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError as problem:
            raise Unsupported(f"generated source: {problem}") from None
        for statement in tree.body:
            self.statement(statement)
        head = f"define internal void @{self.name}({SIGNATURE}) #1 {{"
        return "\n".join([head, "entry:"] + self.allocas + self.body + ["  ret void", "}"])

    def tmp(self):
        self.count += 1
        return f"%r{self.count}"

    def emit(self, text):
        register = self.tmp()
        self.body.append(f"  {register} = {text}")
        return register

    def slot(self, name, kind):
        known = self.names.get(name)
        if known is None:
            address = f"%{kind}.{name}"
            self.allocas.append(f"  {address} = alloca {'double' if kind == 'f' else 'i64'}")
            self.names[name] = known = (kind, address)
        if known[0] != kind:
            raise Unsupported(f"'{name}' changes type")
        return known[1]

    # statements -------------------------------------------------------------------------------
    def statement(self, node):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            return self.assign(node.targets[0], node.value)
        if (isinstance(node, ast.For) and isinstance(node.target, ast.Name) and not node.orelse
                and isinstance(node.iter, ast.Call) and _called(node.iter) == "range" and len(node.iter.args) == 1):
            return self.loop(node.target.id, node.iter.args[0], node.body)
        raise Unsupported(f"statement {type(node).__name__}")

    def assign(self, target, value):
        if isinstance(target, ast.Subscript):
            address = self.element(target)
            self.body.append(f"  store double {self.double(value)}, ptr {address}")
        elif not isinstance(target, ast.Name):
            raise Unsupported("assignment target")
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            self.names[target.id] = ("p", self.view(value)[0])
        elif isinstance(value, ast.Tuple) and len(value.elts) == 2:
            (xs, n), (ys, _) = self.view(value.elts[0]), self.view(value.elts[1])
            self.names[target.id] = ("t", (xs, ys, n))
        else:
            kind, register = self.expr(value)
            if kind == "i64":
                self.body.append(f"  store i64 {register}, ptr {self.slot(target.id, 'i')}")
            else:
                self.body.append(f"  store double {self.to_double(kind, register)}, ptr {self.slot(target.id, 'f')}")

    def view(self, node):
        """(pointer, length) of ``NAME[a:b]`` with constant bounds."""
        kind, base = self.names.get(_named(node.value), (None, None))
        lower, upper = node.slice.lower, node.slice.upper
        if kind != "p" or not all(isinstance(b, ast.Constant) and isinstance(b.value, int) for b in (lower, upper)):
            raise Unsupported("slice")
        return self.emit(f"getelementptr inbounds double, ptr {base}, i64 {lower.value}"), upper.value - lower.value

    def loop(self, name, count, body):
        kind, limit = self.expr(count)
        if kind != "i64":
            raise Unsupported("range of a float")
        counter = self.slot(name, "i")
        label = self.tmp()[1:]
        self.body += [f"  store i64 0, ptr {counter}", f"  br label %{label}.head", f"{label}.head:"]
        current = self.emit(f"load i64, ptr {counter}")
        more = self.emit(f"icmp slt i64 {current}, {limit}")
        self.body += [f"  br i1 {more}, label %{label}.body, label %{label}.end", f"{label}.body:"]
        for statement in body:
            self.statement(statement)
        again = self.emit(f"load i64, ptr {counter}")
        following = self.emit(f"add i64 {again}, 1")
        self.body += [f"  store i64 {following}, ptr {counter}", f"  br label %{label}.head", f"{label}.end:"]

    def element(self, node):
        """Address of ``name[index]``."""
        kind, base = self.names.get(_named(node.value), (None, None))
        index_kind, index = self.expr(node.slice)
        if kind != "p" or index_kind != "i64":
            raise Unsupported("subscript")
        return self.emit(f"getelementptr inbounds double, ptr {base}, i64 {index}")

    # expressions: (kind, register) with kind double, i64 or i1 ----------------------------------
    def expr(self, node):
        handler = getattr(self, f"_{type(node).__name__}", None)
        if handler is None:
            raise Unsupported(f"expression {type(node).__name__}")
        return handler(node)

    def double(self, node):
        return self.to_double(*self.expr(node))

    def to_double(self, kind, register):
        if kind == "double":
            return register
        return self.emit(f"{'uitofp i1' if kind == 'i1' else 'sitofp i64'} {register} to double")

    def truth(self, node):
        kind, register = self.expr(node)
        if kind == "i1":
            return register
        if kind == "i64":
            return self.emit(f"icmp ne i64 {register}, 0")
        return self.emit(f"fcmp une double {register}, 0.0")      # NaN is true, as in Python

    def _Constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise Unsupported("constant")
        return ("i64", str(node.value)) if isinstance(node.value, int) else ("double", const(node.value))

    def _Name(self, node):
        kind, ref = self.names.get(node.id, (None, None))
        if kind == "v":
            return "double", ref
        if kind in ("f", "i"):
            value_kind = "double" if kind == "f" else "i64"
            return value_kind, self.emit(f"load {value_kind}, ptr {ref}")
        raise Unsupported(f"name {node.id}")

    def _Attribute(self, node):
        if _named(node.value) == "np" and node.attr in _CONSTANTS:
            return "double", const(_CONSTANTS[node.attr])
        raise Unsupported(f"attribute {node.attr}")

    def _Subscript(self, node):
        return "double", self.emit(f"load double, ptr {self.element(node)}")

    def _UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            return "i1", self.emit(f"xor i1 {self.truth(node.operand)}, true")
        kind, register = self.expr(node.operand)
        if isinstance(node.op, ast.UAdd):
            return kind, register
        if isinstance(node.op, ast.USub) and kind == "i64":
            return "i64", self.emit(f"sub i64 0, {register}")
        if isinstance(node.op, ast.USub):
            return "double", self.emit(f"fneg double {self.to_double(kind, register)}")
        raise Unsupported("unary operator")

    def _BinOp(self, node):
        (lk, left), (rk, right) = self.expr(node.left), self.expr(node.right)
        op = type(node.op)
        if lk == rk == "i64" and op in _IOPS:
            return "i64", self.emit(f"{_IOPS[op]} i64 {left}, {right}")
        left, right = self.to_double(lk, left), self.to_double(rk, right)
        if op in _FOPS:
            return "double", self.emit(f"{_FOPS[op]} double {left}, {right}")
        if op is ast.Pow:
            return "double", self.emit(f"call double @llvm.pow.f64(double {left}, double {right})")
        raise Unsupported(f"operator {op.__name__}")

    def _Compare(self, node):
        if len(node.ops) != 1:
            raise Unsupported("chained comparison")
        (lk, left), (rk, right) = self.expr(node.left), self.expr(node.comparators[0])
        op = type(node.ops[0])
        if lk == rk == "i64":
            return "i1", self.emit(f"icmp {_ICMP[op]} i64 {left}, {right}")
        if op not in _FCMP:
            raise Unsupported("comparison")
        return "i1", self.emit(f"fcmp {_FCMP[op]} double {self.to_double(lk, left)}, {self.to_double(rk, right)}")

    def _BoolOp(self, node):
        values = [self.truth(value) for value in node.values]
        word = "and" if isinstance(node.op, ast.And) else "or"
        result = values[0]
        for value in values[1:]:
            result = self.emit(f"{word} i1 {result}, {value}")
        return "i1", result

    def _IfExp(self, node):
        test, body, orelse = self.truth(node.test), self.double(node.body), self.double(node.orelse)
        return "double", self.emit(f"select i1 {test}, double {body}, double {orelse}")

    def _Call(self, node):
        name = _called(node)
        if node.keywords:
            raise Unsupported("keyword arguments")
        if name == "k_float" and len(node.args) == 1:
            return "double", self.emit(f"uitofp i1 {self.truth(node.args[0])} to double")
        if name in _LOOKUPS and len(node.args) == 3:
            return "double", self.lookup(name, node.args)
        if name in _INLINE and len(node.args) == _INLINE[name]:
            args = ", ".join(f"double {self.double(a)}" for a in node.args)
            return "double", self.emit(f"call double @{'plansim_' if name in _EXTERNAL else ''}{name}({args})")
        if name.startswith("np.") and name[3:] in _NUMPY and len(node.args) == 1:
            return "double", self.emit(f"call double @{_NUMPY[name[3:]]}(double {self.double(node.args[0])})")
        raise Unsupported(f"call {name}")

    def lookup(self, name, args):
        tables = [self.names.get(_named(a.value), (None, None)) if isinstance(a, ast.Subscript) else (None, None)
                  for a in args[1:]]
        if any(kind != "t" for kind, _ in tables) or [_index(a) for a in args[1:]] != [0, 1]:
            raise Unsupported("lookup arguments")
        xs, ys, n = tables[0][1]
        return self.emit(f"call double @plansim_{name}(double {self.double(args[0])}, ptr {xs}, ptr {ys}, i64 {n})")


def _named(node):
    return node.id if isinstance(node, ast.Name) else None


def _index(node):
    return node.slice.value if isinstance(node.slice, ast.Constant) else None


def _called(node):
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and _named(func.value) == "np":
        return f"np.{func.attr}"
    return ""
