"""Recall and precision of ``python run.py extract`` against hand-made goals (the seeds' plan.yaml, the fixtures' labels).

Run as a script to print the table of docs/extract.md and the note:
``python tests/unit/plans/extract_scores.py`` (seeds from $PLANSIM_SEEDS or ../shared/seeds).

A hand-made goal is recovered when an extracted goal of the same document has the same line (± 1),
the same comparison and the same value (relative 1e-6; pairs element by element); each extracted
goal recovers at most one hand-made goal. Goals stated in words only (rising/falling) have no
value: they are counted apart, never in the recall of goals with a number.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.plans.extract.draft import extract  # noqa: E402
from simulator.plans.plan import list_plans, load_plan  # noqa: E402
from simulator.plans.records import seeds_dir  # noqa: E402

WORDS_ONLY = ("rising", "falling")
FIXTURES = ROOT / "tests" / "fixtures" / "extract"


def same_value(a, b) -> bool:
    if a is None and b is None:
        return True  # words-only goals (rising/falling) have no value
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b)
                and all(same_value(x, y) for x, y in zip(a, b)))
    return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def seed_gold() -> dict:
    """{doc: [(line, comparison, value, id)]} from every shipped plan.yaml, one entry per distinct goal.

    Two plans citing the same target (PM2.5 降至49 of 001 line 21 in shijiazhuang and qiaoxi) count
    once: same line, comparison, value and variable.
    """
    gold, seen = {}, {}
    for path in list_plans():
        for goal in load_plan(path).goals:
            key = (goal.source.line, goal.comparison, goal.value, goal.id)
            known = seen.setdefault(goal.source.doc, [])
            if any(k[0] == key[0] and k[1] == key[1] and same_value(k[2], key[2]) and k[3] == goal.variable for k in known):
                continue
            known.append((*key[:3], goal.variable))
            gold.setdefault(goal.source.doc, []).append(key)
    return gold


def match(gold: list, goals: list) -> tuple:
    """(recovered gold entries, extracted goals that recovered one) — one-to-one, greedy in text order."""
    used, recovered = set(), []
    for entry in gold:
        line, comparison, value = entry[:3]
        for index, goal in enumerate(goals):
            if index in used or abs(goal["source"]["line"] - line) > 1 or goal["comparison"] != comparison:
                continue
            if same_value(goal.get("value"), value):
                used.add(index)
                recovered.append(entry)
                break
    return recovered, used


def score(gold: list, goals: list) -> dict:
    """Recall of the goals with a number; words-only goals matched apart, among the goals left over."""
    numeric = [g for g in gold if g[1] not in WORDS_ONLY]
    recovered, used = match(numeric, goals)
    words = [g for g in gold if g[1] in WORDS_ONLY]
    left = [i for i in range(len(goals)) if i not in used]
    words_found, words_used = match(words, [goals[i] for i in left])
    true = used | {left[i] for i in words_used}
    mapped = [i for i, goal in enumerate(goals) if "variable" in goal]
    return {"gold": len(numeric), "recovered": len(recovered), "extracted": len(goals), "true": len(true),
            "mapped": len(mapped), "mapped_true": len(true & set(mapped)),
            "words_only": len(words), "words_found": len(words_found),
            "missed": [g for g in numeric if g not in recovered]}


def seed_scores(folder: Path | None = None) -> dict:
    folder = folder or seeds_dir()
    gold = seed_gold()
    return {doc: score(entries, extract(folder / doc).goals) for doc, entries in sorted(gold.items())}


def fixture_scores() -> dict:
    """Scores on the hand-labelled excerpts: tests/fixtures/extract/*.txt with their *.labels.yaml."""
    found = {}
    for text in sorted(FIXTURES.glob("*.txt")):
        labels = yaml.safe_load(text.with_suffix(".labels.yaml").read_text(encoding="utf-8"))
        gold = [(g["line"], g["comparison"], g.get("value"), g["label"]) for g in labels["goals"]]
        found[text.name] = score(gold, extract(text, year_default=labels.get("year_default")).goals)
    return found


def total(scores: dict) -> dict:
    keys = ("gold", "recovered", "extracted", "true", "mapped", "mapped_true", "words_only", "words_found")
    return {key: sum(s[key] for s in scores.values()) for key in keys}


def table(scores: dict, title: str) -> str:
    rows = [f"{title}: document | goals with a number (hand-made) | recovered | extracted | of them hand-made | recall"
            " | precision | mapped to a variable | precision of mapped"]
    for doc, s in {**scores, "all": total(scores)}.items():
        recall = s["recovered"] / s["gold"] if s["gold"] else float("nan")
        precision = s["true"] / s["extracted"] if s["extracted"] else float("nan")
        mapped = s["mapped_true"] / s["mapped"] if s["mapped"] else float("nan")
        rows.append(f"{doc} | {s['gold']} | {s['recovered']} | {s['extracted']} | {s['true']} | {recall:.1%} | {precision:.1%}"
                    f" | {s['mapped']} | {mapped:.1%} | words only: {s['words_found']} of {s['words_only']}")
        for entry in s.get("missed", []):
            rows.append(f"    missed: line {entry[0]} {entry[1]} {entry[2]} ({entry[3]})")
    return "\n".join(rows)


if __name__ == "__main__":
    if seeds_dir().is_dir():
        print(table(seed_scores(), "seeds"))
    else:
        print(f"no seed texts in {seeds_dir()} (set PLANSIM_SEEDS)")
    print(table(fixture_scores(), "fixtures"))
