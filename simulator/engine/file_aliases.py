"""Beside stage two (``external.py``): Vensim's indirect file references ``'?name'`` → a data file.

A GET XLS/DIRECT function may name its file as ``'?alias'``; Vensim keeps the alias table in the
model file's settings block (after the sketch, the lines ``30:?alias=path``), written when the
modeller links the alias to a file. ``resolve_alias`` maps an alias to an existing file: the
linked path first (relative to the model's folder; Windows separators accepted), then the alias
text itself as a path relative to the model's folder (Vensim's own relative spelling of the
file). Anything else is an error naming the alias and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath

from simulator.errors import ModelFileError

_SETTINGS = ":L<%^E!@"
_ALIAS_LINE = re.compile(r"^30:(\?[^=\r\n]+)=(.*)$", re.M)


def read_aliases(model_path) -> dict[str, str]:
    """{'?alias': linked path} from the model file's settings block ({} if it has none)."""
    text = Path(model_path).read_text(errors="ignore")
    start = text.rfind(_SETTINGS)
    if start < 0:
        return {}
    return {alias.strip(): path.strip() for alias, path in _ALIAS_LINE.findall(text[start:])}


def _candidates(folder: Path, alias: str, linked: str | None):
    if linked:
        yield Path(linked) if Path(linked).is_absolute() else folder / linked
        windows = PureWindowsPath(linked)
        if not windows.is_absolute():
            yield folder / Path(*windows.parts)
    yield folder / alias[1:]
    yield folder / Path(*PureWindowsPath(alias[1:]).parts)


def resolve_alias(model_path, aliases: dict[str, str], alias: str, where: str) -> Path:
    """The existing file an indirect reference ``alias`` ('?name') stands for.

    Raises
    ------
    ModelFileError
        No file links to the alias, or the linked file is missing.
    """
    folder = Path(model_path).parent
    linked = aliases.get(alias.strip())
    for path in _candidates(folder, alias.strip(), linked):
        if path.is_file():
            return path.resolve()
    if linked is None:
        problem = "the model's settings link no file to this indirect reference"
    else:
        problem = f"the model links it to '{linked}', which is not found"
    raise ModelFileError(
        f"{model_path}: {where}: indirect file reference '{alias}': {problem}, nor is "
        f"'{folder / alias[1:]}'; put the file there or write its name instead of '{alias}'")
