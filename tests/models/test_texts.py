"""Every shipped text a report shows has a Chinese and an English version (issue 21 item 1), Chinese in simplified characters.

Walks the raw YAML of every models/*/plan.yaml and scenarios/*/*.yaml: each text field
(``reason``, ``note``, ``decided_by_note``, ``reading`` of plan items, a scenario's ``description``)
must be ``{zh: 中文, en: English}``; the Chinese must hold Chinese and be simplified (OpenCC's
traditional→simplified conversion leaves it unchanged), and so must every ``zh:`` label, name and
title. Every unit renders in the Chinese report without a Latin word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reports.formatting import has_cjk, has_latin, unit
from simulator.plans.plan import list_plans, load_plan
from simulator.plans.records import TEXT_KEYS

REPO = Path(__file__).resolve().parents[2]
PLANS = [path for path in list_plans()]
SCENARIOS = sorted((REPO / "scenarios").glob("*/*.yaml"))
LABELS = sorted((REPO / "models").glob("*/labels.yaml"))


def _texts(node, where=""):
    """(where, key, value) of every text field in a YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS and not isinstance(value, (list, type(None))) and value != "":
                yield f"{where}.{key}", key, value
            else:
                yield from _texts(value, f"{where}.{node.get('id', key) if key in ('id',) else key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = value.get("id", i) if isinstance(value, dict) else i
            yield from _texts(value, f"{where}[{label}]")


def _zh_fields(node):
    """Every value under a ``zh:`` key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "zh" and isinstance(value, str):
                yield value
            else:
                yield from _zh_fields(value)
    elif isinstance(node, list):
        for value in node:
            yield from _zh_fields(value)


def _load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", PLANS, ids=[p.parent.name for p in PLANS])
def test_every_plan_text_has_chinese_and_english(path):
    missing = [where for where, _, value in _texts(_load(path))
               if not (isinstance(value, dict) and set(value) == {"zh", "en"}
                       and str(value["zh"]).strip() and str(value["en"]).strip() and has_cjk(value["zh"]))]
    assert not missing, f"{path}: {len(missing)} texts without both zh and en, e.g. {missing[:5]}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_every_scenario_description_has_chinese_and_english(path):
    description = _load(path).get("description")
    assert isinstance(description, dict) and set(description) == {"zh", "en"}, path
    assert has_cjk(description["zh"]) and description["en"].strip()


@pytest.mark.parametrize("path", [*PLANS, *SCENARIOS, *LABELS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chinese_texts_are_in_simplified_characters(path):
    opencc = pytest.importorskip("opencc", reason="OpenCC (pyproject test extra) checks simplified characters")
    to_simplified = opencc.OpenCC("t2s")
    traditional = [text[:40] for text in _zh_fields(_load(path)) if to_simplified.convert(text) != text]
    assert not traditional, f"{path}: zh texts in traditional characters: {traditional[:5]}"


def test_the_plan_reader_gives_both_languages():
    plan = load_plan("jizhou")
    reason = plan.assumptions[0].reason
    assert reason.zh and has_cjk(reason.zh) and reason.pick("en") == str(reason) and not has_cjk(reason.pick("en")[:20])
    goal = plan.goals[0]
    assert goal.reading.zh and goal.decided_by_note.zh


def test_every_unit_reads_in_chinese_without_latin_words():
    units = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "unit" and isinstance(value, str):
                    units.add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in PLANS:
        walk(_load(path))
    latin = sorted(u for u in units if has_latin(unit(u, "zh")))
    assert not latin, f"units that stay English in the zh report: {latin}"


def test_a_plain_english_text_is_refused_by_the_completeness_check(tmp_path):
    """The check above can fail: a plan with one reason in English only is reported."""
    path = tmp_path / "plan.yaml"
    path.write_text("assumptions:\n  - {id: a, reason: only English}\n  - {id: b, reason: {zh: 中文, en: English}}\n")
    found = [where for where, _, value in _texts(_load(path)) if not isinstance(value, dict)]
    assert found and re.search(r"\[a\]", found[0])
