"""Report stage, first import: registers the CJK font shipped by ``mplfonts`` so every figure renders Chinese.

Importing this module (``reports/__init__`` does) adds Noto Sans CJK SC from the ``mplfonts``
package to matplotlib's font manager and makes it the first font family, so text renders the same
on a fresh machine with no system CJK fonts. PDFs keep matplotlib's default Type 3 embedding:
the glyphs actually used are embedded as a subset with a ToUnicode map (``pdffonts`` shows
``emb yes``, pypdf extracts the Chinese text). Type 42 was tried and rejected: with this OpenType
(CFF) font poppler reports "Mismatch between font type and embedded font file".
"""

import functools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402

import mplfonts  # noqa: E402

from simulator.errors import ReportError  # noqa: E402

#: Font files tried in order; the first that exists is registered and used by name.
FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf")

#: The font file registered (set at import).
CJK_FONT_FILE = None

#: Latin fallback for any glyph the CJK font lacks.
FALLBACK_FAMILY = "DejaVu Sans"


def _font_dir() -> Path:
    return Path(mplfonts.__file__).resolve().parent / "fonts"


def register_cjk_font() -> str:
    """Register the bundled CJK font with matplotlib and make it the default family.

    Returns
    -------
    str
        The family name matplotlib knows the font by (e.g. ``"Noto Sans CJK SC"``).

    Raises
    ------
    ReportError
        If none of :data:`FONT_FILES` is in the installed ``mplfonts`` package.
    """
    for file_name in FONT_FILES:
        path = _font_dir() / file_name
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            global CJK_FONT_FILE
            CJK_FONT_FILE = path
            family = font_manager.FontProperties(fname=str(path)).get_name()
            matplotlib.rcParams["font.family"] = [family, FALLBACK_FAMILY]
            matplotlib.rcParams["axes.unicode_minus"] = False
            matplotlib.rcParams["pdf.fonttype"] = 3
            return family
    raise ReportError(
        f"{_font_dir()}: none of {', '.join(FONT_FILES)} found; reinstall the font package "
        "with `pip install --force-reinstall mplfonts`"
    )


#: Family name of the registered CJK font (set at import).
CJK_FAMILY = register_cjk_font()


@functools.lru_cache(maxsize=None)
def advance_em(char: str) -> float:
    """Horizontal advance of ``char`` in the CJK font, in ems (for wrapping text to a width)."""
    font = font_manager.get_font(str(CJK_FONT_FILE))
    glyph = font.get_char_index(ord(char))
    if glyph == 0:
        return 1.0
    font.set_size(100, 72)
    return font.load_char(ord(char)).linearHoriAdvance / 65536.0 / 100.0
