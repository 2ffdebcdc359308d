"""Two people with the same roster open never lose each other's marks.

A facilitator and a co-facilitator (or the education staff) open the roster; one saves; the
other, whose page was loaded before that save, submits. Marks the other changed meanwhile are
never overwritten silently: the person is shown who changed them, what they recorded and when,
next to what they typed (kept), and saving again from that page goes through. Rows nobody else
touched are saved. Closing over marks the closer has not seen is refused the same way.

The pages are driven with two Django test clients, submitting the forms as a browser would:
every field of the form as the page rendered it, with what the person typed.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.attendance.rules import (
    InvalidMark,
    MarksChanged,
    RosterChanged,
    SeenMark,
    add_walk_in,
    close_session,
    mark_attendance,
    seen_mark,
)
from courses.choices import AttendanceStatus, EnrollmentStatus, SessionStatus
from courses.models import Attendance
from tests.facilitators.pages import form_data
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    SessionFactory,
    WorkshopPageFactory,
)

PRESENT, PARTIAL = AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL
ABSENT, EXCUSED = AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title="Grievance handling", duration_hours=6, issues_certificate=False
    )


@pytest.fixture
def co_facilitator(db):
    return FacilitatorFactory(
        user__username="co-facilitator", user__first_name="Cora", user__last_name="Lee"
    ).user


@pytest.fixture
def session(workshop, facilitator, co_facilitator):
    start = (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0)
    return SessionFactory(
        workshop=workshop, start=start, facilitators=[facilitator, co_facilitator]
    )


@pytest.fixture
def people(session):
    return {
        name: EnrollmentFactory(session=session, participant__name=name)
        for name in ("Ana Silva", "Ben Okafor", "Chloé Roy")
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def roster_url(session):
    return reverse("facilitators:roster", args=[session.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def marks_now():
    return {
        a.enrollment.participant.name: (a.status, a.hours_attended, a.marked_by.username)
        for a in Attendance.objects.select_related("enrollment__participant", "marked_by")
    }


def submit(client, response, action, typed=None, checked=()):
    """Submit the form of ``response`` whose button says ``action``, as a browser would (see
    ``tests.facilitators.pages.form_data``)."""
    return client.post(roster_url_of(response), form_data(response, action, typed, checked))


def roster_url_of(response):
    return response.wsgi_request.path


def status(enrollment):
    return f"status-{enrollment.pk}"


def hours(enrollment):
    return f"hours-{enrollment.pk}"


# The rules: mark_attendance(expected=...) and close_session(expected=...)


def test_marks_are_saved_when_nobody_changed_them_meanwhile(session, people, facilitator):
    ana, ben, _ = people.values()
    expected = {ana.pk: None, ben.pk: None}

    changed = mark_attendance(
        session.pk,
        {ana.pk: (PRESENT, None), ben.pk: (ABSENT, None)},
        user=facilitator,
        expected=expected,
    )

    assert len(changed) == 2


def test_a_mark_changed_meanwhile_is_not_overwritten_and_the_rest_is_saved(
    session, people, facilitator, co_facilitator
):
    ana, ben, chloe = people.values()
    seen = {e.pk: None for e in (ana, ben, chloe)}  # all unmarked when the page was loaded
    mark_attendance(session.pk, {ana.pk: (PARTIAL, "3")}, user=co_facilitator)

    with pytest.raises(MarksChanged) as refusal:
        mark_attendance(
            session.pk,
            {ana.pk: (ABSENT, None), ben.pk: (PRESENT, None), chloe.pk: (EXCUSED, "")},
            user=facilitator,
            expected=seen,
        )

    (conflict,) = refusal.value.conflicts
    assert conflict.enrollment.pk == ana.pk
    assert conflict.attendance.status == PARTIAL
    assert conflict.attendance.marked_by == co_facilitator
    assert (conflict.status, conflict.hours) == (ABSENT, Decimal("0.00"))
    assert {a.enrollment_id for a in refusal.value.changed} == {ben.pk, chloe.pk}
    assert "Ana Silva" in refusal.value.message
    assert marks_now() == {
        "Ana Silva": (PARTIAL, Decimal("3.00"), "co-facilitator"),
        "Ben Okafor": (PRESENT, Decimal("6.00"), "facilitator"),
        "Chloé Roy": (EXCUSED, Decimal("0.00"), "facilitator"),
    }


def test_a_mark_left_as_it_was_loaded_keeps_the_newer_one(
    session, people, facilitator, co_facilitator
):
    ana = people["Ana Silva"]
    mark_attendance(session.pk, {ana.pk: (PRESENT, None)}, user=facilitator)
    seen = {ana.pk: seen_mark(Attendance.objects.get(enrollment=ana))}
    mark_attendance(session.pk, {ana.pk: (PARTIAL, "2")}, user=co_facilitator)

    changed = mark_attendance(session.pk, {ana.pk: (PRESENT, "6")}, user=facilitator, expected=seen)

    assert changed == []
    assert marks_now()["Ana Silva"] == (PARTIAL, Decimal("2.00"), "co-facilitator")


def test_the_same_mark_made_by_both_is_no_conflict(session, people, facilitator, co_facilitator):
    ana = people["Ana Silva"]
    mark_attendance(session.pk, {ana.pk: (EXCUSED, None)}, user=co_facilitator)

    changed = mark_attendance(
        session.pk, {ana.pk: (EXCUSED, "0")}, user=facilitator, expected={ana.pk: None}
    )

    assert changed == []
    assert marks_now()["Ana Silva"] == (EXCUSED, Decimal("0.00"), "co-facilitator")


def test_a_mark_changed_and_changed_back_meanwhile_is_still_a_conflict(
    session, people, facilitator, co_facilitator
):
    ana = people["Ana Silva"]
    mark_attendance(session.pk, {ana.pk: (PRESENT, None)}, user=facilitator)
    seen = {ana.pk: seen_mark(Attendance.objects.get(enrollment=ana))}
    later = timezone.now() + timedelta(minutes=1)
    mark_attendance(session.pk, {ana.pk: (ABSENT, None)}, user=co_facilitator, now=later)
    mark_attendance(
        session.pk,
        {ana.pk: (PRESENT, None)},
        user=co_facilitator,
        now=later + timedelta(minutes=1),
    )

    with pytest.raises(MarksChanged):
        mark_attendance(session.pk, {ana.pk: (EXCUSED, None)}, user=facilitator, expected=seen)

    assert marks_now()["Ana Silva"] == (PRESENT, Decimal("6.00"), "co-facilitator")


def test_an_unreadable_expectation_never_overwrites(session, people, facilitator, co_facilitator):
    ana = people["Ana Silva"]
    mark_attendance(session.pk, {ana.pk: (PRESENT, None)}, user=co_facilitator)
    unknown = SeenMark(status="", hours=None, marked_at=None)

    with pytest.raises(MarksChanged):
        mark_attendance(
            session.pk, {ana.pk: (ABSENT, None)}, user=facilitator, expected={ana.pk: unknown}
        )

    assert marks_now()["Ana Silva"][0] == PRESENT


def test_marks_without_an_expectation_are_saved_as_before(
    session, people, facilitator, co_facilitator
):
    ana = people["Ana Silva"]
    mark_attendance(session.pk, {ana.pk: (PRESENT, None)}, user=co_facilitator)

    changed = mark_attendance(session.pk, {ana.pk: (ABSENT, None)}, user=facilitator)

    assert len(changed) == 1
    assert marks_now()["Ana Silva"] == (ABSENT, Decimal("0.00"), "facilitator")


def test_an_invalid_mark_still_saves_nothing_even_with_conflicts(
    session, people, facilitator, co_facilitator
):
    ana, ben, _ = people.values()
    mark_attendance(session.pk, {ana.pk: (PRESENT, None)}, user=co_facilitator)

    with pytest.raises(InvalidMark) as refusal:
        mark_attendance(
            session.pk,
            {ana.pk: (ABSENT, None), ben.pk: (PARTIAL, "")},
            user=facilitator,
            expected={ana.pk: None, ben.pk: None},
        )

    assert refusal.value.enrollment_id == ben.pk
    assert marks_now() == {"Ana Silva": (PRESENT, Decimal("6.00"), "co-facilitator")}


def roster_seen(session):
    return {
        e.pk: seen_mark(getattr(e, "attendance", None))
        for e in session.enrollments.filter(status="confirmed").select_related("attendance")
    }


def test_closing_over_marks_changed_meanwhile_is_refused(
    session, people, facilitator, co_facilitator
):
    seen = roster_seen(session)
    mark_attendance(session.pk, {people["Ben Okafor"].pk: (ABSENT, None)}, user=co_facilitator)
    add_walk_in(session.pk, name="Dee Walker", email="dee@example.org", user=co_facilitator)

    with pytest.raises(RosterChanged) as refusal:
        close_session(session.pk, user=facilitator, mark_unmarked_absent=True, expected=seen)

    changes = {change.enrollment.participant.name: change.kind for change in refusal.value.changes}
    assert changes == {"Ben Okafor": "marked", "Dee Walker": "added"}
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert Attendance.objects.count() == 2

    closed = close_session(
        session.pk, user=facilitator, mark_unmarked_absent=True, expected=roster_seen(session)
    )
    assert len(closed.marked_absent) == 2


def test_closing_after_someone_left_the_roster_is_refused(session, people, facilitator):
    seen = roster_seen(session)
    ben = people["Ben Okafor"]
    ben.status = "cancelled"
    ben.save()

    with pytest.raises(RosterChanged) as refusal:
        close_session(session.pk, user=facilitator, mark_unmarked_absent=True, expected=seen)

    assert [(c.enrollment.pk, c.kind) for c in refusal.value.changes] == [(ben.pk, "gone")]


def test_a_forged_roster_never_names_someone_who_was_never_on_it(session, people, facilitator):
    waiting = EnrollmentFactory(
        session=session,
        status=EnrollmentStatus.WAITLISTED,
        confirmed_at=None,
        participant__name="Wanda Waiting",
    )
    seen = {**roster_seen(session), str(waiting.pk): None}

    closed = close_session(session.pk, user=facilitator, mark_unmarked_absent=True, expected=seen)

    assert "Wanda Waiting" not in [e.participant.name for e in closed.marked_absent]


# The roster, with two people on it


@pytest.mark.parametrize("second", ["co_facilitator", "staff"])
def test_a_stale_roster_never_overwrites_marks_saved_meanwhile(
    request, session, people, facilitator, second
):
    other = request.getfixturevalue(second)
    ana, ben, chloe = people.values()
    AttendanceFactory(enrollment=chloe, status=ABSENT, hours_attended=0, marked_by=facilitator)
    mine, theirs = signed_in(facilitator), signed_in(other)
    my_page = mine.get(roster_url(session))
    their_page = theirs.get(roster_url(session))

    saved = submit(
        theirs,
        their_page,
        "mark",
        {status(ana): "partial", hours(ana): "4", status(chloe): "excused"},
    )
    assert saved.status_code == 302

    response = submit(
        mine,
        my_page,
        "mark",
        {status(ana): "present", status(ben): "absent", hours(ben): "", status(chloe): "absent"},
    )

    # Ana: both changed her, mine is refused. Ben: only I changed him, saved. Chloé: I left her
    # as loaded (absent), the other person's excused stays.
    assert response.status_code == 200
    assert marks_now() == {
        "Ana Silva": (PARTIAL, Decimal("4.00"), other.username),
        "Ben Okafor": (ABSENT, Decimal("0.00"), "facilitator"),
        "Chloé Roy": (EXCUSED, Decimal("0.00"), other.username),
    }
    rows = {row.enrollment.participant.name: row for row in response.context["rows"]}
    assert rows["Ana Silva"].conflict
    assert (rows["Ana Silva"].status, rows["Ana Silva"].hours) == ("present", "")
    assert rows["Ana Silva"].attendance.marked_by == other
    assert not rows["Ben Okafor"].conflict
    assert (rows["Ben Okafor"].status, rows["Chloé Roy"].status) == ("absent", "excused")
    assert rows["Chloé Roy"].updated
    html = response.content.decode()
    name = other.get_full_name() or other.username
    assert f"Changed by {name}" in html
    assert "Partly present, 4 h" in html
    assert 'role="alert"' in html
    assert f'href="#row-{ana.pk}"' in html
    assert f'id="status-{ana.pk}-present" value="present" checked' in html
    assert any("Ana Silva" in message for message in messages_of(response))

    again = submit(mine, response, "mark")

    assert again.status_code == 302
    assert marks_now()["Ana Silva"] == (PRESENT, Decimal("6.00"), "facilitator")
    assert marks_now()["Chloé Roy"] == (EXCUSED, Decimal("0.00"), other.username)


def test_a_correction_after_a_conflict_is_still_guarded(session, people, facilitator, staff):
    """Between the refused submit and the next one, the other person saves again: refused again."""
    ana = people["Ana Silva"]
    mine, theirs = signed_in(facilitator), signed_in(staff)
    my_page = mine.get(roster_url(session))
    their_page = theirs.get(roster_url(session))
    submit(theirs, their_page, "mark", {status(ana): "absent"})
    refused = submit(mine, my_page, "mark", {status(ana): "present"})
    their_page = theirs.get(roster_url(session))
    submit(theirs, their_page, "mark", {status(ana): "excused"})

    refused_again = submit(mine, refused, "mark")

    assert refused_again.status_code == 200
    assert marks_now()["Ana Silva"][0] == EXCUSED
    assert submit(mine, refused_again, "mark").status_code == 302
    assert marks_now()["Ana Silva"][0] == PRESENT


def test_a_walk_in_added_meanwhile_neither_stops_a_save_nor_is_overwritten(
    session, people, facilitator, staff
):
    ana = people["Ana Silva"]
    mine, theirs = signed_in(facilitator), signed_in(staff)
    my_page = mine.get(roster_url(session))
    their_page = theirs.get(roster_url(session))
    submit(
        theirs,
        their_page,
        "walk_in",
        {"walk_in-name": "Dee Walker", "walk_in-email": "dee@example.org"},
    )

    response = submit(mine, my_page, "mark", {status(ana): "present"})

    assert response.status_code == 302
    assert marks_now() == {
        "Ana Silva": (PRESENT, Decimal("6.00"), "facilitator"),
        "Dee Walker": (PRESENT, Decimal("6.00"), "staff"),
    }


def test_a_typo_refused_shows_marks_saved_meanwhile_and_keeps_every_row_typed(
    session, people, facilitator, staff
):
    """Refused for bad hours, the page also shows the mark someone else saved for a row that
    was changed here: what was typed stays, and the next submit, once the hours are fixed,
    records both rows as typed."""
    ana, ben, chloe = people.values()
    mine, theirs = signed_in(facilitator), signed_in(staff)
    my_page = mine.get(roster_url(session))
    their_page = theirs.get(roster_url(session))
    submit(theirs, their_page, "mark", {status(ana): "absent", status(chloe): "excused"})

    refused = submit(
        mine, my_page, "mark", {status(ana): "present", status(ben): "partial", hours(ben): "abc"}
    )

    assert refused.status_code == 200
    assert marks_now() == {
        "Ana Silva": (ABSENT, Decimal("0.00"), "staff"),
        "Chloé Roy": (EXCUSED, Decimal("0.00"), "staff"),
    }
    rows = {row.enrollment.participant.name: row for row in refused.context["rows"]}
    assert rows["Ana Silva"].conflict
    assert rows["Ana Silva"].status == "present"
    assert (rows["Ben Okafor"].status, rows["Ben Okafor"].hours) == ("partial", "abc")
    assert rows["Ben Okafor"].error
    assert rows["Chloé Roy"].updated
    assert rows["Chloé Roy"].status == "excused"
    html = refused.content.decode()
    assert f"Changed by {staff.get_full_name()}" in html
    assert "Not saved, your choice: Present." in html

    response = submit(mine, refused, "mark", {hours(ben): "3"})

    assert response.status_code == 302
    assert marks_now() == {
        "Ana Silva": (PRESENT, Decimal("6.00"), "facilitator"),
        "Ben Okafor": (PARTIAL, Decimal("3.00"), "facilitator"),
        "Chloé Roy": (EXCUSED, Decimal("0.00"), "staff"),
    }


def test_after_a_typo_a_mark_saved_meanwhile_is_still_guarded(session, people, facilitator, staff):
    """A row changed here, refused with the rest for a typo elsewhere, is still checked on the
    next submit against marks saved after the page was loaded."""
    ana, ben, _ = people.values()
    mine, theirs = signed_in(facilitator), signed_in(staff)
    my_page = mine.get(roster_url(session))
    refused = submit(
        mine, my_page, "mark", {status(ana): "present", status(ben): "partial", hours(ben): ""}
    )
    assert refused.status_code == 200
    their_page = theirs.get(roster_url(session))
    submit(theirs, their_page, "mark", {status(ana): "absent"})

    response = submit(mine, refused, "mark", {hours(ben): "3"})

    assert response.status_code == 200
    rows = {row.enrollment.participant.name: row for row in response.context["rows"]}
    assert rows["Ana Silva"].conflict
    assert marks_now() == {
        "Ana Silva": (ABSENT, Decimal("0.00"), "staff"),
        "Ben Okafor": (PARTIAL, Decimal("3.00"), "facilitator"),
    }


def test_closing_a_stale_roster_is_refused_and_shows_what_changed(
    session, people, facilitator, co_facilitator
):
    ana, ben, chloe = people.values()
    mine, theirs = signed_in(facilitator), signed_in(co_facilitator)
    my_page = mine.get(roster_url(session))
    their_page = theirs.get(roster_url(session))
    submit(theirs, their_page, "mark", {status(ben): "partial", hours(ben): "5"})

    response = submit(mine, my_page, "close", checked={"close-mark_unmarked_absent"})

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert Attendance.objects.count() == 1
    html = response.content.decode()
    assert "Ben Okafor" in response.context["close_form"].non_field_errors()[0]
    assert "Changed by Cora Lee" in html
    assert f" {session.zone_abbreviation})" in html  # when, in the session's own zone
    assert "Partly present, 5 h" in html
    rows = {row.enrollment.participant.name: row for row in response.context["rows"]}
    assert rows["Ben Okafor"].updated
    assert (rows["Ben Okafor"].status, rows["Ben Okafor"].hours) == ("partial", "5")

    summary = submit(mine, response, "close", checked={"close-mark_unmarked_absent"})
    assert summary.status_code == 200
    assert [e.participant.name for e in summary.context["not_completed"]] == ["Ben Okafor"]

    closed = submit(mine, summary, "confirm_close")

    assert closed.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED
    assert marks_now() == {
        "Ana Silva": (ABSENT, Decimal("0.00"), "facilitator"),
        "Ben Okafor": (PARTIAL, Decimal("5.00"), "co-facilitator"),
        "Chloé Roy": (ABSENT, Decimal("0.00"), "facilitator"),
    }


def test_marks_posted_after_the_session_was_closed_meanwhile_are_shown_kept(
    session, people, facilitator, co_facilitator
):
    ana = people["Ana Silva"]
    mine, theirs = signed_in(facilitator), signed_in(co_facilitator)
    my_page = mine.get(roster_url(session))
    their_page = theirs.get(roster_url(session))
    summary = submit(theirs, their_page, "close", checked={"close-mark_unmarked_absent"})
    assert submit(theirs, summary, "confirm_close").status_code == 302

    response = submit(
        mine,
        my_page,
        "mark",
        {status(ana): "present"},
    )

    assert response.status_code == 200
    assert any("This session is closed." in m for m in messages_of(response))
    assert [row.pk for row in response.context["unsaved"]] == [ana.pk]
    html = response.content.decode()
    assert 'id="unsaved-marks" role="alert"' in html
    assert "Ana Silva: Present" in html
    assert marks_now()["Ana Silva"] == (ABSENT, Decimal("0.00"), "co-facilitator")


def test_a_mark_saved_between_the_summary_and_the_confirmation_stops_the_closing(
    session, people, facilitator, co_facilitator
):
    ana, ben, chloe = people.values()
    mine, theirs = signed_in(facilitator), signed_in(co_facilitator)
    my_page = mine.get(roster_url(session))
    summary = submit(mine, my_page, "close", checked={"close-mark_unmarked_absent"})
    assert [e.pk for e in summary.context["unmarked"]] == [ana.pk, ben.pk, chloe.pk]
    their_page = theirs.get(roster_url(session))
    submit(theirs, their_page, "mark", {status(ben): "present"})

    response = submit(mine, summary, "confirm_close")

    assert response.status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert "Ben Okafor" in response.context["close_form"].non_field_errors()[0]
    assert "Changed by Cora Lee" in response.content.decode()
    assert marks_now() == {"Ben Okafor": (PRESENT, Decimal("6.00"), "co-facilitator")}

    summary = submit(mine, response, "close", checked={"close-mark_unmarked_absent"})
    assert [e.pk for e in summary.context["completed"]] == [ben.pk]
    assert submit(mine, summary, "confirm_close").status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.DELIVERED


def test_a_row_whose_mark_was_removed_meanwhile_says_so_without_a_time(session):
    """The mark someone else had made was taken away: the row says what it is now."""
    row = SimpleNamespace(
        pk=7, conflict=True, attendance=None, recorded_summary="Not marked", typed_summary="Present"
    )

    html = render_to_string(
        "facilitators/includes/roster_row_changed.html", {"row": row, "session": session}
    )

    assert "Changed by someone else after you opened this page: Not marked." in " ".join(
        html.split()
    )
    assert "Not saved, your choice: Present." in html
