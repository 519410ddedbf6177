"""Helpers of the data-import tests: a throw-away copy of the Shijiazhuang project and the office's fixture figures.

The fixture (tests/fixtures/data/shijiazhuang_office.csv) holds figures the project already cites (the 2017
and 2021 communiqués, the 2022 and 2024 government work reports: population, urbanization, GDP and growth,
with their pages and quotes; 2016 and 2020 derived from the 2017/2021 changes they quote) and, for 2022-2025,
the test office's own series: CONSTRUCTED figures (单位内部数据, each quote states its rule), because no city
figure of those years is in the published record. They exist to exercise the out-of-sample test and the
observed verdicts; no shipped model reads them.
"""

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "data" / "shijiazhuang_office.csv"
OFFICE = "石家庄市发展和改革委员会规划处"
#: the plan as it stood when these tests were written (its published figures set the expected counts and conflicts)
FROZEN_PLAN = ROOT / "tests" / "fixtures" / "data" / "shijiazhuang_plan.yaml"


def make_project(tmp_path: Path) -> Path:
    """``tmp/proj`` with models/shijiazhuang/plan.yaml (the frozen copy), models/regional (model, labels) and
    scenarios/shijiazhuang."""
    proj = tmp_path / "proj"
    (proj / "models" / "shijiazhuang").mkdir(parents=True)
    shutil.copy(FROZEN_PLAN, proj / "models" / "shijiazhuang" / "plan.yaml")
    (proj / "models" / "regional").mkdir(parents=True)
    for name in ("regional.mdl", "labels.yaml"):
        shutil.copy(ROOT / "models" / "regional" / name, proj / "models" / "regional" / name)
    shutil.copytree(ROOT / "scenarios" / "shijiazhuang", proj / "scenarios" / "shijiazhuang")
    return proj


@pytest.fixture
def sjz(tmp_path, monkeypatch):
    """:func:`make_project`; the working directory is the project."""
    proj = make_project(tmp_path)
    monkeypatch.chdir(proj)
    return proj


def invoke(*args):
    from run import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def fixture_rows() -> list:
    """The fixture's figures as dicts (series, year, value, unit, source, basis, geography, publisher, …)."""
    with open(FIXTURE, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def write_csv(path: Path, rows: list) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def fill_template(template: Path, rows: list, out: Path) -> Path:
    """The statistician's work: for each (series, source) of ``rows`` a 待填 row of the template copied and filled
    (value per year column, the source's title, publisher, year, url and quote), saved as ``out``."""
    from openpyxl import load_workbook

    book = load_workbook(template)
    sheet = book["数据"]
    header = [c.value for c in sheet[1]]
    blank = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=2) if r[5].value == "待填"}
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["series"], row["source"], row["publisher"], row["quote"]), []).append(row)
    for (series, title, publisher, quote), figures in groups.items():
        line = list(blank[series])
        line[6:11] = [title, publisher, figures[0]["year_published"], figures[0]["url"], quote]
        line[3], line[4], line[2] = figures[0]["basis"], figures[0]["geography"], figures[0]["unit"]
        for figure in figures:
            line[header.index(int(figure["year"]))] = float(figure["value"])
        sheet.append(line)
    book.save(out)
    return out
