"""Report stage, wording: every fixed string of the report in Chinese and English, looked up by key.

Modules that draw pages never write user-visible words themselves; they call :func:`text`
with a key from :data:`STRINGS`, so ``--lang zh|en`` switches the whole report.
"""

from simulator.errors import ReportError

#: Languages the report can be written in.
LANGUAGES = ("zh", "en")

#: key -> {lang: template}; templates use ``str.format`` fields.
STRINGS = {
    # title page
    "report_title": {"zh": "规划目标达成情况报告", "en": "Plan goal attainment report"},
    "region": {"zh": "地区", "en": "Region"},
    "plan": {"zh": "规划", "en": "Plan"},
    "plan_doc": {"zh": "规划文本", "en": "Plan document"},
    "period": {"zh": "规划期", "en": "Period"},
    "scenarios": {"zh": "情景", "en": "Scenarios"},
    "scenario": {"zh": "情景", "en": "Scenario"},
    "runs": {"zh": "运行批次", "en": "Runs"},
    "n_scenarios": {"zh": "样本数 n", "en": "Samples n"},
    "seed": {"zh": "随机种子", "en": "Seed"},
    "sampling": {"zh": "抽样方法", "en": "Sampling"},
    "method": {"zh": "积分方法", "en": "Integration"},
    "generated": {"zh": "报告生成时间", "en": "Report generated"},
    "finished": {"zh": "批次完成时间", "en": "Batch finished"},
    "model": {"zh": "模型", "en": "Model"},
    "hashes": {"zh": "文件指纹 (SHA-256 前 16 位)", "en": "File fingerprints (SHA-256, first 16 hex)"},
    "model_hash": {"zh": "模型", "en": "Model"},
    "scenario_hash": {"zh": "情景文件", "en": "Scenario file"},
    "plan_hash": {"zh": "规划数据 plan.yaml", "en": "Plan data plan.yaml"},
    "version": {"zh": "plansim 版本", "en": "plansim version"},
    "n_failed": {"zh": "{n} 个失败", "en": "{n} failed"},
    "failed_runs": {
        "zh": "{failed} 个样本出现非有限值：计为未达成，不计入中位数与区间",
        "en": "{failed} samples produced non-finite values: counted as not met, left out of medians and ranges",
    },
    "light_green": {"zh": "绿灯（≥ 90%）", "en": "green (≥ 90 %)"},
    "light_amber": {"zh": "黄灯（50–90%）", "en": "amber (50–90 %)"},
    "light_red": {"zh": "红灯（< 50%）", "en": "red (< 50 %)"},
    "how_to_read": {"zh": "阅读说明", "en": "How to read this report"},
    "how_to_read_body": {
        "zh": (
            "概率 = 在不确定输入的 {n} 个抽样中达成目标的比例。绿灯 ≥ 90%，黄灯 50–90%，红灯 < 50%。"
            "中位数与 5–95% 区间为目标年份的模拟值。首次达成年份为各样本首次达标年份的中位数"
            "（过半样本始终未达标时记为“未达成”）。★ 约束性指标，☆ 预期性指标。"
        ),
        "en": (
            "Probability = share of the {n} samples of the uncertain inputs that meet the goal. "
            "Green ≥ 90 %, amber 50–90 %, red < 50 %. Median and 5–95 % range are the simulated "
            "value in the goal year. First year met is the median over samples of the first year "
            "the goal holds ('never' when most samples never meet it). ★ binding target, "
            "☆ expected target."
        ),
    },
    # scorecard
    "scorecard": {"zh": "目标记分卡", "en": "Goal scorecard"},
    "continued": {"zh": "（续）", "en": " (continued)"},
    "col_goal": {"zh": "目标", "en": "Goal"},
    "col_target": {"zh": "目标值（年份）", "en": "Target (year)"},
    "col_source": {"zh": "出处", "en": "Source"},
    "col_median": {"zh": "中位数 [5–95%]", "en": "Median [5–95 %]"},
    "col_prob": {"zh": "达成概率", "en": "P(met)"},
    "col_first": {"zh": "首次达成", "en": "First met"},
    "col_light": {"zh": "信号", "en": "Light"},
    "goal_sources": {"zh": "目标出处（规划原文）", "en": "Where the targets come from (plan text)"},
    "col_quote": {"zh": "原文", "en": "quoted words"},
    "col_note": {"zh": "换算说明", "en": "note"},
    "never": {"zh": "未达成", "en": "never"},
    "binding": {"zh": "约束性", "en": "binding"},
    "expected": {"zh": "预期性", "en": "expected"},
    "line": {"zh": "第{line}行", "en": "l. {line}"},
    "slope": {"zh": "斜率/年", "en": "slope/yr"},
    "growth": {"zh": "年均增长", "en": "growth/yr"},
    # fan charts
    "fan_charts": {"zh": "目标变量的不确定性扇形图", "en": "Goal variables: uncertainty fans"},
    "fan_median": {"zh": "中位数", "en": "median"},
    "fan_band": {"zh": "{p}% 区间", "en": "{p} % band"},
    "fan_goal": {"zh": "规划目标", "en": "plan goal"},
    "fan_history": {"zh": "规划中的历史值", "en": "history in the plan"},
    "year": {"zh": "年份", "en": "year"},
    # comparison
    "comparison": {"zh": "情景比较", "en": "Scenario comparison"},
    "comparison_medians": {"zh": "各情景中位数路径", "en": "Median paths by scenario"},
    # drivers
    "drivers": {"zh": "关键影响因素：{goal}", "en": "What decides it: {goal}"},
    "drivers_method": {
        "zh": (
            "左：各不确定输入与目标年份模拟值的 Spearman 秩相关系数（正值 = 输入越大结果越大）。"
            "右：一阶方差贡献（分箱相关比 ε²，给定数据估计），即该输入单独解释的结果方差比例。"
            "基于 {n} 个样本。"
        ),
        "en": (
            "Left: Spearman rank correlation of each uncertain input with the simulated value in "
            "the goal year (positive = larger input, larger outcome). Right: first-order variance "
            "share (binned correlation ratio ε², a given-data estimate): the share of the outcome's "
            "variance that the input explains alone. From {n} samples."
        ),
    },
    "spearman": {"zh": "Spearman 秩相关", "en": "Spearman rank correlation"},
    "first_order": {"zh": "一阶方差贡献 ε²", "en": "First-order variance share ε²"},
    "drivers_const": {
        "zh": "该目标的模拟值在各样本间不变，无法排序影响因素。",
        "en": "The simulated value does not vary across samples; inputs cannot be ranked.",
    },
    "drivers_none": {
        "zh": "本批次没有不确定输入，因此不做影响因素分析。",
        "en": "This batch has no uncertain inputs, so there is no driver analysis.",
    },
    "met": {"zh": "达成", "en": "met"},
    "not_met": {"zh": "未达成", "en": "not met"},
    "goal_year_value": {"zh": "目标年份模拟值", "en": "value in the goal year"},
    "every_kth": {"zh": "每 {k} 个样本显示 1 个", "en": "every {k}th sample shown"},
    "p_met_short": {"zh": "达成概率 {p}", "en": "P(met) {p}"},
    # assumptions
    "assumptions": {"zh": "假设（非规划来源的数字）", "en": "Assumptions (numbers not from the plan)"},
    "assumptions_intro": {
        "zh": (
            "下列数字不是规划文本给出的，而是建模假设，以浅橙底色标出。"
            "规划来源的数字（记分卡中的目标、历史值）均标注规划文本与行号，白底。"
        ),
        "en": (
            "The numbers below do not come from the plan; they are modelling assumptions, set on "
            "light orange. Plan-sourced numbers (the scorecard's targets, history) carry the plan "
            "document and line, set on white."
        ),
    },
    "plan_assumptions": {"zh": "规划数据中的假设 (plan.yaml)", "en": "Assumptions in plan.yaml"},
    "scenario_uncertain": {"zh": "情景中的不确定输入", "en": "Uncertain inputs of the scenario"},
    "scenario_fixed": {"zh": "情景中的固定设定与政策杠杆", "en": "Fixed settings and levers of the scenario"},
    "plan_history": {"zh": "对照：规划来源的历史值", "en": "For contrast: plan-sourced history"},
    "col_id": {"zh": "编号", "en": "id"},
    "col_variable": {"zh": "变量", "en": "variable"},
    "col_value": {"zh": "取值", "en": "value"},
    "col_range": {"zh": "合理范围", "en": "range"},
    "col_unit": {"zh": "单位", "en": "unit"},
    "col_reason": {"zh": "理由", "en": "reason"},
    "col_dist": {"zh": "分布与参数", "en": "distribution"},
    "col_sampled": {"zh": "实际抽样范围", "en": "sampled range"},
    "col_scenario": {"zh": "情景", "en": "scenario"},
    "col_year": {"zh": "年份", "en": "year"},
    "no_scenario_file": {
        "zh": "情景文件已不存在或在批次运行后被修改；分布参数不可用，仅列出实际抽样范围。",
        "en": "Scenario file missing or changed since the batch ran; distributions unavailable, sampled ranges shown instead.",
    },
    # structure
    "structure": {"zh": "模型结构", "en": "Model structure"},
    "stocks": {"zh": "存量", "en": "Stocks"},
    "flows": {"zh": "流量", "en": "Flows"},
    "auxiliaries": {"zh": "辅助变量", "en": "Auxiliaries"},
    "constants": {"zh": "常量与查表", "en": "Constants and lookups"},
    "col_name": {"zh": "名称", "en": "name"},
    "col_equation": {"zh": "方程", "en": "equation"},
    "col_dims": {"zh": "下标", "en": "subscripts"},
    "equations_from": {
        "zh": "变量、类型、下标与单位取自编译后的模型；方程按模型文件 {source} 原文列出。",
        "en": "Variables, kinds, subscripts and units from the compiled model; equations as written in {source}.",
    },
    # footer
    "page": {"zh": "第 {i} / {n} 页", "en": "page {i} / {n}"},
}


def check_language(lang: str) -> str:
    """Return ``lang`` if the report can be written in it, else raise a one-line ReportError."""
    if lang not in LANGUAGES:
        raise ReportError(f"--lang {lang!r}: unknown report language; use one of {', '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str, **fields) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields``.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS`.
    lang : {"zh", "en"}
    **fields
        Values for the template's ``{...}`` fields.
    """
    return STRINGS[key][lang].format(**fields)


def pick(value, lang: str) -> str:
    """A plan field that may be ``{zh: ..., en: ...}`` or a plain string, in ``lang`` if present."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("zh") or value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)
