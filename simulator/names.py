"""Names as users write them, shared by every stage after load: ``var`` or ``var[elem, …]``, and result ids.

Scenario keys, parameters, goal and history variables, calibration targets and report titles
all name a variable, optionally with one element per subscript; this module reads that form once.
"""

import re

_SUBSCRIPTED_NAME = re.compile(r"^\s*(?P<base>[^\[\]]+?)\s*(?:\[(?P<elems>[^\[\]]*)\])?\s*$")


def split_name(name) -> tuple[str, tuple[str, ...]] | None:
    """``"value_added[tertiary]"`` → ``("value_added", ("tertiary",))``; ``"gdp"`` → ``("gdp", ())``.

    Returns None when ``name`` is not of the form ``name`` or ``name[element, …]`` (nested or
    unbalanced brackets). ``"x[]"`` gives ``("x", ("",))``.
    """
    match = _SUBSCRIPTED_NAME.match(str(name))
    if match is None:
        return None
    elems = match["elems"]
    return match["base"], (() if elems is None else tuple(e.strip() for e in elems.split(",")))


def normalise(name) -> str:
    """Name normalised for matching: lower case, runs of spaces/underscores as one underscore."""
    return re.sub(r"[\s_]+", "_", str(name).strip().lower())


def to_id(name: str) -> str:
    """The result id the engine gives a Vensim name: ``"Teacup Temperature"`` → ``"teacup_temperature"``."""
    return re.sub(r"[^0-9a-zA-Z_]+", "_", str(name).strip().strip('"')).strip("_").lower()
