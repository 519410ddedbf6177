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

from simulator.engine.kernels.expressions import Unsupported
from simulator.engine.kernels.lanes import keep_ir
from simulator.engine.kernels.prelude import LIBM, Types, const, prelude


_INLINE = {"k_min": 2, "k_max": 2, "k_quantum": 2, "k_modulo": 2, "k_xidz": 3, "k_ramp": 3, "k_ramp_to": 4,
           "k_pulse": 3, "k_pulse_train": 5, "k_xpulse": 5}
_EXTERNAL = {"k_pulse_train", "k_xpulse"}
_LOOKUPS = {"k_interp", "k_extrapolate", "k_forward", "k_backward"}
_NUMPY = {"abs": "fabs", "trunc": "trunc", "exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan",
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


def step_ir(parts, saved, width=None, lanes=None, state=0):
    """LLVM IR of a step: ``parts`` (lists of source lines over the row ``V``) as functions, the
    exported ``void step(ptr V, ptr T, double t, _dt, _t0, _tf, _saveper)`` calling them in order,
    and ``void save(ptr V, ptr O, i64 isave, i64 i, i64 n)`` copying the ``saved`` values
    (``(first slot, element count or None)`` each) of the row to output ``j`` (``O[j]`` the address
    of a C-contiguous ``(saves, n, elements)`` array) at ``[isave, i]``. With ``width``, ``V`` is a
    block of ``lanes`` scenarios (value ``q`` of lane ``b`` at ``V[q * lanes + b]``), each part a loop
    over its ``lanes / width`` chunks in which every double is a vector of ``width`` lanes, and the
    caller appends its own save (``lanes.py``); then the block's first ``2 * state`` values are two
    copies of the stocks, the current and the next (argument ``i64 flip``: which is which), and the
    parts save outputs themselves where ``lanes.keep`` says (``ptr O`` after ``T``, last ``i64 sat``)."""
    outs = len(saved) if width else 0
    functions = [_Function(f"part{index}", width, lanes, state, outs).lower(lines) for index, lines in enumerate(parts)]
    args = "ptr %V, ptr %T, " + ", ".join(f"double %{name}" for name in PARAMS)
    args += (", ptr %VS, ptr %VD, i64 %sat" if width else "") + "".join(f", ptr %O{j}" for j in range(outs))
    calls = [f"  call void @part{index}({args})" for index in range(len(parts))]
    copies = [] if not width else [   # the stocks' current and next copies (noalias in the parts: no overlap)
        f"  %fs = mul i64 %flip, {state * lanes}", f"  %fd = sub i64 {state * lanes}, %fs",
        "  %VS = getelementptr inbounds double, ptr %V, i64 %fs", "  %VD = getelementptr inbounds double, ptr %V, i64 %fd"]
    copies += [f"  %O{j}.at = getelementptr inbounds ptr, ptr %O, i64 {j}\n  %O{j} = load ptr, ptr %O{j}.at" for j in range(outs)]
    signature = SIGNATURE.replace("%T, ", "%T, ptr %O, ") + ", i64 %flip, i64 %sat" if width else SIGNATURE
    step = [f"define void {ENTRY}({signature}) nounwind {{", "entry:"] + copies + calls + ["  ret void", "}"]
    return "\n".join([prelude(width)] + functions + step + ([] if width else _save(saved))) + "\n"


def _signature(width, outs=0):
    return SIGNATURE + (", ptr noalias %VS, ptr noalias %VD, i64 %sat" if width else "") + "".join(
        f", ptr noalias %O{j}" for j in range(outs))


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


class _Function(Types):
    """One part: Python statements of the generated subset → the text of one LLVM function, for one
    scenario or (``width``) for a block of scenarios, lane by lane: a double is then a vector, a
    value of ``V`` the vector of its lanes (pointers into ``V`` are kind ``q``; ``p`` plain ones)."""

    def __init__(self, name, width=None, lanes=None, state=0, outs=0):
        super().__init__(width)
        self.stride = lanes or width      # a block's values: lanes apart
        self.state = state                # a block's stocks: values 0 .. state-1 now, state .. 2*state-1 next
        self.name, self.body, self.allocas, self.count, self.outs = name, [], [], 0, outs     # outs: lanes.keep
        self.b = "i1" if width is None else "b"     # the kind of a comparison of doubles
        self.names = {name: ("v", self.splat_register(f"%{name}", "double", self.allocas)) for name in PARAMS}
        self.names.update({"V": ("p", "%V") if width is None else ("q", "%Vc"), "T": ("p", "%T")})

    def lower(self, lines):
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError as problem:
            raise Unsupported(f"generated source: {problem}") from None
        for statement in tree.body:
            self.statement(statement)
        head = f"define internal void @{self.name}({_signature(self.width, self.outs)}) #1 {{"
        if self.width is None:
            return "\n".join([head, "entry:"] + self.allocas + self.body + ["  ret void", "}"])
        chunks = [f"  %c = phi i64 [0, %entry], [%c.next, %chunk.{len(self.body)}]",        # the block's chunks
                  f"  %c.at = mul i64 %c, {self.width}", "  %Vc = getelementptr inbounds double, ptr %V, i64 %c.at",
                  "  %VSc = getelementptr inbounds double, ptr %VS, i64 %c.at",
                  "  %VDc = getelementptr inbounds double, ptr %VD, i64 %c.at"]
        end = [f"  br label %chunk.{len(self.body)}", f"chunk.{len(self.body)}:", "  %c.next = add i64 %c, 1",
               f"  %c.more = icmp slt i64 %c.next, {self.stride // self.width}",
               "  br i1 %c.more, label %chunk, label %done", "done:", "  ret void", "}"]
        return "\n".join([head, "entry:"] + self.allocas + ["  br label %chunk", "chunk:"] + chunks + self.body + end)

    def tmp(self):
        self.count += 1
        return f"%r{self.count}"

    def emit(self, text):
        register = self.tmp()
        self.body.append(f"  {register} = {text}")
        return register

    def splat_register(self, register, scalar, into=None):
        """``register`` (of type ``scalar``) in every lane; itself for a scalar lowering."""
        if self.width is None:
            return register
        into = self.body if into is None else into
        one, lanes = self.tmp(), f"<{self.width} x {scalar}>"
        into += [f"  {one} = insertelement {lanes} poison, {scalar} {register}, i64 0",
                 f"  {one}.all = shufflevector {lanes} {one}, {lanes} poison, <{self.width} x i32> zeroinitializer"]
        return f"{one}.all"

    def slot(self, name, kind):
        known = self.names.get(name)
        if known is None:
            address = f"%{kind}.{name}"
            self.allocas.append(f"  {address} = alloca {self.D if kind == 'f' else 'i64'}")
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
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and _called(node.value) == "_keep" and self.width:
            return self.body.extend(keep_ir(self, *node.value.args))
        raise Unsupported(f"statement {type(node).__name__}")

    def assign(self, target, value):
        if isinstance(target, ast.Subscript):
            kind, address = self.element(target)
            if kind == "q":
                self.body.append(f"  store {self.D} {self.double(value)}, ptr {address}, align 8")
            elif self.width is None:
                self.body.append(f"  store double {self.double(value)}, ptr {address}")
            else:
                raise Unsupported("a store outside the block")
        elif not isinstance(target, ast.Name):
            raise Unsupported("assignment target")
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            self.names[target.id] = self.view(value)[:2]
        elif isinstance(value, ast.Tuple) and len(value.elts) == 2:
            (kx, xs, n), (ky, ys, _) = self.view(value.elts[0]), self.view(value.elts[1])
            if kx != "p" or ky != "p":
                raise Unsupported("a table in the block")
            self.names[target.id] = ("t", (xs, ys, n))
        else:
            kind, register = self.expr(value)
            if kind == "i64":
                self.body.append(f"  store i64 {register}, ptr {self.slot(target.id, 'i')}")
            else:
                self.body.append(f"  store {self.D} {self.to_double(kind, register)}, ptr {self.slot(target.id, 'f')}")

    def view(self, node):
        """(kind, pointer, length) of ``NAME[a:b]`` with constant bounds."""
        kind, base = self.names.get(_named(node.value), (None, None))
        lower, upper = node.slice.lower, node.slice.upper
        if kind not in ("p", "q") or not all(isinstance(b, ast.Constant) and isinstance(b.value, int)
                                             for b in (lower, upper)):
            raise Unsupported("slice")
        base, at = self.region(node.value, base, lower.value)
        offset = at * (self.stride if kind == "q" else 1)
        return kind, self.emit(f"getelementptr inbounds double, ptr {base}, i64 {offset}"), upper.value - lower.value

    def region(self, name, base, at):
        """(pointer, offset) of value ``at`` of the block: the stocks' current or next copy (``state``)."""
        if _named(name) != "V" or not self.state or at >= 2 * self.state:
            return base, at
        return ("%VSc", at) if at < self.state else ("%VDc", at - self.state)

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
        """(kind of the pointer, address) of ``name[index]`` (in a block: its first lane)."""
        kind, base = self.names.get(_named(node.value), (None, None))
        index_kind, index = self.expr(node.slice)
        if kind not in ("p", "q") or index_kind != "i64":
            raise Unsupported("subscript")
        if kind == "q" and _named(node.value) == "V" and self.state:
            if not isinstance(node.slice, ast.Constant):
                raise Unsupported("a variable index into the block")
            base, at = self.region(node.value, base, node.slice.value)
            index = str(at)
        if kind == "q" and self.stride != 1:
            index = self.emit(f"mul i64 {index}, {self.stride}")
        return kind, self.emit(f"getelementptr inbounds double, ptr {base}, i64 {index}")

    # expressions: (kind, register); kind double (a vector of lanes in a block), i64, i1, b (lanes of i1)
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
        if kind == "b":
            return self.emit(f"uitofp {self.B} {register} to {self.D}")
        scalar = self.emit(f"{'uitofp i1' if kind == 'i1' else 'sitofp i64'} {register} to double")
        return self.splat_register(scalar, "double")

    def boolean(self, node):
        """(kind, register) of the truth of ``node``: i1, or b for lanes."""
        kind, register = self.expr(node)
        if kind in ("i1", "b"):
            return kind, register
        if kind == "i64":
            return "i1", self.emit(f"icmp ne i64 {register}, 0")
        return self.b, self.emit(f"fcmp une {self.D} {register}, {self.double_constant(0.0)}")  # NaN is true

    def truth(self, node):
        return self.boolean(node)[1]

    def widen(self, kind, register):
        """A truth as lanes (b) when the lowering is for a block."""
        return (kind, register) if kind == self.b else (self.b, self.splat_register(register, "i1"))

    def double_constant(self, value):
        return self.double(ast.Constant(float(value)))

    def _Constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise Unsupported("constant")
        return ("i64", str(node.value)) if isinstance(node.value, int) else ("double", self.splat(const(node.value)))

    def _Name(self, node):
        kind, ref = self.names.get(node.id, (None, None))
        if kind == "v":
            return "double", ref
        if kind in ("f", "i"):
            value_type = self.D if kind == "f" else "i64"
            return ("double" if kind == "f" else "i64"), self.emit(f"load {value_type}, ptr {ref}")
        raise Unsupported(f"name {node.id}")

    def _Attribute(self, node):
        if _named(node.value) == "np" and node.attr in _CONSTANTS:
            return "double", self.splat(const(_CONSTANTS[node.attr]))
        raise Unsupported(f"attribute {node.attr}")

    def _Subscript(self, node):
        kind, address = self.element(node)
        if kind == "q":
            return "double", self.emit(f"load {self.D}, ptr {address}, align 8")
        return "double", self.splat_register(self.emit(f"load double, ptr {address}"), "double")

    def _UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            kind, register = self.boolean(node.operand)
            true = "true" if kind == "i1" else self.splat("true", "i1")
            return kind, self.emit(f"xor {'i1' if kind == 'i1' else self.B} {register}, {true}")
        kind, register = self.expr(node.operand)
        if isinstance(node.op, ast.UAdd):
            return kind, register
        if isinstance(node.op, ast.USub) and kind == "i64":
            return "i64", self.emit(f"sub i64 0, {register}")
        if isinstance(node.op, ast.USub):
            return "double", self.emit(f"fneg {self.D} {self.to_double(kind, register)}")
        raise Unsupported("unary operator")

    def _BinOp(self, node):
        (lk, left), (rk, right) = self.expr(node.left), self.expr(node.right)
        op = type(node.op)
        if lk == rk == "i64" and op in _IOPS:
            return "i64", self.emit(f"{_IOPS[op]} i64 {left}, {right}")
        left, right = self.to_double(lk, left), self.to_double(rk, right)
        if op in _FOPS:
            return "double", self.emit(f"{_FOPS[op]} {self.D} {left}, {right}")
        if op is ast.Pow:
            return "double", self.emit(f"call {self.D} @llvm.pow.{self.F}({self.D} {left}, {self.D} {right})")
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
        left, right = self.to_double(lk, left), self.to_double(rk, right)
        return self.b, self.emit(f"fcmp {_FCMP[op]} {self.D} {left}, {right}")

    def _BoolOp(self, node):
        values = [self.boolean(value) for value in node.values]
        if any(kind == "b" for kind, _ in values):
            values = [self.widen(kind, register) for kind, register in values]
        word, kind = "and" if isinstance(node.op, ast.And) else "or", values[0][0]
        result = values[0][1]
        for _, value in values[1:]:
            result = self.emit(f"{word} {'i1' if kind == 'i1' else self.B} {result}, {value}")
        return kind, result

    def _IfExp(self, node):
        (kind, test), body, orelse = self.boolean(node.test), self.double(node.body), self.double(node.orelse)
        return "double", self.emit(f"select {'i1' if kind == 'i1' else self.B} {test}, {self.D} {body}, {self.D} {orelse}")

    def _Call(self, node):
        name = _called(node)
        if node.keywords:
            raise Unsupported("keyword arguments")
        if name == "k_float" and len(node.args) == 1:
            return "double", self.to_double(*self.boolean(node.args[0]))
        if name in _LOOKUPS and len(node.args) == 3:
            return "double", self.lookup(name, node.args)
        if name in _INLINE and len(node.args) == _INLINE[name]:
            args = [self.double(a) for a in node.args]
            if name in _EXTERNAL:
                return "double", self.per_lane(f"plansim_{name}", args)
            return "double", self.emit(f"call {self.D} @{name}({', '.join(f'{self.D} {a}' for a in args)})")
        if name.startswith("np.") and name[3:] in _NUMPY and len(node.args) == 1:
            function, arg = _NUMPY[name[3:]], self.double(node.args[0])
            if function in LIBM:
                return "double", self.per_lane(function, [arg])
            return "double", self.emit(f"call {self.D} @llvm.{function}.{self.F}({self.D} {arg})")
        raise Unsupported(f"call {name}")

    def per_lane(self, function, args, extra=""):
        """``double function(double args..., extra)`` called once per lane (once for a scalar lowering)."""
        if self.width is None:
            return self.emit(f"call double @{function}({', '.join(f'double {a}' for a in args)}{extra})")
        result = "poison"
        for lane in range(self.width):
            scalars = [self.emit(f"extractelement {self.D} {a}, i64 {lane}") for a in args]
            value = self.emit(f"call double @{function}({', '.join(f'double {a}' for a in scalars)}{extra})")
            result = self.emit(f"insertelement {self.D} {result}, double {value}, i64 {lane}")
        return result

    def lookup(self, name, args):
        tables = [self.names.get(_named(a.value), (None, None)) if isinstance(a, ast.Subscript) else (None, None)
                  for a in args[1:]]
        if any(kind != "t" for kind, _ in tables) or [_index(a) for a in args[1:]] != [0, 1]:
            raise Unsupported("lookup arguments")
        xs, ys, n = tables[0][1]
        return self.per_lane(f"plansim_{name}", [self.double(args[0])], f", ptr {xs}, ptr {ys}, i64 {n}")


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
