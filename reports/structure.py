"""Report stage, model structure page: tables of the model's stocks, flows, auxiliaries and constants with units and equations.

Variables, kinds, subscripts and units come from the compiled model (``simulator.load_model(path)
.variables``, the engine's own view). The engine's IR holds expression trees, not text, so the
equations shown are read from the model file as written (:mod:`reports.model_text`). Each variable
is listed by its name in the report's language (labels.yaml) with its unit, and each constant with
the value the main run's scenario used (``set:``, a lever's time path, or the median and range of a
sampled input); the model file's own default is shown only where the scenario keeps it (issue 21).
"""

from pathlib import Path

from simulator.names import split_name, to_id

from . import formatting as fmt
from .indicators import indicator_name
from .labels import text
from .layout import Column, Heading, Paragraph, Spacer, Table, flow
from .model_text import read_equations
from .page import MUTED, SMALL_SIZE, Page, new_page

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


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    try:
        import numpy as np

        if isinstance(value, np.ndarray):
            return _plain(value.tolist())
    except ImportError:     # pragma: no cover - numpy is a dependency
        pass
    return fmt.plain(value)


def scenario_values(scenario, lang: str) -> dict:
    """``{variable id: [(element or "", value as text)]}``: what the scenario gives each constant it sets, levers or samples.

    >>> from types import SimpleNamespace
    >>> sc = SimpleNamespace(fixed={"initial_population": 1632, "push[bio]": 0.5}, lever_specs={}, uncertain=[])
    >>> scenario_values(sc, "zh")
    {'initial_population': [('', '1632')], 'push': [('bio', '0.5')]}
    """
    from .assumptions import _distribution, _lever_text

    values: dict = {}

    def put(name, shown):
        base, elements = split_name(name) or (name, ())
        values.setdefault(to_id(base), []).append((",".join(elements), shown))

    if scenario is None:
        return values
    for name, value in scenario.fixed.items():
        put(name, _plain(value))
    for name, spec in scenario.lever_specs.items():
        put(name, _lever_text(spec, lang))
    for spec in scenario.uncertain:
        put(spec.name, f"{_distribution(spec, lang)}, {text('median_short', lang)} {fmt.plain(spec.median)}")
    return values


def _value_cell(values: list, indicators: dict, lang: str) -> str:
    names = indicators.get("elements", {})
    parts = []
    for element, shown in values:
        label = "·".join((names.get(e) or {}).get(lang) or e for e in element.split(",")) if element else ""
        parts.append(f"{label} {shown}" if label else shown)
    return "; ".join(parts)


def _name(info, indicators: dict, lang: str) -> str:
    shown = indicator_name(indicators, info.id, lang)
    return f"{shown}（{info.name}）" if shown and lang == "zh" else (f"{shown} ({info.name})" if shown else info.name)


def section_rows(variables: dict, kinds: tuple, equations: dict, used: dict | None = None, indicators: dict | None = None,
                 lang: str = "en") -> list:
    """Rows ``[name, subscripts, unit, value used, equation]`` of the variables of ``kinds``, in model order.

    A constant the scenario gives a value shows that value and, in the equation column, the model file's default
    marked as not used; other constants show the file's value as the one used.
    """
    used, indicators = used or {}, indicators or {}
    rows = []
    for info in variables.values():
        if info.kind not in kinds or info.id in CONTROL_IDS:
            continue
        equation = _equation(equations, info.id)
        value = ""
        if info.kind == "constant":
            if info.id in used:
                value = _value_cell(used[info.id], indicators, lang)
                equation = f"{text('file_default', lang)}: {equation}" if equation else ""
            else:
                value = text("as_in_file", lang)
        rows.append([_name(info, indicators, lang), ", ".join(info.dims), fmt.unit(info.units or "", lang), value, equation])
    return rows


def blocks(ctx, model) -> list:
    equations = read_equations(model.path)
    columns = [Column(ctx.t("col_name"), 0.2), Column(ctx.t("col_dims"), 0.08), Column(ctx.t("col_unit"), 0.1),
               Column(ctx.t("col_used"), 0.2), Column(ctx.t("col_equation"), 0.42)]
    used = scenario_values(ctx.main.scenario, ctx.lang)
    indicators = getattr(ctx.main, "indicators", None) or {}
    scenario_name = ctx.main.title(ctx.lang)
    result = [Paragraph(ctx.t("equations_from", source=model.path.name), size=SMALL_SIZE, colour=MUTED),
              Paragraph(ctx.t("values_from", scenario=scenario_name), size=SMALL_SIZE, colour=MUTED)]
    for key, kinds in SECTIONS:
        rows = section_rows(model.variables, kinds, equations, used, indicators, ctx.lang)
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
