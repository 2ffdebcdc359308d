"""The demo closes its past sessions, so that certificates exist to look at: the demo member holds
workshop certificates and the Local Executive Training program certificate, and another member
holds a revoked one. Today's session stays open for the demo facilitator."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from certificates.choices import CertificateKind, CertificateStatus
from certificates.models import Certificate
from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Session
from home.demo import sessions as demo_sessions

MEMBER_EMAIL = "member@example.org"


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(demo_once, db):
    return demo_once


def past_sessions():
    """The sessions of the demo schedule that took place before today."""
    plans = [plan for plan in demo_sessions.SESSIONS if plan.days < 0]
    matching = Q(pk__in=[])
    for plan in plans:
        matching |= Q(workshop__slug=plan.workshop, venue=plan.venue, city=plan.city)
    return Session.objects.filter(matching, starts_at__date__lt=timezone.localdate())


@pytest.mark.django_db
def test_the_past_demo_sessions_are_closed_and_today_s_stays_open(demo):
    assert past_sessions().count() == len([p for p in demo_sessions.SESSIONS if p.days < 0])
    assert set(past_sessions().values_list("status", flat=True)) == {SessionStatus.DELIVERED}
    today = Session.objects.get(
        starts_at__date=timezone.localdate(), facilitators__username="facilitator"
    )
    assert today.status == SessionStatus.SCHEDULED
    assert not today.certificates.exists()
    closed = ModelLogEntry.objects.filter(action="courses.session.close")
    assert {int(entry.object_id) for entry in closed} >= set(
        past_sessions().values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_everyone_who_completed_a_past_session_holds_its_certificate(demo):
    completed = Enrollment.objects.filter(
        session__in=past_sessions(), status=EnrollmentStatus.CONFIRMED, completed=True
    )
    not_completed = Enrollment.objects.filter(session__in=past_sessions(), completed=False)

    assert completed.exists()
    assert not_completed.exists()
    certified = set(
        Certificate.objects.filter(
            kind=CertificateKind.WORKSHOP, session__in=past_sessions()
        ).values_list("enrollment_id", flat=True)
    )
    assert certified == set(completed.values_list("pk", flat=True))
    assert not certified & set(not_completed.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_demo_member_holds_workshop_and_program_certificates(demo):
    held = Certificate.objects.valid().filter(participant__email__iexact=MEMBER_EMAIL)

    assert held.count() >= 2
    program = held.get(kind=CertificateKind.PROGRAM)
    assert program.program.title == "Local Executive Training"
    assert program.title == "Local Executive Training"
    assert program.holder_name == "Marie Tremblay"
    required = {workshop.pk for workshop in program.program.required_workshops()}
    assert required <= set(
        held.filter(kind=CertificateKind.WORKSHOP).values_list("workshop_id", flat=True)
    )


@pytest.mark.django_db
def test_the_demo_member_holds_a_certificate_wholly_in_french(demo):
    """From the French session of Union Structure and Officers' Roles, held in Laval."""
    [french] = Certificate.objects.valid().filter(
        participant__email__iexact=MEMBER_EMAIL, kind=CertificateKind.WORKSHOP, language="fr"
    )

    assert french.session.language == "fr"
    assert french.title == french.workshop.in_language("fr").title != french.workshop.title
    assert french.local_name.startswith("Section locale ")


@pytest.mark.django_db
def test_another_member_holds_one_revoked_certificate(demo):
    revoked = Certificate.objects.get(status=CertificateStatus.REVOKED)

    assert revoked.participant.email.lower() != MEMBER_EMAIL
    assert revoked.revoked_reason.startswith("Issued by mistake")
    assert revoked.revoked_by.username == "staff"
    assert revoked.revoked_at is not None
    assert ModelLogEntry.objects.filter(
        action="certificates.revoke", object_id=str(revoked.pk)
    ).exists()


@pytest.mark.django_db
def test_the_demo_summary_counts_certificates(demo):
    assert "sessions closed" in demo
    assert f"{Certificate.objects.count()} certificates" in demo
    assert "1 revoked certificates" in demo


@pytest.mark.django_db
def test_loading_again_issues_closes_and_revokes_nothing(demo):
    def state():
        return {
            "certificates": list(
                Certificate.objects.order_by("pk").values_list("pk", "code", "status")
            ),
            "sessions": list(Session.objects.order_by("pk").values_list("pk", "status")),
            "logs": ModelLogEntry.objects.count(),
        }

    before = state()

    output = load_demo()

    assert state() == before
    assert "nothing changed" in output
