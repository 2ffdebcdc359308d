"""The site's landing page and its organisation-wide settings."""

import hashlib
import math

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from courses.admin_widgets import ImageChooser
from courses.models import (
    Program,
    WorkshopIndexPage,
    WorkshopPage,
    sessions_of_workshops,
    show_programs,
)
from courses.page_cache import CachedForVisitors
from courses.page_permissions import PrivacyFollowsSource

from . import colours


class HomePage(CachedForVisitors, PrivacyFollowsSource, Page):
    """The landing page: what the education program offers, its programs and the catalogue."""

    heading = models.CharField(_("heading"), max_length=200)
    introduction = models.TextField(_("introduction"))
    body = RichTextField(
        _("body"), blank=True, features=["h2", "h3", "bold", "italic", "ul", "ol", "link"]
    )

    content_panels = Page.content_panels + [
        FieldPanel("heading"),
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    #: How many workshops the landing page features.
    FEATURED_WORKSHOPS = 6
    #: How many of the soonest sessions the landing page lists.
    UPCOMING_SESSIONS = 5

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The catalogue and workshops in the home page's language.
        catalogue = WorkshopIndexPage.objects.live().public()
        context["catalogue"] = (
            catalogue.filter(locale_id=self.locale_id).first() or catalogue.first()
        )
        workshops = (
            WorkshopPage.objects.live().public().filter(locale_id=self.locale_id).order_by("title")
        )
        programs = list(
            Program.objects.in_default_language().prefetch_related(
                Prefetch("workshops", queryset=workshops)
            )
        )
        featured = list(
            workshops.filter(offered_on_request=False).select_related("program")[
                : self.FEATURED_WORKSHOPS
            ]
        )
        # The programs' names in the reader's language: one query for the section and the cards.
        show_programs([*programs, *(workshop.program for workshop in featured)])
        context["programs"] = sorted(programs, key=lambda program: program.shown.title.casefold())
        context["featured_workshops"] = featured
        scheduled = {
            workshop.translation_key: workshop
            for workshop in workshops.filter(offered_on_request=False)
        }
        upcoming = list(sessions_of_workshops(scheduled)[: self.UPCOMING_SESSIONS])
        for session in upcoming:
            session.shown_workshop = scheduled[session.workshop_key]
        context["upcoming_sessions"] = upcoming
        return context


HEX_COLOUR_VALIDATOR = RegexValidator(
    colours.HEX_COLOUR,
    _("Enter a colour as # followed by six hexadecimal digits, such as #8f1d21."),
)
COLOUR_INPUT = forms.TextInput(attrs={"type": "color"})


def _shown_ratio(ratio):
    """A contrast ratio as people read it: one decimal, never rounded up to the minimum."""
    return number_format(math.floor(ratio * 10) / 10, 1)


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    """Who runs this site: shown in the header, footer, emails and certificates."""

    name = models.CharField(_("organisation name"), max_length=200, default="Union Education")
    name_fr = models.CharField(
        _("organisation name in French"),
        max_length=200,
        blank=True,
        help_text=_("On pages and certificates in French; the name above when empty."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    staff_notification_emails = models.TextField(
        _("staff notification emails"),
        blank=True,
        help_text=_("Addresses, one per line, told of new requests from locals."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=colours.DEFAULT_PRIMARY,
        validators=[HEX_COLOUR_VALIDATOR],
        help_text=_("The background of the header and of buttons, behind white text."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=colours.DEFAULT_ACCENT,
        validators=[HEX_COLOUR_VALIDATOR],
        help_text=_("Links and highlights, on the page's light background."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_fr")]),
        FieldPanel("logo", widget=ImageChooser),
        FieldPanel("contact_email"),
        FieldPanel("staff_notification_emails"),
        FieldRowPanel(
            [
                FieldPanel("primary_colour", widget=COLOUR_INPUT),
                FieldPanel("accent_colour", widget=COLOUR_INPUT),
            ],
            heading=_("Brand colours"),
        ),
    ]

    class Meta:
        verbose_name = _("organisation")

    def clean(self):
        """Refuse brand colours that would leave text hard to read: white text on the primary
        colour and links in the accent colour must keep WCAG 2.x AA contrast (4.5:1)."""
        super().clean()
        errors = {}
        primary_ratio = self.primary_contrast()
        if primary_ratio is not None and primary_ratio < colours.AA_NORMAL_TEXT:
            errors["primary_colour"] = ValidationError(
                _(
                    "White text on this colour has a contrast of %(ratio)s:1; it needs at "
                    "least %(minimum)s:1 to stay readable. Choose a darker colour."
                ),
                code="low_contrast",
                params={
                    "ratio": _shown_ratio(primary_ratio),
                    "minimum": number_format(colours.AA_NORMAL_TEXT, 1),
                },
            )
        accent_ratio = self.accent_contrast()
        if accent_ratio is not None and accent_ratio < colours.AA_NORMAL_TEXT:
            errors["accent_colour"] = ValidationError(
                _(
                    "Links in this colour have a contrast of %(ratio)s:1 on the page's "
                    "background; they need at least %(minimum)s:1 to stay readable. Choose a "
                    "darker colour."
                ),
                code="low_contrast",
                params={
                    "ratio": _shown_ratio(accent_ratio),
                    "minimum": number_format(colours.AA_NORMAL_TEXT, 1),
                },
            )
        if errors:
            raise ValidationError(errors)

    def primary_contrast(self):
        """The contrast of the header's and buttons' text on the primary colour; None while
        the colour is not a ``"#rrggbb"`` value (its field says so)."""
        if not colours.is_hex_colour(self.primary_colour):
            return None
        return colours.contrast_ratio(colours.TEXT_ON_PRIMARY, self.primary_colour)

    def accent_contrast(self):
        """The contrast of links in the accent colour where it is lowest, on the page or on a
        panel; None while the colour is not a ``"#rrggbb"`` value (its field says so)."""
        if not colours.is_hex_colour(self.accent_colour):
            return None
        return min(
            colours.contrast_ratio(self.accent_colour, background)
            for background in colours.LINK_BACKGROUNDS
        )

    def brand_colours(self):
        """The CSS custom properties of the brand colours that differ from the stylesheet's own,
        as ``{name: "#rrggbb"}``: empty for the default look. A value that is not a
        ``"#rrggbb"`` colour (saved without validation) is left out, never written into CSS."""
        properties = {}
        for name, value, default in (
            ("primary", self.primary_colour, colours.DEFAULT_PRIMARY),
            ("accent", self.accent_colour, colours.DEFAULT_ACCENT),
        ):
            if not colours.is_hex_colour(value) or value.lower() == default:
                continue
            properties[f"--brand-{name}"] = value.lower()
            properties[f"--brand-{name}-dark"] = colours.darker(value.lower())
        return properties

    def brand_fingerprint(self):
        """A short digest of :meth:`brand_colours`, which changes with them: the brand
        stylesheet's address carries it, so that browsers may keep the stylesheet. None for the
        default look, which needs no stylesheet of its own."""
        properties = self.brand_colours()
        if not properties:
            return None
        text = ";".join(f"{name}:{value}" for name, value in sorted(properties.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def name_in(self, language):
        """The organisation's name in ``language`` ("en" or "fr"): the French name, when there
        is one, for French."""
        if language == "fr" and self.name_fr.strip():
            return self.name_fr
        return self.name

    @property
    def shown_name(self):
        """The name in the active language, as pages show it."""
        return self.name_in((get_language() or "").split("-")[0])
