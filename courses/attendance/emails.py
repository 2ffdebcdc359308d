"""The email that tells each participant, once their session is closed, whether they completed
the workshop and for how many hours, in their own language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from django_tasks import task

from ..choices import TaskPriority
from ..mail import absolute_url
from ..models import Enrollment


def send_outcome_email(enrollment):
    """Email the participant the outcome recorded for this enrolment when its session closed."""
    participant = enrollment.participant
    session = enrollment.session
    attendance = getattr(enrollment, "attendance", None)
    with translation.override(participant.preferred_language or settings.LANGUAGE_CODE):
        if enrollment.completed:
            subject = _("Workshop completed: %(workshop)s")
        else:
            subject = _("Your attendance: %(workshop)s")
        # The workshop as the participant reads it: its page in their language.
        workshop = session.workshop.in_language()
        context = {
            "participant": participant,
            "session": session,
            "workshop": workshop,
            "enrollment": enrollment,
            "completed": enrollment.completed,
            "hours": attendance.hours_attended if attendance else 0,
            "workshop_url": absolute_url(workshop.url or "/"),
            "my_learning_url": absolute_url(reverse("courses:my_learning")),
        }
        subject = subject % {"workshop": workshop.title}
        text = render_to_string("courses/emails/outcome.txt", context)
        html = render_to_string("courses/emails/outcome.html", context)
    email = EmailMultiAlternatives(subject, text, to=[participant.email])
    email.attach_alternative(html, "text/html")
    email.send()
    return email


@task(priority=TaskPriority.EMAIL)
def send_outcome_email_task(enrollment_id):
    """Background job: :func:`send_outcome_email` for this enrolment."""
    enrollment = Enrollment.objects.select_related(
        "participant", "session__workshop", "attendance"
    ).get(pk=enrollment_id)
    send_outcome_email(enrollment)
