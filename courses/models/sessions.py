"""Scheduled deliveries of workshops, the members who take part, and their enrolments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from ..admin_widgets import InlinePanel
from ..choices import EnrollmentSource, EnrollmentStatus, Language, SessionStatus, TimeZone
from ..timezones import format_in_zone, in_zone, zone_abbreviation, zone_named
from ..validators import check_within_calendar


class ParticipantQuerySet(models.QuerySet):
    def with_email(self, address):
        """The participant with this email ``address``, in any case (a queryset of one at
        most). Compared as the unique index ``unique_participant_email_ci`` stores addresses,
        folded to lower case by the database, so that the index finds the row."""
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=Lower(Value(address or "", output_field=models.CharField()))
        )


class Participant(models.Model):
    """A member who takes part in sessions. Needs no account: signing in by link attaches one.

    Members are found in the admin by the database's own search, so they are kept out of the
    site's search index, and out of Wagtail's reference index: nobody asks what refers to a
    member, and saving one queues no background work (an enrolment queues only its email).
    """

    wagtail_reference_index_ignore = True

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
    local_confirmed = models.BooleanField(
        _("membership confirmed"),
        default=False,
        help_text=_(
            "The union has confirmed that this person belongs to this local. Only confirmed "
            "members may enrol themselves in a session restricted to their local."
        ),
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

    objects = ParticipantQuerySet.as_manager()

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


def bump_version(instance, save_kwargs):
    """Count one more version of a saved ``instance`` (called from its ``save``)."""
    if instance.pk is not None and not save_kwargs.get("force_insert"):
        instance.version += 1
        update_fields = save_kwargs.get("update_fields")
        if update_fields is not None:
            save_kwargs["update_fields"] = {*update_fields, "version"}


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Scheduled sessions that have not started yet, soonest first."""
        now = now or timezone.now()
        return self.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).order_by("starts_at")

    def open_to_public(self):
        """Sessions anyone may see listed: not restricted to one local."""
        return self.filter(restricted_to_local__isnull=True)

    def with_counts(self):
        """Annotate ``confirmed_count``, ``offered_count`` (seats kept for someone to accept)
        and ``waitlisted_count`` in the same query."""
        return self.annotate(
            confirmed_count=models.Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.CONFIRMED)
            ),
            offered_count=models.Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.OFFERED)
            ),
            waitlisted_count=models.Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)
            ),
        )

    def with_counts_per_row(self):
        """The annotations of :meth:`with_counts`, each counted by a subquery of the session's
        own enrolments, which the database evaluates only for the rows it returns: for the
        first few sessions of a long list (``[:12]``), where :meth:`with_counts` would count
        the enrolments of every session before keeping the first few."""
        return self.annotate(
            confirmed_count=_enrolments_counted(EnrollmentStatus.CONFIRMED),
            offered_count=_enrolments_counted(EnrollmentStatus.OFFERED),
            waitlisted_count=_enrolments_counted(EnrollmentStatus.WAITLISTED),
        )


def _enrolments_counted(status):
    """How many enrolments of the outer query's session have ``status`` (a subquery)."""
    counted = (
        Enrollment.objects.filter(session=models.OuterRef("pk"), status=status)
        .order_by()
        .values("session")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), 0)


class Session(ClusterableModel):
    """One scheduled delivery of a workshop, over one or more parts (days or half-days).

    The admin finds sessions by the database's own search, so they are not in the site's search
    index (saving a session queues no index update).

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
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TimeZone.choices,
        default=TimeZone.EASTERN,
        help_text=_(
            "Where the session is held (an online session: where most people taking part are). "
            "Its times are shown and emailed in this zone."
        ),
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
    offer_hours = models.PositiveIntegerField(
        _("hours to accept a freed place"),
        null=True,
        blank=True,
        help_text=_(
            "When a place frees up, the first person waiting has this long to accept it before "
            "it goes to the next. Empty: the place is theirs at once."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Goes up by one at every save, so that an edit form opened before someone else saved can
    #: tell that it is out of date instead of overwriting their change.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = SessionQuerySet.as_manager()

    panels = [
        FieldPanel("workshop"),
        FieldPanel("time_zone"),
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
        FieldPanel("offer_hours"),
        FieldPanel("facilitators"),
        FieldPanel("restricted_to_local"),
        FieldPanel("status"),
    ]

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        first_day = self.first_day()
        when = first_day.isoformat() if first_day else "?"
        return f"{self.workshop.title} ({when}, {self.get_language_display()})"

    def save(self, *args, **kwargs):
        self.sync_span_from_parts()
        bump_version(self, kwargs)
        super().save(*args, **kwargs)

    def sync_span_from_parts(self):
        """Set ``starts_at``/``ends_at`` from the parts (saved or still in memory)."""
        parts = [part for part in self.parts.all() if part.starts_at and part.ends_at]
        if parts:
            self.starts_at = min(part.starts_at for part in parts)
            self.ends_at = max(part.ends_at for part in parts)

    def clean(self):
        super().clean()
        try:
            check_within_calendar(self.registration_deadline)
        except ValidationError as error:
            raise ValidationError({"registration_deadline": error}) from None
        if self.workshop_id and self.workshop.offered_on_request and not self.restricted_to_local:
            raise ValidationError(
                {
                    "restricted_to_local": _(
                        "%(workshop)s is offered on request: choose the local it is for."
                    )
                    % {"workshop": self.workshop.title}
                }
            )

    # Its times where it happens (see ``courses.timezones``)

    @property
    def zone(self):
        """The ``ZoneInfo`` of the session's time zone."""
        return zone_named(self.time_zone)

    def local(self, value):
        """``value`` (an aware datetime) as a local time of the session's zone, which
        templates show as it is."""
        return in_zone(value, self.zone)

    @property
    def local_starts_at(self):
        return self.local(self.starts_at)

    @property
    def local_ends_at(self):
        return self.local(self.ends_at)

    @property
    def local_registration_deadline(self):
        return self.local(self.registration_deadline)

    @property
    def zone_abbreviation(self):
        """How its zone is written after a time ("PT"), as at its start."""
        return zone_abbreviation(self.starts_at or timezone.now(), self.zone)

    def format_local(self, value, format_name="DATETIME_FORMAT"):
        """``value`` in the session's zone, in the active language, with the zone: "Nov. 2,
        2026, 9 a.m. PT"."""
        return format_in_zone(value, self.zone, format_name)

    def first_day(self):
        """The date of the session's first part, in its time zone (None before it has one)."""
        return self.local_starts_at.date() if self.starts_at else None

    def last_day(self):
        """The date of the session's last part, in its time zone: the date its completion is
        dated, whenever the session was closed."""
        return self.local_ends_at.date() if self.ends_at else None

    @property
    def closes_at(self):
        """When enrolment closes: the deadline, or the start."""
        return self.registration_deadline or self.starts_at

    def is_registration_open(self, now=None):
        now = now or timezone.now()
        return self.status == SessionStatus.SCHEDULED and now < self.closes_at

    @property
    def seats_taken(self):
        """Seats confirmed or offered (uses the ``with_counts()`` annotations when present)."""
        confirmed = getattr(self, "confirmed_count", None)
        offered = getattr(self, "offered_count", None)
        if confirmed is None or offered is None:
            return self.enrollments.filter(
                status__in=(EnrollmentStatus.CONFIRMED, EnrollmentStatus.OFFERED)
            ).count()
        return confirmed + offered

    @property
    def places_left(self):
        """Free seats, never below zero: a seat offered to someone is not free."""
        return max(self.capacity - self.seats_taken, 0)

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
        start, end = self.local_starts_at, self.local_ends_at
        if start is None or end is None:
            return "?"
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} {zone_abbreviation(start)}"

    @property
    def zone(self):
        """The ``ZoneInfo`` of its session's time zone."""
        try:
            return self.session.zone
        except Session.DoesNotExist:
            return zone_named("")

    @property
    def local_starts_at(self):
        """When it starts, as a local time of the session's zone (shown as it is)."""
        return in_zone(self.starts_at, self.zone)

    @property
    def local_ends_at(self):
        return in_zone(self.ends_at, self.zone)

    def clean(self):
        errors = {}
        for name in ("starts_at", "ends_at"):
            try:
                check_within_calendar(getattr(self, name))
            except ValidationError as error:
                errors[name] = error
        if errors:
            raise ValidationError(errors)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})


class Enrollment(models.Model):
    """A participant's place in a session: confirmed, waitlisted or cancelled.

    Cancelling is a status, never a delete. At most one active (not cancelled) enrolment per
    participant and session, enforced by the database. Kept out of Wagtail's reference index
    like :class:`Participant`: its session and participant are protected from deletion by the
    database itself.
    """

    wagtail_reference_index_ignore = True

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
    offered_until = models.DateTimeField(
        _("offer open until"),
        null=True,
        blank=True,
        help_text=_("For a place offered from the waitlist: when the offer lapses."),
    )
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


class PendingEnrollment(models.Model):
    """An enrolment asked for on the public form, waiting for the owner of the address to
    confirm it from the link emailed there.

    Nothing is stored on a participant and no seat is taken until then: the seat is allocated
    at confirmation, under the session's lock. The link carries the row's key signed with the
    site's secret key, so the database alone cannot make one; the row is deleted when it is
    confirmed or once it expires, which is what makes the link work only once.
    """

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="pending_enrollments",
    )
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200)
    local = models.ForeignKey(
        "courses.Local",
        verbose_name=_("local"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    childcare_needs = models.TextField(_("child-care needs"), blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment waiting for confirmation")
        verbose_name_plural = _("enrolments waiting for confirmation")

    def __str__(self):
        return f"{self.email}: {self.session}"

    def has_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at
