"""Plans, extract, step 7: a :class:`~simulator.plans.extract.draft.Draft` → the draft plan.yaml text and the stderr count.

The document has the shape of ``models/<region>/plan.yaml`` (``plan``, ``history``, ``goals``,
``notes``); ``region new`` adds region, name, model and the borrowed assumptions.
"""

from __future__ import annotations

import yaml

HEADER = ("# Draft by `python run.py extract {doc}`: every goal and fact quotes its line; check each reading\n"
          "# (docs/extract.md). Goals marked not_modelled: true name an indicator no model variable measures.\n")


def document(draft) -> dict:
    """The draft as a plan.yaml mapping."""
    years = draft.years
    notes = {}
    if draft.unmapped_history:
        notes["history_without_variable"] = draft.unmapped_history
    if draft.unread:
        notes["numbers_not_read"] = [{"line": line, "words": words[:120]} for line, words in draft.unread]
    return {
        "plan": {"doc": draft.doc, "title": {"zh": draft.title}, "period": f"{years['now']}—{years['end']}"},
        "history": draft.history,
        "goals": draft.goals,
        "notes": notes,
    }


def dump(mapping: dict, doc: str) -> str:
    """YAML text (Chinese kept as is, keys in the order written) with the draft header."""
    return HEADER.format(doc=doc) + yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, width=200)


def summary(draft) -> str:
    """The count for stderr: goals found, mapped, not modelled, facts, and each line with numbers not read."""
    c = draft.counts()
    lines = [f"{draft.doc}: {c['goals']} goals found, {c['mapped']} mapped to model variables, "
             f"{c['not_modelled']} not modelled; {c['history']} history facts (+{c['history_without_variable']} "
             f"without a variable); {c['duplicates']} repeated targets kept once; "
             f"{c['lines_not_read']} lines with numbers not read"]
    lines += [f"  line {line}: not read: {words[:80]}" for line, words in draft.unread]
    return "\n".join(lines)
