"""Plans, data sheet: the series a region's model can use (plan → catalogue) and the fill-in workbook for an office.

``python run.py data template REGION -o FILE.xlsx`` writes :func:`write_template`: sheet 数据 has one row per
series (each model variable a goal or a published figure reads) with its Chinese name, unit, 口径/price basis
and area, and one column per year from the model's start to last year; figures already recorded (plan.yaml
``published:`` and earlier imports) sit in grey, locked rows marked 已入库; sheet 说明 explains each series and
where it is usually published. ``plans/dataimport.py`` reads the filled workbook back with the same layout.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from simulator.names import split_name
from simulator.plans.observed import as_fraction, text_of

SHEET, GUIDE = "数据", "说明"
#: fixed columns of sheet 数据, then one column per year
HEADERS = ("模型变量", "指标名称", "单位", "口径/价格", "地区", "状态",
           "来源（标题）", "发布单位", "发布年份", "网址", "原文摘录")
RECORDED, TO_FILL = "已入库", "待填"
#: first cell of sheet 说明: tells the importer which region a workbook belongs to
MARK = "plansim 数据模板 region="
#: model unit → {unit a statistician may write: factor to the model unit}
UNIT_FAMILIES = {
    "万人": {"万人": 1.0, "人": 1e-4},
    "亿元": {"亿元": 1.0, "万元": 1e-4, "元": 1e-8, "万亿元": 1e4},
    "share": {"%": 0.01, "share": 1.0, "比例": 1.0},
    "1/Year": {"%": 0.01, "share": 1.0, "比例": 1.0},
    "μg/m3": {"μg/m3": 1.0, "微克/立方米": 1.0},
    "万m3": {"万m3": 1.0, "万立方米": 1.0, "亿m3": 1e4, "亿立方米": 1e4},
    "tce/万元": {"tce/万元": 1.0, "吨标准煤/万元": 1.0},
}
#: how the stored unit of a plan figure maps onto a family above
_FAMILY_OF = {"Dmnl": "share", "亿元/Year": "亿元", "万m3/Year": "万m3", "ug/m3": "μg/m3"}
#: the unit the template shows for a family (what offices write)
SHOWN_UNIT = {"share": "%", "1/Year": "%"}
_WHERE = (("pm25", "生态环境状况公报（空气质量）"), ("air", "生态环境状况公报"), ("groundwater", "水资源公报（地下水）"),
          ("water", "水资源公报"), ("energy", "单位GDP能耗等指标公报；统计年鉴 能源表"),
          ("cluster", "工业和信息化局产业统计；统计年鉴 工业表"), ("farm", "统计年鉴 农业表；统计公报「农业」段"),
          ("population", "统计公报「人口」段；统计年鉴 人口表"), ("urbanization", "统计公报「人口」段"),
          ("gdp", "统计公报「综合」段；统计年鉴 国民经济核算表"))


@dataclass(frozen=True)
class SeriesSpec:
    """One series of the template: model variable, Chinese name, model unit family, 口径/basis, area, where published."""

    variable: str
    name: str
    unit: str  # family key of UNIT_FAMILIES, or the plan's unit when no family fits
    basis: str
    geography: str
    where: str

    @property
    def shown_unit(self) -> str:
        return SHOWN_UNIT.get(self.unit, self.unit)


def family(unit: str) -> str:
    """The unit family of a plan unit (``"亿元/Year"`` → ``"亿元"``, ``"Dmnl"`` → ``"share"``)."""
    unit = str(unit).strip()
    return _FAMILY_OF.get(unit, unit)


def _labels(plan) -> tuple:
    """(variable names, element names) of the model's labels.yaml, {} each without one."""
    path = Path(plan.model_path).parent / "labels.yaml"
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}
    return data.get("variables") or {}, data.get("elements") or {}


def _basis(variable: str, unit: str, goal) -> str:
    base = split_name(variable)[0]
    if base in ("population", "urbanization_rate"):
        return "常住"
    if base.endswith("_nominal"):
        return "现价"
    if unit == "1/Year" or base.endswith("growth_rate"):
        return "可比价"
    if goal is not None and getattr(goal, "basis", None) == "real":
        return f"可比价（{goal.price_year}年价格）"
    return ""


def catalogue(plan) -> list:
    """The series of ``plan`` a statistician can fill: variables of its published figures, then of its goals."""
    (labels, elements_zh), goals = _labels(plan), {}
    units: dict = {}
    for figure in plan.published:
        if figure.variable:
            units.setdefault(figure.variable, family(figure.unit))
    for goal in plan.goals:
        goals.setdefault(goal.variable, goal)
        units.setdefault(goal.variable, family(goal.unit))
    geography = plan.name.get("zh", plan.region) if isinstance(plan.name, dict) else str(plan.name)
    result = []
    for variable, unit in units.items():
        base, elements = split_name(variable)
        name = (labels.get(base) or {}).get("zh", base) + "".join(f"·{(elements_zh.get(e) or {}).get('zh', e)}" for e in elements)
        where = next((text for key, text in _WHERE if key in base), "统计年鉴")
        result.append(SeriesSpec(variable, name, unit, _basis(variable, unit, goals.get(variable)), geography, where))
    return result


def first_year(plan) -> int:
    """The model's INITIAL TIME (read from a .mdl), else the earliest published year, else 2010."""
    path = Path(plan.model_path)
    if path.suffix.lower() == ".mdl":
        found = re.search(r"^INITIAL TIME\s*=\s*(\d{4})", path.read_text(encoding="utf-8", errors="replace"), re.M)
        if found:
            return int(found.group(1))
    years = [p.year for p in plan.published if p.variable]
    return min(years) if years else 2010


def last_year() -> int:
    """The last year whose figures can be out: the year before the current one."""
    return datetime.date.today().year - 1


def _recorded_rows(plan, spec: SeriesSpec) -> list:
    """One row per (source title) of the figures already recorded on ``spec.variable``: (source, {year: shown value})."""
    rows: dict = {}
    scale = 100.0 if spec.shown_unit == "%" else 1.0
    for figure in plan.published:
        if figure.variable != spec.variable:
            continue
        key = (text_of(figure.source.get("title")), text_of(figure.source.get("publisher")))
        entry = rows.setdefault(key, (figure.source, {}))
        entry[1][int(figure.year)] = round(as_fraction(figure) * scale, 10)
    return list(rows.values())


def write_template(plan, path: Path | str, years: range) -> int:
    """Write the fill-in workbook of ``plan`` to ``path``; returns the number of series rows to fill."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADERS) + [int(y) for y in years])
    grey = PatternFill("solid", fgColor="D9D9D9")
    specs = catalogue(plan)
    for spec in specs:
        fixed = [spec.variable, spec.name, spec.shown_unit, spec.basis, spec.geography]
        for source, values in _recorded_rows(plan, spec):
            meta = [text_of(source.get(k)) for k in ("title", "publisher", "year_published", "url", "quote")]
            sheet.append(fixed + [RECORDED] + meta + [values.get(int(y)) for y in years])
            for cell in sheet[sheet.max_row]:
                cell.fill = grey
        sheet.append(fixed + [TO_FILL] + [None] * (len(HEADERS) - 6 + len(years)))
        for cell in sheet[sheet.max_row][6:]:
            cell.protection = Protection(locked=False)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "G2"
    sheet.protection.sheet = True  # recorded rows and the series' columns cannot be changed by mistake
    sheet.protection.formatRows = False  # rows may be inserted/copied to give a second source
    sheet.protection.insertRows = False
    _write_guide(book.create_sheet(GUIDE), plan, specs)
    book.save(path)
    return len(specs)


def _write_guide(sheet, plan, specs) -> None:
    sheet.append([f"{MARK}{plan.region}"])
    for line in GUIDE_LINES:
        sheet.append([line])
    sheet.append([])
    sheet.append(["模型变量", "指标名称", "单位", "口径/价格", "地区", "说明", "通常发布于"])
    for spec in specs:
        units = "、".join(UNIT_FAMILIES.get(spec.unit, {spec.unit: 1}))
        what = f"{spec.name}，{spec.geography}全域；可写单位：{units}" + (f"；口径：{spec.basis}" if spec.basis else "")
        sheet.append([spec.variable, spec.name, spec.shown_unit, spec.basis, spec.geography, what, spec.where])


GUIDE_LINES = (
    "填写方法：在「数据」表的「待填」行里按年份填写数值，每行写明来源（标题）、发布单位、发布年份；网址和原文摘录尽量填写。",
    "同一指标的数值来自不同来源时，复制「待填」行，每行一个来源。",
    "灰色「已入库」行是已有数据，不能修改；要更正它，填写新值并在导入时加 --replace。",
    "单位内部数据：来源（标题）写「单位内部数据」，发布单位写本单位名称（或导入时用 --office 给出）。",
    "单位、口径和地区按表中所写；人与万人、万元与亿元、%与小数会自动换算，其他不同的写法会被拒绝。",
    "导入：python run.py data import 本文件.xlsx --region 地区；任何一处有问题，整份文件都不会导入，并指出单元格和改法。",
)
