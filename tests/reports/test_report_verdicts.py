"""Verdicts (issue 20.5): a goal decided by unanchored inputs says "cannot be judged" and names the figure; a goal
with no spread says "set by the plan's lever at X"; a single run says met / not met, never 0 % / 100 %."""

import dataclasses

import pypdf
import pytest

from report_testdata import SCENARIOS


def context(runs, lang="en"):
    from reports.context import ReportContext, by_role
    from reports.data import load_run

    return ReportContext(by_role([load_run(path) for path in runs]), lang)


def test_a_goal_turning_on_an_unanchored_input_cannot_be_judged_and_names_the_figure(batch_runs):
    """GDP of the toy model is the sum of its clusters; only the biomedicine cluster's growth is sampled. With the
    fixture's published figure for that growth the GDP goal is a probability; without it, it cannot be judged."""
    from reports import findings, scorecard, verdicts

    ctx = context(batch_runs[:1])
    gdp = next(g for g in ctx.goals() if g.id == "gdp_2025")
    assert verdicts.verdicts(ctx, ctx.main)[gdp.id].kind == "probability"

    ctx = context(batch_runs[:1])
    plan = ctx.main.plan
    ctx.main.plan = dataclasses.replace(plan, published=[p for p in plan.published if p.sets != "cluster_growth"])
    verdict = verdicts.verdicts(ctx, ctx.main)[gdp.id]
    assert verdict.kind == "undecidable" and verdict.settled_by == "cluster_growth[biomedicine]"
    assert verdict.unanchored_share > 0.5
    row = scorecard.row(ctx, gdp, ctx.summary(ctx.main).loc[gdp.id], ctx.main)
    assert row[4].text == "cannot be judged from public data"         # never a probability
    sentence = " ".join(findings.judged_sentences(ctx, ctx.main))
    assert "cannot be judged from public data" in sentence and "cluster_growth[biomedicine]" in sentence
    assert "“GDP grows 6 % a year or more”" in sentence
    assert "cannot be judged" in findings.count_sentence(ctx, ctx.main)


def test_a_goal_without_spread_is_set_by_the_lever_and_never_a_probability():
    from simulator.plans.verdict import judge

    verdict = judge(spread=0.0, p_met=0.0, median=0.25, indices={"x": 0.9}, anchored=set())
    assert verdict.kind == "set" and verdict.value == 0.25 and not verdict.shows_probability
    from reports.labels import text

    assert text("verdict_set", "zh", value="0.250") == "由规划措施定为 0.250"
    assert text("verdict_set", "en", value="0.250") == "set by the plan's lever at 0.250"


@pytest.mark.parametrize("anchored, levers, kind", [
    (set(), set(), "undecidable"),          # 0.6 of the variance from an input nothing anchors
    ({"a"}, set(), "probability"),          # the same input, anchored by a published figure (by its variable)
    (set(), {"a[x]"}, "probability"),       # the same input as a plan lever: the plan's decision, not a statistic
])
def test_the_unanchored_share_decides(anchored, levers, kind):
    from simulator.plans.verdict import judge

    assert judge(1.0, 0.3, 5.0, {"a[x]": 0.6, "b": 0.3}, anchored, levers).kind == kind


def test_a_single_run_says_met_or_not_met_never_a_probability_or_one_sample(tmp_path):
    from reports import build_report
    from simulator.runs.batch import run_batch

    runs = run_batch([SCENARIOS / "single.yaml"], out=tmp_path / "one")
    pdf = build_report(runs, lang="zh", formats="pdf", out=tmp_path / "report")[0]
    texts = [page.extract_text().replace("\n", "") for page in pypdf.PdfReader(pdf).pages]
    body = "".join(texts[:3])
    assert "1 个抽样" not in body and "n = 1" not in body
    assert " 0% " not in body and "100%" not in body
    assert "达成" in texts[0] and "单次运行" in body
