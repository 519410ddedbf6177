"""Model file → ingest, the first look: a binary, non-XML or cut-short model file is refused in one line before parsing.

The parser's own errors on such files name nothing a modeller can act on ("decode() argument
'encoding' must be str, not None" for a binary file, "'NoneType' object has no attribute 'nsmap'"
for text that is not XML, "FINAL TIME is missing" or undefined references for a file cut short).
What is checked:

- binary: a NUL byte, or more than 10 % control characters, in the first 64 KiB;
- Vensim ``.mdl``: the equations end with ``|``, and the sketch section (``\\\\\\---///``) follows
  them; a file without a sketch whose text goes on after the last ``|`` ends inside an equation;
- XMILE: the file is XML, its root element is ``<xmile>``, and the file ends with that element's
  closing tag (every model exported by Stella or Vensim does).
"""

from __future__ import annotations

import re
from pathlib import Path

from simulator.errors import ModelFileError, ModelParseError

#: Bytes looked at for binary content.
HEAD = 1 << 16

_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32))

_CUT = "it was cut short (a copy or download that stopped?); save or copy the whole model again"


def check(path: Path, xmile: bool) -> None:
    """Refuse a binary, non-XML or truncated model file with one line naming it (and the line where it ends).

    Raises
    ------
    ModelFileError
        Binary content.
    ModelParseError
        Not XML, not XMILE, or the file ends early.
    """
    path = Path(path)
    data = path.read_bytes()
    head = data[:HEAD]
    nul = head.find(b"\0")
    if nul >= 0 or (head and sum(head.count(c) for c in _CONTROL) > 0.1 * len(head)):
        where = f" (a NUL byte at byte {nul})" if nul >= 0 else ""
        raise ModelFileError(f"{path}: not a text file: binary content{where}; give a Vensim .mdl or an XMILE "
                             f"model (.xmile, .stmx) saved as text")
    text = data.decode("utf-8", errors="replace")
    (_check_xmile if xmile else _check_mdl)(path, data, text)


def _last_line(text: str) -> int:
    """1-based number of the last line that holds anything but white space."""
    return text.rstrip().count("\n") + 1


def _check_mdl(path: Path, data: bytes, text: str) -> None:
    if not text.strip() or "---///" in text:          # empty (the parser says so) or whole up to its sketch
        return
    rest = text[text.rfind("|") + 1:]
    if rest.strip():
        line = _last_line(text)
        tail = " ".join(rest.split())[-60:]
        raise ModelParseError(f"{path}:{line}: the file ends early, at line {line}, inside an equation "
                              f"('{tail}' has no closing '|'); {_CUT}")


def _check_xmile(path: Path, data: bytes, text: str) -> None:
    from lxml import etree

    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise ModelParseError(f"{path}:1: not an XML file, so not an XMILE model; give a model exported by "
                              f"Stella or Vensim (.xmile, .stmx) or a Vensim .mdl")
    name = etree.QName(root).localname
    if name != "xmile":
        raise ModelParseError(f"{path}: not an XMILE model: its root element is <{name}>, not <xmile>; "
                              f"give a model exported by Stella or Vensim (.xmile, .stmx) or a Vensim .mdl")
    tail = re.sub(rb"(<!--.*?-->|\s)+$", b"", data, flags=re.S)
    if not re.search(rb"</([A-Za-z_][\w.-]*:)?xmile\s*>$", tail):
        line = _last_line(text)
        raise ModelParseError(f"{path}:{line}: the file ends early, at line {line}, before its closing </xmile>; {_CUT}")
