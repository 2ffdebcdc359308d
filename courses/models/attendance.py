"""Who came to a session, and for how long: the record completion is derived from."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import AttendanceStatus
from .sessions import Enrollment, SessionPart


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
