"""Issuing under real parallelism: the same closed session's certificates issued by several
callers at the same moment (a retried receiver, a second worker, staff issuing by hand).

The attempts run in threads with their own database connections (see ``tests.concurrency``),
so they collide in PostgreSQL as the processes of a production site would. The participants'
row locks in ``certificates.issuing`` make every completion get exactly one certificate and
every program completion one program certificate; without the locks (the control), the
database constraints still refuse the duplicates, and the callers that lost the race issue
nothing instead of failing.
"""

from collections import Counter

import pytest

from certificates import issuing
from certificates.choices import CertificateKind
from certificates.issuing import issue_for_enrollment, issue_for_session
from certificates.models import Certificate
from courses.choices import SessionStatus
from courses.models import Enrollment, ProgramRequirement
from tests.certificates.builders import days_ago
from tests.concurrency import make_participants, needs_postgresql, run_in_parallel
from tests.factories import ProgramFactory, SessionFactory, WorkshopPageFactory

pytestmark = [
    pytest.mark.postgres,
    needs_postgresql,
    # Committed data, so that every thread's connection sees it; the flush after each test
    # removes the migrated content (Wagtail's root page, the groups), which is restored first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMPLETIONS = 30
#: Callers issuing the same session's certificates at once.
WORKERS = 8


@pytest.fixture(autouse=True)
def no_renders(monkeypatch):
    """What this proves is decided in the database: PDFs and emails are left out."""
    monkeypatch.setattr(issuing, "_queue_after_issue", lambda certificate_id: None)


@pytest.fixture
def duplicates(monkeypatch):
    """The certificates the database refused as a second one for the same completion."""
    refused = []
    monkeypatch.setattr(issuing, "_refused_as_duplicate", refused.append)
    return refused


@pytest.fixture
def program_and_session(catalogue):
    """A two-workshop program with a certificate; everyone completed its first workshop last
    month, and last week's session of its second workshop has just closed with everyone
    completing it."""
    program = ProgramFactory(title="Local Executive Training", issues_certificate=True)
    first, second = (
        WorkshopPageFactory(parent=catalogue, title=title, program=program)
        for title in ("Running a Local", "Local Finances")
    )
    for order, workshop in enumerate((first, second)):
        ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=order)
    participants = make_participants(COMPLETIONS, prefix="graduate")
    earlier = SessionFactory(workshop=first, start=days_ago(30), status=SessionStatus.DELIVERED)
    session = SessionFactory(workshop=second, start=days_ago(7), status=SessionStatus.DELIVERED)
    for past in (earlier, session):
        Enrollment.objects.bulk_create(
            Enrollment(participant=participant, session=past, status="confirmed", completed=True)
            for participant in participants
        )
    return program, session


def issue_all_at_once(session):
    """``WORKERS`` callers issue the session's certificates together, and as many more issue
    each enrolment's by hand at the same time."""
    enrollment_ids = list(session.enrollments.values_list("pk", flat=True))
    attempts = [("session", session.pk)] * WORKERS + [("enrollment", pk) for pk in enrollment_ids]

    def attempt(_state, argument):
        kind, pk = argument
        if kind == "session":
            return issue_for_session(pk)
        issue_for_enrollment(pk, user=None)
        return []

    return run_in_parallel(attempt, attempts, workers=WORKERS * 2)


def assert_one_certificate_per_completion(session, program):
    workshop_certificates = Counter(
        Certificate.objects.filter(kind=CertificateKind.WORKSHOP).values_list(
            "enrollment_id", flat=True
        )
    )
    assert set(workshop_certificates) == set(session.enrollments.values_list("pk", flat=True))
    assert set(workshop_certificates.values()) == {1}
    program_certificates = Counter(
        Certificate.objects.filter(kind=CertificateKind.PROGRAM, program=program).values_list(
            "participant_id", flat=True
        )
    )
    assert len(program_certificates) == COMPLETIONS
    assert set(program_certificates.values()) == {1}


def test_parallel_issuing_issues_each_certificate_once(program_and_session, duplicates):
    program, session = program_and_session

    run = issue_all_at_once(session)

    assert [outcome.error for outcome in run.errors] == []
    assert_one_certificate_per_completion(session, program)
    # The locks kept every caller from even trying to issue what another had issued.
    assert duplicates == []
    issued_by_sessions = [
        certificate.pk
        for outcome in run.outcomes
        if outcome.argument[0] == "session"
        for certificate in outcome.value
    ]
    assert len(issued_by_sessions) == len(set(issued_by_sessions))


def test_without_the_locks_the_constraints_still_refuse_duplicates(
    program_and_session, duplicates, monkeypatch
):
    """The control: with the row locks off, parallel callers decide to issue the same
    certificates (the race is real: it happens on every run, hundreds of times); the database
    refuses the second of each, and those callers issue nothing instead of failing."""
    monkeypatch.setattr(issuing, "LOCK_PARTICIPANTS", False)
    program, session = program_and_session

    run = issue_all_at_once(session)

    assert [outcome.error for outcome in run.errors] == []
    assert duplicates
    assert_one_certificate_per_completion(session, program)
