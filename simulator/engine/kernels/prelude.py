"""Fused kernels, IR prelude: the declarations and small helpers every lowered step starts with.

Used by ``kernels/lowering.py``. :func:`prelude` writes them for one scenario (``double``) or for a
block of ``width`` scenarios (``<width x double>``, one lane per scenario: ``lanes``). The helpers
are the IEEE operations of ``runtime.py``'s numba versions in the same order (no fast-math, no
contraction), so every lane's result equals the scalar helper's bit for bit. Functions of libm and
the numba ``cfunc`` helpers stay scalar; the lowering calls them once per lane.
"""

from __future__ import annotations

import struct

from simulator.engine.codegen.builtins import SMALL_VENSIM


def const(value):
    """An LLVM double constant, bit exact."""
    return "0x%016X" % struct.unpack("<Q", struct.pack("<d", float(value)))[0]


INTRINSICS = ("fabs", "trunc", "exp", "log", "sqrt", "sin", "cos")
"""LLVM intrinsics of one argument the lowering calls (``llvm.<name>.f64`` or its vector form)."""
LIBM = ("tan", "asin", "acos", "atan", "sinh", "cosh", "tanh")
EXTERNAL = """declare double @tan(double)
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
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
"""
_HELPERS = """
define internal {D} @k_min({D} %a, {D} %b) #0 {{
  %n = fcmp uno {D} %a, %b
  %s = fadd {D} %a, %b
  %c = fcmp ole {D} %a, %b
  %m = select {B} %c, {D} %a, {D} %b
  %r = select {B} %n, {D} %s, {D} %m
  ret {D} %r
}}
define internal {D} @k_max({D} %a, {D} %b) #0 {{
  %n = fcmp uno {D} %a, %b
  %s = fadd {D} %a, %b
  %c = fcmp oge {D} %a, %b
  %m = select {B} %c, {D} %a, {D} %b
  %r = select {B} %n, {D} %s, {D} %m
  ret {D} %r
}}
define internal {D} @k_quantum({D} %a, {D} %b) #0 {{
  %c = fcmp olt {D} %b, {S}
  %q = fdiv {D} %a, %b
  %t = call {D} @llvm.trunc.{F}({D} %q)
  %m = fmul {D} %b, %t
  %r = select {B} %c, {D} %a, {D} %m
  ret {D} %r
}}
define internal {D} @k_modulo({D} %a, {D} %b) #0 {{
  %q = call {D} @k_quantum({D} %a, {D} %b)
  %r = fsub {D} %a, %q
  ret {D} %r
}}
define internal {D} @k_xidz({D} %n, {D} %d, {D} %f) #0 {{
  %a = call {D} @llvm.fabs.{F}({D} %d)
  %c = fcmp olt {D} %a, {S}
  %q = fdiv {D} %n, %d
  %r = select {B} %c, {D} %f, {D} %q
  ret {D} %r
}}
define internal {D} @k_ramp({D} %t, {D} %slope, {D} %start) #0 {{
  %x = fadd {D} %t, {S}
  %c = fcmp ogt {D} %x, %start
  %f = uitofp {B} %c to {D}
  %m = fmul {D} %f, %slope
  %d = fsub {D} %t, %start
  %r = fmul {D} %m, %d
  ret {D} %r
}}
define internal {D} @k_ramp_to({D} %t, {D} %slope, {D} %start, {D} %finish) #0 {{
  %x = fadd {D} %t, {S}
  %c = fcmp ogt {D} %x, %start
  %f = uitofp {B} %c to {D}
  %m = fmul {D} %f, %slope
  %e = call {D} @k_min({D} %finish, {D} %t)
  %d = fsub {D} %e, %start
  %r = fmul {D} %m, %d
  ret {D} %r
}}
define internal {D} @k_pulse({D} %t, {D} %start, {D} %width) #0 {{
  %a = fsub {D} %start, {S}
  %c1 = fcmp ole {D} %a, %t
  %b = fadd {D} %start, %width
  %c2 = fcmp olt {D} %t, %b
  %c = and {B} %c1, %c2
  %f = uitofp {B} %c to {D}
  %r = fmul {D} {ONE}, %f
  ret {D} %r
}}
attributes #0 = {{ alwaysinline nounwind }}
attributes #1 = {{ noinline nounwind }}
"""


class Types:
    """The IR types of one lowering: a scalar (``width`` None) or ``width`` lanes of doubles."""

    def __init__(self, width=None):
        self.width = width
        self.D = "double" if width is None else f"<{width} x double>"
        self.B = "i1" if width is None else f"<{width} x i1>"
        self.F = "f64" if width is None else f"v{width}f64"

    def splat(self, text, scalar="double"):
        """A constant ``text`` of type ``scalar`` in every lane (the constant itself for a scalar)."""
        if self.width is None:
            return text
        return "<" + ", ".join([f"{scalar} {text}"] * self.width) + ">"

    def double(self, value):
        return self.splat(const(value))


def prelude(width=None):
    """Declarations and helpers of a step lowered for one scenario or ``width`` lanes."""
    types = Types(width)
    declares = [f"declare {types.D} @llvm.{name}.{types.F}({types.D})" for name in INTRINSICS]
    declares.append(f"declare {types.D} @llvm.pow.{types.F}({types.D}, {types.D})")
    helpers = _HELPERS.format(D=types.D, B=types.B, F=types.F, S=types.double(SMALL_VENSIM), ONE=types.double(1.0))
    return "\n" + EXTERNAL + "\n".join(declares) + "\n" + helpers
