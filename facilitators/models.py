"""Facilitators, the workshops they are certified to deliver, and their private guides."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import ActivityInstructionsBlock, AgendaItemBlock, MaterialBlock


class Facilitator(index.Indexed, models.Model):
    """A member trained to deliver workshops, linked to the user they sign in with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="facilitator_profile",
    )
    bio = models.TextField(_("biography"), blank=True)
    teaches_in_english = models.BooleanField(_("facilitates in English"), default=True)
    teaches_in_french = models.BooleanField(_("facilitates in French"), default=False)
    certified_workshops = models.ManyToManyField(
        "courses.WorkshopPage",
        verbose_name=_("certified to deliver"),
        blank=True,
        related_name="certified_facilitators",
    )

    panels = [
        FieldPanel("user"),
        FieldPanel("bio"),
        FieldPanel("teaches_in_english"),
        FieldPanel("teaches_in_french"),
        FieldPanel("certified_workshops"),
    ]

    search_fields = [
        index.SearchField("bio"),
        index.RelatedFields(
            "user",
            [
                index.SearchField("first_name"),
                index.SearchField("last_name"),
                index.SearchField("email"),
            ],
        ),
    ]

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def languages(self):
        """Language codes this facilitator delivers workshops in."""
        return [
            code
            for code, speaks in (("en", self.teaches_in_english), ("fr", self.teaches_in_french))
            if speaks
        ]

    def is_certified_for(self, workshop):
        return self.certified_workshops.filter(pk=workshop.pk).exists()


class FacilitatorGuidePage(Page):
    """The private guide to delivering one workshop: agenda, materials, activities, handouts.

    It lives under its workshop (``/workshops/<slug>/guide/``) and is readable only by
    facilitators and education staff: a view restriction is added when a guide is created.
    """

    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "ul", "ol", "link"]
    )
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("agenda"), blank=True)
    materials = StreamField(
        [("material", MaterialBlock())], verbose_name=_("materials checklist"), blank=True
    )
    activities = StreamField(
        [("activity", ActivityInstructionsBlock())],
        verbose_name=_("activity instructions"),
        blank=True,
    )
    facilitator_notes = RichTextField(
        _("facilitator notes"), blank=True, features=["bold", "italic", "ul", "ol", "link"]
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("agenda"),
        FieldPanel("materials"),
        FieldPanel("activities"),
        InlinePanel("handouts", label=_("Handouts")),
        FieldPanel("facilitator_notes"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("facilitator_notes"),
    ]

    parent_page_types = ["courses.WorkshopPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("facilitator guide")
        verbose_name_plural = _("facilitator guides")

    @property
    def workshop(self):
        return self.get_parent().specific

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["workshop"] = self.workshop
        context["handout_list"] = self.handouts.select_related("document")
        return context


class GuideHandout(Orderable):
    """A document participants receive during the workshop."""

    page = ParentalKey(FacilitatorGuidePage, on_delete=models.CASCADE, related_name="handouts")
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    when = models.CharField(
        _("when to hand it out"), max_length=200, blank=True, help_text=_("e.g. after lunch")
    )

    panels = [FieldPanel("document"), FieldPanel("when")]

    class Meta(Orderable.Meta):
        verbose_name = _("handout")
        verbose_name_plural = _("handouts")
