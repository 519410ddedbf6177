"""Lowering, names: PySD's reference keys and the python-safe ids lowering gives variables."""

from __future__ import annotations

import keyword
import re


def reference_key(name):
    """The key PySD's parser uses for references to ``name`` (lower case, spaces → underscores)."""
    return " ".join(str(name).split()).lower().replace(" ", "_")


def python_id(key, taken):
    """A python-safe lower_snake identifier for ``key`` not yet in ``taken``."""
    ident = re.sub(r"\W+", "_", key, flags=re.ASCII).strip("_") or "var"
    if ident[0].isdigit():
        ident = "v_" + ident
    if keyword.iskeyword(ident) or ident in ("time", "np"):
        ident += "_"
    base, counter = ident, 1
    while ident in taken:
        counter += 1
        ident = f"{base}_{counter}"
    return ident
