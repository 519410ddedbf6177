"""Report stage, indicator names: model variable ids → Chinese/English names from ``<model folder>/labels.yaml``.

The labels file is presentation only (no numbers); a model without one keeps its Vensim names.
"""

from pathlib import Path

import yaml

from simulator.errors import ReportError
from simulator.names import split_name

LABELS_FILE = "labels.yaml"


def load_indicators(model_path, region: str = None) -> dict:
    """``{"variables": {id: {zh, en}}, "elements": {name: {zh, en}}}`` beside the model file, or empty.

    A shared model's labels file may hold ``regions: {region: {elements: …, variables: …}}``: the names one
    region's plan uses for the same element (石家庄都市圈's plan says 先进新材料 where 冀州's says 新材料),
    merged over the common ones for ``region``.
    """
    if model_path is None:
        return {}
    path = Path(model_path).parent / LABELS_FILE
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ReportError(f"{path}: not valid YAML ({err}); fix the file or remove it") from None
    if not isinstance(data, dict) or not set(data) <= {"variables", "elements", "regions"}:
        raise ReportError(f"{path}: expected the keys 'variables', 'elements' and 'regions' only")
    own = (data.pop("regions", None) or {}).get(region) or {}
    for key in ("variables", "elements"):
        data[key] = {**(data.get(key) or {}), **(own.get(key) or {})}
    return data


def indicator_name(indicators: dict, variable: str, lang: str) -> str:
    """Name of ``variable`` (``"id"`` or ``"id[elem,…]"``) in ``lang``; "" if unknown.

    E.g. ``"产业规模（营业收入）·生物医药"``.
    """
    base, elements = split_name(variable) or (variable, ())
    entry = indicators.get("variables", {}).get(base)
    if not entry:
        return ""
    parts = [entry.get(lang) or entry.get("en", "")]
    for element in filter(None, elements):
        element_entry = indicators.get("elements", {}).get(element, {})
        parts.append(element_entry.get(lang) or element)
    return "·".join(parts)


def input_label(run, name: str, lang: str) -> str:
    """Display name of a sampled input: labels.yaml, else the ``label`` of the plan assumption on that variable, else the id."""
    found = indicator_name(run.indicators, name, lang)
    if found:
        return found
    plan = getattr(run, "plan", None)
    for assumption in getattr(plan, "assumptions", None) or []:
        label = getattr(assumption, "label", None)
        if label and getattr(assumption, "variable", None) == name:
            from .labels import pick

            return pick(label, lang)
    return name


def display_name(run, name: str, lang: str) -> str:
    """:func:`input_label`, or the id set as code (`` `name` ``) when nothing names it in ``lang``."""
    label = input_label(run, name, lang)
    return f"`{name}`" if label == name else label
