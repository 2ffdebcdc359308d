"""The SVG charts: named for assistive technology, values written as text, series told apart
by pattern as well as colour, and the same figures as a table."""

import xml.etree.ElementTree as ET

from django.template.loader import render_to_string

from courses.reports.charts import Series, bar_chart, grouped_bar_chart, shorten

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(str(chart.svg))


def test_a_bar_chart_names_itself_and_writes_each_value():
    chart = bar_chart(
        "rates",
        "Completion rate",
        "Share who completed",
        "Program",
        ["Bargaining", "Health"],
        [50.0, 100.0],
        "Rate",
        suffix=" %",
        maximum=100,
    )

    svg = parse(chart)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "rates-title rates-desc"
    assert svg.find(f"{SVG}title").get("id") == "rates-title"
    assert svg.find(f"{SVG}title").text == "Completion rate"
    assert svg.find(f"{SVG}desc").text == "Share who completed"
    texts = [text.text for text in svg.iter(f"{SVG}text") if text.text]
    assert "50 %" in texts and "100 %" in texts
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect") if rect.get("y")]
    assert widths == [175.0, 350.0]  # half and all of the 350-unit scale
    assert chart.rows == [["Bargaining", "50 %"], ["Health", "100 %"]]


def test_grouped_bars_differ_by_pattern_and_have_a_legend():
    chart = grouped_bar_chart(
        "months",
        "Per month",
        "Sessions and people",
        "Month",
        ["March", "April"],
        [Series("Sessions", [2, 4]), Series("Participants", [10, 0])],
    )

    svg = parse(chart)
    fills = {rect.get("fill") for rect in svg.iter(f"{SVG}rect") if rect.get("stroke")}
    assert "url(#months-hatch)" in fills
    assert any(fill.startswith("#") for fill in fills)
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "Sessions" in texts and "Participants" in texts
    titles = [title.text for title in svg.iter(f"{SVG}title")]
    assert "March, Participants: 10" in titles
    assert chart.columns == ["Sessions", "Participants"]
    assert chart.rows == [["March", "2", "10"], ["April", "4", "0"]]


def test_labels_are_escaped_and_long_ones_shortened():
    label = "Who Gets Involved? Inclusion & Bias <for the local executive>"
    chart = bar_chart("x", "T", "D", "Workshop", [label], [3], "Count")

    svg = parse(chart)  # well-formed: the ampersand and brackets are escaped
    assert label in [title.text for title in svg.iter(f"{SVG}title")]
    assert any(
        text.endswith(shorten(label))
        for text in map("".join, map(ET.Element.itertext, svg.iter(f"{SVG}text")))
    )
    assert len(shorten(label)) <= 32


def test_an_empty_chart_draws_nothing_and_no_error():
    chart = bar_chart("none", "T", "D", "Month", [], [], "Count")

    assert parse(chart).get("role") == "img"
    assert chart.rows == []


def test_the_chart_template_gives_the_figures_as_a_table():
    chart = bar_chart("rates", "Completion rate", "D", "Program", ["Bargaining"], [50.0], "Rate")

    html = render_to_string("courses/reports/chart.html", {"chart": chart})

    assert "<details>" in html
    assert '<th scope="col">Program</th>' in html
    assert '<th scope="row">Bargaining</th>' in html
    assert "<td>50</td>" in html
