"""The badge image of a certificate: a PNG drawn here with Pillow, in the colour of its
template, saying what was completed, the hours and the issuer (never the holder's name), with
its signed credential baked in (Open Badges 3.0: an ``iTXt`` chunk named
``openbadgecredential``)."""

import io
import textwrap
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from .credentials import hours_label
from .models import CertificateTemplate

#: The OB 3.0 keyword of the PNG chunk that holds the credential.
BAKING_KEYWORD = "openbadgecredential"
SIZE = 600
DEFAULT_ACCENT = "#8f1d21"
WHITE = "#ffffff"


def _accent(certificate):
    template = certificate.template or CertificateTemplate.default()
    return template.accent_colour if template is not None else DEFAULT_ACCENT


#: Fonts tried in turn for the badge's text, by file name (Pillow looks in the system's font
#: folders): fonts with the accented letters of French. Pillow's own font, which lacks some of
#: them, is the last resort.
FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")


@lru_cache(maxsize=64)
def _font(size):
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _fit(draw, text, size, width, max_lines):
    """``text`` wrapped to ``width`` pixels in at most ``max_lines`` lines, the font made
    smaller until it fits: ``(lines, font)``."""
    while True:
        font = _font(size)
        average = max(1.0, draw.textlength("abcdefghijklmnopqrstuvwxyz", font=font) / 26)
        lines = textwrap.wrap(text, width=max(8, int(width / average))) or [""]
        fits = all(draw.textlength(line, font=font) <= width for line in lines)
        if (fits and len(lines) <= max_lines) or size <= 14:
            return lines[:max_lines], font
        size -= 2


def _centred(draw, lines, font, top, fill, spacing=8):
    """Draw ``lines`` centred from ``top``; returns where the next text goes."""
    for line in lines:
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((SIZE - (box[2] - box[0])) / 2, top), line, font=font, fill=fill)
        top += box[3] - box[1] + spacing
    return top


def draw_badge(certificate):
    """The badge of ``certificate`` as a Pillow image (RGBA, transparent around the disc)."""
    accent = _accent(certificate)
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=accent)
    draw.ellipse((34, 34, SIZE - 34, SIZE - 34), outline=WHITE, width=4)

    issuer_lines, issuer_font = _fit(draw, certificate.issuer_name.upper(), 24, 380, 2)
    top = _centred(draw, issuer_lines, issuer_font, 118, WHITE)
    draw.line((200, top + 10, 400, top + 10), fill=WHITE, width=3)
    title_lines, title_font = _fit(draw, certificate.title, 44, 430, 4)
    top = _centred(draw, title_lines, title_font, top + 34, WHITE, spacing=10)
    draw.line((200, top + 20, 400, top + 20), fill=WHITE, width=3)
    details = f"{hours_label(certificate)} · {certificate.completed_on.year}"
    _centred(draw, [details], _font(28), top + 44, WHITE)
    return image


def baked_png(certificate, token):
    """The badge of ``certificate`` as PNG bytes, ``token`` (its signed credential) baked in."""
    info = PngInfo()
    info.add_itxt(BAKING_KEYWORD, token, lang="", tkey="", zip=False)
    output = io.BytesIO()
    draw_badge(certificate).save(output, format="PNG", pnginfo=info)
    return output.getvalue()
