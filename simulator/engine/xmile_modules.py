"""Before ingest's PySD parse: an XMILE file with modules (sub-models) → one flat XMILE model.

XMILE 1.0 (section 4.7, "Modules") lets a model hold ``<module name="m">`` placeholders, each an
instance of another ``<model name="m">`` of the same file, wired by ``<connect to="input"
from="source"/>``: ``to`` names an input variable of the module's model (written ``input`` or
``m.input``), ``from`` a variable the containing model can see (``.area`` or ``area`` for its
own, ``other.out`` for an output of a sibling module). PySD's XMILE parser reads the variables of
every ``<model>`` of a file as if they were one model, so such files fail or run wrong there.

:func:`flattened_copy` copies each module instance's variables into the root model under the
qualified names Stella prints (``hares.hare density``; nested instances ``outer.inner.x``), rewrites
every reference in their equations to those names, turns each connected input into an auxiliary
equal to its source (the input's own equation is dropped, as in Stella) and writes the result to
a temporary XMILE file that the normal path parses (macro calls expanded first, by
:mod:`simulator.engine.xmile_macros`). A ``model="…"`` attribute on ``<module>``
(not in XMILE 1.0, where the module name is the model name) lets two instances share one model.
Errors (unknown model, connect naming no variable, an unconnected input without an equation, a
cycle of modules) are a :class:`~simulator.errors.ModelParseError` naming the file, the module
and the fix.
"""

from __future__ import annotations

import copy
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from simulator.engine.xmile_macros import expand_macros, xmile_key
from simulator.errors import ModelParseError

_VARIABLE_TAGS = ("aux", "flow", "stock", "gf")
_KEYWORDS = {"if", "then", "else", "and", "or", "not", "mod"}
_PART = r"""(?:[^\W\d][\w$']*|"(?:\\.|[^"\\])*")"""
_TOKEN = re.compile(rf"""
    (?P<comment>\{{[^}}]*\}})
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>\.?{_PART}(?:\.{_PART})*)
  | (?P<other>.)
""", re.S | re.X)


def _display(name):
    """The name as PySD shows it (its XMILE reader turns ``\\n`` into a space)."""
    return name.replace("\\n", " ").strip()


@dataclass
class _Model:
    """One ``<model>`` of the file: its variables and module placeholders by name key."""

    name: str
    element: object
    variables: dict = field(default_factory=dict)
    modules: dict = field(default_factory=dict)


class _Flattener:
    """Expands the root model's module instances recursively into flat variable elements."""

    def __init__(self, path, tree, ns):
        self.path, self.ns = path, ns
        self.models = {}
        for element in tree.getroot().findall(f"{{{ns}}}model"):
            model = _Model(element.get("name", ""), element)
            holder = element.find(f"{{{ns}}}variables")
            for child in (holder if holder is not None else element):
                tag = _local(child)
                if tag in _VARIABLE_TAGS and child.get("name"):
                    model.variables[xmile_key(child.get("name"))] = child
                elif tag == "module" and child.get("name"):
                    model.modules[xmile_key(child.get("name"))] = child
            self.models[xmile_key(model.name)] = model
        self.dimension_names = {
            xmile_key(e.get("name", "")) for e in tree.getroot().iter(f"{{{ns}}}dim", f"{{{ns}}}elem")}
        self.out = []

    def fail(self, where, message, fix):
        raise ModelParseError(f"{self.path}: {where}: {message}; {fix}")

    def child_model(self, module, stack):
        """The model a ``<module>`` instantiates (``model=`` attribute, else its own name)."""
        wanted = module.get("model") or module.get("name")
        model = self.models.get(xmile_key(wanted))
        where = f"module '{_display(module.get('name'))}'"
        if module.get("resource"):
            self.fail(where, f"resource=\"{module.get('resource')}\" (a model in another file) is not read",
                      "copy that model into this file as a <model name=\"…\"> and drop resource=")
        if model is None or not model.name:
            known = ", ".join(repr(m.name) for m in self.models.values() if m.name) or "none"
            self.fail(where, f"no <model name=\"{_display(wanted)}\"> in the file (models: {known})",
                      "add that model to the file or correct the module's name")
        if xmile_key(model.name) in stack:
            cycle = " → ".join(self.models[key].name for key in [*stack[1:], xmile_key(model.name)])
            self.fail(where, f"modules form a cycle ({cycle})", "a model may not contain itself; remove the cycle")
        return model

    def resolve(self, model, prefix, reference):
        """Flat name of ``reference`` (``x``, ``.x``, ``m.x``, ``m.n.x``) seen from ``model``; None if none."""
        found = self.lookup(model, prefix, reference)
        return None if found is None else found[0]

    def lookup(self, model, prefix, reference):
        """``(flat name, variable element)`` of ``reference`` seen from ``model``; None if none."""
        parts = _split_dotted(reference.lstrip("."))
        while len(parts) > 1:
            module = model.modules.get(xmile_key(parts[0]))
            if module is None:
                return None
            model = self.models.get(xmile_key(module.get("model") or module.get("name")))
            if model is None:
                return None
            prefix += _display(module.get("name")) + "."
            parts = parts[1:]
        variable = model.variables.get(xmile_key(parts[0])) if parts else None
        return None if variable is None else (prefix + _display(variable.get("name")), variable)

    def rewrite(self, text, model, prefix):
        """Equation ``text`` of ``model`` with each variable reference replaced by its quoted flat name."""
        if not prefix and not model.modules:
            return text
        out, depth, tokens = [], 0, list(_TOKEN.finditer(text))
        for position, match in enumerate(tokens):
            token = match.group(0)
            if match.lastgroup == "other":
                depth += {"[": 1, "]": -1}.get(token, 0)
            elif match.lastgroup == "name" and xmile_key(token) not in _KEYWORDS:
                following = next((t.group(0) for t in tokens[position + 1:] if not t.group(0).isspace()), "")
                if not (depth and xmile_key(token) in self.dimension_names):
                    found = self.lookup(model, prefix, token)
                    if found is not None and (following != "(" or _is_lookup(found[1])):
                        token = _quote(found[0])
            out.append(token)
        return "".join(out)

    def expand(self, model, prefix, bindings, stack):
        """Append ``model``'s variables (qualified by ``prefix``) and its modules' to ``self.out``."""
        for key, variable in model.variables.items():
            if key in bindings:
                self.out.append(_alias(variable, prefix, bindings[key], self.ns))
                continue
            if prefix and variable.get("access") == "input" and not _has_equation(variable, self.ns):
                self.fail(f"module '{prefix[:-1]}'", f"input '{_display(variable.get('name'))}' is not connected "
                          "and has no equation", f"add <connect to=\"{_display(variable.get('name'))}\" from=\"…\"/>")
            self.out.append(self.copy(variable, model, prefix))
        for module in model.modules.values():
            child = self.child_model(module, stack)
            child_prefix = prefix + _display(module.get("name")) + "."
            self.expand(child, child_prefix, self.bindings(module, child, model, prefix),
                        [*stack, xmile_key(child.name)])

    def bindings(self, module, child, model, prefix):
        """``{input key: flat source name}`` from the ``<connect>`` elements aimed at ``module``.

        Stella lists a connection between two modules under both (``to="lynxes.hare_density"``
        inside ``<module name="hares">``): a ``to`` qualified by a module's name belongs to that
        module, an unqualified one to the module that holds it.
        """
        where, bound = f"module '{prefix}{_display(module.get('name'))}'", {}
        for target, source in self.connects_to(module, model):
            if xmile_key(target) not in child.variables:
                self.fail(where, f"<connect to=\"{target}\"> names no variable of model '{child.name}'",
                          "correct the to= attribute")
            flat = self.resolve(model, prefix, source)
            if flat is None:
                self.fail(where, f"<connect from=\"{source}\"> names no variable the containing model can see",
                          "correct the from= attribute (a variable of the containing model, or module.output)")
            if bound.setdefault(xmile_key(target), flat) != flat:
                self.fail(where, f"input '{target}' is connected to both '{bound[xmile_key(target)]}' and '{flat}'",
                          "keep one <connect> per input")
        return bound

    def connects_to(self, module, model):
        """``(input name, from)`` of every ``<connect>`` in ``model``'s modules that feeds ``module``."""
        found = []
        for holder in model.modules.values():
            for connect in holder.iter(f"{{{self.ns}}}connect"):
                target, owner = connect.get("to", ""), holder
                parts = _split_dotted(target)
                if len(parts) == 2 and xmile_key(parts[0]) in model.modules:
                    owner, target = model.modules[xmile_key(parts[0])], parts[1]
                if owner is module:
                    found.append((target, connect.get("from", "")))
        return found

    def copy(self, variable, model, prefix):
        """Deep copy of ``variable`` named ``prefix + name`` with rewritten equations and flows."""
        clone = copy.deepcopy(variable)
        clone.set("name", prefix + _display(variable.get("name")) if prefix else variable.get("name"))
        for tag in ("eqn", "init_eqn", "inflow", "outflow"):
            for node in clone.iter(f"{{{self.ns}}}{tag}"):
                if node.text:
                    node.text = self.rewrite(node.text, model, prefix)
        for graph in clone.iter(f"{{{self.ns}}}gf"):
            # XMILE: explicit <xpts> are the x values; PySD would prefer <xscale> (go-xmile writes
            # min = max = 0 there), so the scale goes when the points are given.
            scale = graph.find(f"{{{self.ns}}}xscale")
            if scale is not None and graph.find(f"{{{self.ns}}}xpts") is not None:
                graph.remove(scale)
        return clone


def _local(element):
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _split_dotted(reference):
    """``'a."b c".d'`` → ``['a', 'b c', 'd']`` (dots inside quotes stay)."""
    return [part.strip('"') for part in re.findall(r'"(?:\\.|[^"\\])*"|[^.]+', reference)]


def _quote(name):
    return '"' + name.replace('"', '\\"') + '"'


def _is_lookup(variable):
    """Whether ``variable`` is or has a graphical function (so ``name(x)`` calls it)."""
    return _local(variable) == "gf" or any(_local(child) == "gf" for child in variable)


def _has_equation(variable, ns):
    eqn = variable.find(f"{{{ns}}}eqn")
    text = re.sub(r"\{[^}]*\}", "", eqn.text or "") if eqn is not None else ""
    return bool(text.strip()) or variable.find(f"{{{ns}}}element") is not None


def _alias(variable, prefix, source, ns):
    """An ``<aux>`` named like the connected input whose equation is its source's flat name."""
    from lxml import etree
    alias = etree.Element(f"{{{ns}}}aux", name=prefix + _display(variable.get("name")))
    for tag in ("dimensions", "units", "doc"):
        found = variable.find(f"{{{ns}}}{tag}")
        if found is not None:
            alias.append(copy.deepcopy(found))
    etree.SubElement(alias, f"{{{ns}}}eqn").text = _quote(source)
    return alias


def _needs_rewrite(path):
    """Whether the XMILE file at ``path`` may hold a ``<module>`` or a ``<macro>`` (a text check)."""
    text = Path(path).read_bytes()
    return b"<module" in text or b"<macro" in text


def flattened_copy(path):
    """Path of a temporary copy of the XMILE file ``path`` with its modules flattened and its macro
    calls expanded (:mod:`xmile_macros`), or None when it has neither.

    The caller deletes the copy. Raises :class:`~simulator.errors.ModelParseError` for a module
    that names no model, a ``<connect>`` naming no variable, an unconnected input without an
    equation, a cycle of modules, or a macro it cannot expand.
    """
    from lxml import etree

    path = Path(path)
    if not _needs_rewrite(path):
        return None
    try:
        tree = etree.parse(str(path), parser=etree.XMLParser(encoding="utf-8", recover=True))
    except etree.XMLSyntaxError:
        return None
    ns = tree.getroot().nsmap.get(None)
    if ns is None:
        return None
    has_macros = expand_macros(tree, ns, path)
    root = tree.getroot()
    if root.find(f"{{{ns}}}model/{{{ns}}}variables/{{{ns}}}module") is not None or \
            root.find(f"{{{ns}}}model/{{{ns}}}module") is not None:   # not the <module> style of views
        _flatten(path, tree, ns)
    elif not has_macros:
        return None
    handle, name = tempfile.mkstemp(suffix=path.suffix, prefix=path.stem + "_flat_")
    with open(handle, "wb") as stream:
        stream.write(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))
    return Path(name)


def source_line(path, name):
    """Line of ``path`` where the variable behind the flat name ``name`` (``hares.births``) is defined; 0 if unknown."""
    from lxml import etree
    try:
        tree = etree.parse(str(path), parser=etree.XMLParser(encoding="utf-8", recover=True))
        ns = tree.getroot().nsmap.get(None)
        flattener = _Flattener(path, tree, ns)
        found = flattener.lookup(flattener.models[xmile_key("")], "", name)
    except Exception:  # noqa: BLE001 - a line number is a courtesy
        return 0
    return 0 if found is None else found[1].sourceline or 0


def _flatten(path, tree, ns):
    """Replace the file's models by the root model holding every module instance's variables."""
    flattener = _Flattener(path, tree, ns)
    root = flattener.models.get(xmile_key(""))
    if root is None:
        raise ModelParseError(f"{path}: no root <model> (one without a name attribute); "
                              "give the top-level model no name")
    flattener.expand(root, "", {}, [""])
    _replace_models(tree, root.element, flattener.out, ns)


def _replace_models(tree, root_model, variables, ns):
    """Keep only the root ``<model>``, its ``<variables>`` replaced by the flat ``variables``."""
    from lxml import etree
    for model in tree.getroot().findall(f"{{{ns}}}model"):
        if model is not root_model:
            tree.getroot().remove(model)
    for child in list(root_model):
        if _local(child) in (*_VARIABLE_TAGS, "module", "variables"):
            root_model.remove(child)
    holder = etree.Element(f"{{{ns}}}variables")
    holder.extend(variables)
    root_model.insert(0, holder)
