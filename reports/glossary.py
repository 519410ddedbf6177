"""Report stage, glossary page: the methods and words the later pages use, explained in plain language.

Page 1 uses none of these words unexplained; every analysis page points here. The rows are
:data:`reports.wording.GLOSSARY` in the report's language.
"""

from .layout import Column, Table, flow
from .page import SMALL_SIZE, Page, new_page
from .wording import GLOSSARY


def blocks(ctx) -> list:
    columns = [Column(ctx.t("col_term"), 0.25), Column(ctx.t("col_meaning"), 0.75)]
    return [Table(columns, [list(row) for row in GLOSSARY[ctx.lang]], size=SMALL_SIZE + 1)]


def pages(ctx) -> list:
    title = ctx.t("glossary")
    figures = flow(blocks(ctx), lambda i: new_page(title + (ctx.t("continued") if i else "")))
    return [Page("glossary" if i == 0 else f"glossary_{i + 1}", f) for i, f in enumerate(figures)]
