"""Ingest helper, before PySD's parser: Vensim's explicit subscript mappings ``-> (Dim: e1, e2)`` taken off the text.

Vensim maps a range onto another either positionally (``DimB: B1, B2 -> DimA``) or by an explicit
list (``DimB: B1, B2 -> (DimA: SubA, A3)``: B1 to every element of the subrange SubA, B2 to A3).
PySD's grammar reads the parenthesised list as more elements of the range, so ``ingest`` rewrites
each explicit mapping to the plain target name before parsing and, after parsing, gives the
range's mapping entry its list back as ``(target, [entries])``, the form ``lowering/dimensions.py``
turns into an element-to-element map.
"""

from __future__ import annotations

import re

_RANGE = re.compile(r"(?P<name>[^:{}~|]+?)\s*:(?P<elements>[^:~|]*?)(?<!<)->(?P<maps>[^~|]*)$", re.S)
_EXPLICIT = re.compile(r"\(\s*(?P<target>[^:()]+?)\s*:(?P<entries>[^()]*)\)")


def key(name):
    """A range name as Vensim compares it: case, underscores and runs of blanks ignored."""
    return " ".join(name.replace("_", " ").split()).lower()


def _rewrite(equation, found):
    """``equation`` (text before an element's first ``~``) with explicit mappings replaced by their targets."""
    match = _RANGE.search(equation)
    if match is None or "(" not in match.group("maps"):
        return equation
    explicit = {}

    def plain(m):
        target = " ".join(m.group("target").split())
        explicit[key(target)] = [" ".join(e.split()) for e in m.group("entries").split(",") if e.strip()]
        return target
    maps = _EXPLICIT.sub(plain, match.group("maps"))
    found.setdefault(key(match.group("name")), {}).update(explicit)
    return equation[:match.start("maps")] + " " + maps.strip() + "\n"


def strip_explicit_mappings(text):
    """(text PySD can parse, {range key: {target key: [entries as written]}}) for a Vensim model text."""
    found = {}
    pieces = []
    for element in text.split("|"):
        equation, tilde, rest = element.partition("~")
        pieces.append((_rewrite(equation, found) if "->" in equation else equation) + tilde + rest)
    return "|".join(pieces), found


def restore(abstract_model, found):
    """Give each range of ``abstract_model`` its explicit mapping lists back: ``(target, [entries])``."""
    if not found:
        return abstract_model
    for section in abstract_model.sections:
        for rng in section.subscripts:
            lists = found.get(key(rng.name))
            if not lists or not rng.mapping:
                continue
            rng.mapping = [(target, lists[key(target)]) if isinstance(target, str) and key(target) in lists
                           else target for target in rng.mapping]
    return abstract_model
