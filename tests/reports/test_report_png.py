"""PNG output of the report: content-named files at print resolution."""

from PIL import Image

from report_testdata import p_met

A4_AT_200_DPI = (round(8.27 * 200), round(11.69 * 200))


def pngs(report):
    return {path.name: path for path in report.files if path.suffix == ".png"}


def test_expected_png_names(zh_report, batch_runs):
    names = set(pngs(zh_report))
    main = p_met(batch_runs[1])        # the plan run (green) is the main one, whatever the order (issue 21.3)
    expected = {"findings.png", "changes.png", "validation.png", "colophon.png", "glossary.png",
                "scorecard.png", "comparison.png", "comparison_medians.png", "assumptions.png",
                "structure.png", "fan_gdp.png", "fan_cluster_output_biomedicine.png", "fan_population.png",
                "fan_co2_emissions.png", "fan_water_demand.png"}
    pages = -(-len(main) // 3)
    expected |= {"sensitivity.png"} | {f"sensitivity_{i}.png" for i in range(2, pages + 1)}
    expected |= {"analyses.png"} if (main < 0.5).any() else set()
    expected |= {f"drivers_{goal}.png" for goal, p in main.items() if p < 0.9}
    assert names == expected
    assert all(path.parent == zh_report.out and path.stat().st_size > 10_000 for path in pngs(zh_report).values())


def test_page_pngs_are_a4_at_200_dpi(zh_report):
    for name in ("findings.png", "colophon.png", "scorecard.png", "assumptions.png", "structure.png", "comparison.png"):
        with Image.open(pngs(zh_report)[name]) as image:
            assert image.size == A4_AT_200_DPI, name


def test_figure_pngs_have_print_resolution(zh_report):
    for name, path in pngs(zh_report).items():
        if name.startswith(("fan_", "drivers_", "comparison_medians")):
            with Image.open(path) as image:
                width, height = image.size
                dpi = image.info.get("dpi", (0, 0))[0]
            assert width >= 1600 and height >= 900, (name, image.size)
            assert round(dpi) >= 200, (name, dpi)


def test_png_pages_are_not_blank(zh_report):
    with Image.open(pngs(zh_report)["fan_gdp.png"]) as image:
        grey = image.convert("L")
        dark = sum(grey.histogram()[:200])
    assert dark > 0.02 * grey.size[0] * grey.size[1]    # fan bands and text cover more than 2 % of the figure
