"""Who came to a session, and for how long: the record completion is derived from."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import AttendanceStatus, OfflineMarkKind, OfflineOutcome
from .sessions import Enrollment, Session, SessionPart


class Mark(models.Model):
    """What a facilitator records of someone's attendance: the mark, the hours it counts and
    when it was made (who made it is each model's own link)."""

    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    hours_attended = models.DecimalField(
        _("hours attended"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)

    class Meta:
        abstract = True


class Attendance(Mark):
    """How a confirmed participant attended their session, as marked by a facilitator.

    One per enrolment, changed in place when a facilitator corrects a mark; every mark and every
    change is kept in the enrolment's history (see ``courses.attendance``).
    """

    enrollment = models.OneToOneField(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance_marks",
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_attended__gte=0), name="attendance_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.participant.name}: {self.get_status_display()}"

    def clean(self):
        super().clean()
        if self.hours_attended is None or not self.enrollment_id:
            return
        duration = self.enrollment.session.workshop.duration_hours
        if self.hours_attended > duration:
            raise ValidationError(
                {
                    "hours_attended": _("The workshop lasts %(hours)s hours: enter no more.")
                    % {"hours": duration}
                }
            )


class AttendanceDay(Mark):
    """How a participant attended one part (a day or half-day) of a session of several parts.

    The enrolment's :class:`Attendance` sums them up: its hours are the hours across the parts,
    which is what completion counts.
    """

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="attendance_days",
    )
    part = models.ForeignKey(
        SessionPart,
        verbose_name=_("date and time"),
        on_delete=models.CASCADE,
        related_name="attendance_days",
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["part__starts_at", "pk"]
        verbose_name = _("attendance on one day")
        verbose_name_plural = _("attendance by day")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "part"], name="one_attendance_per_enrolment_and_part"
            ),
            models.CheckConstraint(
                condition=Q(hours_attended__gte=0), name="attendance_day_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment.participant.name}, {self.part}: {self.get_status_display()}"


class OfflineMark(models.Model):
    """A mark or a walk-in made on a phone without a signal, as the phone sent it once it had
    one, and what became of it (see ``courses.attendance.sync``).

    Every item received is kept, whatever its outcome: the ``key`` the phone gave it makes a
    retry answer what the first sending was answered instead of recording it again, and the
    education staff find here the marks that were refused (sent after the session was closed,
    for someone not on its roster ...).
    """

    #: Given by the phone, unique to the item: what makes sending it again harmless.
    key = models.UUIDField(_("key"), unique=True, editable=False)
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="offline_marks",
    )
    #: The enrolment marked (for a walk-in: the one it added), when the item named one of the
    #: session's.
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offline_marks",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OfflineMarkKind.choices)
    #: The item as the phone sent it.
    payload = models.JSONField(_("sent"), default=dict)
    outcome = models.CharField(
        pgettext_lazy("what became of a mark", "outcome"),
        max_length=20,
        choices=OfflineOutcome.choices,
    )
    message = models.TextField(_("message"), blank=True)
    #: What the phone was answered (status, hours and time of the mark recorded), answered
    #: again to a retry.
    answer = models.JSONField(_("answer"), default=dict)
    #: When the mark was made, by the phone's clock, as it sent it.
    marked_at = models.DateTimeField(_("marked on the phone"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("offline mark")
        verbose_name_plural = _("offline marks")
        # Only seen: they are records of what phones sent.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["session", "outcome"], name="offline_mark_session_outcome"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}: {self.get_outcome_display()}"
