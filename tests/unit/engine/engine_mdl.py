"""Test helper for the engine unit tests: write tiny Vensim .mdl files into a temporary folder."""

import textwrap

CONTROL = """
INITIAL TIME = {initial} ~ Month ~ |
FINAL TIME = {final} ~ Month ~ |
TIME STEP = {dt} ~ Month ~ |
SAVEPER = {saveper} ~ Month ~ |
"""


def write_mdl(folder, body, initial=0, final=10, dt=1, saveper=None, name="model.mdl"):
    """Write ``body`` (Vensim equations, each ending in ``~ ~ |``) plus control settings; return the path."""
    text = "{UTF-8}\n" + textwrap.dedent(body).strip() + "\n" + CONTROL.format(
        initial=initial, final=final, dt=dt, saveper=dt if saveper is None else saveper)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
