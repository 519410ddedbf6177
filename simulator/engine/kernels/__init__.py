"""Fused step kernels (an alternative fifth stage): the step equations of a program, compiled.

``generate`` writes one python function per run configuration from the same IR the numpy program
comes from (``expressions`` turns one IR expression into scalar code for one scenario and one
subscript element; ``slots`` where each value lives); ``lowering`` turns its step into LLVM IR
(``prelude``: the declarations and helpers it starts with), for one scenario or for a block of
scenarios as vector lanes (``lanes``: that block's driver, save and update), and ``native`` compiles
that with llvmlite (numba's front end costs ~10 ms a line); ``fused`` compiles the rest (numba, cached per
user) and runs it in place of the integrator's loop; ``runtime`` holds the compiled helpers the
kernels call. Plain numpy stays the fallback: a model or run the generator does not support runs
on the numpy program, and the reason is recorded in the result's ``attrs["kernel"]``.
"""
