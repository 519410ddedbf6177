"""Report stage, wording of issue 21's pages: the answer on page 1, verdicts, plan changes, analyses for people, glossary.

Merged into :data:`reports.labels.STRINGS` (same key → {lang: template} shape), kept apart so that
the page-1 wording reads as one text.
"""

MORE = {
    # the validation page's subtitle: what it compares (the command only in the English report)
    "validation_subtitle": {"zh": "基准情景在拟合期内外对照已公布的统计数据", "en": "`{command}`"},
    "validation_band": {"zh": "不确定基准情景 5–95% 区间", "en": "uncertain baseline, 5–95 % band"},
    # verdicts (issue 20.5)
    "verdict_set": {"zh": "由规划措施定为 {value}", "en": "set by the plan's lever at {value}"},
    "verdict_undecidable": {"zh": "无法判断（公开数据不足）", "en": "cannot be judged from public data"},
    "verdict_observed": {"zh": "已有实际数据", "en": "observed"},
    "single_met": {"zh": "达成", "en": "met"},
    "single_not_met": {"zh": "未达成", "en": "not met"},
    "settle_initial": {"zh": "{region}{year}年的“{name}”统计数", "en": "the published {year} figure of “{name}” for {region}"},
    "settle_initial_many": {"zh": "{region}{year}年的以下统计数：{names}", "en": "the published {year} figures for {region} "
                            "of {names}"},
    "settle_rate": {"zh": "{region}“{name}”的公开统计数", "en": "a published figure of “{name}” for {region}"},
    "how_to_read_single": {"zh": "单次运行（不含不确定性）：记分卡给出目标年份的模拟值及是否达成。"
                                 "首次达成年份为模拟值首次达标的年份。"
                                 "★ 约束性指标，☆ 预期性指标。",
                           "en": "One run without uncertainty: the scorecard gives the simulated value in the goal year "
                                 "and whether it meets the goal; first year met is the first year it holds. "
                                 "★ binding target, ☆ expected target."},
    # page 1: the answer
    "f_answer": {"zh": "结论", "en": "The answer"},
    "f_on_track": {"zh": "按规划情景测算，{k} 项目标可能达成：{goals}。",
                   "en": "Under the plan, {k} goals are on track: {goals}."},
    "f_on_track_none": {"zh": "按规划情景测算，没有一项目标可以说可能达成。",
                        "en": "Under the plan, no goal is on track."},
    "f_off_track": {"zh": "{k} 项目标不太可能达成：{items}。", "en": "{k} goals are unlikely to be met: {items}."},
    "f_off_item": {"zh": "“{goal}”预计为 {median}，距目标 {target} 还差 {share}", "en": "“{goal}” reaches about {median}, "
                   "{share} short of {target}"},
    "f_off_item_rate": {"zh": "“{goal}”年均增长约 {median}，低于目标 {target}",
                        "en": "“{goal}” grows about {median} a year, below {target}"},
    "f_uncertain": {"zh": "{k} 项目标前景不确定（达成概率 50%–90%）：{goals}。",
                    "en": "{k} goals are uncertain (probability 50–90 %): {goals}."},
    "f_no_change": {"zh": "与基准情景相比，规划措施未改变任何目标的前景（变化最大的是“{goal}”：{p0} → {p1}）。",
                    "en": "Against the baseline, the plan's measures do not change the outlook of any goal "
                          "(the largest change: “{goal}”, {p0} → {p1})."},
    "f_no_change_flat": {"zh": "与基准情景相比，规划措施未改变任何目标的前景。",
                         "en": "Against the baseline, the plan's measures do not change the outlook of any goal."},
    "f_change": {"zh": "与基准情景相比，规划措施使 {k} 项目标的达成概率变化超过 10 个百分点：{items}。",
                 "en": "Against the baseline, the plan's measures move {k} goals by more than 10 points: {items}."},
    "f_change_item": {"zh": "“{goal}”{p0} → {p1}", "en": "“{goal}” {p0} → {p1}"},
    "f_seek_reached": {"zh": "要使“{goal}”的达成概率达到 {prob}，需将“{lever}”提高到 {answer}（规划为 {plan}）。",
                       "en": "For “{goal}” to reach a {prob} probability, “{lever}” would have to rise to {answer} "
                             "(the plan assumes {plan})."},
    "f_seek_lower": {"zh": "要使“{goal}”的达成概率达到 {prob}，“{lever}”只需 {answer}（规划为 {plan}）。",
                     "en": "For “{goal}” to reach a {prob} probability, “{lever}” of {answer} would do "
                           "(the plan assumes {plan})."},
    "f_seek_never": {"zh": "即使将“{lever}”提高到 {high}（规划为 {plan}），“{goal}”的达成概率也只有 {p}："
                           "单靠这项措施达不到目标。",
                     "en": "Even with “{lever}” at {high} (the plan assumes {plan}), “{goal}” has only a {p} "
                           "probability: this measure alone does not reach the goal."},
    "f_seek_none": {"zh": "“{goal}”在规划中没有对应的可调措施，无法反推需要多大力度。",
                    "en": "The plan names no measure for “{goal}” that could be sized, so what it would take is not computed."},
    "f_undecidable": {"zh": "{k} 项目标无法用公开数据判断：{items}。它们的结果主要取决于没有公开数据支撑的假设，"
                            "要作出判断，需要{figures}。",
                      "en": "{k} goals cannot be judged from public data: {items}. Their outcome turns mainly on "
                            "assumptions no published figure anchors; {figures} would settle them."},
    "f_undecidable_item": {"zh": "“{goal}”（模型估计 {median}，目标 {target}）",
                           "en": "“{goal}” (model estimate {median}, target {target})"},
    "f_set": {"zh": "{k} 项目标由规划措施直接设定，不作概率判断：{items}。",
              "en": "{k} goals are set directly by the plan's levers and are not given a probability: {items}."},
    "f_set_item": {"zh": "“{goal}”（{value}）", "en": "“{goal}” ({value})"},
    "f_counts2": {"zh": "“{run}”（{n} 个抽样）：可能达成 {green} 项，不确定 {amber} 项，不太可能 {red} 项；"
                        "无法判断 {undecidable} 项，由措施设定 {set} 项（共 {total} 项）。",
                  "en": "“{run}” ({n} samples): {green} likely, {amber} uncertain, {red} unlikely; "
                        "{undecidable} cannot be judged, {set} set by a lever ({total} goals)."},
    "f_counts_single": {"zh": "“{run}”（单次运行，不含不确定性）：达成 {met} 项，未达成 {not_met} 项（共 {total} 项）。",
                        "en": "“{run}” (one run, no uncertainty): {met} met, {not_met} not met ({total} goals)."},
    "f_note2": {"zh": "本页文字由运行结果自动生成；各项方法的含义见“术语说明”页。",
                "en": "This page is generated from the run's numbers; the methods are explained on the “Glossary” page."},
    # what the plan changes
    "changes": {"zh": "规划改变了什么", "en": "What the plan changes"},
    "changes_intro": {"zh": "规划情景与基准情景不同的设定（其余全部相同）。规划未给出数值的措施，取值是带范围的假设。",
                      "en": "Settings in which the plan scenario differs from the baseline (all else is the same). "
                            "Where the plan gives no number, the value is an assumption with a range."},
    "col_lever": {"zh": "措施（模型变量）", "en": "lever (model variable)"},
    "col_baseline": {"zh": "基准情景", "en": "baseline"},
    "col_plan": {"zh": "规划情景", "en": "plan"},
    "col_plan_line": {"zh": "规划原文", "en": "plan text"},
    "changes_none": {"zh": "规划情景与基准情景的设定相同。", "en": "The plan and baseline scenarios have the same settings."},
    "model_default": {"zh": "不设（模型默认值）", "en": "not set (model default)"},
    "no_quote": {"zh": "（规划未给出此项数值）", "en": "(no figure in the plan)"},
    "both_scenarios": {"zh": "两者", "en": "both"},
    "in_plan": {"zh": "规划情景", "en": "plan"},
    "in_baseline": {"zh": "基准情景", "en": "baseline"},
    # analyses for people
    "sens_title": {"zh": "哪些不确定因素决定各目标", "en": "Which uncertain inputs decide each goal"},
    "sens_intro": {"zh": "每张图对应一项目标：条形长度是该因素单独能解释的结果差异份额（0–1），细线为其 95% 可信范围。"
                         "共 {runs} 次模拟（{n} 组基准样本）。",
                   "en": "One chart per goal: bar length is the share of the outcome's spread that the input explains "
                         "alone (0–1), the thin line its 95 % range. {runs} model runs ({n} base samples)."},
    "sens_flat": {"zh": "“{goal}”在所有模拟中结果相同（由设定决定），没有可分解的差异。",
                  "en": "“{goal}” is the same in every run (a setting decides it): there is no spread to attribute."},
    "sens_too_few": {"zh": "样本不够：有 {k} 个因素的估计超出 0–1 或可信范围宽于估计本身；要得到可靠结果，"
                           "请用 -n {n} 重新做敏感性分析。",
                     "en": "Too few samples: {k} estimates fall outside 0–1 or have a range wider than the estimate; "
                           "rerun the sensitivity analysis with -n {n} for reliable numbers."},
    "sens_missing_goal": {"zh": "“{goal}”没有敏感性结果。", "en": "No sensitivity result for “{goal}”."},
    "sens_none": {"zh": "本情景没有不确定输入，无需敏感性分析。",
                  "en": "The scenario samples no inputs: there is nothing to attribute."},
    "sens_axis": {"zh": "单独解释的份额", "en": "share explained alone"},
    "sens_more": {"zh": "另有 {k} 个因素的份额低于 {cut}，未画出。", "en": "{k} more inputs below {cut} are not drawn."},
    "seek_title": {"zh": "达到目标需要什么", "en": "What it would take"},
    "seek_intro": {"zh": "对每项不太可能达成、且规划给出了措施的目标：把该措施调到多大，达成概率才能到 {prob}"
                         "（其他不确定因素照常抽样）。",
                   "en": "For each unlikely goal with a plan measure: how large the measure would have to be for the goal "
                         "to reach a {prob} probability (other inputs sampled as usual)."},
    "prim_title": {"zh": "在什么条件下目标会落空", "en": "Under which conditions goals fail"},
    "prim_rule": {"zh": "“{goal}”：当{conditions}时，多数样本未达成（覆盖 {coverage} 的未达成样本，其中 {density} 未达成）。",
                  "en": "“{goal}”: when {conditions}, most samples fail (covers {coverage} of the failures, "
                        "{density} of the samples in it fail)."},
    "prim_between": {"zh": "“{name}”在 {low} 到 {high} 之间", "en": "“{name}” is between {low} and {high}"},
    "drivers_all": {"zh": "关键影响因素", "en": "What decides each goal"},
    # Excel workbook
    "sheet_goals": {"zh": "目标", "en": "Goals"},
    "sheet_years": {"zh": "逐年", "en": "By year"},
    "sheet_inputs": {"zh": "输入", "en": "Inputs"},
    "sheet_samples": {"zh": "抽样值", "en": "Samples"},
    "col_verdict": {"zh": "判断", "en": "verdict"},
    "col_q05": {"zh": "5%分位", "en": "5th percentile"},
    "col_q25": {"zh": "25%分位", "en": "25th percentile"},
    "col_q50": {"zh": "中位数", "en": "median"},
    "col_q75": {"zh": "75%分位", "en": "75th percentile"},
    "col_q95": {"zh": "95%分位", "en": "95th percentile"},
    "col_p_by_year": {"zh": "截至当年已达成的概率", "en": "P(met by this year)"},
    "col_target_value": {"zh": "目标值", "en": "target"},
    "col_goal_year": {"zh": "目标年份", "en": "goal year"},
    "col_min": {"zh": "最小值", "en": "min"},
    "col_max": {"zh": "最大值", "en": "max"},
    # glossary
    "glossary": {"zh": "术语说明", "en": "Glossary"},
    "col_term": {"zh": "术语", "en": "term"},
    "col_meaning": {"zh": "含义", "en": "meaning"},
}

#: Glossary rows: (term, meaning) per language, in reading order.
GLOSSARY = {
    "zh": [
        ("达成概率", "在所有不确定因素的抽样组合中，达到目标的组合所占比例。"),
        ("可能 / 不确定 / 不太可能", "达成概率不低于 90% / 50%–90% / 低于 50%，记分卡中分别以绿、黄、红圆点标示。"),
        ("无法判断", "目标结果的差异一半以上来自没有公开数据支撑的假设（例如某产业起始年份的营业收入），"
                   "此时给出的概率只是假设的反映，因此不给概率，而是写明需要哪个数字。"),
        ("由措施设定", "在所有模拟中结果都相同，因为规划措施或设定直接决定了它，不作概率判断。"),
        ("中位数与 5%–95% 区间", "一半模拟高于中位数、一半低于；九成模拟落在该区间内。"),
        ("基准情景 / 规划情景", "基准情景延续近年趋势，不实施规划措施；规划情景在此基础上加上规划提出的措施。"),
        ("敏感性分析", "逐个考察不确定因素：某个因素单独能解释目标结果差异的多大份额（0 表示无关，1 表示全部）。"),
        ("需求反推", "把某项措施从小到大逐步调整，找出使达成概率到达 80% 的最小力度。"),
        ("情景发现", "在所有未达成的模拟中，找出共同的条件范围（例如“某增速低于 5%”），说明目标在什么情况下会落空。"),
        ("历史检验", "把模型在过去年份的结果与公开统计数据对照；用于确定参数的年份叫拟合期，之后的年份用来检验。"),
        ("自由参数", "根据历史数据调整取值的模型常数。"),
        ("秩相关（斯皮尔曼）", "一个因素越大、结果是否越大（+1）或越小（−1）的程度。"),
        ("一阶方差贡献（ε²）", "一个因素单独能解释的结果差异份额，直接用已有的模拟结果估算（见各目标的影响因素图）。"),
        ("样本外误差", "模型对拟合期之后年份的结果与实际统计数之间的平均偏差（百分比）。"),
    ],
    "en": [
        ("probability of meeting a goal", "the share of the sampled combinations of uncertain inputs in which the goal is met."),
        ("likely / uncertain / unlikely", "probability at least 90 % / 50–90 % / below 50 %; green, amber and red dots."),
        ("cannot be judged", "more than half of the goal's spread comes from assumptions no published figure anchors "
                             "(e.g. an industry's revenue in the start year); a probability would only restate the "
                             "assumption, so the report names the figure that would settle it instead."),
        ("set by a lever", "the result is the same in every run because a plan measure or setting fixes it."),
        ("median and 5–95 % range", "half the runs lie above the median; nine in ten inside the range."),
        ("baseline / plan", "the baseline continues recent trends without the plan's measures; the plan adds them."),
        ("sensitivity analysis", "for each uncertain input, the share of the goal's spread it explains alone "
                                 "(0 = none, 1 = all)."),
        ("what it would take", "the smallest size of a measure at which the goal reaches an 80 % probability."),
        ("scenario discovery", "the ranges of inputs shared by the runs that miss a goal, i.e. when the goal fails."),
        ("validation against history", "model results for past years against published statistics; the years used to "
                                       "set constants are the fit window, later years test the model."),
        ("free constant", "a model constant set from the historical data."),
        ("rank correlation (Spearman)", "how far a larger input goes with a larger (+1) or smaller (−1) result."),
        ("first-order variance share (ε²)", "the share of the result's spread an input explains alone, estimated from "
                                            "the runs already made (the driver charts of each goal)."),
        ("out-of-sample error", "mean percentage gap between the model and published figures after the fit window."),
    ],
}
