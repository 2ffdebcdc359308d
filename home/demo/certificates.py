"""Certificates in the demo: the sessions that have taken place are closed, and one certificate
is revoked.

The demo schedule's past sessions (``sessions.SESSIONS`` with negative ``days``) have their
attendance marked when they are created. Here each one is closed by the facilitator who took
its attendance, with ``courses.attendance.close_session``, as on the roster: completion is
recorded and everyone is emailed their outcome. Closing sends ``session_closed`` once the
transaction commits, and the certificates app issues the certificates then; the loader issues
them at once instead (issuing is idempotent, so the signal's turn finds nothing left to do),
so that a certificate can be revoked in the same transaction.

The demo member completes both required workshops of Local Executive Training in those
sessions, so they hold two workshop certificates and the program's certificate. Staff revoke
one certificate of another member, with a reason, for the verification page to show.

Only past demo sessions still scheduled and fully marked are closed; a certificate is revoked
only if the demo's revocation is not on record yet. Loading again changes nothing.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from certificates.choices import CertificateStatus
from certificates.issuing import issue_for_session, revoke
from certificates.models import Certificate
from courses.attendance.rules import close_session, unmarked_enrollments
from courses.choices import SessionStatus
from courses.models import Session

from . import sessions, union
from .data import content

#: The workshop of the revoked certificate, and why staff revoked it.
REVOKED_WORKSHOP = "analyzing-your-collective-agreement"
REVOKED_REASON = content("certificates")["revoked"]["reason"]
#: Who revokes it.
REVOKED_BY = "staff"


def load_certificates(created):
    """Close the past demo sessions (issuing their certificates) and revoke one certificate."""
    for session, closer in past_sessions_to_close():
        close_session(session.pk, user=closer)
        created["sessions closed"] += 1
        created["certificates"] += len(issue_for_session(session.pk, user=closer))
    created["revoked certificates"] += revoke_demo_certificate()


def past_sessions_to_close():
    """``(session, facilitator)`` for each past demo session still open, oldest first.

    A session someone has not been marked in is left for its facilitators, like any session
    the demo did not make.
    """
    today = timezone.localdate()
    User = get_user_model()
    taker = User.objects.filter(username=sessions.ATTENDANCE_TAKER).first()
    found = []
    for plan in sessions.SESSIONS:
        if plan.days >= 0:
            continue
        candidates = Session.objects.filter(
            workshop__slug=plan.workshop,
            venue=plan.venue,
            city=plan.city,
            language=plan.language,
            online_url=plan.online_url,
            status=SessionStatus.SCHEDULED,
            starts_at__date__lt=today,
        ).prefetch_related("facilitators")
        for session in candidates:
            if unmarked_enrollments(session).exists():
                continue
            team = sorted(session.facilitators.all(), key=lambda user: user.username)
            if not team:
                continue
            found.append((session, taker if taker in team else team[0]))
    return sorted(found, key=lambda pair: (pair[0].starts_at, pair[0].pk))


def revoke_demo_certificate():
    """Revoke a valid certificate of the ``REVOKED_WORKSHOP`` session held by someone other
    than the demo member, once. Returns how many were revoked (0 or 1)."""
    if Certificate.objects.filter(
        status=CertificateStatus.REVOKED, revoked_reason=REVOKED_REASON
    ).exists():
        return 0
    certificate = (
        Certificate.objects.valid()
        .filter(workshop__slug=REVOKED_WORKSHOP, session__isnull=False)
        .exclude(participant__email__iexact=union.MEMBER["email"])
        .order_by("holder_name", "pk")
        .first()
    )
    staff = get_user_model().objects.filter(username=REVOKED_BY).first()
    if certificate is None or staff is None:
        return 0
    revoke(certificate.pk, reason=REVOKED_REASON, user=staff)
    return 1
