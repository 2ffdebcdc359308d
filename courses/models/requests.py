"""Requests from locals for tailored sessions, and the public page where locals make them.

A local asks for a workshop that is offered on request (strategic planning, above all); staff
shape it with the local, then create a session restricted to that local from the request. The
rules of the request's life (its statuses, assigning a facilitator, creating the session) are
in ``courses.requests``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..choices import DeliveryFormat, Language, RequestStatus
from ..page_permissions import PrivacyFollowsSource
from .sessions import bump_version

#: The fewest and most participants a local may ask a tailored session for.
MIN_PARTICIPANTS = 1
MAX_PARTICIPANTS = 200

REFERENCE_PREFIX = "REQ"


class SessionRequest(models.Model):
    """A local's request for a tailored session of a workshop offered on request.

    Its status moves new → in review → scheduled → delivered, or to declined, only through
    ``courses.requests``, which logs each change and tells the person who asked. The reference
    ("REQ-2026-0042") is given once the request is saved, from the year it came in and its
    number.
    """

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, null=True, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.NEW,
        db_index=True,
    )
    local = models.ForeignKey(
        "courses.Local",
        verbose_name=_("local"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_requests",
        help_text=_("Empty when the local was not listed: its name is below."),
    )
    local_name_other = models.CharField(
        _("local not listed"),
        max_length=200,
        blank=True,
        help_text=_("The local's name as the person who asked wrote it."),
    )
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_role = models.CharField(_("role in the local"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40)
    workshop = models.ForeignKey(
        "courses.WorkshopPage",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="session_requests",
        limit_choices_to={"offered_on_request": True},
    )
    goals = models.TextField(_("what the local wants to achieve"))
    participants = models.PositiveSmallIntegerField(
        _("expected participants"),
        validators=[MinValueValidator(MIN_PARTICIPANTS), MaxValueValidator(MAX_PARTICIPANTS)],
    )
    date_1 = models.DateField(_("first preferred date"))
    date_2 = models.DateField(_("second preferred date"))
    date_3 = models.DateField(_("third preferred date"), null=True, blank=True)
    delivery_format = models.CharField(
        _("in person or online"),
        max_length=20,
        choices=DeliveryFormat.choices,
        default=DeliveryFormat.IN_PERSON,
    )
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("Where the local would meet, for example its union hall and town."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)

    session = models.OneToOneField(
        "courses.Session",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="session_request",
    )
    assigned_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_session_requests",
    )
    staff_notes = models.TextField(
        _("staff notes"), blank=True, help_text=_("Only education staff see these notes.")
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Goes up by one at every save; see ``Session.version``.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("session request")
        verbose_name_plural = _("session requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants__gte=MIN_PARTICIPANTS)
                & models.Q(participants__lte=MAX_PARTICIPANTS),
                name="session_request_participants_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(local__isnull=False) | ~models.Q(local_name_other=""),
                name="session_request_names_a_local",
            ),
        ]

    def __str__(self):
        return f"{self.reference or _('New request')}: {self.local_display}"

    def save(self, *args, **kwargs):
        bump_version(self, kwargs)
        super().save(*args, **kwargs)
        if not self.reference:
            self.reference = self.make_reference()
            type(self).objects.filter(pk=self.pk).update(reference=self.reference)

    def make_reference(self):
        """ "REQ-<year received>-<number, at least four digits>", unique because the number is."""
        year = timezone.localtime(self.created_at).year
        return f"{REFERENCE_PREFIX}-{year}-{self.pk:04d}"

    @property
    def local_display(self):
        """The local's number and name, or the name given for a local that was not listed."""
        if self.local_id:
            return str(self.local)
        return _("%(name)s (not listed)") % {"name": self.local_name_other}

    @property
    def preferred_dates(self):
        return [day for day in (self.date_1, self.date_2, self.date_3) if day]

    @property
    def is_online(self):
        return self.delivery_format == DeliveryFormat.ONLINE

    @property
    def is_open(self):
        """Still waiting for staff to act: new or in review."""
        return self.status in (RequestStatus.NEW, RequestStatus.IN_REVIEW)


class SessionRequestPage(PrivacyFollowsSource, RoutablePageMixin, Page):
    """The public form at /request-a-session/ where a local asks for a tailored session.

    Staff edit its introduction and the thank-you text shown once a request is sent, and choose
    the workshop the form suggests first (any workshop offered on request can be asked for).
    """

    introduction = RichTextField(
        _("introduction"), blank=True, features=["h2", "h3", "bold", "italic", "ul", "ol", "link"]
    )
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "ul", "ol", "link"],
        help_text=_("Shown once a request is sent, above its reference number."),
    )
    default_workshop = models.ForeignKey(
        "courses.WorkshopPage",
        verbose_name=_("workshop suggested first"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"offered_on_request": True},
        help_text=_("Chosen in the form unless a link names another workshop."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("default_workshop"),
        FieldPanel("thank_you_text"),
    ]

    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("session request form")

    #: The views that answer the page's two addresses, called with the request and the page.
    #: They are named, not imported: they need the forms and the rest of the app, which need
    #: the models.
    form_view = "courses.requests.views.session_request_form"
    thanks_view = "courses.requests.views.session_request_thanks"

    @path("")
    def request_form(self, request):
        return import_string(self.form_view)(request, self)

    @path("thanks/")
    def thanks(self, request):
        return import_string(self.thanks_view)(request, self)
