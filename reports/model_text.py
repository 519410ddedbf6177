"""Report stage, model source: reads each variable's equation text from the model file (.mdl or XMILE) for display.

Display only: the engine never uses this. It splits a Vensim file into its ``name = expression
~ units ~ comment |`` records (stopping at the sketch), or reads ``<eqn>`` of an XMILE file, and
keys each equation by the same python-safe id the engine uses (lower case, runs of other
characters → ``_``), so the structure page can join it to ``model.variables``. XMILE stocks are
shown Vensim-style as ``INTEG(inflows - outflows, initial)``.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from simulator.names import to_id

#: Where a Vensim file's equations end and its sketch begins.
SKETCH_MARKER = "\\\\\\---///"

_NAME = re.compile(r"^\s*([^=(:\[]+?)\s*(\[[^\]]*\])?\s*(=|\(|:=|==)", re.S)


def _clean(text: str) -> str:
    text = text.replace("\\\n", " ")
    return re.sub(r"\s+", " ", text).strip()


def _vensim(text: str) -> dict:
    body = text.split(SKETCH_MARKER, 1)[0]
    body = re.sub(r"^\s*\{UTF-8\}", "", body)
    equations = {}
    for record in body.split("|"):
        equation = record.split("~", 1)[0]
        match = _NAME.match(equation)
        if not match or equation.strip().startswith("*"):
            continue
        key = to_id(match.group(1))
        cleaned = _clean(equation)
        equations[key] = f"{equations[key]}; {cleaned}" if key in equations else cleaned
    return equations


def _xmile(text: str) -> dict:
    root = ET.fromstring(text)
    equations = {}
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in ("stock", "flow", "aux") or "name" not in element.attrib:
            continue
        children = [(c.tag.rsplit("}", 1)[-1], _clean(c.text or "")) for c in element]
        if not any(child == "eqn" for child, _ in children):     # a diagram element of the same name
            continue
        eqn = next(text for child, text in children if child == "eqn")
        name = _clean(element.attrib["name"]).replace("_", " ")
        if tag == "stock":
            flows = "".join(f" + {text}" if child == "inflow" else f" - {text}"
                            for child, text in children if child in ("inflow", "outflow"))
            eqn = f"INTEG({flows.removeprefix(' + ').strip()}, {eqn})"
        equations[to_id(name)] = f"{name} = {eqn}"
    return equations


#: file suffix -> reader(text) -> {id: equation text}
READERS = {".mdl": _vensim, ".xmile": _xmile, ".xml": _xmile, ".stmx": _xmile}


def read_equations(path) -> dict:
    """``{variable id: equation as written}`` of a model file; empty for an unknown format."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None or not path.is_file():
        return {}
    return reader(path.read_text(encoding="utf-8", errors="replace"))
