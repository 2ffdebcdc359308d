"""Requests from locals in the demo: the request form, and a handful of requests at each step.

The page at /request-a-session/ suggests Strategic Planning for Your Local. The requests come
from different locals (one not on record yet) and stand at every status: two new (one waiting
for more than a week, so that the dashboard has something to say), one in review with its
facilitator, one scheduled with its session, one delivered, whose session took place three
weeks ago and was closed, and one declined with the reason the local was given.

Each request goes through ``courses.requests`` as staff would have moved it, on the days
given here (counted back from the day the demo is loaded), so that its history and its status
page read as they would on a real site; nobody is emailed. A request is found again by its
contact's email address, so loading again adds nothing.
"""

import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.attendance import close_session
from courses.choices import (
    AttendanceStatus,
    DeliveryFormat,
    EnrollmentSource,
    EnrollmentStatus,
    Language,
    RequestStatus,
)
from courses.models import (
    Attendance,
    Enrollment,
    Local,
    Participant,
    SessionRequest,
    SessionRequestPage,
)
from courses.requests import (
    assign_facilitator,
    change_status,
    create_session_from_request,
    submit_request,
)
from courses.timezones import suggested_zone_name

from . import loader

WORKSHOP = "strategic-planning"
#: Who moves the requests on, and who facilitates the sessions made from them (certified).
STAFF = "staff"

PAGE = {
    "title": "Request a session",
    "slug": "request-a-session",
    "introduction": (
        "<p>Strategic planning is never an off-the-shelf workshop. Tell us about your local "
        "and what it wants to achieve: union staff will contact you to shape a day for your "
        "executive and members, and it becomes a session for your local alone.</p>"
        "<p>Locals usually ask two to three months ahead, so that members can be booked off "
        "work.</p>"
    ),
    "thank_you_text": (
        "<p>Thank you. The education team reads every request and will contact you within a "
        "week to plan the session together.</p>"
    ),
}


class DemoRequest(NamedTuple):
    """One request and how far it got. ``days`` count back from the day the demo is loaded."""

    local: str  # the local's number, or "" for a local not on record
    contact: tuple[str, str, str, str]  # name, role, email, phone
    goals: str
    participants: int
    received: int  # days ago
    status: str
    language: str = Language.ENGLISH
    delivery_format: str = DeliveryFormat.IN_PERSON
    location: str = ""
    local_name_other: str = ""
    accessibility_needs: str = ""
    facilitator: str = ""  # username assigned, in review onwards
    staff_notes: str = ""
    decline_reason: str = ""
    session_days: int = 0  # the session's day from today: ahead when scheduled, behind delivered
    venue: str = ""
    city: str = ""


REQUESTS = [
    DemoRequest(
        local="2250",
        contact=("Marc Lalonde", "President", "marc.lalonde@example.org", "613-555-0147"),
        goals=(
            "We have a new executive after our election in the spring. We want to agree on "
            "two or three priorities for the next three years, and a plan to get more members "
            "to general meetings."
        ),
        participants=12,
        received=2,
        status=RequestStatus.NEW,
        location="Ottawa Union Centre, Albert Street",
    ),
    DemoRequest(
        local="",
        local_name_other="Kingston Community Health Workers",
        contact=("Tanya Brooks", "Secretary-treasurer", "tanya.brooks@example.org", "613-555-0192"),
        goals=(
            "Our local was certified last year and has never had a plan. We would like help "
            "setting goals we can measure and finding stewards for the night shifts."
        ),
        participants=8,
        received=9,
        status=RequestStatus.NEW,
        delivery_format=DeliveryFormat.ONLINE,
        accessibility_needs="One officer is hard of hearing: live captions, please.",
    ),
    DemoRequest(
        local="1867",
        contact=("Siobhan Walsh", "Vice-president", "siobhan.walsh@example.org", "902-555-0111"),
        goals=(
            "Bargaining starts next year. We want a plan to rebuild our mobilization committee "
            "and to reach the part-time staff at the branches."
        ),
        participants=15,
        received=16,
        status=RequestStatus.IN_REVIEW,
        location="Halifax Central Library, meeting room",
        facilitator="jmacdonald",
        staff_notes=(
            "Called Siobhan: they prefer a Saturday. Jamie can do either date; check the "
            "library's meeting room is free."
        ),
    ),
    DemoRequest(
        local="3247",
        contact=("Isabelle Roy", "Présidente", "isabelle.roy@example.org", "450-555-0134"),
        goals=(
            "Nous voulons un plan sur trois ans pour la mobilisation et la relève : former de "
            "nouvelles déléguées et de nouveaux délégués dans chaque point de service."
        ),
        participants=18,
        received=30,
        status=RequestStatus.SCHEDULED,
        language=Language.FRENCH,
        location="Bureau de la section locale 3247, Laval",
        facilitator="facilitator",
        session_days=40,
        venue="Bureau de la section locale 3247",
        city="Laval",
    ),
    DemoRequest(
        local="4417",
        contact=("Mei Lin Chen", "Chief steward", "meilin.chen@example.org", "905-555-0168"),
        goals=(
            "After a hard year of restructuring we want to set priorities with the whole "
            "executive and plan how to support our stewards."
        ),
        participants=10,
        received=75,
        status=RequestStatus.DELIVERED,
        location="Hamilton labour hall",
        facilitator="jmacdonald",
        session_days=-21,
        venue="Hamilton and District Labour Council Hall",
        city="Hamilton",
    ),
    DemoRequest(
        local="6120",
        contact=("Chloe Martin", "Education officer", "chloe.martin@example.org", "604-555-0155"),
        goals="A planning day for the executive during the holiday travel season.",
        participants=6,
        received=40,
        status=RequestStatus.DECLINED,
        location="Richmond",
        decline_reason=(
            "Our facilitators in British Columbia are fully booked in December. We would be "
            "glad to plan a session with you from February: please send a new request with "
            "dates then."
        ),
    ),
]


def load_requests(home, workshop_pages, created):
    """The request form under the home page, then the demo requests not on record yet."""
    load_request_page(home, workshop_pages[WORKSHOP], created)
    now = timezone.now()
    workshop = workshop_pages[WORKSHOP]
    User = get_user_model()
    staff = User.objects.get(username=STAFF)
    locals_by_number = Local.objects.in_bulk(field_name="number")
    for plan in REQUESTS:
        if SessionRequest.objects.filter(email__iexact=plan.contact[2]).exists():
            continue
        load_request(plan, workshop, locals_by_number, staff, now)
        created["session requests"] += 1


def load_request_page(home, workshop, created):
    """The request form at /request-a-session/ (there is at most one)."""
    if SessionRequestPage.objects.exists():
        return
    loader.publish_new_page(home, SessionRequestPage(**PAGE, default_workshop=workshop))
    created["pages"] += 1


def days_ago(now, days, hour=10):
    """``days`` before ``now``, at ``hour`` o'clock in the site's time zone."""
    day = timezone.localdate(now) - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_request(plan, workshop, locals_by_number, staff, now):
    """Submit the request on the day it came in, then move it on as staff did."""
    name, role, email, phone = plan.contact
    received = days_ago(now, plan.received)
    session_request = submit_request(
        local=locals_by_number[plan.local] if plan.local else None,
        local_name_other=plan.local_name_other,
        contact_name=name,
        contact_role=role,
        email=email,
        phone=phone,
        workshop=workshop,
        goals=plan.goals,
        participants=plan.participants,
        **dict(zip(("date_1", "date_2", "date_3"), preferred_dates(received), strict=True)),
        delivery_format=plan.delivery_format,
        location=plan.location,
        language=plan.language,
        accessibility_needs=plan.accessibility_needs,
        notify=False,
        now=received,
    )
    if plan.staff_notes:
        SessionRequest.objects.filter(pk=session_request.pk).update(staff_notes=plan.staff_notes)
    if plan.status == RequestStatus.NEW:
        return session_request

    reviewed = received + datetime.timedelta(days=2)
    if plan.status == RequestStatus.DECLINED:
        change_status(
            session_request.pk,
            RequestStatus.DECLINED,
            user=staff,
            reason=plan.decline_reason,
            notify=False,
            now=reviewed,
        )
        return session_request

    change_status(
        session_request.pk, RequestStatus.IN_REVIEW, user=staff, notify=False, now=reviewed
    )
    facilitator = get_user_model().objects.get(username=plan.facilitator)
    assign_facilitator(session_request.pk, facilitator, user=staff, now=reviewed)
    if plan.status == RequestStatus.IN_REVIEW:
        return session_request

    zone = suggested_zone_name(session_request.local)  # that of the local's division
    day = loader.free_day(
        loader.session_day(timezone.localdate(now), plan.session_days),
        zone,
        [facilitator],
        backwards=plan.session_days < 0,
    )
    made = create_session_from_request(
        session_request.pk,
        time_zone=zone,
        starts_at=loader.local_time(day, "09:00", zone),
        ends_at=loader.local_time(day, "15:00", zone),
        venue=plan.venue,
        city=plan.city,
        capacity=plan.participants,
        facilitators=[facilitator],
        user=staff,
        notify=False,
        now=reviewed + datetime.timedelta(days=7),
    )
    if plan.status == RequestStatus.DELIVERED:
        deliver(session_request, made.session, facilitator)
    return session_request


def preferred_dates(received):
    """Three different working days, about six, seven and nine weeks after the request came in."""
    dates = []
    for weeks in (6, 7, 9):
        day = loader.session_day(timezone.localdate(received), weeks * 7 + 1)
        while dates and day <= dates[-1]:
            day = loader.session_day(day, 7)
        dates.append(day)
    return dates


def deliver(session_request, session, facilitator):
    """The session took place: the contact and the local's demo members were there, the
    facilitator marked them present and closed it that evening, and the request was delivered.

    Enrolments and marks are written directly, as the demo schedule's are (the enrolment rules
    rightly refuse a session that has started); closing goes through the attendance rules.
    """
    members = list(Participant.objects.filter(local=session.restricted_to_local).order_by("name"))
    enrolled_at = session.starts_at - datetime.timedelta(days=14)
    for participant in members:
        source = (
            EnrollmentSource.REQUEST
            if participant.email.lower() == session_request.email.lower()
            else EnrollmentSource.STAFF
        )
        enrollment = Enrollment.objects.create(
            participant=participant,
            session=session,
            status=EnrollmentStatus.CONFIRMED,
            source=source,
            created_at=enrolled_at,
            confirmed_at=enrolled_at,
        )
        Attendance.objects.create(
            enrollment=enrollment,
            status=AttendanceStatus.PRESENT,
            hours_attended=session.workshop.duration_hours,
            marked_by=facilitator,
            marked_at=session.ends_at,
        )
    closed_at = session.ends_at + datetime.timedelta(hours=1)
    close_session(session.pk, user=facilitator, now=closed_at)
    change_status(
        session_request.pk, RequestStatus.DELIVERED, user=facilitator, notify=False, now=closed_at
    )
