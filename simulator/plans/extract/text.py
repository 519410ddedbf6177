"""Plans, extract, step 1: a plan text file → its lines, each with a simplified copy aligned character by character.

The goals quote the original line (traditional characters stay traditional); the reading works on
the simplified copy. OpenCC (``t2s``) converts; when a phrase conversion changes a line's length
the line is converted character by character instead, so a position in the copy is a position in
the original.

>>> simplified("到2035年常住人口規模控制在130萬人以內")
'到2035年常住人口规模控制在130万人以内'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from simulator.errors import PlanError


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(line: str) -> str:
    """``line`` in simplified characters, with exactly as many characters as ``line``."""
    converted = _converter().convert(line)
    if len(converted) == len(line):
        return converted
    single = [_converter().convert(char) for char in line]
    return "".join(c if len(c) == 1 else o for c, o in zip(single, line))


def read_lines(path) -> list[str]:
    """The lines of a UTF-8 plan text (PlanError naming the file and the fix otherwise)."""
    path = Path(path)
    if not path.is_file():
        raise PlanError(f"{path}: plan text not found; give the path of a UTF-8 .txt file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise PlanError(f"{path}: not UTF-8 (byte {err.start}); save the text as UTF-8, e.g. iconv -f GBK -t UTF-8") from None
    return text.splitlines()
