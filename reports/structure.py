"""Report stage, model structure page: tables of the model's stocks, flows, auxiliaries and constants with units and equations.

Variables, kinds, subscripts and units come from the compiled model (``simulator.load_model(path)
.variables``, the engine's own view). The engine's IR holds expression trees, not text, so the
equations shown are read from the model file as written (:mod:`reports.model_text`).
"""

from pathlib import Path

from .layout import Column, Heading, Paragraph, Spacer, Table, flow
from .page import MUTED, SMALL_SIZE, Page, new_page
from .model_text import read_equations

#: Sections of the page: (label key, engine kinds shown in it).
SECTIONS = (
    ("stocks", ("stock",)),
    ("flows", ("flow",)),
    ("auxiliaries", ("auxiliary",)),
    ("constants", ("constant", "lookup", "data")),
)

#: Equations longer than this many characters are cut with an ellipsis.
MAX_EQUATION = 260

#: Control variables every Vensim model has; not part of the structure a planner reads.
CONTROL_IDS = {"initial_time", "final_time", "time_step", "saveper", "time"}


def model_path(run) -> Path:
    """The model the run used (manifest ``model_path``, else results attr ``model``)."""
    return Path(run.manifest.get("model_path") or run.results.attrs.get("model"))


def _equation(equations: dict, variable_id: str) -> str:
    text = equations.get(variable_id, "")
    return text if len(text) <= MAX_EQUATION else text[: MAX_EQUATION - 1] + "…"


def section_rows(variables: dict, kinds: tuple, equations: dict) -> list:
    """Rows ``[name, subscripts, units, equation]`` of the variables of ``kinds``, in model order."""
    return [[info.name, ", ".join(info.dims), info.units or "", _equation(equations, info.id)]
            for info in variables.values() if info.kind in kinds and info.id not in CONTROL_IDS]


def blocks(ctx, model) -> list:
    equations = read_equations(model.path)
    columns = [Column(ctx.t("col_name"), 0.22), Column(ctx.t("col_dims"), 0.1), Column(ctx.t("col_unit"), 0.12),
               Column(ctx.t("col_equation"), 0.56)]
    result = [Paragraph(ctx.t("equations_from", source=model.path.name), size=SMALL_SIZE, colour=MUTED)]
    for key, kinds in SECTIONS:
        rows = section_rows(model.variables, kinds, equations)
        if rows:
            result += [Spacer(), Heading(f"{ctx.t(key)} ({len(rows)})", size=10), Table(columns, rows, size=7.5)]
    return result


def pages(ctx) -> list:
    """The model-structure page(s) of the main run's model."""
    import simulator

    model = simulator.load_model(model_path(ctx.main))
    title = ctx.t("structure")
    figures = flow(blocks(ctx, model), lambda i: new_page(title + (ctx.t("continued") if i else ""),
                                                          model.path.name))
    return [Page("structure" if i == 0 else f"structure_{i + 1}", f) for i, f in enumerate(figures)]
