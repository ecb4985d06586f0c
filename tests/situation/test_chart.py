"""The trend chart: structure, scale, safety and text alternative of the SVG, and its print."""

import base64
import logging
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from samverkan.situation import chart
from samverkan.situation.chart import Point, Series, trend_svg, trend_text

NS = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
QUARTERS = [f"{year}-Q{q}" for year in (2023, 2024, 2025, 2026) for q in (1, 2, 3, 4)]
MONTHS = [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]


def series(name: str, labels: list[str], values: list[float | None]) -> Series:
    return Series(name, [Point(label, value) for label, value in zip(labels, values, strict=True)])


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    """The points of each subpath of a path made of M and L commands."""
    runs = []
    for part in re.findall(r"M[^M]+", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", part)]
        runs.append(list(zip(numbers[::2], numbers[1::2], strict=True)))
    return runs


def line_of(root: ET.Element, index: int) -> ET.Element | None:
    group = by_class(root, f"series-{index}")[0]
    lines = by_class(group, "line")
    assert len(lines) <= 1
    return lines[0] if lines else None


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{NS}text")]


def tick_labels(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in by_class(root, "y-axis")[0].iter(f"{NS}text")]


def period_labels(root: ET.Element) -> list[tuple[float, str]]:
    return [(float(e.get("x")), e.text) for e in by_class(root, "x-axis")[0].iter(f"{NS}text")]


TWO_PARTIES = [
    series("Polisen", QUARTERS[:4], [120, 110, 95.5, 90]),
    series("Malmö stad", QUARTERS[:4], [40, None, 52, 61]),
]


# --- structure and accessibility ------------------------------------------------------------


def test_accessible_svg_names_its_title_and_text_alternative():
    svg = trend_svg("Anmälda brott", "antal", TWO_PARTIES, baseline=100, target=80,
                    higher_is_better=False)
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") and root.get("width") and root.get("height")
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{NS}title")
    desc = root.find(f"{NS}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "Anmälda brott"
    assert desc.text == trend_text("Anmälda brott", "antal", TWO_PARTIES, baseline=100,
                                   target=80, higher_is_better=False)
    assert not svg.startswith("<?xml")  # it is inlined in HTML
    # The title and unit are on the picture too, and which way is better.
    assert "Anmälda brott" in texts(root)
    assert "antal · Lägre värden är bättre" in texts(root)


def test_one_line_per_series_and_points_ordered_as_the_values():
    values = [120, 80, 130, 95.5]
    root = parse(trend_svg("Anmälda brott", "antal", [
        series("Polisen", QUARTERS[:4], values),
        series("Kommunen", QUARTERS[:4], [10, 20, 30, 40]),
    ]))
    assert len(by_class(root, "series")) == 2
    assert len(by_class(root, "line")) == 2
    [points] = subpaths(line_of(root, 1).get("d"))
    assert len(points) == 4
    xs = [x for x, _ in points]
    assert xs == sorted(xs)
    # SVG's y grows downwards: a higher value is drawn higher up.
    ys = [y for _, y in points]
    assert sorted(range(4), key=lambda i: ys[i]) == sorted(range(4), key=lambda i: -values[i])
    [other] = subpaths(line_of(root, 2).get("d"))
    assert all(y_police < y_city for (_, y_police), (_, y_city) in zip(points, other, strict=True))
    # Every value has a marker, with its value as a tooltip.
    markers = by_class(by_class(root, "series-1")[0], "markers")[0]
    tips = [e.find(f"{NS}title").text for e in markers]
    assert tips == ["Polisen, 2023-Q1: 120", "Polisen, 2023-Q2: 80", "Polisen, 2023-Q3: 130",
                    "Polisen, 2023-Q4: 95,5"]


def test_a_missing_value_splits_the_line():
    root = parse(trend_svg("Anmälda brott", "antal", [
        series("Malmö stad", QUARTERS[:6], [40, 45, None, 52, 61, 58]),
        series("Polisen", QUARTERS[:6], [1, None, 3, None, 5, 6]),
        series("MKB", QUARTERS[:6], [None, None, None, None, None, 7]),
    ]))
    runs = subpaths(line_of(root, 1).get("d"))
    assert [len(run) for run in runs] == [2, 3]
    assert runs[0][-1][0] < runs[1][0][0]
    # A value alone between gaps is a marker without a line.
    assert [len(run) for run in subpaths(line_of(root, 2).get("d"))] == [2]
    assert len(list(by_class(by_class(root, "series-2")[0], "markers")[0])) == 4
    assert line_of(root, 3) is None
    assert len(list(by_class(by_class(root, "series-3")[0], "markers")[0])) == 1


def test_baseline_and_target_are_labelled_dashed_lines_at_their_height():
    root = parse(trend_svg("Trygghet", "%", [series("Kommunen", QUARTERS[:3], [60, 70, 80])],
                           baseline=65, target=75.5))
    [baseline] = by_class(root, "baseline")[:1]
    [target] = by_class(root, "target")[:1]
    assert baseline.tag == target.tag == f"{NS}line"
    assert baseline.get("stroke-dasharray") and target.get("stroke-dasharray")
    assert baseline.get("y1") == baseline.get("y2")
    [points] = subpaths(line_of(root, 1).get("d"))
    ys = [y for _, y in points]
    assert ys[1] < float(baseline.get("y1")) < ys[0]  # 60 < 65 < 70
    assert ys[2] < float(target.get("y1")) < ys[1]  # 70 < 75.5 < 80
    labels = ["".join(e.itertext()) for e in by_class(root, "reference-label")]
    assert labels == [f"Mål75,5{NBSP}%", f"Utgångsläge65{NBSP}%"]


def test_reference_labels_close_together_do_not_overlap():
    root = parse(trend_svg("Trygghet", "%", [series("Kommunen", QUARTERS[:3], [0, 50, 100])],
                           baseline=70, target=70.5, language="en"))
    first, second = (float(e.get("y")) for e in by_class(root, "reference-label"))
    assert abs(first - second) >= 26
    assert ["".join(e.itertext()) for e in by_class(root, "reference-label")] == [
        f"Target70.5{NBSP}%", f"Baseline70{NBSP}%",
    ]


def test_a_reference_label_at_the_foot_of_the_axis_stays_clear_of_the_periods():
    root = parse(trend_svg("Brott", "antal", [series("A", QUARTERS[:2], [None, None])],
                           baseline=12, target=12.5))
    label = by_class(root, "baseline")[-1]
    lowest = max(float(e.get("y")) for e in label.iter() if e.get("y"))
    assert lowest < float(by_class(root, "x-axis")[0].find(f"{NS}text").get("y")) - 8


def test_legend_names_every_series_with_its_own_line_style():
    names = [f"Part {i}" for i in range(1, 10)]
    root = parse(trend_svg("Anmälda brott", "antal",
                           [series(n, QUARTERS[:2], [i, i + 1]) for i, n in enumerate(names)]))
    items = by_class(root, "legend-item")
    assert ["".join(item.find(f"{NS}text").itertext()) for item in items] == names

    def marker(item: ET.Element) -> tuple[str, bool, bool]:
        """A marker's outline (its path commands), whether it is hollow, whether it points up."""
        path = item.find(f"{NS}path")
        d = path.get("d")
        first_y = float(re.findall(r"-?\d+(?:\.\d+)?", d)[1])
        return (re.sub("[^A-Za-z]", "", d), path.get("fill") == "#ffffff",
                first_y < float(item.find(f"{NS}line").get("y1")))

    styles = [
        (item.find(f"{NS}line").get("stroke-dasharray"), marker(item),
         item.find(f"{NS}line").get("stroke"))
        for item in items
    ]
    # In black and white a series is told apart by its dash pattern and marker shape.
    assert len({(dash, shape) for dash, shape, _ in styles}) == 9
    assert len({shape for _, shape, _ in styles[:7]}) == 7
    assert len({dash for dash, _, _ in styles[:6]}) == 6
    assert len({colour for _, _, colour in styles[:8]}) == 8  # and in colour by its colour


def test_a_long_name_is_shortened_in_the_legend_only():
    name = "Kommunen med ett mycket långt namn som inte får plats i förklaringen alls"
    svg = trend_svg("Anmälda brott", "antal", [series(name, QUARTERS[:2], [1, 2])])
    root = parse(svg)
    legend = "".join(by_class(root, "legend-item")[0].find(f"{NS}text").itertext())
    assert legend.endswith("…") and len(legend) <= 40
    assert name in root.find(f"{NS}desc").text


def test_colours_contrast_at_least_three_to_one_with_white():
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    used = list(chart.COLOURS) + [chart.TEXT, chart.TEXT_SECONDARY]
    used += [stroke for stroke, _, _ in chart.REFERENCE.values()]
    for colour in used:
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour
    assert len(set(chart.COLOURS)) == len(chart.COLOURS)


# --- safety ---------------------------------------------------------------------------------


HOSTILE = '<script>alert("x")</script> "&\' <a href="https://evil.example">'


def test_text_from_data_is_escaped_and_shown_as_text():
    svg = trend_svg(HOSTILE, HOSTILE, [
        series(HOSTILE, [HOSTILE, "2026-Q2"], [1, 2]),
        series('"&\'', [HOSTILE, "2026-Q2"], [3, None]),
    ], baseline=1, target=2)
    root = parse(svg)
    assert "<script" not in svg and "<a " not in svg
    assert root.find(f"{NS}title").text == HOSTILE
    assert HOSTILE in root.find(f"{NS}desc").text
    legend = ["".join(item.find(f"{NS}text").itertext()) for item in by_class(root, "legend-item")]
    assert legend[1] == '"&\''
    assert period_labels(root)[0][1].startswith("<script>al")


def test_no_script_style_or_external_reference():
    svg = trend_svg(HOSTILE, "antal", TWO_PARTIES, baseline=100, target=80)
    root = parse(svg)
    tags = {e.tag.removeprefix(NS) for e in root.iter()}
    assert tags <= {"svg", "title", "desc", "rect", "text", "tspan", "g", "line", "path"}
    for element in root.iter():
        for attribute, value in element.attrib.items():
            assert attribute != "style"
            assert not attribute.startswith("on")
            assert "href" not in attribute
            assert "url(" not in value and "javascript:" not in value
    assert "<style" not in svg


def test_characters_xml_forbids_are_dropped():
    root = parse(trend_svg("Brott\x00\x08\x1b", "antal",
                           [series("Polisen\x0c", ["2026-Q1\x01"], [1])]))
    assert root.find(f"{NS}title").text == "Brott"


# --- scale and axes -------------------------------------------------------------------------


def test_ticks_are_round_and_start_at_zero_when_that_helps():
    root = parse(trend_svg("Anmälda brott", "antal", TWO_PARTIES))
    assert tick_labels(root) == ["0", "25", "50", "75", "100", "125"]
    # Values far from zero keep their detail instead.
    root = parse(trend_svg("Trygghet", "%", [series("Kommunen", QUARTERS[:3], [71.2, 72.9, 74.8])]))
    assert tick_labels(root) == ["71", "72", "73", "74", "75"]


def test_numbers_follow_the_language():
    data = [series("Polisen", QUARTERS[:2], [0, 12500])]
    assert tick_labels(parse(trend_svg("Brott", "antal", data)))[-2:] == [
        f"10{NBSP}000", f"12{NBSP}500"]
    assert tick_labels(parse(trend_svg("Crime", "count", data, language="en")))[-2:] == [
        "10,000", "12,500"]
    data = [series("Polisen", QUARTERS[:2], [0, 12.5])]
    assert "2,5" in tick_labels(parse(trend_svg("Brott", "antal", data)))
    assert "2.5" in tick_labels(parse(trend_svg("Crime", "count", data, language="en")))


def test_a_single_point_is_centred_and_its_axis_starts_at_zero():
    root = parse(trend_svg("Anmälda brott", "antal", [series("Polisen", ["2026-Q1"], [42])]))
    assert line_of(root, 1) is None
    [marker] = list(by_class(root, "markers")[0])
    assert tick_labels(root)[0] == "0"
    assert period_labels(root)[0][1] == "2026-Q1"
    assert abs(period_labels(root)[0][0] - float(marker.get("d")[1:].split()[0]) - 4) < 1


def test_all_equal_values_get_an_axis_with_room():
    root = parse(trend_svg("Anmälda brott", "antal", [series("A", QUARTERS[:3], [5, 5, 5])]))
    assert tick_labels(root)[0] == "0"
    assert float(tick_labels(root)[-1].replace(",", ".")) > 5
    [points] = subpaths(line_of(root, 1).get("d"))
    assert len({y for _, y in points}) == 1


def test_negative_values():
    values = [-12, -3.5, 0.5, -7]
    root = parse(trend_svg("Förändring", "index", [series("A", QUARTERS[:4], values)]))
    ticks = [float(t.replace(",", ".").replace("−", "-")) for t in tick_labels(root)]
    assert ticks[0] <= -12 and ticks[-1] >= 0.5 and 0 in ticks
    [points] = subpaths(line_of(root, 1).get("d"))
    ys = [y for _, y in points]
    assert sorted(range(4), key=lambda i: ys[i]) == sorted(range(4), key=lambda i: -values[i])
    # Only negative values: zero is the top of the axis.
    root = parse(trend_svg("Förändring", "index", [series("A", QUARTERS[:2], [-10, -4])]))
    assert tick_labels(root)[-1] == "0"


def test_no_values_at_all():
    root = parse(trend_svg("Anmälda brott", "antal",
                           [series("Polisen", QUARTERS[:3], [None, None, float("nan")])]))
    assert by_class(root, "line") == []
    assert "Inga värden ännu" in texts(root)
    assert "Polisen: inga värden." in root.find(f"{NS}desc").text
    root = parse(trend_svg("Crime", "count", [], language="en"))
    assert "No values yet" in texts(root)


@pytest.mark.parametrize("labels", [QUARTERS, MONTHS, QUARTERS[:5]])
def test_period_labels_never_touch_and_the_latest_is_shown(labels):
    root = parse(trend_svg("Anmälda brott", "antal", [
        series(f"Part {p}", labels, [p * 10 + i for i in range(len(labels))]) for p in range(5)
    ]))
    shown = period_labels(root)
    assert shown[-1][1] == labels[-1]
    assert len(shown) >= min(len(labels), 6)
    for (x1, label), (x2, _) in zip(shown, shown[1:], strict=False):
        # 12 px text: a period code is at most 0.65 em per character wide.
        assert x2 - x1 >= len(label) * 12 * 0.65 + 4
    # Every period still has its tick.
    ticks = [e for e in by_class(root, "x-axis")[0] if e.tag == f"{NS}line"]
    assert len(ticks) == len(labels)
    assert max(x for x, _ in shown) <= chart.WIDTH


def test_series_must_share_their_periods():
    with pytest.raises(ValueError):
        trend_svg("Brott", "antal", [series("A", QUARTERS[:2], [1, 2]),
                                     series("B", QUARTERS[1:3], [1, 2])])


def test_same_input_same_bytes_and_distinct_ids_for_distinct_charts():
    first = trend_svg("Anmälda brott", "antal", TWO_PARTIES, baseline=100, target=80)
    again = trend_svg("Anmälda brott", "antal", list(TWO_PARTIES), baseline=100, target=80)
    other = trend_svg("Anmälda brott", "antal", TWO_PARTIES, baseline=100, target=79)
    assert first == again
    assert parse(first).get("aria-labelledby") != parse(other).get("aria-labelledby")
    named = parse(trend_svg("Brott", "antal", TWO_PARTIES, chart_id="chart-3 x"))
    assert named.get("aria-labelledby") == "chart-3-x-title chart-3-x-desc"


# --- the text alternative -------------------------------------------------------------------


def test_text_alternative_in_swedish():
    text = trend_text("Anmälda brott", "antal", [
        series("Polisen", QUARTERS[:4], [120, 110, None, 90]),
        series("Malmö stad", QUARTERS[:4], [40, 44.5, 52, 62]),
        series("MKB", QUARTERS[:4], [7, None, None, 7]),
        series("Skolan", QUARTERS[:4], [None, None, 3, None]),
        series("Räddningstjänsten", QUARTERS[:4], [None, None, None, None]),
    ], baseline=100, target=80.5, higher_is_better=False)
    assert text.startswith(
        "Diagrammet visar Anmälda brott (antal) per period från 2023-Q1 till 2023-Q4. "
        "Lägre värden är bättre. "
    )
    assert (f"Polisen: från 120 (2023-Q1) till 90 (2023-Q4), en minskning med 30 (25{NBSP}%) "
            "– en förbättring. Värde saknas för 2023-Q3.") in text
    assert (f"Malmö stad: från 40 (2023-Q1) till 62 (2023-Q4), en ökning med 22 (55{NBSP}%) "
            "– en försämring.") in text
    assert "MKB: från 7 (2023-Q1) till 7 (2023-Q4), oförändrat. Värde saknas för 2023-Q2, " \
        "2023-Q3." in text
    assert "Skolan: 3 (2023-Q3)." in text
    assert "Räddningstjänsten: inga värden." in text
    assert text.endswith("Utgångsläge: 100. Mål: 80,5.")


def test_text_alternative_in_english():
    text = trend_text("Feeling safe", "%", [
        series("The municipality", QUARTERS[:3], [71.25, 70, 74.8]),
    ], baseline=71, target=75, language="en", higher_is_better=True)
    assert text == (
        "The chart shows Feeling safe (%) per period from 2023-Q1 to 2023-Q3. "
        "Higher values are better. "
        f"The municipality: from 71.25{NBSP}% (2023-Q1) to 74.8{NBSP}% (2023-Q3), an increase "
        f"of 3.55{NBSP}percentage points – an improvement. "
        f"Baseline: 71{NBSP}%. Target: 75{NBSP}%."
    )


def test_text_alternative_without_direction_or_series():
    text = trend_text("Crime", "", [series("Police", MONTHS, [None] * 7 + list(range(29)))],
                      language="en")
    assert text.startswith("The chart shows Crime per period from 2024-01 to 2026-12. Police:")
    assert "from 0 (2024-08) to 28 (2026-12), an increase of 28." in text
    assert "No value for 7 periods." in text
    assert "better" not in text and "improvement" not in text
    assert trend_text("Brott", "antal", []) == (
        "Diagrammet visar Brott (antal) per period. Inga serier att visa."
    )


# --- printing -------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                            capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").replace(NBSP, " ").split())


def test_weasyprint_prints_the_inline_chart_without_complaint(caplog):
    from weasyprint import HTML

    from samverkan.documents.render import RefusingFetcher

    svg = trend_svg("Anmälda brott i Rosengård", "antal", [
        series("Polisen", QUARTERS, [120 - i * 2 for i in range(16)]),
        series("Malmö stad", QUARTERS, [None if i == 5 else 40 + i for i in range(16)]),
    ], baseline=110, target=85, higher_is_better=False)
    html = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><style>'
        "@page { size: A4; margin: 22mm } svg.trend-chart { width: 100%; height: auto }"
        f"</style></head><body><h1>Lägesbild</h1>{svg}</body></html>"
    )
    fetcher = RefusingFetcher()
    with caplog.at_level(logging.WARNING):
        pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert fetcher.refused == []
    text = pdf_text(pdf)
    assert "Anmälda brott i Rosengård" in text
    assert "2026-Q4" in text and "Utgångsläge" in text and "Polisen" in text


def test_weasyprint_prints_the_chart_as_a_data_image(caplog):
    # WeasyPrint's own fetcher reads data: URLs; the agreement PDF's RefusingFetcher refuses
    # every URL, data: included, so the PDF inlines the SVG instead (test above).
    from weasyprint import HTML

    svg = trend_svg("Anmälda brott", "antal", TWO_PARTIES, baseline=100, target=80)
    source = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    html = (f'<!doctype html><html lang="sv"><meta charset="utf-8"><body>'
            f'<img alt="" src="data:image/svg+xml;base64,{source}"></body></html>')
    with caplog.at_level(logging.WARNING):
        pdf = HTML(string=html).write_pdf()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    text = pdf_text(pdf)
    assert "Anmälda brott" in text and "2023-Q4" in text
