"""Requests from locals in the demo: the request form, and a handful of requests at each step.

The page at /request-a-session/ suggests Strategic Planning for Your Local. The requests come
from different locals (one not on record yet) and stand at every status: two new (one waiting
for more than a week, so that the dashboard has something to say), one in review with its
facilitator, one scheduled with its session, one delivered, whose session took place three
weeks ago and was closed, and one declined with the reason the local was given.

Each request goes through ``courses.requests`` as staff would have moved it, on the days
given here (counted back from the day the demo is loaded), so that its history and its status
page read as they would on a real site; nobody is emailed. What the local wrote, and what staff
noted, is in ``content/requests.toml``. A request is found again by its contact's email
address, so loading again adds nothing.
"""

import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.attendance.rules import close_session
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
from courses.requests.rules import (
    assign_facilitator,
    change_status,
    create_session_from_request,
    submit_request,
)
from courses.timezones import suggested_zone_name

from . import loader
from .data import content

WORKSHOP = "strategic-planning"
#: Who moves the requests on, and who facilitates the sessions made from them (certified).
STAFF = "staff"

PAGE = content("requests")["page"]


class DemoRequest(NamedTuple):
    """One request and how far it got. ``days`` count back from the day the demo is loaded."""

    texts: str  # its key in the content's requests
    local: str  # the local's number, or "" for a local not on record
    participants: int
    received: int  # days ago
    status: str
    language: str = Language.ENGLISH
    delivery_format: str = DeliveryFormat.IN_PERSON
    facilitator: str = ""  # username assigned, in review onwards
    session_days: int = 0  # the session's day from today: ahead when scheduled, behind delivered

    def text(self, name):
        """The request's ``name`` in the content (its goals, contact_name...), or ""."""
        return content("requests")["requests"][self.texts].get(name, "")


REQUESTS = [
    DemoRequest(
        texts="ottawa-municipal",
        local="2250",
        participants=12,
        received=2,
        status=RequestStatus.NEW,
    ),
    DemoRequest(
        texts="kingston-health",
        local="",
        participants=8,
        received=9,
        status=RequestStatus.NEW,
        delivery_format=DeliveryFormat.ONLINE,
    ),
    DemoRequest(
        texts="halifax-library",
        local="1867",
        participants=15,
        received=16,
        status=RequestStatus.IN_REVIEW,
        facilitator="jmacdonald",
    ),
    DemoRequest(
        texts="laval-social-services",
        local="3247",
        participants=18,
        received=30,
        status=RequestStatus.SCHEDULED,
        language=Language.FRENCH,
        facilitator="facilitator",
        session_days=40,
    ),
    DemoRequest(
        texts="hamilton-hospital",
        local="4417",
        participants=10,
        received=75,
        status=RequestStatus.DELIVERED,
        facilitator="jmacdonald",
        session_days=-21,
    ),
    DemoRequest(
        texts="richmond-flight-attendants",
        local="6120",
        participants=6,
        received=40,
        status=RequestStatus.DECLINED,
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
        if SessionRequest.objects.filter(email__iexact=plan.text("email")).exists():
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
    received = days_ago(now, plan.received)
    session_request = submit_request(
        local=locals_by_number[plan.local] if plan.local else None,
        local_name_other=plan.text("local_name_other"),
        contact_name=plan.text("contact_name"),
        contact_role=plan.text("contact_role"),
        email=plan.text("email"),
        phone=plan.text("phone"),
        workshop=workshop,
        goals=plan.text("goals"),
        participants=plan.participants,
        **dict(zip(("date_1", "date_2", "date_3"), preferred_dates(received), strict=True)),
        delivery_format=plan.delivery_format,
        location=plan.text("location"),
        language=plan.language,
        accessibility_needs=plan.text("accessibility_needs"),
        notify=False,
        now=received,
    )
    if plan.text("staff_notes"):
        SessionRequest.objects.filter(pk=session_request.pk).update(
            staff_notes=plan.text("staff_notes")
        )
    if plan.status == RequestStatus.NEW:
        return session_request

    reviewed = received + datetime.timedelta(days=2)
    if plan.status == RequestStatus.DECLINED:
        change_status(
            session_request.pk,
            RequestStatus.DECLINED,
            user=staff,
            reason=plan.text("decline_reason"),
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
        venue=plan.text("venue"),
        city=plan.text("city"),
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
