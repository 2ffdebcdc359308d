"""Staff reports and the admin dashboard at the size of a large division's year.

About 1,000 locals, 400 facilitators, 1,500 sessions (two thirds delivered and marked),
15,000 members, 30,000 enrolments, certificates for the completions and a few hundred requests
from locals, all written with ``bulk_create``. Each report page and the dashboard is fetched by
a staff member, once to warm up and then three times; the median is printed. The number of
queries must stay within the budgets the report tests assert on small data; times are printed,
never asserted.
"""

import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from certificates.choices import CertificateKind, CertificateStatus
from certificates.models import Certificate
from courses.choices import AttendanceStatus, Audience, EnrollmentStatus, Language, SessionStatus
from courses.models import (
    Attendance,
    Division,
    Enrollment,
    Local,
    Participant,
    Sector,
    Session,
    SessionPart,
    SessionRequest,
)
from courses.roles import FACILITATORS_GROUP, STAFF_GROUP
from facilitators.models import Facilitator
from tests.factories import ProgramFactory, SessionRequestFactory, WorkshopPageFactory

TORONTO = ZoneInfo("America/Toronto")
LOCALS = 1_000
FACILITATORS = 400
SESSIONS = 1_500
PARTICIPANTS = 15_000
ENROLMENTS_PER_SESSION = 20  # 30,000 enrolments
CAPACITY = 18
REQUESTS = 300
ROUNDS = 3
BATCH = 2_000

#: The budgets of tests/courses/test_reports.py, tests/certificates/test_reports.py and
#: tests/courses/test_dashboard.py.
PAGES = [
    ("Enrolment and attendance", "/admin/education-reports/sessions/", 18),
    ("Completions by local", "/admin/education-reports/completions/", 18),
    ("Facilitator activity", "/admin/education-reports/facilitators/", 18),
    ("Demand", "/admin/education-reports/demand/", 18),
    ("Certificates", "/admin/certificate-reports/", 18),
    ("Dashboard", "/admin/", 40),
]


def bulk(model, objects):
    return model.objects.bulk_create(objects, batch_size=BATCH)


def build_year(catalogue):
    """A large division's year of education, written in bulk. Returns the staff member."""
    programs = [ProgramFactory(title="Bargaining Program"), ProgramFactory(title="Local Officers")]
    workshops = [
        WorkshopPageFactory(
            parent=catalogue,
            title=f"Workshop {number}",
            program=programs[number % 3] if number % 3 < 2 else None,
            audience=Audience.ALL_MEMBERS,
        )
        for number in range(12)
    ]
    divisions = bulk(Division, [Division(name=f"Division {n}", code=f"D{n}") for n in range(8)])
    sectors = bulk(Sector, [Sector(name=f"Sector {n}") for n in range(9)])
    bulk(
        Local,
        [
            Local(
                number=str(10_000 + n),
                name=f"Local {10_000 + n}",
                city="Toronto",
                division=divisions[n % len(divisions)],
                sector=sectors[n % len(sectors)],
            )
            for n in range(LOCALS)
        ],
    )
    local_ids = list(Local.objects.order_by("pk").values_list("pk", flat=True))

    User = get_user_model()
    bulk(
        User,
        [
            User(
                username=f"facilitator{n}",
                email=f"facilitator{n}@example.org",
                first_name="Facilitator",
                last_name=f"{n:04d}",
            )
            for n in range(FACILITATORS)
        ],
    )
    facilitator_users = list(User.objects.filter(username__startswith="facilitator").order_by("pk"))
    group = Group.objects.get(name=FACILITATORS_GROUP)
    group.user_set.add(*facilitator_users)
    bulk(Facilitator, [Facilitator(user=user) for user in facilitator_users])

    year_start = datetime(2025, 1, 6, 9, tzinfo=TORONTO)
    now = timezone.now()
    sessions = []
    for n in range(SESSIONS):
        starts = year_start + timedelta(days=(n * 365) // SESSIONS)
        delivered = n % 3 != 0
        status = SessionStatus.DELIVERED if delivered else SessionStatus.SCHEDULED
        if n % 50 == 0:
            status = SessionStatus.CANCELLED
        sessions.append(
            Session(
                workshop=workshops[n % len(workshops)],
                language=Language.FRENCH if n % 4 == 0 else Language.ENGLISH,
                starts_at=starts,
                ends_at=starts + timedelta(hours=6),
                venue="Union hall",
                city="Toronto",
                capacity=CAPACITY,
                restricted_to_local_id=local_ids[n % LOCALS] if n % 10 == 0 else None,
                status=status,
            )
        )
    sessions = bulk(Session, sessions)
    bulk(
        SessionPart,
        [SessionPart(session=s, starts_at=s.starts_at, ends_at=s.ends_at) for s in sessions],
    )
    Through = Session.facilitators.through
    bulk(
        Through,
        [
            Through(session_id=s.pk, user_id=facilitator_users[(n * 7) % FACILITATORS].pk)
            for n, s in enumerate(sessions)
        ]
        + [
            Through(session_id=s.pk, user_id=facilitator_users[(n * 7 + 1) % FACILITATORS].pk)
            for n, s in enumerate(sessions)
            if n % 2
        ],
    )

    bulk(
        Participant,
        [
            Participant(
                name=f"Member {n}",
                email=f"member{n}@example.org",
                local_id=local_ids[n % LOCALS],
            )
            for n in range(PARTICIPANTS)
        ],
    )
    participant_ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True))

    enrolments = []
    for n, session in enumerate(sessions):
        for seat in range(ENROLMENTS_PER_SESSION):
            if seat < CAPACITY - 2:
                status = EnrollmentStatus.CONFIRMED
            elif seat < CAPACITY:
                status = EnrollmentStatus.CANCELLED
            else:
                status = EnrollmentStatus.WAITLISTED
            delivered = session.status == SessionStatus.DELIVERED
            enrolments.append(
                Enrollment(
                    participant_id=participant_ids[
                        (n * ENROLMENTS_PER_SESSION + seat * 7919) % PARTICIPANTS
                    ],
                    session=session,
                    status=status,
                    source="self",
                    created_at=session.starts_at - timedelta(days=20),
                    confirmed_at=session.starts_at - timedelta(days=20),
                    completed=delivered and status == EnrollmentStatus.CONFIRMED and seat % 8 != 0,
                )
            )
    enrolments = bulk(Enrollment, enrolments)

    by_session = {session.pk: session for session in sessions}
    marks = []
    for enrolment in enrolments:
        session = by_session[enrolment.session_id]
        if session.status != SessionStatus.DELIVERED:
            continue
        if enrolment.status != EnrollmentStatus.CONFIRMED:
            continue
        if enrolment.completed:
            status, hours = AttendanceStatus.PRESENT, Decimal(6)
        else:
            status, hours = AttendanceStatus.ABSENT, Decimal(0)
        marks.append(
            Attendance(
                enrollment=enrolment,
                status=status,
                hours_attended=hours,
                marked_at=session.ends_at,
            )
        )
    bulk(Attendance, marks)

    bulk(
        Certificate,
        [
            Certificate(
                kind=CertificateKind.WORKSHOP,
                participant_id=enrolment.participant_id,
                enrollment=enrolment,
                workshop_id=by_session[enrolment.session_id].workshop_id,
                session_id=enrolment.session_id,
                holder_name="Member",
                title="Workshop",
                hours=Decimal(6),
                completed_on=timezone.localdate(by_session[enrolment.session_id].starts_at),
                language=Language.ENGLISH,
                issued_at=by_session[enrolment.session_id].ends_at,
                status=CertificateStatus.REVOKED if n % 200 == 0 else CertificateStatus.VALID,
                revoked_at=now if n % 200 == 0 else None,
                revoked_reason="Issued in error." if n % 200 == 0 else "",
            )
            for n, enrolment in enumerate(e for e in enrolments if e.completed)
        ],
    )

    on_request = WorkshopPageFactory(
        parent=catalogue, title="Strategic planning", offered_on_request=True
    )
    bulk(
        SessionRequest,
        [
            SessionRequestFactory.build(
                local_id=local_ids[(n * 13) % LOCALS], workshop=on_request, created_at=now
            )
            for n in range(REQUESTS)
        ],
    )

    staff = User.objects.create_user("bench-staff", "bench-staff@example.org", "x")
    staff.groups.add(Group.objects.get(name=STAFF_GROUP))
    return staff


def measure(client, url):
    """(median seconds over ``ROUNDS`` warm fetches, queries of the last fetch, status)."""
    client.get(url)
    seconds = []
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), len(queries.captured_queries), response.status_code


@pytest.mark.django_db
def test_reports_at_a_large_divisions_size(client, catalogue, report):
    started = time.perf_counter()
    staff = build_year(catalogue)
    built = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # A live database has statistics on its tables (autovacuum gathers them); rows written
        # a moment ago in this transaction have none until they are analysed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client.force_login(staff)

    rows = []
    for title, url, budget in PAGES:
        seconds, queries, status = measure(client, url)
        rows.append([title, url, f"{seconds * 1000:.0f}", queries])
        assert status == 200, title
        assert queries <= budget, title

    assert Enrollment.objects.count() == SESSIONS * ENROLMENTS_PER_SESSION
    report(
        f"Reports at a large division's size (data built in {built:.0f} s: {LOCALS} locals, "
        f"{FACILITATORS} facilitators, {SESSIONS} sessions, {PARTICIPANTS} members, "
        f"{SESSIONS * ENROLMENTS_PER_SESSION} enrolments, {Attendance.objects.count()} marks, "
        f"{Certificate.objects.count()} certificates, {REQUESTS} requests)",
        ["page", "URL", "median ms (warm, 3 fetches)", "queries"],
        rows,
    )
