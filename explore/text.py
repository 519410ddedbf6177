"""Explore app, words: the page's own strings in Chinese and English; report words (column heads, verdicts) come
from reports.labels, so the page and the report say the same thing."""

from reports.labels import text as report_text

#: Strings only the page uses.
STRINGS = {
    "title": {"zh": "规划情景探索", "en": "Explore the plan"},
    "levers": {"zh": "规划杠杆", "en": "Plan levers"},
    "reset": {"zh": "恢复规划值", "en": "Reset to the plan"},
    "sampled": {"zh": "抽样", "en": "sampled"},
    "pinned": {"zh": "固定为", "en": "pinned at"},
    "unpin": {"zh": "恢复抽样", "en": "sample again"},
    "plan_value": {"zh": "规划值", "en": "plan value"},
    "plan_line": {"zh": "规划原文", "en": "Plan text"},
    "no_plan_line": {"zh": "（未找到规划原文）", "en": "(plan text not found)"},
    "range_from": {"zh": "范围来自", "en": "range from"},
    "col_now": {"zh": "当前", "en": "Now"},
    "col_plan": {"zh": "规划情景", "en": "Plan"},
    "col_base": {"zh": "基准情景", "en": "Baseline"},
    "col_verdict": {"zh": "判断", "en": "Verdict"},
    "fan_of": {"zh": "扇形图", "en": "Fan chart"},
    "fan_now": {"zh": "当前杠杆", "en": "these levers"},
    "fan_base": {"zh": "基准情景（中位数、95% 区间）", "en": "baseline (median, 95 % band)"},
    "computing": {"zh": "计算中…", "en": "computing…"},
    "answered": {"zh": "{n} 个抽样情景，{ms} 毫秒", "en": "{n} sampled scenarios, {ms} ms"},
    "save": {"zh": "另存为情景", "en": "Save as scenario"},
    "save_name": {"zh": "情景名（字母、数字、_ -）", "en": "scenario name (letters, digits, _ -)"},
    "saved": {"zh": "已保存并通过校验：", "en": "saved and validated: "},
    "report": {"zh": "生成报告", "en": "Report"},
    "reporting": {"zh": "正在运行批次并生成报告…", "en": "running the batch and the report…"},
    "reported": {"zh": "报告：", "en": "report: "},
    "save_first": {"zh": "请先另存为情景", "en": "save as a scenario first"},
    "moved": {"zh": "已调整", "en": "moved"},
    "none_moved": {"zh": "未调整任何杠杆", "en": "no lever moved"},
    "pin_other": {"zh": "固定其他不确定输入…", "en": "pin another uncertain input…"},
    "on": {"zh": "开", "en": "on"},
    "off": {"zh": "关", "en": "off"},
}

#: Report strings the page shows too.
REPORT_KEYS = ("col_goal", "col_target", "col_prob", "col_median", "fan_median", "fan_goal", "year",
               "verdict_green", "verdict_amber", "verdict_red", "light_green", "light_amber", "light_red")


def page_strings(lang: str) -> dict:
    """Every string of the page in ``lang`` (``zh`` or ``en``)."""
    out = {key: value[lang] for key, value in STRINGS.items()}
    out.update({key: report_text(key, lang) for key in REPORT_KEYS})
    return out
