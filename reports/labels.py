"""Report stage, wording: every fixed string of the report in Chinese and English, looked up by key.

Modules that draw pages never write user-visible words themselves; they call :func:`text`
with a key from :data:`STRINGS`, so ``--lang zh|en`` switches the whole report.
"""

from simulator.errors import ReportError

from .wording import MORE

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
            "结果差异一半以上来自无公开数据支撑的假设时记为“无法判断”（灰点）；结果在所有样本中相同时记为“由规划措施定为…”。"
        ),
        "en": (
            "Probability = share of the {n} samples of the uncertain inputs that meet the goal. "
            "Green ≥ 90 %, amber 50–90 %, red < 50 %. Median and 5–95 % range are the simulated "
            "value in the goal year. First year met is the median over samples of the first year "
            "the goal holds ('never' when most samples never meet it). ★ binding target, "
            "☆ expected target. A goal whose spread comes more than half from assumptions no published figure "
            "anchors reads 'cannot be judged from public data' (grey dot); one with no spread reads 'set by the "
            "plan's lever at …'."
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
            "左：各不确定输入与目标年份模拟值的斯皮尔曼秩相关系数（正值 = 输入越大结果越大）。"
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
    "spearman": {"zh": "斯皮尔曼秩相关", "en": "Spearman rank correlation"},
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
    "plan_assumptions": {"zh": "规划数据中的假设", "en": "Assumptions in plan.yaml"},
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
    "structure": {"zh": "版本信息·模型结构", "en": "Colophon · Model structure"},
    "stocks": {"zh": "存量", "en": "Stocks"},
    "flows": {"zh": "流量", "en": "Flows"},
    "auxiliaries": {"zh": "辅助变量", "en": "Auxiliaries"},
    "constants": {"zh": "常量与查表", "en": "Constants and lookups"},
    "col_name": {"zh": "名称", "en": "name"},
    "col_equation": {"zh": "方程", "en": "equation"},
    "col_dims": {"zh": "下标", "en": "subscripts"},
    "col_used": {"zh": "本情景取值", "en": "value used"},
    "file_default": {"zh": "模型文件默认值（本情景未采用）", "en": "model file default (not used here)"},
    "as_in_file": {"zh": "同模型文件", "en": "as in the model file"},
    "median_short": {"zh": "中位数", "en": "median"},
    "values_from": {
        "zh": "“本情景取值”为情景“{scenario}”实际使用的数值（设定值、随时间变化的路径或抽样分布）；名称取自 labels.yaml。",
        "en": ("\"Value used\" is what the scenario “{scenario}” gave each constant (a set value, a time path or a "
               "sampled distribution); names from labels.yaml."),
    },
    "equations_from": {
        "zh": "变量、类型、下标与单位取自编译后的模型；方程按模型文件 {source} 原文列出。",
        "en": "Variables, kinds, subscripts and units from the compiled model; equations as written in {source}.",
    },
    # findings (page 1)
    "findings": {"zh": "主要发现", "en": "Findings"},
    "f_glance": {"zh": "各目标达成概率一览", "en": "Every goal at a glance"},
    "verdict_green": {"zh": "可能达成", "en": "likely"},
    "verdict_amber": {"zh": "不确定", "en": "uncertain"},
    "verdict_red": {"zh": "不太可能", "en": "unlikely"},
    "f_counts": {
        "zh": (
            "在“{run}”情景（{n} 个抽样）下，{total} 项目标中 {green} 项可能达成（达成概率 ≥ 90%），"
            "{amber} 项不确定（50–90%），{red} 项不太可能达成（< 50%）。"
        ),
        "en": (
            "Under the scenario “{run}” ({n} samples), of {total} goals {green} are likely to be met (P ≥ 90 %), "
            "{amber} are uncertain (50–90 %) and {red} are unlikely (< 50 %)."
        ),
    },
    "f_versus": {
        "zh": "与“{base}”相比，“{main}”使 {up} 项目标的达成概率提高 10 个百分点以上，{down} 项降低 10 个百分点以上。",
        "en": (
            "Against “{base}”, “{main}” raises the probability of {up} goals by more than 10 points and "
            "lowers it for {down}."
        ),
    },
    "f_versus_one": {
        "zh": "变化最大的是“{goal}”：{p0} → {p1}。",
        "en": "The largest change is “{goal}”: {p0} → {p1}.",
    },
    "f_gaps_head": {
        "zh": "差距最大的三项目标（“{run}”情景的中位数与目标值之差）：",
        "en": "The three largest gaps (median of “{run}” against the target):",
    },
    "f_gap": {
        "zh": "“{goal}”：中位数 {median}，目标 {target}，差 {gap}{unit}（目标值的 {share}）；达成概率 {p}。",
        "en": "“{goal}”: median {median}, target {target}, short by {gap}{unit} ({share} of the target); P(met) {p}.",
    },
    "f_gap_rate": {
        "zh": "“{goal}”：年均增长中位数 {median}，目标 {target}，差 {gap} 个百分点；达成概率 {p}。",
        "en": "“{goal}”: median growth {median} a year against {target}, short by {gap} points; P(met) {p}.",
    },
    "f_no_gaps": {"zh": "所有目标的中位数都已达到目标值。", "en": "Every goal's median meets its target."},
    "f_deciders_sens": {"zh": "决定这些目标的不确定输入（敏感性分析文件 `{file}`）：{items}。",
                        "en": "The uncertain inputs that decide them (sensitivity file `{file}`): {items}."},
    "f_deciders_quick": {"zh": "快速估计（秩相关与一阶方差贡献，未做完整敏感性分析）：{items}。",
                         "en": (
                             "Quick look (rank correlation and first-order variance share, not a full sensitivity "
                             "analysis): {items}."
                         )},
    "f_decider": {"zh": "“{goal}”主要取决于{inputs}", "en": "“{goal}” turns mainly on {inputs}"},
    "f_input_share": {"zh": "{name}（解释 {share} 的方差）", "en": "{name} (explains {share} of the variance)"},
    "f_no_inputs": {
        "zh": "本批次没有不确定输入，无法说明决定因素。",
        "en": "This batch sampled no inputs, so nothing says what decides them.",
    },
    "f_seek": {
        "zh": "需求反推分析已完成（`{file}`），结果见“{page}”页。",
        "en": "The seek analysis exists (`{file}`); see the page “{page}”.",
    },
    "f_missing": {"zh": "{what}：缺失——运行 `{command}` 生成。", "en": "{what}: missing — run `{command}`."},
    "what_sensitivity": {"zh": "敏感性分析", "en": "Sensitivity analysis"},
    "what_seek": {"zh": "需求反推（达到目标需要什么条件）", "en": "What it would take"},
    "what_prim": {"zh": "情景发现（耐心规则归纳盒）", "en": "Scenario discovery (PRIM boxes)"},
    "what_validation": {"zh": "历史检验", "en": "Validation against history"},
    "f_validation": {
        "zh": "历史检验：{series} 个序列对照公开统计数据；拟合期截至 {until} 年，拟合期内 {fit} 个数据、{free} 个自由参数。",
        "en": (
            "History check: {series} series against published statistics; fit window to {until}, {fit} figures in"
            " it, {free} free constants."
        ),
    },
    "f_validation_oos": {"zh": "拟合期外 {k} 个序列的平均绝对百分比误差中位数为 {mape}（最大 {worst}：{worst_mape}）。",
                         "en": "Out of sample, the median MAPE of {k} series is {mape} (worst {worst}: {worst_mape})."},
    "f_validation_no_oos": {"zh": "拟合期之后没有公开数据，模型未经样本外检验。",
                            "en": "No published figure falls after the fit window: the model is untested out of sample."},
    "f_no_oos_why": {
        "zh": "没有样本外检验：拟合期截至 {until} 年，本地区最新的公开数据是 {last} 年的，没有晚于拟合期的数据可用来检验模型。",
        "en": (
            "Nothing is tested out of sample: the fit window ends in {until} and the region's latest published figure"
            " is from {last}, so no figure after the fit window is there to test the model against."
        ),
    },
    "f_record_misfit": {
        "zh": "已知偏差：{label}（{year} 年公开值 {value}）不在不确定基准情景 5%–95% 区间内：{size}。原因：{reason}",
        "en": ("Known misfit: {label} ({value} published for {year}) lies outside the uncertain baseline's 5-95 % band:"
               " {size}. Reason: {reason}"),
    },
    "f_no_oos_others": {
        "zh": "另有 {k} 个其他地域（如所在省）的公开数据只用于设定常数，不是本地区的数值，不与模型对照。",
        "en": ("{k} published figures of other areas (such as the province) only set constants; they are not the"
               " region's values and are not compared with the model."),
    },
    "exactly_identified": {"zh": "恰好识别——数据不多于参数，拟合不构成检验。",
                           "en": "Exactly identified — no more figures than constants, so the fit is not a test."},
    "f_assumption_goals": {"zh": "{k} 项目标由单一假设决定（记分卡中标“假设决定”）：{goals}。",
                           "en": (
                               "{k} goals are set by a single assumption (marked “set by assumption” on the scorecard): "
                               "{goals}."
                           )},
    "f_note": {"zh": "本页文字由运行结果自动生成；数字的定义见“阅读说明”，运行设置与文件指纹见末页。",
               "en": (
                   "This page is generated from the run's numbers; definitions under “How to read”, "
                   "run settings and fingerprints on the last page."
               )},
    "set_by_assumption": {"zh": "假设决定", "en": "set by assumption"},
    "col_oos": {"zh": "样本外误差", "en": "Out-of-sample error"},
    "oos_none": {"zh": "无数据", "en": "no data"},
    "reason_in_en": {"zh": "（理由仅有英文原文，见英文版报告）", "en": "(reason given only in Chinese; see the Chinese report)"},
    "note_in_en": {
        "zh": "（换算说明仅有英文原文，见英文版报告）",
        "en": "(conversion note only in Chinese; see the Chinese report)",
    },
    "colophon": {"zh": "版本信息", "en": "Colophon"},
    # validation page
    "validation": {"zh": "模型对照公开历史数据", "en": "Model against the published record"},
    "validation_intro": {
        "zh": (
            "点 = 公开统计数据（出处见规划数据文件）；线 = 基准情景的模拟值；浅蓝带 = 不确定基准情景的 5–95% 区间；灰底 = "
            "拟合期（截至 {until} 年）。表中为拟合期内外的平均绝对百分比误差、均方根百分比误差与泰尔不等系数及其分解（偏差"
            "、方差、协方差）。"
        ),
        "en": (
            "Dots = published statistics (sources in plan.yaml published/history); line = the baseline's simulated value; l"
            "ight blue = the uncertain baseline's 5–95 % band; grey = fit window (to {until}). The table gives MAPE, RMSPE "
            "and Theil's U with its split into bias U^M, variance U^S and covariance U^C, in and out of the fit window."
        ),
    },
    "validation_missing": {
        "zh": "无法运行历史检验（{why}）。",
        "en": "Validation could not run ({why}); run `{command}`.",
    },
    "no_baseline": {"zh": "情景文件旁没有基准情景文件", "en": "no baseline.yaml beside the scenario file"},
    "validation_failed": {"zh": "基准情景运行出错", "en": "the baseline run failed"},
    "analyses": {"zh": "敏感性、需求反推与情景发现", "en": "Sensitivity, what it would take, scenario discovery"},
    "col_input": {"zh": "不确定输入", "en": "input"},
    "col_s1": {"zh": "一阶指数", "en": "first-order S1"},
    "col_st": {"zh": "总效应指数", "en": "total-effect ST"},
    "col_conf": {"zh": "95% 置信区间半宽", "en": "95 % CI half-width"},
    "col_low": {"zh": "下限", "en": "low"},
    "col_high": {"zh": "上限", "en": "high"},
    "col_coverage": {"zh": "覆盖率", "en": "coverage"},
    "col_density": {"zh": "密度", "en": "density"},
    "col_series": {"zh": "序列", "en": "series"},
    "col_window": {"zh": "时段", "en": "window"},
    "in_sample": {"zh": "拟合期内", "en": "in sample"},
    "out_sample": {"zh": "拟合期外", "en": "out of sample"},
    "col_mape": {"zh": "平均绝对百分比误差", "en": "MAPE"},
    "col_rmspe": {"zh": "均方根百分比误差", "en": "RMSPE"},
    "col_theil": {"zh": "泰尔系数", "en": "Theil U"},
    "col_split": {"zh": "偏差/方差/协方差", "en": "U^M / U^S / U^C"},
    "col_trend": {"zh": "趋势方向", "en": "trend"},
    "trend_same": {"zh": "一致", "en": "same"},
    "trend_diff": {"zh": "不一致", "en": "differs"},
    "observed": {"zh": "公开数据", "en": "published"},
    "simulated": {"zh": "模拟值", "en": "simulated"},
    "fit_window": {"zh": "拟合期", "en": "fit window"},
    "analysis_file": {"zh": "读取自 `{file}`", "en": "read from `{file}`"},
    # goals judged on observed figures (reports/observed.py)
    "observed_goals": {"zh": "已有实际值的目标（按实际值判定）", "en": "Goals judged on what happened (observed)"},
    "col_observed": {"zh": "实际值（年份）", "en": "observed (years)"},
    "col_observed_verdict": {"zh": "判定（实际值）", "en": "verdict (observed)"},
    "col_model_said": {"zh": "模型预测：达成概率 · 中位数", "en": "the model said: P(met) · median"},
    "col_observed_source": {"zh": "实际值来源", "en": "observed figure from"},
    "met_observed": {"zh": "已达成（实际值）", "en": "met (observed)"},
    "missed_observed": {"zh": "未达成（实际值）", "en": "missed (observed)"},
    "observed_note": {
        "zh": (
            "目标年份不晚于该指标最近的实际值年份时，按实际值判定；右侧为模型以拟合期（截至 {until} 年）的数据所作的预测，"
            "两者对照即模型本身的事后检验。实际值来自规划数据文件的公开数据和 `python run.py data import` 导入的数据。"
        ),
        "en": (
            "A goal whose year is at or before the last observed year of its indicator is judged on the observed "
            "figures; beside it, what the model said from its fit window (to {until}): the ex-post check of the model "
            "itself. Observed figures: the plan's published record and figures brought in with python run.py data import."
        ),
    },
    "f_oos_tested": {"zh": "{k} 个序列在拟合期后有 {n} 个及以上数据，其拟合期外误差即样本外检验：{names}。",
                     "en": ("{k} series have {n} or more figures after the fit window; their out-of-sample errors "
                            "are a test: {names}.")},
    "forecast_goals": {"zh": "尚待实现的目标（模型预测）", "en": "Goals still ahead (model forecast)"},
    # footer
    "page": {"zh": "第 {i} / {n} 页", "en": "page {i} / {n}"},
}
STRINGS.update(MORE)


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


#: Scenario-name words of the shipped scenario files, and the suffix of their uncertain variants.
SCENARIO_WORDS = {"baseline": {"zh": "基准情景", "en": "baseline"}, "plan": {"zh": "规划情景", "en": "plan"}}
UNCERTAIN_SUFFIX = {"zh": "（含不确定性）", "en": " (uncertain)"}


def scenario_name(name: str, lang: str) -> str:
    """Display name of a scenario: ``plan_uncertain`` → 规划情景（含不确定性） / plan (uncertain); other names as they are."""
    base, uncertain = (name[: -len("_uncertain")], True) if name.endswith("_uncertain") else (name, False)
    if base not in SCENARIO_WORDS:
        return name
    return SCENARIO_WORDS[base][lang] + (UNCERTAIN_SUFFIX[lang] if uncertain else "")


def pick(value, lang: str) -> str:
    """A plan field that may be ``{zh: ..., en: ...}``, a two-language ``Text`` or a plain string, in ``lang`` if present."""
    if hasattr(value, "pick"):
        return value.pick(lang) or str(value)
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("zh") or value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)
