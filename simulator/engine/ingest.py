"""First stage of the data flow: model file (.mdl/.xmile/.stmx) → PySD AbstractModel (parse only).

This is the ONLY module that imports PySD. It uses PySD's translators to parse Vensim and XMILE
files and hands the resulting AbstractModel to ``lower.py``; PySD's runtime is never used.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from simulator.engine import modelfile, vensim_mappings, xmile_modules
from simulator.errors import ModelFileError, ModelParseError, UnsupportedFeatureError

VENSIM_SUFFIXES = (".mdl",)
XMILE_SUFFIXES = (".xmile", ".xml", ".stmx")


_MACRO_BLOCK = re.compile(r":MACRO:.*?:END OF MACRO:", re.S)


def _macros_first(text):
    """The model text with every macro definition moved to the front (after the encoding).

    PySD's file grammar reads the main part greedily up to the last ``:MACRO:``, so a macro
    defined after some equations (as Vensim allows) would be read as an equation.
    """
    macros = _MACRO_BLOCK.findall(text)
    if not macros:
        return text
    rest = _MACRO_BLOCK.sub(" ", text)
    encoding = re.match(r"\s*\{[^}]*\}", rest)
    head, tail = (rest[:encoding.end()], rest[encoding.end():]) if encoding else ("", rest)
    return head + " " + " ".join(macros) + " " + tail


def _comment_end(text, i):
    """Index of the ``}`` closing the comment opened at ``text[i]``; comments nest (``{a {b} c}``), -1 if open."""
    depth = 0
    for j in range(i, len(text)):
        depth += (text[j] == "{") - (text[j] == "}")
        if depth == 0:
            return j
    return -1


def _without_equation_comments(text):
    """The model text without Vensim's ``{…}`` comments inside equations (before an element's
    first ``~``, nested ones included), which Vensim ignores and PySD's grammar rejects; the leading
    ``{UTF-8}`` stays."""
    out, i, in_equation, in_quote = [], 0, True, False
    start = len(text) - len(text.lstrip())
    while i < len(text):
        char = text[i]
        if in_quote:
            in_quote = char != '"' or text[i - 1] == "\\"
        elif char == '"' and in_equation:
            in_quote = True
        elif char in "~|":
            in_equation = char == "|"
        elif char == "{" and in_equation and i > start:
            end = _comment_end(text, i)
            if end < 0:
                break
            i = end + 1
            continue
        out.append(char)
        i += 1
    return "".join(out) + text[i:]


def _vensim_file(path):
    from pysd.translators.vensim.vensim_file import VensimFile
    vensim_file = VensimFile(path)
    text = _macros_first(_without_equation_comments(vensim_file.model_text))
    vensim_file.model_text, vensim_file.plansim_mappings = vensim_mappings.strip_explicit_mappings(text)
    return vensim_file


def _parse_vensim(path):
    vensim_file = _vensim_file(path)
    vensim_file.parse()
    return vensim_mappings.restore(vensim_file.get_abstract_model(), vensim_file.plansim_mappings)


def _locate_vensim_error(path):
    """Parse element by element to name the first malformed equation; ``None`` if none fails."""
    vensim_file = _vensim_file(path)
    vensim_file.parse(parse_all=False)
    for section in vensim_file.sections:
        section.parse(parse_all=False)
        for element in section.elements:
            try:
                parsed = element.parse()
                if hasattr(parsed, "parse"):
                    parsed.parse()
            except Exception as err:  # noqa: BLE001 - any failure names this element
                lhs = element.equation.split("=")[0].strip()
                bare = not re.search(r"[=(:]", element.equation)     # 'name ~~|': no equation at all
                return lhs, _line_of(path, lhs), _NoEquation() if bare else err
    return None


class _NoEquation(Exception):
    """An element with a name and no equation: a data variable Vensim fills from a run-time data file."""


def _locate_xmile_error(path):
    """Parse XMILE variables one by one to name the first malformed equation; ``None`` if none fails."""
    from pysd.translators.xmile.xmile_file import XmileFile
    flat = xmile_modules.flattened_copy(path)
    try:
        xmile_file = XmileFile(flat or path)
    finally:
        if flat is not None:
            flat.unlink()
    xmile_file.parse(parse_all=False)
    for section in xmile_file.sections:
        section.parse(parse_all=False)
        for component in section.components:
            try:
                component.parse(section.behaviors)
            except Exception as err:  # noqa: BLE001 - any failure names this element
                name = component.name
                line = _line_of(path, f'name="{name}"', anywhere=True) or xmile_modules.source_line(path, name)
                return name, line, err
    return None


def _line_of(path, lhs, anywhere=False):
    """1-based line where the equation for ``lhs`` starts (0 when not found)."""
    head = lhs if anywhere else lhs.split("[")[0].strip()
    for number, line in enumerate(Path(path).read_text(errors="ignore").splitlines(), start=1):
        if (head in line) if anywhere else line.strip().startswith(head):
            return number
    return 0


def equation_line(path, name) -> int:
    """1-based line where the equation of the variable ``name`` starts in a model file (0: not found)."""
    return _line_of(path, name, anywhere=Path(path).suffix.lower() != ".mdl") if Path(path).is_file() else 0


_VARIABLE_TAGS = ("aux", "flow", "stock", "gf")


def _legacy_xmile_copy(path):
    """Stella 10 writes variables directly under <model>; XMILE 1.0 (and PySD) expect
    <model><variables>. Returns a temporary copy with that wrapper added, or None if not needed."""
    import tempfile

    from lxml import etree
    tree = etree.parse(str(path), parser=etree.XMLParser(encoding="utf-8", recover=True))
    namespace = tree.getroot().nsmap.get(None)
    if namespace is None:
        return None
    model = tree.getroot().find(f"{{{namespace}}}model")
    if model is None or model.find(f"{{{namespace}}}variables") is not None:
        return None
    loose = [child for child in model if etree.QName(child).localname in _VARIABLE_TAGS]
    if not loose:
        return None
    variables = etree.SubElement(model, f"{{{namespace}}}variables")
    for child in loose:
        variables.append(child)
    handle, name = tempfile.mkstemp(suffix=Path(path).suffix, prefix=Path(path).stem + "_")
    with open(handle, "wb") as stream:
        stream.write(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))
    return Path(name)


def _xmile_lookup_calls():
    """PySD 3.14's XMILE parser maps a ``LOOKUP(table, x)`` call onto the lookup-*definition*
    structure and fails; route positional calls to a plain call of ``lookup`` instead (keyword
    calls still build graphical-function definitions). Idempotent."""
    from pysd.translators.structures import abstract_expressions as ae
    from pysd.translators.xmile import xmile_structures
    current = xmile_structures.structures["lookup"]
    if getattr(current, "plansim_patch", False):
        return

    def lookup(*args, **kwargs):
        if args and not kwargs:
            return ae.CallStructure(ae.ReferenceStructure("lookup"), tuple(args))
        return current(*args, **kwargs)
    lookup.plansim_patch = True
    xmile_structures.structures["lookup"] = lookup


def _parse_xmile(path):
    from pysd.translators.xmile.xmile_file import XmileFile
    _xmile_lookup_calls()
    flat = xmile_modules.flattened_copy(path)   # modules (sub-models) → one model
    legacy = _legacy_xmile_copy(flat or path)
    try:
        xmile_file = XmileFile(legacy or flat or path)
        xmile_file.parse()
        return xmile_file.get_abstract_model()
    finally:
        for copy in (legacy, flat):
            if copy is not None:
                copy.unlink()


PARSERS = {suffix: _parse_vensim for suffix in VENSIM_SUFFIXES}
PARSERS.update({suffix: _parse_xmile for suffix in XMILE_SUFFIXES})


def _describe_parse_error(err):
    """Shorten PySD/parsimonious errors to one line naming the element and position when known."""
    text = " ".join(str(err).split()).rstrip(".")
    if text in ("", "None"):
        text = f"not a well-formed model file ({type(err).__name__})"
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)   # binary junk stays on one line
    match = re.search(r"(?:element|variable)[^'\"]*['\"]([^'\"]+)['\"]", text, re.IGNORECASE)
    detail = text[:300]
    if match and match.group(1) not in detail:
        detail = f"element '{match.group(1)}': {detail}"
    return detail


def read_abstract_model(path):
    """Parse a model file with PySD's translator and return its AbstractModel.

    Parameters
    ----------
    path : str or pathlib.Path
        A Vensim ``.mdl`` or XMILE ``.xmile``/``.xml``/``.stmx`` file.

    Returns
    -------
    pysd.translators.structures.abstract_model.AbstractModel

    Raises
    ------
    ModelFileError
        The file is missing or has an unknown extension.
    ModelParseError
        PySD could not parse the file.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file (a device or pipe)"
        raise ModelFileError(f"{path}: {what}; give a model file (.mdl, .xmile)")
    if not path.is_file():
        raise ModelFileError(f"{path}: model file not found; check the path")
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        known = ", ".join(sorted(PARSERS))
        raise ModelFileError(f"{path}: unknown model file extension '{path.suffix}'; use one of {known}")
    modelfile.check(path, xmile=parser is _parse_xmile)      # binary, not XML, cut short: one line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return parser(path)
    except ModelParseError:   # already one line naming the file and the fix (XMILE modules)
        raise
    except Exception as err:  # PySD raises many types; all mean "could not parse"
        locator = {_parse_vensim: _locate_vensim_error, _parse_xmile: _locate_xmile_error}[parser]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                located = locator(path)
        except Exception:  # noqa: BLE001 - diagnosis is best effort
            located = None
        if located:
            lhs, line, element_err = located
            if isinstance(element_err, _NoEquation):
                raise UnsupportedFeatureError(
                    f"{path}:{line}: '{lhs}' has no equation: a DATA variable Vensim fills from a data "
                    f"file named at run time (.vdf/.dat), which plansim does not read; give it an equation "
                    f"(GET DIRECT DATA from a .csv/.xlsx, or a lookup over Time)") from err
            raise ModelParseError(
                f"{path}:{line}: cannot parse the equation of '{lhs}': "
                f"{_describe_parse_error(element_err)}; fix the equation's syntax") from err
        raise ModelParseError(f"{path}: cannot parse model: {_describe_parse_error(err)}") from err
