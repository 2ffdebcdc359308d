"""Colours as the site's stylesheet uses them: ``"#rrggbb"`` values and their contrast.

Contrast follows WCAG 2.x: the relative luminance of each colour (its sRGB channels made
linear), then ``(lighter + 0.05) / (darker + 0.05)``, from 1:1 (the same colour) to 21:1
(black on white).
"""

import re

#: The only form of colour ever written into a stylesheet.
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

#: What WCAG 2.x level AA asks of normal text against its background.
AA_NORMAL_TEXT = 4.5

WHITE = "#ffffff"

# What education.css shows when no brand is chosen, and what the brand's colours stand on.
#: The background of the header and of buttons (``--primary``).
DEFAULT_PRIMARY = "#8f1d21"
#: Links and highlights (``--accent``).
DEFAULT_ACCENT = "#8f1d21"
#: The text on the primary colour: the header's and the buttons'.
TEXT_ON_PRIMARY = WHITE
#: What links stand on: the page (``--background``) and the panels (``--surface``), such as the
#: footer and messages.
LINK_BACKGROUNDS = (WHITE, "#f5f2ef")


def is_hex_colour(value):
    """Whether ``value`` is a colour written ``"#rrggbb"``."""
    return isinstance(value, str) and HEX_COLOUR.fullmatch(value) is not None


def parse_hex(value):
    """``(red, green, blue)``, each 0 to 255, of a colour written ``"#rrggbb"``; ValueError
    for anything else."""
    if not is_hex_colour(value):
        raise ValueError(f"Not a colour written #rrggbb: {value!r}")
    return tuple(int(value[index : index + 2], 16) for index in (1, 3, 5))


def _linear(channel):
    """An sRGB channel (0 to 255) made linear, as WCAG 2.x defines it."""
    value = channel / 255
    if value <= 0.04045:
        return value / 12.92
    return ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour):
    """The relative luminance of ``colour`` (``"#rrggbb"``): 0 for black, 1 for white."""
    red, green, blue = (_linear(channel) for channel in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(a, b):
    """The contrast between two colours (``"#rrggbb"``), from 1 to 21, whichever is lighter."""
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker(colour, amount=0.25):
    """``colour`` mixed with ``amount`` of black (0 to 1), written ``"#rrggbb"``: the shade the
    stylesheet shows under the pointer. A darker shade keeps at least the contrast the colour
    has with white."""
    return "#" + "".join(f"{round(channel * (1 - amount)):02x}" for channel in parse_hex(colour))
