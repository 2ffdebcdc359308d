"""WeasyPrint rendering shared by every PDF the site prints (certificates, sign-in sheets,
facilitator guides).

Making a WeasyPrint font configuration costs about as much as laying out a short document:
each thread makes one, with a URL fetcher that follows nothing but ``data:`` URLs (so that
nothing pasted into a document can make the server open a connection) and an image cache,
and keeps them for every render after. A font configuration is not shared between threads.
"""

import threading
from dataclasses import dataclass, field

#: Images decoded by WeasyPrint and kept across renders, by URL; the cache starts over beyond.
IMAGE_CACHE_SIZE = 32

_thread = threading.local()


@dataclass
class Renderer:
    """One thread's WeasyPrint state."""

    font_config: object
    url_fetcher: object
    cache: dict = field(default_factory=dict)
    stylesheets: dict = field(default_factory=dict)

    def stylesheet(self, key, make_css):
        """The stylesheet ``key``, parsed (with this font configuration) once from the CSS text
        ``make_css()`` returns, and kept."""
        css = self.stylesheets.get(key)
        if css is None:
            from weasyprint import CSS

            css = self.stylesheets[key] = CSS(string=make_css(), font_config=self.font_config)
        return css


def renderer():
    """This thread's :class:`Renderer`, made on first use."""
    state = getattr(_thread, "renderer", None)
    if state is None:
        # WeasyPrint takes a moment to import: only pay for it when a PDF is asked for.
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        state = _thread.renderer = Renderer(
            font_config=FontConfiguration(),
            url_fetcher=URLFetcher(allowed_protocols=["data"]),
        )
    return state


def render_pdf(html, stylesheets=(), **options):
    """The PDF of ``html`` (a whole document) as bytes, with ``stylesheets`` (parsed by
    :meth:`Renderer.stylesheet`) added, reusing this thread's WeasyPrint state.

    ``options`` go to WeasyPrint's ``write_pdf`` as they are, for a document that asks for more
    than a plain PDF: ``pdf_variant="pdf/a-3u"`` (archival PDF/A), ``pdf_tags=True`` (a
    structure tree for screen readers). Without them, the PDF is WeasyPrint's default.
    """
    from weasyprint import HTML

    state = renderer()
    if len(state.cache) > IMAGE_CACHE_SIZE:
        state.cache.clear()
    return HTML(string=html, url_fetcher=state.url_fetcher).write_pdf(
        stylesheets=list(stylesheets),
        font_config=state.font_config,
        cache=state.cache,
        **options,
    )
