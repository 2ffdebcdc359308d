"""A national union's year of education as a data set, and the pages that serve it.

:func:`build_union_year` writes, mostly with ``bulk_create``, what a large union's education
program holds after a year: divisions, sectors and locals, members, facilitators, a catalogue
of about fifteen workshops in programs, sessions delivered over the past year and sessions
scheduled for the months to come, enrolments (confirmed, waitlisted, cancelled), attendance
marks, completions and their certificates, and requests from locals for tailored sessions.
At ``scale=1`` it is the full year:

===================== ========
members                 30,000
locals                   1,000
facilitators               400
sessions to come           500
sessions held            1,500
enrolments              60,000
===================== ========

and every figure is multiplied by ``scale`` for smaller sets (the test suite uses 1/60 and
1/30). No signal handler runs and no task is queued: the rows are those the application would
have written, and valid for every page that shows them (each session has its part, each
completion its mark and its certificate, facilitators are in the Facilitators group and have
a profile).

A few rows are there for the pages measured on it (:class:`UnionYear`): a member with a long
history of sessions who signs in, a session under way today whose roster is full, taught by a
facilitator who signs in, an upcoming session with free seats to enrol in, and a valid
certificate to verify.

:func:`probes` lists those pages, public and admin, each as a request to make with Django's
test client, and the bare Wagtail page they are compared with; the benchmark
(``test_scale_bench.py``) times them and the suite
(``tests/education/test_query_counts_at_scale.py``) counts their queries.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import F
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, Site

from certificates.choices import CertificateKind, CertificateStatus
from certificates.models import Certificate, CertificateTemplate
from courses.choices import (
    AttendanceStatus,
    Audience,
    EnrollmentSource,
    EnrollmentStatus,
    Language,
    SessionStatus,
)
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
from courses.reports.views import REPORTS
from courses.roles import FACILITATORS_GROUP
from facilitators.models import Facilitator
from tests.enrolment import confirmation_links, enrol_url
from tests.factories import (
    PASSWORD,
    ProgramFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    make_staff_user,
)

TORONTO = ZoneInfo("America/Toronto")
BATCH = 2_000

#: The full year (``scale=1``).
MEMBERS = 30_000
LOCALS = 1_000
FACILITATORS = 400
UPCOMING = 500
PAST = 1_500
ENROLMENTS = 60_000
REQUESTS = 300
#: Sessions in a year that ended up cancelled: one in fifty.
CANCELLED_EVERY = 50
#: Sessions kept for the members of one local: one in ten.
RESTRICTED_EVERY = 10

DIVISIONS = [
    ("Ontario", "ON", "America/Toronto"),
    ("Quebec", "QC", "America/Toronto"),
    ("British Columbia", "BC", "America/Vancouver"),
    ("Alberta", "AB", "America/Edmonton"),
    ("Saskatchewan", "SK", "America/Regina"),
    ("Manitoba", "MB", "America/Winnipeg"),
    ("New Brunswick", "NB", "America/Halifax"),
    ("Nova Scotia", "NS", "America/Halifax"),
    ("Prince Edward Island", "PE", "America/Halifax"),
    ("Newfoundland and Labrador", "NL", "America/St_Johns"),
]
SECTORS = [
    "Health care",
    "School boards",
    "Municipalities",
    "Social services",
    "Universities",
    "Libraries",
    "Airlines",
    "Energy",
    "Transportation",
]
CITIES = {
    "ON": ["Toronto", "Ottawa", "Hamilton", "Sudbury", "Windsor"],
    "QC": ["Montréal", "Québec", "Laval", "Sherbrooke", "Gatineau"],
    "BC": ["Vancouver", "Victoria", "Kelowna", "Prince George"],
    "AB": ["Edmonton", "Calgary", "Red Deer", "Lethbridge"],
    "SK": ["Regina", "Saskatoon", "Prince Albert"],
    "MB": ["Winnipeg", "Brandon", "Thompson"],
    "NB": ["Moncton", "Fredericton", "Saint John"],
    "NS": ["Halifax", "Sydney", "Truro"],
    "PE": ["Charlottetown", "Summerside"],
    "NL": ["St. John's", "Corner Brook", "Gander"],
}
BARGAINING = "Bargaining Program"
LOCAL_EXECUTIVE = "Local Executive Training"
FINANCES = "Local Finances"
#: (title, program, audience, hours, offered on request)
CATALOGUE = [
    ("Bargaining: Analyzing Your Collective Agreement", BARGAINING, Audience.LOCAL_EXECUTIVE, 6),
    ("Bargaining: Mobilizing Members", BARGAINING, Audience.MOBILIZATION_COMMITTEE, 6),
    ("Bargaining: Costing Proposals", BARGAINING, Audience.LOCAL_EXECUTIVE, 3),
    ("Stopping Workplace Bullying", None, Audience.ALL_MEMBERS, 6),
    ("Handling Conflict", None, Audience.ALL_MEMBERS, 6),
    ("Union Structure and Local Officers' Roles", LOCAL_EXECUTIVE, Audience.LOCAL_EXECUTIVE, 6),
    ("Who Gets Involved? Inclusion and Bias", LOCAL_EXECUTIVE, Audience.LOCAL_EXECUTIVE, 6),
    ("Running Effective Union Meetings", LOCAL_EXECUTIVE, Audience.LOCAL_EXECUTIVE, 3),
    ("Global Solidarity", None, Audience.ALL_MEMBERS, 6),
    ("Supervisors in the Union", None, Audience.SUPERVISORS, 6),
    ("Elections Matter", None, Audience.ALL_MEMBERS, 3),
    ("Health and Safety Committees", None, Audience.ALL_MEMBERS, 9),
    ("Financial Essentials for Locals", FINANCES, Audience.LOCAL_EXECUTIVE, 6),
    ("Financial Officers' Training", FINANCES, Audience.LOCAL_EXECUTIVE, 9),
]
ON_REQUEST = "Strategic Planning for Your Local"


def sized(figure, scale, least=1):
    return max(least, round(figure * scale))


def bulk(model, objects):
    return model.objects.bulk_create(objects, batch_size=BATCH)


@dataclass
class UnionYear:
    """What :func:`build_union_year` built, and the rows the measured pages are about."""

    counts: dict
    workshops: list
    staff: Any
    #: The member with a long history, and the user they sign in as.
    member: Any
    member_user: Any
    #: A facilitator assigned to ``full_session``, under way today, every seat taken.
    facilitator: Any
    full_session: Any
    #: A public upcoming session with free seats, of a workshop without prerequisites.
    open_session: Any
    certificate: Any
    local_numbers: list = field(default_factory=list)


def build_union_year(
    catalogue, scale=1.0, *, history=None, full_roster=None, workshops=None, seed=2026
):
    """Build a union's year under ``catalogue`` (the workshop index page) and return a
    :class:`UnionYear`.

    ``history`` is how many sessions the member with a long history took (by default 30 at
    full size, at least 4), ``full_roster`` how many seats the session under way has, all
    taken (by default 30 at full size, at least 6), ``workshops`` how many of the catalogue's
    scheduled workshops there are (by default all :data:`CATALOGUE`'s 14, and the workshop
    offered on request in any case). The queries it makes do not depend on the
    size, but for ``bulk_create``'s batches of :data:`BATCH` rows.
    """
    rng = random.Random(seed)
    now = timezone.now()
    members = sized(MEMBERS, scale, 40)
    locals_count = sized(LOCALS, scale, len(DIVISIONS))
    facilitators_count = sized(FACILITATORS, scale, 2)
    upcoming_count = sized(UPCOMING, scale, 3)
    past_count = sized(PAST, scale, 6)
    per_session = round(ENROLMENTS / (UPCOMING + PAST))  # 30
    history = history or sized(30, scale, 4)
    full_roster = full_roster or sized(30, scale, 6)
    User = get_user_model()

    # The catalogue: programs, then the workshop pages under the catalogue page.
    programs = {
        title: ProgramFactory(title=title) for title in (BARGAINING, LOCAL_EXECUTIVE, FINANCES)
    }
    listed = CATALOGUE[: workshops or len(CATALOGUE)]
    workshops = [
        WorkshopPageFactory(
            parent=catalogue,
            title=title,
            program=programs[program] if program else None,
            audience=audience,
            duration_hours=hours,
        )
        for title, program, audience, hours in listed
    ]
    # The financial officers' workshop asks for the financial essentials first.
    titles = [workshop.title for workshop in workshops]
    officers = None
    if "Financial Officers' Training" in titles:
        officers = workshops[titles.index("Financial Officers' Training")]
        officers.prerequisites.add(workshops[titles.index("Financial Essentials for Locals")])
    on_request = WorkshopPageFactory(
        parent=catalogue,
        title=ON_REQUEST,
        program=programs[LOCAL_EXECUTIVE],
        audience=Audience.LOCAL_EXECUTIVE,
        offered_on_request=True,
    )
    # Anyone may take these; the officers' workshop (if listed) is scheduled less often.
    open_to_all = [w for w in workshops if w is not officers]

    # The union: divisions, sectors, locals.
    divisions = bulk(Division, [Division(name=n, code=c, time_zone=z) for n, c, z in DIVISIONS])
    sectors = bulk(Sector, [Sector(name=name) for name in SECTORS])
    locals_ = []
    for n in range(locals_count):
        division = divisions[n % len(divisions)]
        sector = sectors[(n // len(divisions)) % len(sectors)]
        city = CITIES[division.code][n % len(CITIES[division.code])]
        locals_.append(
            Local(
                number=str(100 + n * 7),
                name=f"{sector.name} workers of {city}",
                city=city,
                division=division,
                sector=sector,
            )
        )
    locals_ = bulk(Local, locals_)

    # Facilitators: users in the Facilitators group, with a profile and certified workshops.
    no_password = make_password(None)  # none yet: each chooses one by the reset link
    facilitator_users = bulk(
        User,
        [
            User(
                username=f"facilitator{n}",
                email=f"facilitator{n}@example.org",
                first_name=("Alex", "Sam", "Jordan", "Robin", "Chris", "Dominique")[n % 6],
                last_name=f"Facilitator{n:04d}",
                password=no_password,
            )
            for n in range(facilitators_count)
        ],
    )
    group = Group.objects.get(name=FACILITATORS_GROUP)
    Membership = User.groups.through
    bulk(Membership, [Membership(user_id=u.pk, group_id=group.pk) for u in facilitator_users])
    profiles = bulk(
        Facilitator,
        [
            Facilitator(user=u, teaches_in_english=True, teaches_in_french=n % 4 == 0)
            for n, u in enumerate(facilitator_users)
        ],
    )
    Certified = Facilitator.certified_workshops.through
    bulk(
        Certified,
        [
            Certified(facilitator_id=p.pk, workshoppage_id=workshops[(n + k) % len(workshops)].pk)
            for n, p in enumerate(profiles)
            for k in range(3)
        ],
    )

    # Members, most of them in a local the union has confirmed.
    first_names = ["Ana", "Ben", "Chloé", "Dev", "Émile", "Fatima", "Gord", "Hana", "Ian", "Jo"]
    participants = bulk(
        Participant,
        [
            Participant(
                name=f"{first_names[n % len(first_names)]} Member{n:05d}",
                email=f"member{n:05d}@example.org",
                local=locals_[n % locals_count],
                local_confirmed=n % 20 != 0,
                preferred_language=Language.FRENCH if n % 4 == 1 else Language.ENGLISH,
            )
            for n in range(members)
        ],
    )
    member = participants[0]
    member_user = User.objects.create_user(
        "member-long-history", member.email, PASSWORD, first_name="Ana", last_name="Member00000"
    )
    Participant.objects.filter(pk=member.pk).update(user=member_user)
    member.user = member_user

    # Sessions: the past year (held, a few cancelled), today's under way, the months to come.
    def at_nine(day):
        return datetime.combine(day, time(9), tzinfo=TORONTO)

    today = timezone.localdate(now, TORONTO)
    sessions = []
    plan = []  # (session, kind) with kind in "past", "today", "upcoming"
    for n in range(past_count + 1 + upcoming_count):
        if n < past_count:
            kind = "past"
            starts = at_nine(today - timedelta(days=1 + (n * 365) // past_count))
        elif n == past_count:
            kind = "today"
            starts = now - timedelta(minutes=30)
        else:
            kind = "upcoming"
            k = n - past_count - 1
            starts = at_nine(today + timedelta(days=3 + (k * 180) // upcoming_count))
        # The first sessions of each kind are public sessions of a workshop anyone may take.
        workshop = open_to_all[n % len(open_to_all)] if n % 17 or not officers else officers
        division = divisions[n % len(divisions)]
        status = SessionStatus.DELIVERED if kind == "past" else SessionStatus.SCHEDULED
        if n % CANCELLED_EVERY == CANCELLED_EVERY - 1 and kind != "today":
            status = SessionStatus.CANCELLED
        restricted = locals_[n % locals_count] if n % RESTRICTED_EVERY == 5 else None
        online = n % 6 == 3
        french = division.code == "QC" or n % 9 == 0
        capacity = full_roster if kind == "today" else (30 if n % 3 == 0 else 26)
        sessions.append(
            Session(
                workshop=workshop,
                language=Language.FRENCH if french else Language.ENGLISH,
                time_zone=division.time_zone,
                starts_at=starts,
                ends_at=starts + timedelta(hours=workshop.duration_hours),
                venue="" if online else f"{division.name} union hall",
                address="" if online else f"{100 + n % 900} Main Street",
                city=CITIES[division.code][n % len(CITIES[division.code])],
                online_url=f"https://meet.example.org/session-{n}" if online else "",
                capacity=capacity,
                restricted_to_local=restricted,
                status=status,
                cancellation_reason="Not enough members enrolled." if status == "cancelled" else "",
            )
        )
        plan.append(kind)
    sessions = bulk(Session, sessions)
    for session, kind in zip(sessions, plan, strict=True):
        session.kind = kind
    bulk(
        SessionPart,
        [SessionPart(session=s, starts_at=s.starts_at, ends_at=s.ends_at) for s in sessions],
    )
    full_session = next(s for s in sessions if s.kind == "today")
    open_session = next(
        s
        for s in sessions
        if s.kind == "upcoming"
        and s.status == SessionStatus.SCHEDULED
        and s.restricted_to_local_id is None
        and s.capacity == 30
        and s.workshop is not officers
    )
    Teaching = Session.facilitators.through
    teaching = []
    for n, s in enumerate(sessions):
        lead = facilitator_users[(n * 7) % facilitators_count]
        teaching.append(Teaching(session_id=s.pk, user_id=lead.pk))
        if n % 2 and facilitators_count > 1:
            second = facilitator_users[(n * 7 + 1) % facilitators_count]
            teaching.append(Teaching(session_id=s.pk, user_id=second.pk))
    bulk(Teaching, teaching)
    facilitator = facilitator_users[(sessions.index(full_session) * 7) % facilitators_count]

    # Enrolments: who took each seat, and who is waiting or gave theirs up.
    ids = [p.pk for p in participants]
    others = ids[1:]
    held = [s for s in sessions if s.kind == "past" and s.status != SessionStatus.CANCELLED]
    to_come = [s for s in sessions if s.kind == "upcoming"]
    history_sessions = {s.pk for s in held[:history] + to_come[:3]}
    enrolments = []
    for session in sessions:
        seats = session.capacity
        if session.kind == "today":
            statuses = [EnrollmentStatus.CONFIRMED] * seats
        elif session.status == SessionStatus.CANCELLED:
            statuses = [EnrollmentStatus.CANCELLED] * per_session
        elif session.kind == "past" or seats == 26:
            # Full: the seats taken, two waiting (none left once held), the rest cancelled.
            waiting = 2 if session.kind == "upcoming" else 0
            statuses = (
                [EnrollmentStatus.CONFIRMED] * seats
                + [EnrollmentStatus.WAITLISTED] * waiting
                + [EnrollmentStatus.CANCELLED] * (per_session - seats - waiting)
            )
        else:  # 30 seats, a few left
            statuses = [EnrollmentStatus.CONFIRMED] * (seats - 6) + [EnrollmentStatus.CANCELLED] * (
                per_session - seats + 6
            )
        people = rng.sample(others, len(statuses))
        if session.pk in history_sessions:
            people[0] = member.pk
        asked = session.starts_at - timedelta(days=10 + rng.randrange(40))
        for seat, (status, person) in enumerate(zip(statuses, people, strict=True)):
            created = asked + timedelta(hours=seat)
            enrolments.append(
                Enrollment(
                    participant_id=person,
                    session_id=session.pk,
                    status=status,
                    source=EnrollmentSource.STAFF if seat % 10 == 9 else EnrollmentSource.SELF,
                    accessibility_needs="Step-free access, please." if seat % 23 == 4 else "",
                    childcare_needs="One child, aged 4." if seat % 29 == 7 else "",
                    created_at=created,
                    confirmed_at=created if status == EnrollmentStatus.CONFIRMED else None,
                    cancelled_at=created + timedelta(days=2)
                    if status == EnrollmentStatus.CANCELLED
                    else None,
                    reminder_sent_at=session.starts_at - timedelta(days=2)
                    if session.kind == "past" and status == EnrollmentStatus.CONFIRMED
                    else None,
                )
            )
    enrolments = bulk(Enrollment, enrolments)

    # Attendance of the sessions held, completions and their certificates.
    by_pk = {s.pk: s for s in sessions}
    workshop_of = {w.pk: w for w in workshops}
    marks = []
    completed = []
    for n, enrolment in enumerate(enrolments):
        session = by_pk[enrolment.session_id]
        if session.kind != "past" or session.status != SessionStatus.DELIVERED:
            continue
        if enrolment.status != EnrollmentStatus.CONFIRMED:
            continue
        hours = Decimal(workshop_of[session.workshop_id].duration_hours)
        roll = n % 20
        if roll < 17 or enrolment.participant_id == member.pk:
            status, attended = AttendanceStatus.PRESENT, hours
            completed.append(enrolment)
        elif roll < 18:
            status, attended = AttendanceStatus.PARTIAL, hours / 2
        elif roll < 19:
            status, attended = AttendanceStatus.EXCUSED, Decimal(0)
        else:
            status, attended = AttendanceStatus.ABSENT, Decimal(0)
        lead = facilitator_users[(sessions.index(session) * 7) % facilitators_count]
        marks.append(
            Attendance(
                enrollment_id=enrolment.pk,
                status=status,
                hours_attended=attended,
                marked_at=session.ends_at,
                marked_by_id=lead.pk,
            )
        )
    bulk(Attendance, marks)
    # Completed: every enrolment marked present (one statement, whatever the size).
    Enrollment.objects.filter(completed=False, attendance__status=AttendanceStatus.PRESENT).update(
        completed=True
    )

    template = CertificateTemplate.default()
    person = {p.pk: p for p in participants}
    local_label = {local.pk: str(local) for local in locals_}
    names = {u.pk: f"{u.first_name} {u.last_name}" for u in facilitator_users}
    lead_of = {}
    for t in teaching:
        lead_of.setdefault(t.session_id, []).append(names[t.user_id])
    certificates = bulk(
        Certificate,
        [
            Certificate(
                kind=CertificateKind.WORKSHOP,
                participant_id=e.participant_id,
                enrollment_id=e.pk,
                workshop_id=by_pk[e.session_id].workshop_id,
                session_id=e.session_id,
                holder_name=person[e.participant_id].name,
                local_name=local_label.get(person[e.participant_id].local_id, ""),
                title=workshop_of[by_pk[e.session_id].workshop_id].title,
                hours=Decimal(workshop_of[by_pk[e.session_id].workshop_id].duration_hours),
                completed_on=timezone.localdate(by_pk[e.session_id].ends_at, TORONTO),
                facilitator_names=", ".join(lead_of[e.session_id]),
                issuer_name="Union Education",
                language=person[e.participant_id].preferred_language,
                template=template,
                issued_at=by_pk[e.session_id].ends_at + timedelta(hours=1),
                status=CertificateStatus.REVOKED if n % 250 == 249 else CertificateStatus.VALID,
                revoked_at=now if n % 250 == 249 else None,
                revoked_reason="Issued in error." if n % 250 == 249 else "",
            )
            for n, e in enumerate(completed)
        ],
    )
    certificate = next(
        c
        for c in Certificate.objects.filter(
            participant=member, status=CertificateStatus.VALID
        ).order_by("-issued_at")[:1]
    )

    # Requests from locals for the tailored workshop.
    requests = sized(REQUESTS, scale, 3)
    bulk(
        SessionRequest,
        [
            SessionRequestFactory.build(
                local=locals_[(n * 13) % locals_count],
                workshop=on_request,
                email=f"officer{n}@example.org",
                contact_name=f"Robin Officer{n}",
                created_at=now - timedelta(days=n % 200),
            )
            for n in range(requests)
        ],
    )

    staff = make_staff_user(username="education-staff", email="education-staff@example.org")
    counts = {
        "members": members,
        "locals": locals_count,
        "facilitators": facilitators_count,
        "sessions to come": upcoming_count,
        "sessions held": past_count + 1,
        "enrolments": len(enrolments),
        "attendance marks": len(marks),
        "certificates": len(certificates),
        "requests": requests,
    }
    return UnionYear(
        counts=counts,
        workshops=workshops + [on_request],
        staff=staff,
        member=member,
        member_user=member_user,
        facilitator=facilitator,
        full_session=full_session,
        open_session=open_session,
        certificate=certificate,
        local_numbers=[local.number for local in locals_],
    )


# The bare page the others are compared with


BARE_SLUG = "bare-page"


def add_bare_page(home_page):
    """A plain ``wagtailcore.Page`` with only a title, under the home page.

    Wagtail serves it with its own minimal template (``wagtailcore/page.html``: the title in
    ``<title>`` and ``<h1>``, nothing else), through the same URL patterns, middleware and
    site root look-up as every page of the site; no model of the site's is involved.
    """
    page = Page(title="A bare page", slug=BARE_SLUG)
    home_page.add_child(instance=page)
    Site.clear_site_root_paths_cache()
    return page


# The pages measured


@dataclass
class Probe:
    """One request to measure: ``prepare(client)`` (not measured) returns what
    ``send(client, prepared)`` (measured) needs."""

    name: str
    side: str  # "bare", "public" or "admin"
    #: None (anonymous), "visitor" (anonymous, enrolling: signed in once confirmed, signed
    #: out again before each request), "member", "facilitator" or "staff".
    who: str | None
    url: str
    send: Callable
    prepare: Callable | None = None
    expect: int = 200


def get(client, url):
    return client.get(url)


def from_the_cache(client, url):
    """A visitor's request with the public pages' cache on, as the site runs it (the test
    settings turn it off so that tests read each page's context)."""
    with override_settings(EDUCATION_PUBLIC_PAGE_CACHE_SECONDS=60):
        return client.get(url)


def rendered_once(url):
    """Prepare a request :func:`from_the_cache`: the page is rendered and kept once (the
    data change between rounds, and each change renders public pages afresh)."""

    def prepare(client):
        from_the_cache(client, url)
        return url

    return prepare


class Enrolments:
    """The enrolment form posted, the emailed link opened and the place confirmed, each time
    by a new visitor (a new address)."""

    def __init__(self, year):
        self.session = year.open_session
        self.local = year.local_numbers[len(year.local_numbers) // 2]
        self.count = 0

    def data(self, client=None):
        """A new visitor's details. Confirming signs the visitor in: the client signs out
        first (not measured), as the next visitor comes with no session."""
        if client is not None:
            client.logout()
        self.count += 1
        return {
            "name": f"Visitor {self.count:04d}",
            "email": f"visitor{self.count:04d}@example.org",
            "local": self.local,
            "preferred_language": "en",
            "accessibility_needs": "",
            "childcare_needs": "",
            "website": "",
        }

    def post(self, client, data):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(enrol_url(self.session), data)

    def link(self, client):
        """Ask to enrol (not measured) and return the path of the emailed link."""
        data = self.data(client)
        response = self.post(client, data)
        assert response.status_code == 302, response.status_code
        return confirmation_links(data["email"])[-1]

    def form(self, client):
        """Ask, open the link (not measured); what pressing "Confirm my place" posts."""
        link = self.link(client)
        page = client.get(link)
        assert page.status_code == 200, page.status_code
        form = page.context["form"]
        return link, {name: form[name].value() or "" for name in form.fields}

    def confirm(self, client, prepared):
        link, posted = prepared
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(link, posted)


def probes(year, catalogue, bare_page):
    """The pages of a union's year, in the order of the benchmark's table."""
    enrol = Enrolments(year)
    my_learning = reverse("courses:my_learning")
    # Room for every visitor who confirms while the pages are measured: each is confirmed,
    # never waitlisted, however many rounds are made.
    Session.objects.filter(pk=year.open_session.pk).update(capacity=F("capacity") + 1_000)
    workshop = year.open_session.workshop
    admin = [
        ("Sessions (admin list)", "/admin/snippets/courses/session/"),
        ("Enrolments (admin list)", "/admin/snippets/courses/enrollment/"),
        ("Participants (admin list)", "/admin/snippets/courses/participant/"),
        ("Certificates (admin list)", "/admin/certificates/"),
    ]
    reports = [
        (f"Report: {view.page_title}", reverse(f"education_reports:{name}"))
        for name, view in REPORTS.items()
    ] + [("Report: Certificates", reverse("certificate_reports:certificates"))]
    return (
        [
            Probe("Bare Wagtail page", "bare", None, bare_page.url, get),
            Probe("Home", "public", None, catalogue.get_parent().url, get),
            Probe("Catalogue", "public", None, catalogue.url, get),
            Probe("Workshop page", "public", None, workshop.url, get),
            Probe("Enrol form (GET)", "public", None, enrol_url(year.open_session), get),
            Probe(
                "Enrol form (POST)",
                "public",
                "visitor",
                enrol_url(year.open_session),
                lambda client, data: enrol.post(client, data),
                prepare=enrol.data,
                expect=302,
            ),
            Probe(
                "Emailed link (GET)",
                "public",
                "visitor",
                "/en/enrolments/confirm/…/",
                lambda client, link: client.get(link),
                prepare=enrol.link,
            ),
            Probe(
                "Confirm my place (POST)",
                "public",
                "visitor",
                "/en/enrolments/confirm/…/",
                enrol.confirm,
                prepare=enrol.form,
                expect=302,
            ),
            Probe("My learning (long history)", "public", "member", my_learning, get),
            Probe(
                "Roster of a full session",
                "public",
                "facilitator",
                reverse("facilitators:roster", args=[year.full_session.pk]),
                get,
            ),
            Probe(
                "Certificate verification",
                "public",
                None,
                reverse("certificates:verify", args=[year.certificate.code]),
                get,
            ),
        ]
        + [
            Probe(
                f"{name}, as visitors get it (kept in the cache)",
                "public",
                None,
                url,
                from_the_cache,
                prepare=rendered_once(url),
            )
            for name, url in (
                ("Home", catalogue.get_parent().url),
                ("Catalogue", catalogue.url),
                ("Workshop page", workshop.url),
            )
        ]
        + [Probe(name, "admin", "staff", url, get) for name, url in admin]
        + [Probe(name, "admin", "staff", url, get) for name, url in reports]
    )


def ready(probe, client):
    """Prepare ``probe`` (not to be measured) and return its request, to be measured: a
    callable without arguments that returns the response."""
    if probe.prepare:
        prepared = probe.prepare(client)
        return lambda: probe.send(client, prepared)
    return lambda: probe.send(client, probe.url)


def signed_in_clients(year):
    """A test client for each kind of visitor of :func:`probes`."""
    from django.test import Client

    clients = {None: Client(), "visitor": Client()}
    for who, user in (
        ("member", year.member_user),
        ("facilitator", year.facilitator),
        ("staff", year.staff),
    ):
        clients[who] = Client()
        clients[who].force_login(user)
    return clients
