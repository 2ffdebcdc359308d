"""Facilitators, the workshops they are certified to deliver, and their private guides."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from courses.admin_widgets import InlinePanel
from courses.attendance.rules import can_take_attendance
from courses.choices import Language
from courses.models import Session
from courses.page_permissions import PrivacyFollowsSource
from courses.validators import fits_key

from .agenda import agenda_context, default_parts, session_parts, timeline
from .blocks import MaterialBlock, ModuleGuideBlock
from .choices import CheckInMethod, CodeKind
from .guide_admin import GuidePageForm, entry_from_block


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


class GuideAccess(models.Model):
    """Holds no rows, and has no table: it only carries the permission to read facilitator
    guides (see ``facilitators.privacy``), as Wagtail's ``Admin`` model carries
    ``access_admin``.

    It sits on a model of its own, not on ``Facilitator``, because Wagtail shows a model's
    history (Reports → Site history) to whoever holds any permission on it: reading guides
    must not show every facilitator profile's history.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("read_guides", _("Can read facilitator guides"))]
        verbose_name = _("facilitator guide access")
        verbose_name_plural = _("facilitator guide access")

    def __str__(self):
        return str(self._meta.verbose_name)


#: The profile field that says a facilitator delivers workshops in each language.
LANGUAGE_FIELDS = {
    Language.ENGLISH: "teaches_in_english",
    Language.FRENCH: "teaches_in_french",
}


def facilitators_who_deliver(users, workshop=None, language=None):
    """Those of ``users`` certified to deliver ``workshop`` who facilitate in ``language``.

    Registered with ``courses``' ``filter_session_facilitators`` hook: it is how the sessions'
    forms learn who qualifies. None for the workshop or the language narrows nothing.
    """
    if workshop is not None:
        users = users.filter(facilitator_profile__certified_workshops=workshop)
    if language:
        field = LANGUAGE_FIELDS.get(language)
        if field is None:
            return users.none()
        users = users.filter(**{f"facilitator_profile__{field}": True})
    return users


class FacilitatorGuidePage(PrivacyFollowsSource, Page):
    """The private guide to delivering one workshop: agenda, materials, activities, handouts.

    It lives under its workshop (``/workshops/<slug>/guide/``) and is readable only by
    facilitators and education staff: a view restriction is added when a guide is created.

    The agenda is the workshop's curriculum (see ``facilitators.agenda``): the guide keeps only
    what it adds to each module, facilitation notes and activity instructions, in ``agenda``,
    keyed by the id of the module's block in the curriculum.
    """

    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "ul", "ol", "link"]
    )
    agenda = StreamField(
        [("module", ModuleGuideBlock())],
        verbose_name=_("notes for each module of the agenda"),
        blank=True,
    )
    materials = StreamField(
        [("material", MaterialBlock())], verbose_name=_("materials checklist"), blank=True
    )
    facilitator_notes = RichTextField(
        _("facilitator notes"), blank=True, features=["bold", "italic", "ul", "ol", "link"]
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("agenda_notes", heading=_("Agenda")),
        FieldPanel("materials"),
        InlinePanel("handouts", label=_("Handouts")),
        FieldPanel("facilitator_notes"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("facilitator_notes"),
    ]

    base_form_class = GuidePageForm

    parent_page_types = ["courses.WorkshopPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("facilitator guide")
        verbose_name_plural = _("facilitator guides")

    @property
    def workshop(self):
        return self.get_parent().specific

    def stored_notes(self):
        """``{module id: entry}`` of what the guide adds to each module (see ``guide_admin``)."""
        notes = {}
        for child in self.agenda or []:
            if child.block_type == "module" and child.value.get("module"):
                notes.setdefault(child.value["module"], entry_from_block(child.value))
        return notes

    def agenda_items(self, session=None, workshop=None):
        """The agenda: each module of the workshop's curriculum as it stands, with its clock
        times (from the start of the day, or from ``session``'s start) and the guide's notes."""
        workshop = workshop or self.workshop
        parts = session_parts(session) if session is not None else default_parts()
        return timeline(workshop.curriculum, parts, self.stored_notes())

    def session_for(self, request):
        """The session named by ``?session=`` that ``request``'s user may see and that delivers
        this guide's workshop (scheduled on its page in any language: the French guide times
        a session scheduled on the English page); None otherwise (the agenda then starts at
        the day's start)."""
        value = (request.GET.get("session") or "").strip() if request is not None else ""
        if not value.isdigit() or not fits_key(Session, value) or not self.path:
            return None
        session = (
            Session.objects.filter(
                pk=int(value), workshop__translation_key=self.get_parent().translation_key
            )
            .prefetch_related("parts")
            .first()
        )
        if session is None or not can_take_attendance(request.user, session):
            return None
        return session

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        workshop = self.workshop
        session = self.session_for(request)
        context.update(agenda_context(self.agenda_items(session, workshop), session))
        context["workshop"] = workshop
        context["session"] = session
        context["handout_list"] = self.handouts.select_related("document")
        return context


class GuideHandout(TranslatableMixin, Orderable):
    """A document participants receive during the workshop. Translated with its guide."""

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

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("handout")
        verbose_name_plural = _("handouts")


class CheckIn(models.Model):
    """A participant's own word that they have arrived, given by scanning a check-in code.

    It is not attendance: the roster shows it for the facilitator to confirm, and only a
    facilitator's mark (``courses.Attendance``) counts towards completion. One per enrolment
    and part of the session (``part`` is empty for a session of one part); see
    ``facilitators.checkin``.
    """

    enrollment = models.ForeignKey(
        "courses.Enrollment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    part = models.ForeignKey(
        "courses.SessionPart",
        verbose_name=_("date and time"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="check_ins",
        help_text=_("For a session of several parts: the part checked in to."),
    )
    checked_in_at = models.DateTimeField(_("checked in"), default=timezone.now)
    method = models.CharField(_("method"), max_length=20, choices=CheckInMethod.choices)
    code_kind = models.CharField(_("code"), max_length=20, choices=CodeKind.choices)

    class Meta:
        ordering = ["checked_in_at", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "part"],
                condition=Q(part__isnull=False),
                name="one_check_in_per_enrolment_and_part",
            ),
            # A session of one part: NULL parts are all distinct to a unique index.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(part__isnull=True),
                name="one_check_in_per_enrolment",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.participant.name}: {self.checked_in_at:%Y-%m-%d %H:%M}"
