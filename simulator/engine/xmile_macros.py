"""Before ingest's PySD parse (called by xmile_modules): XMILE ``<macro>`` calls → inline expressions.

An XMILE file may define functions of its own at file level::

    <macro name="LOG"><parm>x</parm><parm default="10">base</parm><eqn>LN(x) / LN(base)</eqn></macro>

and call them in any equation (``LOG(population, 2)``). PySD's XMILE reader knows no macros, so
:func:`expand_macros` replaces each call by the macro's equation with every parameter replaced by
its argument in parentheses (a missing trailing argument takes the parameter's ``default``),
repeatedly, so macros may call macros. Macros that define ``<variables>`` (stocks inside a macro)
and recursive macros are refused with one line naming the file, the macro and the fix.
"""

from __future__ import annotations

import re

from simulator.errors import ModelParseError
from simulator.names import normalise

_MAX_DEPTH = 32
_PART = r"""(?:[^\W\d][\w$']*|"(?:\\.|[^"\\])*")"""
_TOKEN = re.compile(rf"""
    (?P<comment>\{{[^}}]*\}})
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>{_PART})
  | (?P<other>.)
""", re.S | re.X)


def xmile_key(name):
    """Name-matching key of XMILE: ``\\n`` in names is a space; case, spaces and ``_`` do not matter."""
    return normalise(name.replace("\\n", " ").strip().strip('"'))


class _Macro:
    """One ``<macro>``: its name, parameters (name key, default text or None) and equation."""

    def __init__(self, element, ns, path):
        self.name = element.get("name", "")
        self.parms = [(xmile_key(p.text or ""), p.get("default")) for p in element.findall(f"{{{ns}}}parm")]
        eqn = element.find(f"{{{ns}}}eqn")
        self.eqn = (eqn.text or "").strip() if eqn is not None else ""
        where = f"{path}: macro '{self.name}'"
        if element.find(f"{{{ns}}}variables") is not None:
            raise ModelParseError(f"{where}: defines <variables> (stocks inside a macro), which plansim does not "
                                  "expand; write them into the model, or as a module (<model> + <module>)")
        if not self.eqn:
            raise ModelParseError(f"{where}: has no <eqn>; give the macro's equation")

    def body(self, args, path):
        """The macro's equation with each parameter replaced by ``(argument)``."""
        if len(args) > len(self.parms):
            raise ModelParseError(f"{path}: macro '{self.name}' takes {len(self.parms)} argument(s), a call gives "
                                  f"{len(args)}; correct the call")
        values = {}
        for position, (parm, default) in enumerate(self.parms):
            if position < len(args):
                values[parm] = args[position]
            elif default is not None:
                values[parm] = default
            else:
                raise ModelParseError(f"{path}: macro '{self.name}': a call gives no value for its parameter "
                                      f"'{parm}' (no default); add the argument")
        return "".join(f"({values[xmile_key(m.group(0))]})" if m.lastgroup == "name" and xmile_key(m.group(0)) in values
                       else m.group(0) for m in _TOKEN.finditer(self.eqn))


def _split_arguments(text):
    """``'a, f(b, c), d'`` → ``['a', 'f(b, c)', 'd']`` (commas inside brackets or quotes stay)."""
    args, depth, start, quoted = [], 0, 0, False
    for position, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        elif not quoted and char == "," and depth == 0:
            args.append(text[start:position].strip())
            start = position + 1
    last = text[start:].strip()
    return [*args, last] if (args or last) else []


def _closing(text, opening):
    """Position of the parenthesis closing the one at ``opening`` (-1 if none)."""
    depth = 0
    for position in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return position
    return -1


def _expand_once(text, macros, path):
    """``text`` with its first macro call expanded; None if it calls no macro."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "name" or xmile_key(match.group(0)) not in macros:
            continue
        opening = match.end()
        while opening < len(text) and text[opening] == " ":
            opening += 1
        if opening >= len(text) or text[opening] != "(":
            continue
        closing = _closing(text, opening)
        if closing < 0:
            raise ModelParseError(f"{path}: a call of macro '{match.group(0)}' has no closing parenthesis; fix the "
                                  "equation")
        body = macros[xmile_key(match.group(0))].body(_split_arguments(text[opening + 1:closing]), path)
        return text[:match.start()] + "(" + body + ")" + text[closing + 1:]
    return None


def expand_text(text, macros, path):
    """``text`` with every macro call expanded (macros calling macros included)."""
    for _ in range(_MAX_DEPTH):
        expanded = _expand_once(text, macros, path)
        if expanded is None:
            return text
        text = expanded
    names = ", ".join(sorted({m.name for m in macros.values()}))
    raise ModelParseError(f"{path}: macro calls nest more than {_MAX_DEPTH} deep (a recursive macro among {names}); "
                          "plansim expands macros inline and cannot expand recursion; remove it")


def expand_macros(tree, ns, path):
    """Expand every macro call in the equations of ``tree`` and remove the ``<macro>`` definitions.

    Returns True when the file defines a macro. Raises ModelParseError (file, macro, fix).
    """
    root = tree.getroot()
    definitions = root.findall(f"{{{ns}}}macro")
    if not definitions:
        return False
    macros = {}
    for element in definitions:
        macro = _Macro(element, ns, path)
        macros[xmile_key(macro.name)] = macro
        root.remove(element)
    for tag in ("eqn", "init_eqn"):
        for node in root.iter(f"{{{ns}}}{tag}"):
            if node.text:
                node.text = expand_text(node.text, macros, path)
    return True
