"""Small charts for the admin's reports and dashboard, drawn on the server as SVG.

Each builder returns a :class:`Chart`: the SVG markup and the same figures as rows of a table.
The SVG names itself (``role="img"``, ``aria-labelledby`` pointing to its ``<title>`` and
``<desc>``), writes every value next to its bar, and tells series apart by pattern (solid or
hatched) as well as by colour, so that nothing depends on colour alone. The template
``courses/reports/chart.html`` shows the chart with its table in a ``<details>`` element, the
text alternative for anyone who cannot see the bars. No script and nothing from a CDN.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

#: Sizes in SVG user units; the chart scales to the width of its container.
WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 70
BAR_HEIGHT = 18
BAR_GAP = 4
GROUP_GAP = 14
TOP = 8
LEGEND_HEIGHT = 26
#: What fits in LABEL_WIDTH at 13 units in a sans-serif font; longer labels are shortened (the
#: whole label stays in the bar's tooltip and in the table under the chart).
LABEL_CHARACTERS = 26

#: Wagtail's admin colours that keep a 3:1 contrast with a white background.
COLOURS = ("#007d7e", "#2e1f5e")
#: How each series is drawn: the first solid, the second hatched.
PATTERNS = ("solid", "hatched")


@dataclass
class Series:
    """One set of figures drawn as bars, named in the legend and the table's header."""

    name: str
    values: list
    suffix: str = ""
    #: The value of a full-width bar; the chart's largest value when not given.
    maximum: float | None = None


@dataclass
class Chart:
    """An SVG chart and the figures it shows, as a table for its text alternative."""

    chart_id: str
    title: str
    description: str
    label_name: str
    svg: str
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)


def format_value(value, suffix=""):
    """A figure as people read it in the active language: 12, 3.5, 87 %."""
    if value is None:
        return "–"
    if isinstance(value, float):
        value = Decimal(str(round(value, 1)))
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("0.1"))
        places = 0 if value == value.to_integral_value() else 1
        text = number_format(value, decimal_pos=places)
    else:
        text = number_format(value)
    return f"{text}{suffix}"


def shorten(label, length=LABEL_CHARACTERS):
    """A label cut to fit beside its bar; the full label stays in the ``<title>`` and table."""
    label = str(label)
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"


def _number(value):
    return float(value or 0)


def _defs(chart_id):
    pattern_id = f"{chart_id}-hatch"
    return pattern_id, format_html(
        '<defs><pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"></rect>'
        '<rect width="3" height="6" fill="{}"></rect></pattern></defs>',
        pattern_id,
        COLOURS[1],
    )


def _fill(index, pattern_id):
    return f"url(#{pattern_id})" if PATTERNS[index % 2] == "hatched" else COLOURS[index % 2]


def grouped_bar_chart(chart_id, title, description, label_name, labels, series, maximum=None):
    """Horizontal bars, one group per label and one bar per series in each group.

    ``label_name`` heads the labels' column in the table (for example "Workshop").
    ``series`` is a list of :class:`Series` whose ``values`` follow ``labels``. Bars share one
    scale, from zero to ``maximum`` (the largest value when not given), unless a series has
    its own ``maximum``: say so in the description, since bars of different scales are side
    by side. Each bar carries its
    value as text and a ``<title>`` with its label, series and value.
    """
    labels = [str(label) for label in labels]
    series = list(series)
    largest = maximum or max(
        (_number(value) for one in series if not one.maximum for value in one.values),
        default=0,
    )
    scale_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    legend = LEGEND_HEIGHT if len(series) > 1 else 0
    height = TOP + legend + len(labels) * (group_height + GROUP_GAP)
    pattern_id, defs = _defs(chart_id)

    parts = [defs]
    if legend:
        x = LABEL_WIDTH
        for index, one in enumerate(series):
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="{}"></rect>'
                    '<text x="{}" y="{}" class="chart-legend" '
                    'font-size="13" fill="currentColor">{}</text>',
                    x,
                    TOP,
                    _fill(index, pattern_id),
                    COLOURS[index % 2],
                    x + 20,
                    TOP + 12,
                    one.name,
                )
            )
            x += 30 + 8 * len(one.name)
    y = TOP + legend
    for position, label in enumerate(labels):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label" '
                'font-size="13" fill="currentColor"><title>{}</title>'
                "{}</text>",
                LABEL_WIDTH - 8,
                y + group_height / 2 + 5,
                label,
                shorten(label),
            )
        )
        for index, one in enumerate(series):
            value = one.values[position]
            top = one.maximum or largest
            width = scale_width * min(_number(value), top) / top if top else 0
            text = format_value(value, one.suffix)
            parts.append(
                format_html(
                    '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                    'stroke="{}"></rect><text x="{}" y="{}" class="chart-value" '
                    'font-size="13" fill="currentColor">{}</text></g>',
                    f"{label}, {one.name}: {text}" if len(series) > 1 else f"{label}: {text}",
                    LABEL_WIDTH,
                    y,
                    f"{width:.1f}",
                    BAR_HEIGHT,
                    _fill(index, pattern_id),
                    COLOURS[index % 2],
                    f"{LABEL_WIDTH + width + 6:.1f}",
                    y + BAR_HEIGHT - 4,
                    text,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP - BAR_GAP

    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="education-chart" role="img" '
        'viewBox="0 0 {} {}" width="100%" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        max(height, TOP + BAR_HEIGHT),
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        # Every part was built by format_html, which escaped what it was given.
        mark_safe("".join(parts)),
    )
    rows = [
        [label] + [format_value(one.values[position], one.suffix) for one in series]
        for position, label in enumerate(labels)
    ]
    return Chart(
        chart_id=chart_id,
        title=str(title),
        description=str(description),
        label_name=str(label_name),
        svg=svg,
        columns=[one.name for one in series],
        rows=rows,
    )


def bar_chart(
    chart_id, title, description, label_name, labels, values, name, suffix="", maximum=None
):
    """Horizontal bars, one per label, each with its value written beside it."""
    return grouped_bar_chart(
        chart_id,
        title,
        description,
        label_name,
        labels,
        [Series(name=str(name), values=list(values), suffix=suffix)],
        maximum=maximum,
    )
