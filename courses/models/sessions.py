"""Scheduled deliveries of workshops, the members who take part, and their enrolments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from ..choices import EnrollmentSource, EnrollmentStatus, Language, SessionStatus


class Participant(index.Indexed, models.Model):
    """A member who takes part in sessions. Needs no account: signing in by link attaches one."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    local = models.ForeignKey(
        "courses.Local",
        verbose_name=_("local"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participants",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    search_fields = [
        index.SearchField("name"),
        index.SearchField("email"),
        index.AutocompleteField("name"),
        index.AutocompleteField("email"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_participant_email_ci"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.email = self.email.strip()
        super().save(*args, **kwargs)


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Scheduled sessions that have not started yet, soonest first."""
        now = now or timezone.now()
        return self.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).order_by("starts_at")

    def open_to_public(self):
        """Sessions anyone may see listed: not restricted to one local."""
        return self.filter(restricted_to_local__isnull=True)

    def with_counts(self):
        """Annotate ``confirmed_count`` and ``waitlisted_count`` in the same query."""
        return self.annotate(
            confirmed_count=models.Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.CONFIRMED)
            ),
            waitlisted_count=models.Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)
            ),
        )


class Session(index.Indexed, ClusterableModel):
    """One scheduled delivery of a workshop, over one or more parts (days or half-days).

    ``starts_at`` and ``ends_at`` span all parts; they are kept from the parts on save so that
    listings can sort and filter on them.
    """

    workshop = models.ForeignKey(
        "courses.WorkshopPage",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    starts_at = models.DateTimeField(_("starts"), editable=False, db_index=True)
    ends_at = models.DateTimeField(_("ends"), editable=False)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    online_url = models.URLField(
        _("online meeting link"), blank=True, help_text=_("Leave empty for an in-person session.")
    )
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Enrolment closes at this time. Empty: when the session starts."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        blank=True,
        related_name="facilitated_sessions",
    )
    restricted_to_local = models.ForeignKey(
        "courses.Local",
        verbose_name=_("restricted to local"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restricted_sessions",
        help_text=_("Only members of this local may enrol (tailored sessions)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    panels = [
        FieldPanel("workshop"),
        InlinePanel("parts", label=_("Dates and times"), min_num=1),
        FieldRowPanel([FieldPanel("language"), FieldPanel("capacity")]),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("city"),
                FieldPanel("online_url"),
            ],
            heading=_("Place"),
        ),
        FieldPanel("registration_deadline"),
        FieldPanel("facilitators"),
        FieldPanel("restricted_to_local"),
        FieldPanel("status"),
    ]

    search_fields = [
        index.SearchField("venue"),
        index.SearchField("city"),
        index.RelatedFields("workshop", [index.SearchField("title")]),
        index.FilterField("status"),
        index.FilterField("language"),
        index.FilterField("starts_at"),
    ]

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        local_date = timezone.localtime(self.starts_at) if self.starts_at else None
        when = local_date.strftime("%Y-%m-%d") if local_date else "?"
        return f"{self.workshop.title} ({when}, {self.get_language_display()})"

    def save(self, *args, **kwargs):
        self.sync_span_from_parts()
        super().save(*args, **kwargs)

    def sync_span_from_parts(self):
        """Set ``starts_at``/``ends_at`` from the parts (saved or still in memory)."""
        parts = [part for part in self.parts.all() if part.starts_at and part.ends_at]
        if parts:
            self.starts_at = min(part.starts_at for part in parts)
            self.ends_at = max(part.ends_at for part in parts)

    def clean(self):
        super().clean()
        if self.workshop_id and self.workshop.offered_on_request and not self.restricted_to_local:
            raise ValidationError(
                {
                    "restricted_to_local": _(
                        "%(workshop)s is offered on request: choose the local it is for."
                    )
                    % {"workshop": self.workshop.title}
                }
            )

    @property
    def closes_at(self):
        """When enrolment closes: the deadline, or the start."""
        return self.registration_deadline or self.starts_at

    def is_registration_open(self, now=None):
        now = now or timezone.now()
        return self.status == SessionStatus.SCHEDULED and now < self.closes_at

    @property
    def places_left(self):
        """Free seats, never below zero (uses the ``with_counts()`` annotation when present)."""
        confirmed = getattr(self, "confirmed_count", None)
        if confirmed is None:
            confirmed = self.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count()
        return max(self.capacity - confirmed, 0)

    @property
    def is_online(self):
        return bool(self.online_url)

    def place(self):
        """Where it happens, in one line."""
        if self.is_online:
            return _("Online")
        return ", ".join(part for part in (self.venue, self.city) if part)


class SessionPart(models.Model):
    """One sitting of a session: a full day, or a half-day of a split session."""

    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="parts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    panels = [FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")])]

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("date and time")
        verbose_name_plural = _("dates and times")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_part_ends_after_start",
            )
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})


class Enrollment(models.Model):
    """A participant's place in a session: confirmed, waitlisted or cancelled.

    Cancelling is a status, never a delete. At most one active (not cancelled) enrolment per
    participant and session, enforced by the database.
    """

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(_("status"), max_length=20, choices=EnrollmentStatus.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=EnrollmentSource.choices, default=EnrollmentSource.SELF
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    childcare_needs = models.TextField(_("child-care needs"), blank=True)
    created_at = models.DateTimeField(_("enrolled"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "session"],
                condition=~Q(status=EnrollmentStatus.CANCELLED),
                name="unique_active_enrollment",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self):
        return f"{self.participant.name}: {self.session} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status != EnrollmentStatus.CANCELLED

    def member_can_cancel(self, now=None):
        """Members may cancel (or leave the waitlist) until their session starts."""
        now = now or timezone.now()
        return (
            self.is_active
            and self.session.status == SessionStatus.SCHEDULED
            and self.session.starts_at > now
        )
