"""Each session is in its own time zone: its times are typed there in the admin, stored as the
instants they name, and shown, emailed, printed and put in calendars there, with the zone's
abbreviation, whatever the site's zone ("America/Toronto" here) or the other sessions'."""

from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from certificates.issuing import issue_for_session
from certificates.pdf import render_certificate
from courses.choices import SessionStatus, TimeZone
from courses.models import Session
from courses.requests.rules import create_session_from_request
from courses.sessions.emails import send_enrollment_email
from tests.factories import (
    DivisionFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    default_certificate_template,
    translate_page,
)

VANCOUVER = ZoneInfo("America/Vancouver")
TORONTO = ZoneInfo("America/Toronto")
HALIFAX = ZoneInfo("America/Halifax")


def at(day, clock, zone):
    """``day`` at ``clock`` ("09:00") on a clock in ``zone``."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=zone)


def weekday_ahead(days):
    """A Tuesday about ``days`` days from today, so that it is never a weekend or past."""
    day = timezone.localdate() + timedelta(days=days)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def next_fall_back(after):
    """The first Sunday of November (when clocks go back in Canada) after the day ``after``."""
    year = after.year
    while True:
        first = date(year, 11, 1)
        sunday = first + timedelta(days=(6 - first.weekday()) % 7)
        if sunday > after:
            return sunday
        year += 1


def utc(year, month, day, hour):
    return datetime(year, month, day, hour, tzinfo=UTC)


def create_session_url(session_request):
    return reverse(
        "wagtailsnippets_courses_sessionrequest:create_session", args=[session_request.pk]
    )


def admin_url(name, *args):
    return reverse(f"wagtailsnippets_courses_session:{name}", args=args)


def session_form_data(workshop, parts, **fields):
    """What the admin's session form posts; ``parts`` are (start, end) as typed."""
    data = {
        "workshop": workshop.pk,
        "time_zone": "",
        "parts": inline_formset(
            [{"starts_at": start, "ends_at": end} for start, end in parts], min=1
        ),
        "language": "en",
        "capacity": "20",
        "venue": "Nanaimo Labour Hall",
        "address": "",
        "city": "Nanaimo",
        "online_url": "",
        "registration_deadline": "",
        "restricted_to_local": "",
        "status": SessionStatus.SCHEDULED,
    }
    data.update(fields)
    return nested_form_data(data)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def bc_local(db):
    division = DivisionFactory(name="British Columbia", code="BC", time_zone=TimeZone.PACIFIC)
    return LocalFactory(number="2041", city="Nanaimo", division=division)


def in_vancouver(workshop, day, **kwargs):
    """A session of ``workshop`` from 9:00 to 15:00 in Vancouver on ``day``."""
    return SessionFactory(
        workshop=workshop,
        time_zone=TimeZone.PACIFIC,
        start=at(day, "09:00", VANCOUVER),
        city="Nanaimo",
        **kwargs,
    )


# Entering times in the admin


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "utc_start", "utc_end"),
    [
        # Daylight time: UTC-7.
        (
            "2026-10-30",
            datetime(2026, 10, 30, 16, tzinfo=UTC),
            datetime(2026, 10, 30, 22, tzinfo=UTC),
        ),
        # Clocks went back at 2 a.m. that morning: standard time, UTC-8.
        (
            "2026-11-01",
            datetime(2026, 11, 1, 17, tzinfo=UTC),
            datetime(2026, 11, 1, 23, tzinfo=UTC),
        ),
    ],
    ids=["daylight-time", "standard-time"],
)
def test_times_typed_for_a_vancouver_session_are_the_times_in_vancouver(
    client_as, staff, workshop, day, utc_start, utc_end
):
    response = client_as(staff).post(
        admin_url("add"),
        session_form_data(
            workshop, [(f"{day} 09:00", f"{day} 15:00")], time_zone="America/Vancouver"
        ),
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert session.time_zone == "America/Vancouver"
    [part] = session.parts.all()
    assert (part.starts_at, part.ends_at) == (utc_start, utc_end)
    assert (session.starts_at, session.ends_at) == (utc_start, utc_end)


@pytest.mark.django_db
def test_the_registration_deadline_is_typed_in_the_session_zone(client_as, staff, workshop):
    client_as(staff).post(
        admin_url("add"),
        session_form_data(
            workshop,
            [("2026-11-02 09:00", "2026-11-02 15:00")],
            time_zone="America/Vancouver",
            registration_deadline="2026-10-30 17:00",
        ),
    )

    session = Session.objects.get()
    assert session.registration_deadline == datetime(2026, 10, 31, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_editing_shows_the_times_in_the_session_zone_and_saving_keeps_them(
    client_as, staff, workshop
):
    session = in_vancouver(workshop, date(2026, 11, 2))
    client = client_as(staff)

    response = client.get(admin_url("edit", session.pk))

    html = response.content.decode()
    assert 'value="2026-11-02 09:00"' in html
    assert 'value="2026-11-02 15:00"' in html
    form = response.context["form"]
    assert form["time_zone"].value() == "America/Vancouver"

    # Sent back as it was shown, nothing moves.
    part = session.parts.get()
    data = session_form_data(
        workshop,
        [("2026-11-02 09:00", "2026-11-02 15:00")],
        time_zone="America/Vancouver",
        opened_version=str(session.version),
    )
    data["parts-0-id"] = str(part.pk)
    data["parts-INITIAL_FORMS"] = "1"
    response = client.post(admin_url("edit", session.pk), data)

    assert response.status_code == 302
    part.refresh_from_db()
    assert part.starts_at == datetime(2026, 11, 2, 17, tzinfo=UTC)


@pytest.mark.django_db
def test_a_session_for_a_local_is_suggested_its_division_zone(client_as, staff, workshop, bc_local):
    client_as(staff).post(
        admin_url("add"),
        session_form_data(
            workshop,
            [("2026-11-02 09:00", "2026-11-02 15:00")],
            restricted_to_local=str(bc_local.pk),
        ),
    )

    session = Session.objects.get()
    assert session.time_zone == "America/Vancouver"
    assert session.starts_at == datetime(2026, 11, 2, 17, tzinfo=UTC)


@pytest.mark.django_db
def test_a_session_for_nobody_in_particular_is_suggested_the_site_zone(client_as, staff, workshop):
    client_as(staff).post(
        admin_url("add"), session_form_data(workshop, [("2026-11-02 09:00", "2026-11-02 15:00")])
    )

    session = Session.objects.get()
    assert session.time_zone == "America/Toronto"
    assert session.starts_at == datetime(2026, 11, 2, 14, tzinfo=UTC)


@pytest.mark.django_db
def test_the_new_session_form_offers_the_zones_and_suggests_one(client_as, staff):
    form = client_as(staff).get(admin_url("add")).context["form"]

    assert form["time_zone"].value() in ("", None)
    values = [value for value, _label in form.fields["time_zone"].choices]
    assert values[0] == ""
    assert {"America/Vancouver", "America/St_Johns", "America/Halifax"} <= set(values)


@pytest.mark.django_db
def test_an_online_session_must_choose_its_zone(client_as, staff, workshop):
    response = client_as(staff).post(
        admin_url("add"),
        session_form_data(
            workshop,
            [("2026-11-02 09:00", "2026-11-02 15:00")],
            venue="",
            city="",
            online_url="https://meet.example.org/conflict",
        ),
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert "https://meet.example.org/conflict" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["2026-11-01 01:30", "2027-03-14 02:30"],
    ids=["happens-twice", "never-happens"],
)
def test_a_time_the_clocks_repeat_or_skip_is_refused_at_its_field(
    client_as, staff, workshop, typed
):
    response = client_as(staff).post(
        admin_url("add"),
        session_form_data(
            workshop, [(typed, typed[:10] + " 15:00")], time_zone="America/Vancouver"
        ),
    )

    assert response.status_code == 200
    [part_form] = response.context["form"].formsets["parts"].forms
    assert "starts_at" in part_form.errors
    assert "Clocks change" in str(part_form.errors["starts_at"])
    assert typed in response.content.decode()
    assert not Session.objects.exists()


def test_the_field_reads_and_shows_times_on_the_clock_of_its_zone():
    from courses.timezones import ZonedDateTimeField

    field = ZonedDateTimeField(zone=VANCOUVER)

    assert field.clean("2026-11-02 09:00") == datetime(2026, 11, 2, 17, tzinfo=UTC)
    assert field.prepare_value(datetime(2026, 11, 2, 17, tzinfo=UTC)) == datetime(2026, 11, 2, 9)


# Creating a session from a local's request


@pytest.mark.django_db
def test_a_session_made_from_a_request_is_typed_in_the_zone_of_its_local(
    client_as, staff, bc_local
):
    workshop = WorkshopPageFactory(offered_on_request=True, title="Strategic Planning")
    session_request = SessionRequestFactory(local=bc_local, workshop=workshop)
    url = reverse(
        "wagtailsnippets_courses_sessionrequest:create_session", args=[session_request.pk]
    )
    client = client_as(staff)
    day = weekday_ahead(40)

    form = client.get(url).context["form"]
    assert form["time_zone"].value() == "America/Vancouver"

    response = client.post(
        url,
        {
            "time_zone": "America/Vancouver",
            "date": day.isoformat(),
            "starts": "09:00",
            "ends": "15:00",
            "language": "en",
            "venue": "Nanaimo Labour Hall",
            "address": "",
            "city": "Nanaimo",
            "online_url": "",
            "capacity": "12",
        },
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert session.time_zone == "America/Vancouver"
    assert session.starts_at == at(day, "09:00", VANCOUVER)
    assert session.ends_at == at(day, "15:00", VANCOUVER)


@pytest.mark.django_db
def test_a_request_date_at_the_clock_change_is_refused_at_the_field(client_as, staff, bc_local):
    workshop = WorkshopPageFactory(offered_on_request=True)
    session_request = SessionRequestFactory(local=bc_local, workshop=workshop)
    url = reverse(
        "wagtailsnippets_courses_sessionrequest:create_session", args=[session_request.pk]
    )
    day = next_fall_back(timezone.localdate())

    response = client_as(staff).post(
        url,
        {
            "time_zone": "America/Vancouver",
            "date": day.isoformat(),
            "starts": "01:30",
            "ends": "15:00",
            "language": "en",
            "venue": "Nanaimo Labour Hall",
            "capacity": "12",
        },
    )

    assert response.status_code == 200
    assert "starts" in response.context["form"].errors
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_session_made_from_a_request_defaults_to_the_zone_of_its_local(staff, bc_local):
    workshop = WorkshopPageFactory(offered_on_request=True)
    session_request = SessionRequestFactory(local=bc_local, workshop=workshop)
    day = weekday_ahead(40)

    made = create_session_from_request(
        session_request.pk,
        starts_at=at(day, "09:00", VANCOUVER),
        ends_at=at(day, "15:00", VANCOUVER),
        user=staff,
        notify=False,
    )

    assert made.session.time_zone == "America/Vancouver"


# Showing times


@pytest.fixture
def three_zones(workshop):
    """Sessions of one workshop at 9:00 in Vancouver, Toronto and Halifax, on the same day."""
    day = weekday_ahead(30)
    return {
        "vancouver": in_vancouver(workshop, day),
        "toronto": SessionFactory(workshop=workshop, start=at(day, "09:00", TORONTO)),
        "halifax": SessionFactory(
            workshop=workshop,
            time_zone=TimeZone.ATLANTIC,
            start=at(day, "09:00", HALIFAX),
            city="Halifax",
        ),
    }


@pytest.mark.django_db
def test_the_catalogue_and_workshop_page_show_each_session_in_its_own_zone(
    client, workshop, three_zones
):
    for url in (workshop.get_parent().url, workshop.url):
        html = client.get(url).content.decode()

        assert "9 a.m. to 3 p.m. PT" in html
        assert "9 a.m. to 3 p.m. ET" in html
        assert "9 a.m. to 3 p.m. AT" in html
        assert "noon to 6 p.m." not in html  # Vancouver's 9 a.m. is not shown as Toronto's


@pytest.mark.django_db
def test_a_french_page_shows_the_times_of_the_session_zone(workshop, three_zones):
    french = translate_page(workshop)
    html = Client(HTTP_ACCEPT_LANGUAGE="fr").get(french.url).content.decode()

    assert "de 09:00 à 15:00" in html
    assert "12:00 à 18:00" not in html


@pytest.mark.django_db
def test_the_enrol_page_gives_the_deadline_in_the_session_zone(client, workshop):
    day = weekday_ahead(30)
    session = in_vancouver(
        workshop, day, registration_deadline=at(day - timedelta(days=3), "17:00", VANCOUVER)
    )

    html = client.get(reverse("courses:enrol", args=[session.pk])).content.decode()

    assert "9 a.m. to 3 p.m. PT" in html
    assert "5 p.m. PT" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"), [("en", "9 a.m. to 3 p.m. PT"), ("fr", "de 09:00 à 15:00")]
)
def test_emails_give_the_times_of_the_session_zone_in_the_member_language(
    workshop, language, expected
):
    session = in_vancouver(workshop, weekday_ahead(30))
    enrollment = EnrollmentFactory(
        session=session, participant=ParticipantFactory(preferred_language=language)
    )

    message = send_enrollment_email(enrollment, "confirmed")

    assert expected in message.body
    [(html, _mimetype)] = message.alternatives
    assert expected in html
    assert "12:00" not in message.body and "noon" not in message.body


@pytest.mark.django_db
def test_my_learning_shows_each_session_in_its_own_zone(client, participant, three_zones):
    member = ParticipantFactory(user=participant, email=participant.email)
    for session in three_zones.values():
        EnrollmentFactory(session=session, participant=member)
    client.force_login(participant)

    html = client.get(reverse("courses:my_learning")).content.decode()

    assert "9 a.m. to 3 p.m. PT" in html
    assert "9 a.m. to 3 p.m. ET" in html
    assert "9 a.m. to 3 p.m. AT" in html


@pytest.mark.django_db
def test_a_facilitator_sees_each_of_their_sessions_in_its_own_zone(
    client_as, facilitator, three_zones
):
    for session in three_zones.values():
        session.facilitators.add(facilitator)

    html = client_as(facilitator).get(reverse("facilitators:my_sessions")).content.decode()

    assert "9 a.m. to 3 p.m. PT" in html
    assert "9 a.m. to 3 p.m. ET" in html
    assert "9 a.m. to 3 p.m. AT" in html


@pytest.mark.django_db
def test_the_admin_list_people_page_and_dashboard_give_each_session_its_zone(
    client_as, staff, three_zones
):
    client = client_as(staff)
    vancouver = three_zones["vancouver"]

    listing = client.get(admin_url("list")).content.decode()
    people = client.get(admin_url("people", vancouver.pk)).content.decode()
    dashboard = client.get("/admin/").content.decode()

    for html in (listing, dashboard):
        assert "9 a.m. PT" in html
        assert "9 a.m. ET" in html
        assert "9 a.m. AT" in html
    assert "9 a.m. PT" in people
    assert "3 p.m. PT" in people


@pytest.mark.django_db
def test_the_sessions_report_dates_each_session_where_it_happens(client_as, staff, workshop):
    # 9 p.m. in Vancouver is already the next day in Toronto and in UTC.
    SessionFactory(
        workshop=workshop,
        time_zone=TimeZone.PACIFIC,
        start=at(date(2025, 3, 14), "21:00", VANCOUVER),
        hours=2,
    )

    # Every session on record (the report opens on the current program year).
    everything = {"period_from": "", "period_to": ""}
    html = client_as(staff).get("/admin/education-reports/sessions/", everything).content.decode()

    assert "March 14, 2025" in html
    assert "March 15, 2025" not in html


@pytest.mark.django_db
def test_the_sign_in_sheet_prints_the_times_of_the_session_zone(client_as, staff, workshop):
    session = in_vancouver(workshop, weekday_ahead(30))

    response = client_as(staff).get(reverse("facilitators:sign_in_sheet", args=[session.pk]))

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "9 a.m. to 3 p.m. PT" in text


@pytest.mark.django_db
def test_a_certificate_is_dated_the_last_day_of_the_session_where_it_happened(workshop):
    default_certificate_template()
    # Ends at 8:30 p.m. in Vancouver on 30 November: already 1 December in Toronto and UTC.
    session = SessionFactory(
        workshop=workshop,
        time_zone=TimeZone.PACIFIC,
        start=at(date(2026, 11, 30), "14:30", VANCOUVER),
        status=SessionStatus.DELIVERED,
    )
    EnrollmentFactory(session=session, completed=True)

    [certificate] = issue_for_session(session.pk)

    assert certificate.completed_on == date(2026, 11, 30)
    text = PdfReader(BytesIO(render_certificate(certificate))).pages[0].extract_text()
    assert "Completed on Nov. 30, 2026" in text


def test_a_session_names_its_days_and_times_in_its_zone():
    from courses.timezones import format_in_zone, in_zone

    session = Session(time_zone=TimeZone.NEWFOUNDLAND)
    session.starts_at = datetime(2026, 11, 2, 12, 30, tzinfo=UTC)
    session.ends_at = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)

    assert session.local_starts_at.hour == 9
    assert session.first_day() == date(2026, 11, 2)
    assert session.last_day() == date(2026, 11, 2)  # 10:30 p.m. in St. John's
    assert session.zone_abbreviation == "NT"
    assert format_in_zone(session.starts_at, session.zone).endswith("9 a.m. NT")
    assert in_zone(session.starts_at, TORONTO).hour == 7


# Calendar files and reminders


@pytest.mark.django_db
def test_a_vancouver_session_typed_in_the_admin_lands_at_nine_in_vancouver(
    client_as, staff, workshop
):
    client_as(staff).post(
        admin_url("add"),
        session_form_data(
            workshop, [("2026-11-02 09:00", "2026-11-02 15:00")], time_zone="America/Vancouver"
        ),
    )
    session = Session.objects.get()

    response = Client().get(reverse("courses:session_calendar", args=[session.pk]))

    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.astimezone(VANCOUVER).replace(tzinfo=None) == datetime(2026, 11, 2, 9)
    assert end.astimezone(VANCOUVER).replace(tzinfo=None) == datetime(2026, 11, 2, 15)
    assert start.astimezone(TORONTO).hour == 12


@pytest.mark.django_db
def test_reminders_go_by_the_real_start_and_give_the_session_zone(
    workshop, django_capture_on_commit_callbacks
):
    now = timezone.now()
    # Starts in 71 hours (reminded with --days 3), whatever the clocks in Vancouver say.
    soon = SessionFactory(
        workshop=workshop, time_zone=TimeZone.PACIFIC, start=now + timedelta(hours=71)
    )
    later = SessionFactory(
        workshop=workshop, time_zone=TimeZone.PACIFIC, start=now + timedelta(hours=73)
    )
    EnrollmentFactory(session=soon, participant=ParticipantFactory(email="ana@example.org"))
    EnrollmentFactory(session=later, participant=ParticipantFactory(email="ben@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", "--days", "3", stdout=StringIO())

    [reminder] = mail.outbox
    assert reminder.to == ["ana@example.org"]
    start, end = soon.local_starts_at, soon.local_ends_at
    assert f"{time_format(start)} to {time_format(end)} PT" in reminder.body


@pytest.mark.django_db
def test_a_zone_not_offered_is_refused_at_its_field(client_as, staff, workshop):
    response = client_as(staff).post(
        admin_url("add"),
        session_form_data(
            workshop, [("2026-11-02 09:00", "2026-11-02 15:00")], time_zone="Europe/Paris"
        ),
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert not Session.objects.exists()
