"""The site's landing page and its organisation-wide settings."""

from django.db import models
from django.db.models import Prefetch
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

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_fr")]),
        FieldPanel("logo", widget=ImageChooser),
        FieldPanel("contact_email"),
        FieldPanel("staff_notification_emails"),
    ]

    class Meta:
        verbose_name = _("organisation")

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
