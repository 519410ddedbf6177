"""Code generation, alignment: emitted values (:class:`Val`) and their subscript axes matched by name.

Transposition, updimensioning, subranges, mappings and copies: everything that makes two
operands' axes line up before ``expressions.py`` combines them. :class:`EmitContext` is what
every emitter receives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.errors import ModelParseError


@dataclass(frozen=True)
class Val:
    """Emitted source ``code`` and its ``dims``; ``dims is None`` means a python scalar (no scenario axis)."""

    code: str
    dims: object


class EmitContext:
    """What emitters need: the IR, local names of variables, constant pool, and the LHS dimensions."""

    def __init__(self, model_ir, names, consts, lhs_dims=(), overrides=None, where=""):
        self.ir = model_ir
        self.names = names
        self.consts = consts
        self.lhs_dims = tuple(lhs_dims)
        self.overrides = overrides or {}
        self.where = where

    def const(self, value, prefix="_c"):
        """Register a constant for the generated program and return its name."""
        name = f"{prefix}{len(self.consts)}"
        self.consts[name] = value
        return name

    def dim(self, name):
        return self.ir.dimensions[name.rstrip("!")]

    def fail(self, message):
        raise ModelParseError(f"{self.ir.path}: variable '{self.where}': {message}")


# --- alignment -------------------------------------------------------------------------------

def relation_index(ctx, source, target):
    """Index array taking an axis over ``source`` to an axis over ``target``, or None if unrelated."""
    if source.endswith("!") or target.endswith("!"):
        return None
    src, tgt = ctx.dim(source), ctx.dim(target)
    if src.elements == tgt.elements:
        return slice(None)
    if target in src.mappings:         # source element k corresponds to target element(s) mappings[k]
        return mapped_index(src.mappings[target], tgt.elements)
    if source in tgt.mappings:         # target element j corresponds to source element mappings[j]
        mapped = tgt.mappings[source]
        if all(m in src.elements for m in mapped):
            return np.array([src.elements.index(m) for m in mapped])
        return None
    if set(tgt.elements) <= set(src.elements):   # target is a subrange of source
        return np.array([src.elements.index(e) for e in tgt.elements])
    for name, mapped in src.mappings.items():    # target is a subrange of a range source maps to
        if set(tgt.elements) <= set(ctx.dim(name).elements):
            return mapped_index(mapped, tgt.elements)
    return None


def mapped_index(mapped, elements):
    """For each of ``elements``, the first source position whose mapping entry is or contains it; None if one has none."""
    index = []
    for element in elements:
        hits = [k for k, entry in enumerate(mapped) if entry == element or (isinstance(entry, tuple) and element in entry)]
        if not hits:
            return None
        index.append(hits[0])
    return np.array(index)


def take(ctx, code, index, axis):
    if isinstance(index, slice):
        return code
    return f"np.take({code}, {ctx.const(index, '_ix')}, axis={axis})"


def related_dims(ctx, dims, targets):
    """For dims not in ``targets``: [(axis, target dim, index array or slice)] onto related targets."""
    moves, taken = [], list(dims)
    for pos, dim in enumerate(dims):
        if dim in targets:
            continue
        for target in targets:
            if target in taken:
                continue
            index = relation_index(ctx, dim, target)
            if index is not None:
                moves.append((pos, target, index))
                taken[pos] = target
                break
    return moves


def relate(ctx, val, targets):
    """Rename/reindex dims of ``val`` not in ``targets`` onto related target dims (mapping, copy, subrange)."""
    if val.dims is None:
        return val
    code, dims = val.code, list(val.dims)
    for pos, target, index in related_dims(ctx, val.dims, targets):
        code = take(ctx, code, index, pos + 1)
        dims[pos] = target
    return Val(code, tuple(dims))


def align(ctx, val, target):
    """Source code of ``val`` transposed/expanded to the dims ``target`` (scalars pass through)."""
    if val.dims is None:
        return val.code
    target = tuple(target)
    val = relate(ctx, val, target)
    missing = [d for d in val.dims if d not in target]
    if missing:
        ctx.fail(f"dimension(s) {missing} cannot be broadcast to {list(target)}; "
                 f"check the subscripts (or add a mapping)")
    code = val.code
    present = [d for d in target if d in val.dims]
    perm = [val.dims.index(d) for d in present]
    if perm != sorted(perm):
        axes = ", ".join(["0"] + [str(p + 1) for p in perm])
        code = f"np.transpose({code}, ({axes}))"
    if len(present) < len(target):
        index = ", ".join([":"] + [":" if d in val.dims else "None" for d in target])
        code = f"{paren(code)}[{index}]"
    return code


def union_dims(*vals):
    dims = []
    for val in vals:
        for d in val.dims or ():
            if d not in dims:
                dims.append(d)
    return tuple(dims)


def paren(code):
    return code if code.replace("_", "a").isalnum() else f"({code})"


def align_all(ctx, vals):
    """Align several values to their common dims; returns (codes, dims or None when all scalar)."""
    if all(v.dims is None for v in vals):
        return [v.code for v in vals], None
    vals = [relate(ctx, v, ctx.lhs_dims) for v in vals]
    dims = union_dims(*vals)
    return [align(ctx, v, dims) for v in vals], dims
