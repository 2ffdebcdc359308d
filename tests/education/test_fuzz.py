"""Malformed input sent to every form and filter of the education apps.

Every public form, every facilitator form and every admin form and filter of ``courses``,
``facilitators``, ``certificates`` and ``home`` is sent values nobody should type: numbers far
beyond any database's range, negative numbers, ``1e309``, ``NaN`` and ``inf``, NUL bytes, text
of 10,000 characters, two values for one field, empty values, a field that does not exist,
impossible dates, and ids of nothing or of other kinds of records. Each page that takes an id
or a code in its address is asked for ids of nothing and of other records, and every page is
sent the HTTP methods it does not take (PUT, PATCH, DELETE, and POST where it only shows).

A form is read from its page as a browser reads it (every field, ticked or not), then sent in
rounds: each round puts one malformed value in every field at once, so that every field meets
every value in a few requests (a form or filter that is the same as another one fuzzed gets
fewer rounds). Values a field may well accept and that could fail only once stored (a date
at the ends of the calendar) are sent to each date field alone, the rest of the form valid;
so are the hidden version of a record an edit form was opened on and the roster's action.

Nothing may answer 5xx. When a form refuses a value, the message is at the field it was typed
in (a refusal at no field is one), shown on the page, and what was typed is shown again (for
printable values of reasonable length typed in a text box: a list, radio buttons or a chooser
cannot show a choice they do not offer).

The records are built once for the module, in a transaction rolled back at its end; each
request runs in a savepoint rolled back after it, so every value meets the same records.
"""

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

from django import forms
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.test import client as test_client
from django.test.utils import ContextList
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

import pytest

HUGE = "99999999999999999999999"
HUGE_NEGATIVE = "-99999999999999999999"
LONG = "x" * 10_000
TWO = ["1", "2"]

#: Every malformed value, by name (the name is what a failure report says).
VALUES = {
    "huge": HUGE,
    "minus-one": "-1",
    "huge-negative": HUGE_NEGATIVE,
    "1e309": "1e309",
    "nan": "NaN",
    "inf": "inf",
    "nul": "a\x00b",
    "long": LONG,
    "two-values": TWO,
    "empty": "",
    "feb-30": "2026-02-30",
    "zero-date": "0000-00-00",
    "last-day": "9999-12-31",
    "year-10000": "10000-01-01",
}

#: Fewer rounds, for a form or filter that is the same as one sent every value (an add form
#: is its edit form's class; the reports share one filter set) and for simple listings.
SHORT = ("huge", "minus-one", "nan", "nul", "long", "two-values", "empty", "last-day")

#: Values a field of one kind may well accept, and that fail later if anywhere (when stored,
#: or shown): each field of the kind is sent them alone, the other fields valid. A date and
#: time at the ends of the calendar are past its ends in UTC.
ALONE_BY_KIND = {
    "date": {"last-day": "9999-12-31", "first-day": "0001-01-01"},
    "datetime": {"last-minute": "9999-12-31 23:59", "first-minute": "0001-01-01 00:00"},
    "time": {"25-61": "25:61"},
}
#: A formset's counts. A huge one makes Django build, and show, its most rows (1,000): its own
#: limit, and slow to ask for in every form, so these keep their value in the "huge" round.
MANAGEMENT_FIELDS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


# Reading forms as a browser does


class FormParser(HTMLParser):
    """The forms of a page: each one's attributes, the fields a browser would send, the names
    of all its fields (a box left unticked sends nothing, but can be sent anything) and its
    submit buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None
        #: How deep inside ``<template>`` elements the parser is: their fields are never sent.
        self.in_template = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "form":
            self.form = {"attrs": attrs, "fields": [], "names": [], "submits": []}
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if name and tag in ("input", "select", "textarea"):
            kind = (attrs.get("type") or "text").lower()
            if kind not in ("submit", "image", "button", "reset"):
                self.form["names"].append(name)
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self.form["submits"].append((name, attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    value = attrs.get("value")
                    self.form["fields"].append((name, "on" if value is None else value))
            elif kind not in ("button", "reset", "file"):
                self.form["fields"].append((name, attrs.get("value") or ""))
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            self.form["submits"].append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        if self.in_template:
            return
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self.select["multiple"]:
                chosen = [options[0][0]]
            self.form["fields"].extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.form["fields"].append((name, text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None and not self.in_template:
            self.textarea[1] += data


def page_forms(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html, marker):
    """What a browser sends from the page's form that has the field ``marker``, or the submit
    button ``(name, value)``, pressed: ``{name: [values]}``; and the names of all its fields."""
    for found in page_forms(html):
        if isinstance(marker, tuple):
            if marker not in found["submits"]:
                continue
        elif marker not in {key for key, _value in found["fields"]}:
            continue
        data = {}
        for key, value in found["fields"]:
            data.setdefault(key, []).append(value)
        if isinstance(marker, tuple):
            data[marker[0]] = [marker[1]]
        return data, list(dict.fromkeys(found["names"]))
    raise AssertionError(f"No form with {marker!r} on the page")


# The records


@dataclass
class World:
    users: dict
    ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def build_world():
    from wagtail.log_actions import log
    from wagtail.models import Page, Site

    from axes.models import AccessAttempt
    from sesame.utils import get_query_string

    from certificates.models import CertificateTemplate
    from courses.attendance.rules import seen_mark
    from courses.choices import EnrollmentStatus, RequestStatus, SessionStatus
    from courses.models import PendingEnrollment
    from courses.requests.emails import request_status_token
    from courses.sessions.confirmation import ask_to_enrol, confirm_token
    from courses.sessions.emails import cancel_token, offer_token
    from courses.sessions.feeds import feed_token
    from courses.sessions.signin import SCOPE
    from facilitators.checkin import link_token, open_window
    from facilitators.choices import CodeKind
    from facilitators.forms import seen_token
    from tests.factories import (
        AttendanceFactory,
        CertificateFactory,
        DivisionFactory,
        EnrollmentFactory,
        FacilitatorFactory,
        FacilitatorGuidePageFactory,
        HomePageFactory,
        LocalFactory,
        ParticipantFactory,
        ProgramFactory,
        SectorFactory,
        SessionFactory,
        SessionRequestFactory,
        SessionRequestPageFactory,
        UserFactory,
        WorkshopIndexPageFactory,
        WorkshopPageFactory,
        make_staff_user,
    )

    root = Page.get_first_root_node()
    welcome_pages = list(root.get_children())
    home = HomePageFactory(parent=root, slug="union-education")
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", port=80, is_default_site=True
    )
    site.root_page = home
    site.site_name = "Union Education"
    site.save()
    for page in welcome_pages:
        page.delete()
    Site.clear_site_root_paths_cache()

    catalogue = WorkshopIndexPageFactory(parent=home)
    program = ProgramFactory(title="Steward Program", slug="steward-program")
    workshop = WorkshopPageFactory(
        parent=catalogue, title="Handling Grievances", slug="grievances", program=program
    )
    guide = FacilitatorGuidePageFactory(parent=workshop)
    planning = WorkshopPageFactory(
        parent=catalogue, title="Strategic Planning", slug="planning", offered_on_request=True
    )
    SessionRequestPageFactory(parent=home, default_workshop=planning)
    division = DivisionFactory(name="Ontario", code="ON")
    sector = SectorFactory(name="Health care")
    local = LocalFactory(number="3247", name="Social Services Workers", division=division)

    staff = make_staff_user(username="fuzz-staff", email="staff@example.org")
    facilitator = FacilitatorFactory(
        user__username="fuzz-facilitator",
        user__email="facilitator@example.org",
        certified_workshops=[workshop, planning],
    )
    member_user = UserFactory(username="fuzz-member", email="member@example.org")
    member = ParticipantFactory(
        name="Ana Lima", email="member@example.org", local=local, user=member_user
    )

    upcoming = SessionFactory(workshop=workshop, facilitators=[facilitator.user])
    other_upcoming = SessionFactory(workshop=workshop, capacity=2)
    own_enrollment = EnrollmentFactory(session=upcoming, participant=member)
    waiting = EnrollmentFactory(
        session=upcoming, participant__name="Wes Waiting", status=EnrollmentStatus.WAITLISTED
    )
    offered = EnrollmentFactory(
        session=other_upcoming,
        participant__name="Olive Offered",
        status=EnrollmentStatus.OFFERED,
        offered_until=timezone.now() + timedelta(days=1),
    )
    yesterday = (timezone.now() - timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    roster_session = SessionFactory(
        workshop=workshop, start=yesterday, facilitators=[facilitator.user]
    )
    marked = EnrollmentFactory(session=roster_session, participant__name="Ben Okafor")
    unmarked = EnrollmentFactory(session=roster_session, participant__name="Chloé Roy")
    marked_attendance = AttendanceFactory(enrollment=marked, marked_by=facilitator.user)
    # Two parts of three hours, the second under way: attendance is taken day by day.
    by_day = SessionFactory(
        workshop=workshop,
        start=(timezone.now() - timedelta(days=1, hours=1)).replace(second=0, microsecond=0),
        hours=3,
        days=2,
        facilitators=[facilitator.user],
    )
    by_day_enrollment = EnrollmentFactory(session=by_day, participant__name="Dee Two-Days")
    by_day_part = by_day.parts.order_by("starts_at").last()
    # Under way for half an hour: its check-in is open, and the member is on its list.
    check_in_session = SessionFactory(
        workshop=workshop,
        start=(timezone.now() - timedelta(minutes=30)).replace(second=0, microsecond=0),
        facilitators=[facilitator.user],
    )
    check_in_enrollment = EnrollmentFactory(session=check_in_session, participant=member)

    closed = SessionFactory(
        workshop=workshop,
        start=yesterday - timedelta(days=7),
        facilitators=[facilitator.user],
        status=SessionStatus.DELIVERED,
    )
    completed = EnrollmentFactory(session=closed, participant=member, completed=True)
    AttendanceFactory(enrollment=completed, marked_by=facilitator.user)
    certificate = CertificateFactory(enrollment=completed)
    # A mark a phone sent after the session was closed: refused, and kept for the staff.
    from courses.models import OfflineMark

    OfflineMark.objects.create(
        key="8d1f6c0e-3b9a-4c2e-9f7d-5a6b7c8d9e0f",
        session=closed,
        enrollment=completed,
        kind="mark",
        payload={"enrollment": completed.pk, "part": None, "status": "absent", "hours": None},
        outcome="refused",
        message="This session is closed.",
        marked_at=yesterday - timedelta(days=7),
        received_by=facilitator.user,
    )
    uncertified = EnrollmentFactory(session=closed, completed=True)
    AttendanceFactory(enrollment=uncertified, marked_by=facilitator.user)

    session_request = SessionRequestFactory(
        workshop=planning,
        local=local,
        status=RequestStatus.IN_REVIEW,
        assigned_facilitator=facilitator.user,
    )
    ask_to_enrol(other_upcoming.pk, email="new@example.org", name="Dana New", local=local)
    pending = PendingEnrollment.objects.get(email="new@example.org")
    AccessAttempt.objects.create(
        username="someone@example.org",
        ip_address="192.0.2.10",
        user_agent="Browser",
        http_accept="text/html",
        path_info="/admin/login/",
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        failures_since_start=9,
    )
    log(instance=upcoming, action="wagtail.edit", user=staff)
    cancelled = EnrollmentFactory(
        session=other_upcoming, participant=member, status=EnrollmentStatus.CANCELLED
    )
    return World(
        users={
            "anonymous": None,
            "member": member_user,
            "facilitator": facilitator.user,
            "staff": staff,
        },
        ids={
            "workshop": workshop.pk,
            "planning": planning.pk,
            "guide": guide.pk,
            "program": program.pk,
            "division": division.pk,
            "sector": sector.pk,
            "local": local.pk,
            "member": member.pk,
            "facilitator": facilitator.pk,
            "staff_user": staff.pk,
            "upcoming": upcoming.pk,
            "other_upcoming": other_upcoming.pk,
            "roster_session": roster_session.pk,
            "by_day": by_day.pk,
            "by_day_enrollment": by_day_enrollment.pk,
            "by_day_part": by_day_part.pk,
            "check_in_session": check_in_session.pk,
            "closed": closed.pk,
            "own_enrollment": own_enrollment.pk,
            "waiting": waiting.pk,
            "cancelled_enrollment": cancelled.pk,
            "marked": marked.pk,
            "unmarked": unmarked.pk,
            "uncertified": uncertified.pk,
            "certificate": certificate.pk,
            "certificate_template": CertificateTemplate.default().pk,
            "session_request": session_request.pk,
            "access_attempt": AccessAttempt.objects.get().pk,
            "site": site.pk,
        },
        tokens={
            "confirm": confirm_token(pending),
            "cancel": cancel_token(own_enrollment),
            "offer": offer_token(offered),
            "feed": feed_token(member),
            "status": request_status_token(session_request),
            "sesame": get_query_string(member_user, scope=SCOPE).removeprefix("?sesame="),
            "code": certificate.code,
            "marked_seen": seen_token(seen_mark(marked_attendance)),
            "check_in_link": link_token(
                check_in_enrollment, open_window(check_in_session), CodeKind.DAY
            ),
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The records every request meets, built once; rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_rate_limits(no_rate_limits):
    """The fuzz sends hundreds of requests from one address: no limit counts them."""


def keep_contexts(store, signal, sender, template, context, **kwargs):
    """Keep the contexts of the templates rendered, without the copy the test client makes:
    the fuzz reads the forms they were given, and copying the context of each of the hundreds
    of templates an admin page includes costs more than the page."""
    store.setdefault("templates", []).append(template)
    store.setdefault("context", ContextList()).append(context)


@pytest.fixture(autouse=True)
def _contexts_without_copies(monkeypatch):
    monkeypatch.setattr(test_client, "store_rendered_templates", keep_contexts)


# Asking


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


class Asker:
    """A client signed in as one role, whose every request leaves the records as they were."""

    def __init__(self, world, role):
        self.client = Client(raise_request_exception=False)
        user = world.users[role]
        if user is not None:
            self.client.force_login(user)
        self.count = 0

    def __call__(self, method, url, data=None, **extra):
        cookies = copy.deepcopy(self.client.cookies)
        with transaction.atomic():
            kwargs = {"data": data} if data is not None else {}
            if method in ("put", "patch", "delete"):
                kwargs = {"data": "", "content_type": "application/x-www-form-urlencoded"}
            response = getattr(self.client, method)(url, **kwargs, **extra)
            response.text_content = body(response)
            transaction.set_rollback(True)
        self.client.cookies = cookies
        self.count += 1
        return response


# What a page says about a field


def context_forms(context):
    """Every form a template was given: forms, the child forms of formsets and of Wagtail's
    cluster forms, and the forms of filter sets."""
    found, seen = [], set()

    def add(value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, forms.BaseForm):
            found.append(value)
            for formset in getattr(value, "formsets", {}).values():
                add(formset)
        elif isinstance(value, BaseFormSet):
            add(value.management_form)
            for child in value.forms:
                add(child)
        elif hasattr(value, "form") and hasattr(value, "filters"):  # a django-filter FilterSet
            add(value.form)

    if context is None:
        return found
    scopes = set()
    for layer in context:
        for scope in getattr(layer, "dicts", [layer]):
            if id(scope) not in scopes:
                scopes.add(id(scope))
                for value in scope.values():
                    add(value)
    return found


def find_field(context, key):
    """``(form, field name)`` of the field that the request's ``key`` is for, or None."""
    for form in context_forms(context):
        for name, form_field in form.fields.items():
            html_name = form.add_prefix(name)
            if key == html_name:
                return form, name
            if isinstance(form_field.widget, forms.MultiWidget) and key.startswith(html_name + "_"):
                return form, name
    return None


TYPED_INPUTS = {"text", "email", "url", "number", "date", "datetime-local", "time", "tel", "search"}


def shows_typed_text(form_field):
    """Whether the field's box shows back what was typed in it (a list, radio buttons, a
    chooser or a hidden field cannot)."""
    widget = form_field.widget
    if isinstance(widget, forms.MultiWidget):
        return all(
            isinstance(sub, forms.widgets.Input) and sub.input_type in TYPED_INPUTS
            for sub in widget.widgets
        )
    if isinstance(widget, forms.Textarea):
        return True
    return isinstance(widget, forms.widgets.Input) and widget.input_type in TYPED_INPUTS


def kind_of(form_field):
    """What kind of field it is: hidden fields are not for people, and some kinds are sent
    values of their own (see :data:`ALONE_BY_KIND`)."""
    if isinstance(form_field.widget, forms.HiddenInput):
        return "hidden"
    if isinstance(form_field, (forms.ModelChoiceField, forms.ModelMultipleChoiceField)):
        return "id"
    if isinstance(form_field, forms.BooleanField):
        return "bool"
    if isinstance(form_field, (forms.ChoiceField, forms.MultipleChoiceField)):
        return "choice"
    if isinstance(form_field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return "number"
    if isinstance(form_field, (forms.DateTimeField, forms.SplitDateTimeField)):
        return "datetime"
    if isinstance(form_field, forms.DateField):
        return "date"
    if isinstance(form_field, forms.TimeField):
        return "time"
    if isinstance(form_field, forms.FileField):
        return "file"
    return "text"


def typed(value):
    """What a box shows of ``value``: the last of several values, as the form reads it."""
    return value[-1] if isinstance(value, list) else value


def status_problem(response):
    """Why ``response`` is a failure (a 5xx), or None."""
    if response.status_code < 500:
        return None
    exc = getattr(response, "exc_info", None)
    return f"{response.status_code} {exc[1]!r}" if exc else str(response.status_code)


def form_problems(response, sent):
    """What is wrong with a page that answered the values ``sent``: for each field a form on
    it refused, the message not shown or what was typed not shown again; and a refusal that
    is at no field, unless a value was sent where nobody types (a hidden field, a key no
    field reads), which the page may well answer above the form."""
    if response.status_code != 200:
        return []
    html = response.text_content
    plain = unescape(html)
    problems = []
    non_field_ok = False
    for key, value in sent.items():
        found = find_field(response.context, key)
        if found is None or kind_of(found[0].fields[found[1]]) == "hidden":
            # Nobody types there: the page says what it makes of it where it can.
            non_field_ok = True
            continue
        form, name = found
        if not form.is_bound or name not in form.errors:
            continue
        form_field = form.fields[name]
        messages = [str(message) for message in form.errors[name]]
        if not any(escape(message) in html for message in messages):
            problems.append(f"{key}: the message is not on the page: {messages}")
        shown = typed(value)
        if (
            shows_typed_text(form_field)
            and shown
            and shown.isprintable()
            and len(shown) < 3000
            and shown not in plain
        ):
            problems.append(f"{key}: what was typed is not shown again: {shown!r}")
    if not non_field_ok:
        for form in context_forms(response.context):
            if form.is_bound and form.non_field_errors() and not form.errors.keys() - {"__all__"}:
                problems.append(f"refused at no field: {list(form.non_field_errors())}")
    return problems


# What is fuzzed


@dataclass
class Target:
    """One form or filter (or a page with ids in its address): where it is, who uses it, and
    what it is sent."""

    name: str
    role: str
    url: object
    #: The field, or the submit button ``(name, value)``, of the page's form to send; None
    #: sends only ``data``.
    marker: object = None
    #: Values that make the page's form valid (or, without a marker, all that is sent).
    data: object = None
    method: str = "post"
    #: The rounds of values (names of :data:`VALUES`), each sent in every field at once.
    rounds: tuple = tuple(VALUES)
    #: Keys sent values one at a time, the others kept valid (the button that says what to do,
    #: the version a form was opened on): in the rounds they keep their value.
    alone: tuple = ()
    alone_rounds: tuple = tuple(VALUES)
    #: Keys the form does not have that the page reads from its address.
    extra: tuple = ()
    #: Whether the data as given must be accepted without any error.
    valid: bool = True
    #: ``check(response, changed)``: the problems of a page whose refusals are not a form's.
    check: object = None


def check_in_code(session_id):
    """The code on the screen of the session's facilitator now (it changes every few minutes,
    so it is made when the page is asked for)."""
    from facilitators.checkin import Code, step_at
    from facilitators.choices import CodeKind

    return str(Code(CodeKind.ROTATING, session_id, step_at(timezone.now())))


def check_in_url(world, session="check_in_session"):
    return reverse("facilitators:check_in", args=[check_in_code(world.ids[session])])


def day(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def moment(days, hour):
    return f"{day(days)} {hour:02d}:00"


def snippet(model, view, *args):
    return reverse(f"wagtailsnippets_{model}:{view}", args=args)


#: What the fuzz sends the pages that list records, besides their filters.
LISTING_EXTRA = ("q", "ordering", "p", "export")


def request_data(world):
    return {
        "local": "3247",
        "local_name_other": "",
        "contact_name": "Robin Tremblay",
        "contact_role": "President",
        "email": "robin@example.org",
        "phone": "450-555-0142",
        "goals": "A three-year plan and more stewards.",
        "participants": "14",
        "date_1": day(40),
        "date_2": day(47),
        "date_3": "",
        "location": "Union hall, Laval",
        "language": "fr",
    }


PUBLIC = [
    Target(
        "enrol, anonymous",
        "anonymous",
        lambda w: reverse("courses:enrol", args=[w.ids["upcoming"]]),
        marker="email",
        data=lambda w: {"name": "Dana New", "email": "dana@example.org", "local": "3247"},
    ),
    Target(
        "enrol, signed-in member",
        "member",
        lambda w: reverse("courses:enrol", args=[w.ids["other_upcoming"]]),
        marker="accessibility_needs",
    ),
    Target(
        "confirm an enrolment",
        "anonymous",
        lambda w: reverse("courses:confirm_enrolment", args=[w.tokens["confirm"]]),
        marker="name",
    ),
    Target(
        "locals suggested as one types",
        "anonymous",
        lambda w: reverse("courses:local_suggestions"),
        data=lambda w: {"q": "3247"},
        method="get",
        check=lambda response, changed: (
            []
            if response.status_code == 200 and isinstance(response.json().get("results"), list)
            else [f"not a list of suggestions: {response.status_code}"]
        ),
    ),
    Target(
        "sign in",
        "anonymous",
        lambda w: reverse("courses:sign_in"),
        marker="email",
        data=lambda w: {"email": "member@example.org"},
        extra=("next",),
    ),
    Target(
        "sign in with a link",
        "anonymous",
        lambda w: reverse("courses:sign_in_link") + f"?sesame={w.tokens['sesame']}",
        marker="next",
        check=lambda response, changed: [],  # the page's one field is where to go next
    ),
    Target(
        "sign-in link, its address",
        "anonymous",
        lambda w: reverse("courses:sign_in_link"),
        data=lambda w: {"sesame": w.tokens["sesame"]},
        method="get",
        extra=("next",),
    ),
    Target(
        "cancel by link",
        "anonymous",
        lambda w: reverse("courses:cancel_enrollment", args=[w.tokens["cancel"]]),
        data=lambda w: {},
    ),
    Target(
        "my details",
        "member",
        lambda w: reverse("courses:my_details"),
        marker="name",
    ),
    Target(
        "cancel from My learning",
        "member",
        lambda w: reverse("courses:my_learning_cancel", args=[w.ids["own_enrollment"]]),
        data=lambda w: {},
    ),
    Target(
        "sign out",
        "member",
        lambda w: reverse("courses:sign_out"),
        data=lambda w: {},
    ),
    Target(
        "accept a place offered",
        "anonymous",
        lambda w: reverse("courses:accept_offer", args=[w.tokens["offer"]]),
        data=lambda w: {},
    ),
    Target(
        "new calendar address",
        "member",
        lambda w: reverse("courses:new_feed_link"),
        data=lambda w: {},
    ),
    Target(
        "request a session",
        "anonymous",
        lambda w: "/en/request-a-session/",
        marker="goals",
        data=request_data,
    ),
    Target(
        "request form, its address",
        "anonymous",
        lambda w: "/en/request-a-session/",
        data=lambda w: {"workshop": "planning"},
        method="get",
    ),
    Target(
        "certificate lookup",
        "anonymous",
        lambda w: reverse("certificates:lookup"),
        marker="code",
        data=lambda w: {"code": w.tokens["code"]},
        method="get",
    ),
    Target(
        "search",
        "anonymous",
        lambda w: reverse("search"),
        data=lambda w: {"query": "grievances", "program": "steward-program", "audience": ""},
        method="get",
    ),
    Target(
        "catalogue filters",
        "anonymous",
        lambda w: "/en/workshops/",
        data=lambda w: {"program": "steward-program", "audience": ""},
        method="get",
    ),
    Target(
        "check in by code, anonymous",
        "anonymous",
        check_in_url,
        marker="email",
        data=lambda w: {"email": "member@example.org"},
    ),
    Target(
        "check in by code, signed-in member",
        "member",
        check_in_url,
        data=lambda w: {},
    ),
    Target(
        "check in by an emailed link",
        "anonymous",
        lambda w: reverse("facilitators:check_in_link", args=[w.tokens["check_in_link"]]),
        data=lambda w: {},
    ),
    Target(
        "language",
        "anonymous",
        lambda w: reverse("set_language"),
        data=lambda w: {"language": "fr", "next": "/en/workshops/"},
    ),
]


def roster_problems(response, changed):
    """The roster's refusals are at its rows: each says why, and keeps the hours typed."""
    if response.status_code != 200 or response.context is None:
        return []
    problems = []
    html = unescape(response.text_content)
    for row in response.context.get("row_errors") or []:
        if str(row.error) not in html:
            problems.append(f"row {row.pk}: the message is not on the page: {row.error}")
        hours = typed(changed.get(row.hours_name, ""))
        if hours and hours.isprintable() and len(hours) < 3000 and f'value="{hours}"' not in html:
            problems.append(f"row {row.pk}: the hours typed are not shown again: {hours!r}")
    return problems


FACILITATOR = [
    Target(
        "roster: attendance",
        "facilitator",
        lambda w: reverse("facilitators:roster", args=[w.ids["roster_session"]]),
        marker=("action", "mark"),
        data=lambda w: {
            f"status-{w.ids['unmarked']}": "partial",
            f"hours-{w.ids['unmarked']}": "4",
        },
        alone=("action",),
        check=roster_problems,
    ),
    Target(
        "roster: walk-in",
        "facilitator",
        lambda w: reverse("facilitators:roster", args=[w.ids["roster_session"]]),
        marker=("action", "walk_in"),
        data=lambda w: {
            "walk_in-name": "Eli Walker",
            "walk_in-email": "eli@example.org",
            "walk_in-local": "3247",
        },
    ),
    Target(
        "roster: close",
        "facilitator",
        lambda w: reverse("facilitators:roster", args=[w.ids["roster_session"]]),
        marker=("action", "close"),
        data=lambda w: {"close-mark_unmarked_absent": "on"},
    ),
    Target(
        "roster: confirm closing",
        "facilitator",
        lambda w: reverse("facilitators:roster", args=[w.ids["roster_session"]]),
        data=lambda w: {
            "action": "confirm_close",
            "roster_seen": "1",
            f"seen-{w.ids['marked']}": w.tokens["marked_seen"],
            f"seen-{w.ids['unmarked']}": "none",
            "close-mark_unmarked_absent": "on",
        },
    ),
    Target(
        "roster: close early",
        "staff",
        lambda w: reverse("facilitators:roster", args=[w.ids["upcoming"]]),
        marker=("action", "close"),
        data=lambda w: {
            "close-mark_unmarked_absent": "on",
            "close-early_reason": "Held early by mistake.",
        },
    ),
    Target(
        "roster: attendance by day",
        "facilitator",
        lambda w: (
            reverse("facilitators:roster", args=[w.ids["by_day"]]) + f"?part={w.ids['by_day_part']}"
        ),
        marker=("action", "mark"),
        data=lambda w: {
            f"status-{w.ids['by_day_enrollment']}-{w.ids['by_day_part']}": "partial",
            f"hours-{w.ids['by_day_enrollment']}-{w.ids['by_day_part']}": "1",
        },
        alone=("action", "part"),
        check=roster_problems,
    ),
    Target(
        "roster: reopen",
        "staff",
        lambda w: reverse("facilitators:roster", args=[w.ids["closed"]]),
        marker=("action", "reopen"),
    ),
    # What a phone sends is JSON (see ``test_the_offline_sync_takes_any_json``): sent as a form,
    # it is refused whole.
    Target(
        "roster: offline sync",
        "facilitator",
        lambda w: reverse("facilitators:roster_sync", args=[w.ids["roster_session"]]),
        data=lambda w: {"marks": "[]", "walk_ins": "[]"},
        valid=False,
    ),
]

SESSION = "courses_session"
REQUEST = "courses_sessionrequest"


def session_data(w):
    return {
        "workshop": str(w.ids["workshop"]),
        "parts-0-starts_at": moment(30, 9),
        "parts-0-ends_at": moment(30, 15),
        "capacity": "20",
        "venue": "Union Hall",
        "language": "en",
    }


#: The hidden fields that say which version of a record a form was opened on: anything else
#: in them makes the form out of date, which the page says above the form.
VERSION_FIELDS = ("opened_version", "opened_values")


def staff_form(name, url, marker, **options):
    return Target(name, "staff", url, marker=marker, **options)


ADMIN_FORMS = [
    staff_form(
        "session: add",
        lambda w: snippet(SESSION, "add"),
        "capacity",
        data=session_data,
        rounds=SHORT,
    ),
    staff_form(
        "session: edit",
        lambda w: snippet(SESSION, "edit", w.ids["upcoming"]),
        "capacity",
        alone=VERSION_FIELDS,
        alone_rounds=SHORT,
    ),
    staff_form(
        "session: enrol one person",
        lambda w: snippet(SESSION, "people", w.ids["upcoming"]),
        "email",
        data=lambda w: {"name": "Fay Staff", "email": "fay@example.org", "local": "3247"},
    ),
    staff_form(
        "session: enrol a list",
        lambda w: snippet(SESSION, "bulk_enrol", w.ids["upcoming"]),
        "rows",
        data=lambda w: {"rows": "Gil Roy, gil@example.org, 3247"},
    ),
    staff_form(
        "session: cancel an enrolment",
        lambda w: snippet(SESSION, "cancel_enrollment", w.ids["upcoming"], w.ids["own_enrollment"]),
        None,
        data=lambda w: {},
    ),
    staff_form(
        "session: cancel",
        lambda w: snippet(SESSION, "cancel_session", w.ids["upcoming"]),
        "reason",
        data=lambda w: {"reason": "The venue flooded."},
    ),
    staff_form(
        "session: offer a place",
        lambda w: snippet(SESSION, "offer_place", w.ids["upcoming"], w.ids["waiting"]),
        None,
        data=lambda w: {},
    ),
    staff_form(
        "session: reopen",
        lambda w: snippet(SESSION, "reopen_session", w.ids["closed"]),
        None,
        data=lambda w: {},
    ),
    staff_form(
        "session: delete",
        lambda w: snippet(SESSION, "delete", w.ids["other_upcoming"]),
        None,
        data=lambda w: {},
    ),
    staff_form(
        "participant: add",
        lambda w: snippet("courses_participant", "add"),
        "email",
        data=lambda w: {"name": "Hana Park", "email": "hana@example.org", "local": w.ids["local"]},
        rounds=SHORT,
    ),
    staff_form(
        "participant: edit",
        lambda w: snippet("courses_participant", "edit", w.ids["member"]),
        "email",
    ),
    staff_form(
        "enrolment: edit",
        lambda w: snippet("courses_enrollment", "edit", w.ids["own_enrollment"]),
        "accessibility_needs",
    ),
    staff_form(
        "program: add",
        lambda w: snippet("courses_program", "add"),
        "title",
        data=lambda w: {"title": "New Program", "slug": "new-program"},
        rounds=SHORT,
    ),
    staff_form(
        "program: edit",
        lambda w: snippet("courses_program", "edit", w.ids["program"]),
        "title",
        data=lambda w: {
            "requirements-TOTAL_FORMS": "1",
            "requirements-0-workshop": str(w.ids["workshop"]),
            "requirements-0-ORDER": "1",
            "requirements-0-id": "",
        },
    ),
    staff_form(
        "local: add",
        lambda w: snippet("courses_local", "add"),
        "number",
        data=lambda w: {
            "number": "9911",
            "name": "New local",
            "division": w.ids["division"],
            "sector": w.ids["sector"],
        },
        rounds=SHORT,
    ),
    staff_form(
        "local: edit",
        lambda w: snippet("courses_local", "edit", w.ids["local"]),
        "number",
    ),
    staff_form(
        "division: add",
        lambda w: snippet("courses_division", "add"),
        "code",
        data=lambda w: {"name": "Manitoba", "code": "MB"},
        rounds=SHORT,
    ),
    staff_form(
        "division: edit",
        lambda w: snippet("courses_division", "edit", w.ids["division"]),
        "code",
    ),
    staff_form(
        "sector: add",
        lambda w: snippet("courses_sector", "add"),
        "name",
        data=lambda w: {"name": "Universities"},
        rounds=SHORT,
    ),
    staff_form(
        "sector: edit",
        lambda w: snippet("courses_sector", "edit", w.ids["sector"]),
        "name",
    ),
    staff_form(
        "request: add",
        lambda w: snippet(REQUEST, "add"),
        "goals",
        data=lambda w: {
            **request_data(w),
            "local": str(w.ids["local"]),
            "workshop": str(w.ids["planning"]),
            "delivery_format": "in_person",
        },
        rounds=SHORT,
    ),
    staff_form(
        "request: edit",
        lambda w: snippet(REQUEST, "edit", w.ids["session_request"]),
        "goals",
        alone=VERSION_FIELDS,
        alone_rounds=SHORT,
    ),
    staff_form(
        "request: change status",
        lambda w: snippet(REQUEST, "change_status", w.ids["session_request"]),
        "reason",
        data=lambda w: {"status": "declined", "reason": "No facilitator is free."},
        alone=VERSION_FIELDS,
        alone_rounds=SHORT,
    ),
    staff_form(
        "request: assign a facilitator",
        lambda w: snippet(REQUEST, "assign_facilitator", w.ids["session_request"]),
        "facilitator",
        alone=VERSION_FIELDS,
        alone_rounds=SHORT,
    ),
    staff_form(
        "request: create its session",
        lambda w: snippet(REQUEST, "create_session", w.ids["session_request"]),
        "capacity",
        data=lambda w: {"date": day(40), "starts": "09:00", "ends": "15:00", "city": "Laval"},
    ),
    staff_form(
        "facilitator: edit",
        lambda w: snippet("facilitators_facilitator", "edit", w.ids["facilitator"]),
        "bio",
    ),
    # Enrolments are made on a session's "People" page: staff may not add one here.
    staff_form(
        "enrolment: add",
        lambda w: snippet("courses_enrollment", "add"),
        None,
        data=lambda w: {"accessibility_needs": "Step-free access", "childcare_needs": ""},
    ),
    staff_form(
        "facilitator: add",
        lambda w: snippet("facilitators_facilitator", "add"),
        "bio",
        data=lambda w: {"user": w.ids["staff_user"]},
        rounds=SHORT,
    ),
    staff_form(
        "certificate template: add",
        lambda w: snippet("certificates_certificatetemplate", "add"),
        "wording",
        data=lambda w: {
            "name": "Plain",
            "heading": "Certificate",
            "wording": "{name} completed {title}.",
            "heading_fr": "Attestation",
            "wording_fr": "{name} a suivi {title}.",
            "accent_colour": "#112233",
        },
        rounds=SHORT,
    ),
    *(
        staff_form(
            f"certificate template: live preview ({label})",
            url,
            None,
            data=lambda w: {
                "name": "Plain",
                "heading": "Certificate",
                "wording": "{name} completed {title}.",
                "heading_fr": "Attestation",
                "wording_fr": "{name} a suivi {title}.",
                "accent_colour": "#112233",
            },
            rounds=SHORT,
        )
        for label, url in (
            ("new", lambda w: snippet("certificates_certificatetemplate", "preview_on_add")),
            (
                "edited",
                lambda w: snippet(
                    "certificates_certificatetemplate",
                    "preview_on_edit",
                    w.ids["certificate_template"],
                ),
            ),
        )
    ),
    staff_form(
        "certificate template: edit",
        lambda w: snippet(
            "certificates_certificatetemplate", "edit", w.ids["certificate_template"]
        ),
        "wording",
    ),
    staff_form(
        "certificate: revoke",
        lambda w: reverse("certificates_admin:revoke", args=[w.ids["certificate"]]),
        "reason",
        data=lambda w: {"reason": "Issued by mistake."},
    ),
    staff_form(
        "certificate: reissue",
        lambda w: reverse("certificates_admin:reissue", args=[w.ids["certificate"]]),
        "holder_name",
        data=lambda w: {"holder_name": "Ana Lima-Souza"},
    ),
    staff_form(
        "certificate: issue, choose",
        lambda w: reverse("certificates_admin:issue_choose"),
        "person",
        data=lambda w: {"session": str(w.ids["closed"]), "person": "Ana Lima"},
    ),
    staff_form(
        "certificate: issue",
        lambda w: reverse("certificates_admin:issue", args=[w.ids["uncertified"]]),
        None,
        data=lambda w: {},
    ),
    staff_form(
        "organisation settings",
        lambda w: reverse(
            "wagtailsettings:edit", args=["home", "organisationsettings", w.ids["site"]]
        ),
        "contact_email",
    ),
    *[
        staff_form(
            f"{model.split('_')[1]}: delete",
            lambda w, model=model, key=key: snippet(model, "delete", w.ids[key]),
            None,
            data=lambda w: {},
        )
        for model, key in [
            ("courses_participant", "member"),
            ("courses_enrollment", "own_enrollment"),
            ("courses_program", "program"),
            ("courses_local", "local"),
            ("courses_division", "division"),
            ("courses_sector", "sector"),
            (REQUEST, "session_request"),
            ("facilitators_facilitator", "facilitator"),
            ("certificates_certificatetemplate", "certificate_template"),
        ]
    ],
    staff_form(
        "sign-in lockout: lift",
        lambda w: reverse("sign_in_lockouts:lift", args=[w.ids["access_attempt"]]),
        None,
        data=lambda w: {},
    ),
]


def listing(name, url, marker, **options):
    return Target(name, "staff", url, marker=marker, method="get", extra=LISTING_EXTRA, **options)


def snippet_list(model):
    return lambda w: snippet(model, "list")


REPORTS = {
    "sessions": "education_reports:sessions",
    "completions": "education_reports:completions",
    "facilitators": "education_reports:facilitators",
    "demand": "education_reports:demand",
    "certificates": "certificate_reports:certificates",
}

ADMIN_FILTERS = [
    listing("sessions", snippet_list(SESSION), "q"),
    listing("requests", snippet_list(REQUEST), "q"),
    listing("participants", snippet_list("courses_participant"), "q", rounds=SHORT),
    listing("enrolments", snippet_list("courses_enrollment"), "q", rounds=SHORT),
    listing("programs", snippet_list("courses_program"), "q", rounds=SHORT),
    listing("locals", snippet_list("courses_local"), "q"),
    listing("divisions", snippet_list("courses_division"), "q", rounds=SHORT),
    listing("sectors", snippet_list("courses_sector"), "q", rounds=SHORT),
    listing(
        "facilitators",
        snippet_list("facilitators_facilitator"),
        "q",
    ),
    listing(
        "certificate templates", snippet_list("certificates_certificatetemplate"), "q", rounds=SHORT
    ),
    listing(
        "certificates",
        lambda w: reverse("certificates_admin:index"),
        "q",
    ),
    listing("sign-in lockouts", lambda w: reverse("sign_in_lockouts:index"), "q", rounds=SHORT),
    listing("offline marks", lambda w: reverse("offline_marks:index"), "session"),
    listing("translations", lambda w: reverse("translation_report:index"), "state", rounds=SHORT),
    *[
        listing(
            f"report: {report}",
            lambda w, name=name: reverse(name),
            "period_from",
            rounds=tuple(VALUES) if report == "sessions" else SHORT,
        )
        for report, name in REPORTS.items()
    ],
]

#: The snippets of the education apps, with the record each one's pages are asked about.
SNIPPETS = {
    SESSION: "upcoming",
    REQUEST: "session_request",
    "courses_participant": "member",
    "courses_enrollment": "own_enrollment",
    "courses_program": "program",
    "courses_local": "local",
    "courses_division": "division",
    "courses_sector": "sector",
    "facilitators_facilitator": "facilitator",
    "certificates_certificatetemplate": "certificate_template",
}


def chooser(model, view, *args):
    return reverse(f"wagtailsnippetchoosers_{model}:{view}", args=args)


def snippet_views(model, key):
    """The history and the chooser of a snippet: their filters, search and ids."""
    label = model.split("_", 1)[1]
    return [
        Target(
            f"{label}: history",
            "staff",
            lambda w: snippet(model, "history", w.ids[key]),
            marker="timestamp_from",
            method="get",
            extra=("user", "action", "p"),
        ),
        Target(
            f"{label}: usage",
            "staff",
            lambda w: snippet(model, "usage", w.ids[key]),
            method="get",
            extra=("p", "ordering"),
        ),
        Target(
            f"{label}: chooser search",
            "staff",
            lambda w: chooser(model, "choose_results"),
            data=lambda w: {"q": "a"},
            method="get",
            extra=("p",),
        ),
        Target(
            f"{label}: chooser, chosen",
            "staff",
            lambda w: chooser(model, "chosen", w.ids[key]),
            method="get",
        ),
        Target(
            f"{label}: chooser, several chosen",
            "staff",
            lambda w: chooser(model, "chosen_multiple"),
            data=lambda w: {"id": w.ids[key]},
            method="get",
            extra=("id",),
        ),
        Target(
            f"{label}: chooser, create",
            "staff",
            lambda w: chooser(model, "create"),
            data=lambda w: {},
            valid=False,
        ),
    ]


#: A snippet whose record is copied (into the add form, filled in from it): every snippet's
#: copy is the same view.
COPIED = ("courses_local",)

#: The snippets whose history and chooser are fuzzed: the others' are the same views (see
#: ``test_every_address_of_the_apps_is_fuzzed_or_has_no_form``). Sessions have a history
#: with people in it and a chooser that follows the permission policy; locals, plain ones.
FUZZED_SNIPPET_VIEWS = (SESSION, "courses_local")

SNIPPET_VIEWS = [
    *[target for model in FUZZED_SNIPPET_VIEWS for target in snippet_views(model, SNIPPETS[model])],
    # The programs' chooser offers the programs in the default language only: views of its own.
    Target(
        "program: chooser search",
        "staff",
        lambda w: chooser("courses_program", "choose_results"),
        data=lambda w: {"q": "a"},
        method="get",
        extra=("p",),
    ),
    *[
        Target(
            f"{model.split('_', 1)[1]}: copy",
            "staff",
            lambda w, model=model: snippet(model, "copy", w.ids[SNIPPETS[model]]),
            method="get",
        )
        for model in COPIED
    ],
]

#: Pages with no form, whose addresses take ids or codes: asked for ids of nothing and of
#: other records, and sent the methods they do not take.
PAGES = [
    Target(name, role, url, method="get")
    for name, role, url in [
        (
            "enrolment result",
            "member",
            lambda w: reverse("courses:enrol_result", args=[w.ids["upcoming"]]),
        ),
        (
            "check your email",
            "anonymous",
            lambda w: reverse("courses:enrol_requested", args=[w.ids["upcoming"]]),
        ),
        (
            "calendar file",
            "anonymous",
            lambda w: reverse("courses:session_calendar", args=[w.ids["upcoming"]]),
        ),
        ("sign-in link sent", "anonymous", lambda w: reverse("courses:sign_in_sent")),
        ("My learning", "member", lambda w: reverse("courses:my_learning")),
        (
            "my calendar feed",
            "anonymous",
            lambda w: reverse("courses:my_feed", args=[w.tokens["feed"]]),
        ),
        (
            "workshop calendar feed",
            "anonymous",
            lambda w: reverse("courses:workshop_feed", args=[w.ids["workshop"]]),
        ),
        (
            "program calendar feed",
            "anonymous",
            lambda w: reverse("courses:program_feed", args=["steward-program"]),
        ),
        (
            "my calendar file",
            "member",
            lambda w: reverse("courses:my_calendar", args=[w.ids["own_enrollment"]]),
        ),
        (
            "request status",
            "anonymous",
            lambda w: reverse("courses:request_status", args=[w.tokens["status"]]),
        ),
        ("my sessions", "facilitator", lambda w: reverse("facilitators:my_sessions")),
        (
            "check-in code screen",
            "facilitator",
            lambda w: reverse("facilitators:check_in_code", args=[w.ids["check_in_session"]]),
        ),
        (
            "check-in link sent",
            "anonymous",
            lambda w: reverse(
                "facilitators:check_in_sent", args=[check_in_code(w.ids["check_in_session"])]
            ),
        ),
        ("service worker", "facilitator", lambda w: reverse("facilitators:service_worker")),
        ("web manifest", "facilitator", lambda w: reverse("facilitators:manifest")),
        (
            "sign-in sheet",
            "facilitator",
            lambda w: reverse("facilitators:sign_in_sheet", args=[w.ids["roster_session"]]),
        ),
        (
            "guide PDF",
            "facilitator",
            lambda w: reverse("facilitators:guide_pdf", args=[w.ids["guide"]]),
        ),
        (
            "translation: what changed",
            "staff",
            lambda w: reverse("translation_report:changes", args=[w.ids["planning"]]),
        ),
        (
            "certificate verification",
            "anonymous",
            lambda w: reverse("certificates:verify", args=[w.tokens["code"]]),
        ),
        (
            "certificate download",
            "member",
            lambda w: reverse("certificates:download", args=[w.tokens["code"]]),
        ),
        (
            "certificate credential",
            "anonymous",
            lambda w: reverse("certificates:credential", args=[w.tokens["code"]]),
        ),
        (
            "certificate badge",
            "member",
            lambda w: reverse("certificates:badge", args=[w.tokens["code"]]),
        ),
        ("open badges issuer", "anonymous", lambda w: reverse("certificates:issuer")),
        ("open badges key set", "anonymous", lambda w: reverse("certificates:key_set")),
        (
            "open badges status list",
            "anonymous",
            lambda w: reverse("certificates:status_list", args=[0]),
        ),
        (
            "open badges workshop achievement",
            "anonymous",
            lambda w: reverse("certificates:workshop_achievement", args=[w.ids["workshop"]]),
        ),
        (
            "open badges program achievement",
            "anonymous",
            lambda w: reverse("certificates:program_achievement", args=[w.ids["program"]]),
        ),
        (
            "certificate: inspect",
            "staff",
            lambda w: reverse("certificates_admin:inspect", args=[w.ids["certificate"]]),
        ),
        (
            "certificate: history",
            "staff",
            lambda w: reverse("certificates_admin:history", args=[w.ids["certificate"]]),
        ),
        (
            "certificate: download",
            "staff",
            lambda w: reverse("certificates_admin:download", args=[w.ids["certificate"]]),
        ),
        (
            "certificates of a session: ZIP",
            "staff",
            lambda w: reverse("certificates_admin:session_archive", args=[w.ids["closed"]]),
        ),
        (
            "certificates of a session: ZIP download",
            "staff",
            lambda w: reverse(
                "certificates_admin:session_archive_download", args=[w.ids["closed"]]
            ),
        ),
        (
            "certificate template: PDF preview",
            "staff",
            lambda w: (
                snippet(
                    "certificates_certificatetemplate", "preview_pdf", w.ids["certificate_template"]
                )
                + "?language=fr"
            ),
        ),
        (
            "enrolment: inspect",
            "staff",
            lambda w: snippet("courses_enrollment", "inspect", w.ids["own_enrollment"]),
        ),
    ]
]

TARGETS = PUBLIC + FACILITATOR + ADMIN_FORMS + ADMIN_FILTERS + SNIPPET_VIEWS + PAGES


# The fuzz


def round_data(data, keys, label, value):
    """``data`` with ``value`` in every key of ``keys`` (the counts of a formset keep theirs
    in the "huge" round)."""
    sent = dict(data)
    for key in keys:
        if label == "huge" and key.endswith(MANAGEMENT_FIELDS):
            continue
        sent[key] = value
    return sent


def fuzz(world, target, ask):
    """Send ``target`` every malformed value: the problems found."""
    url = target.url(world)
    data, names, kinds = {}, [], {}
    if target.marker is not None:
        page = ask("get", url)
        assert page.status_code == 200, f"{url} → {page.status_code}"
        data, names = form_with(page.text_content, target.marker)
        for key in names:
            found = find_field(page.context, key)
            if found is not None:
                kinds[key] = kind_of(found[0].fields[found[1]])
        # The page's answers are read from its forms: they must be found.
        typed_in = [name for name in names if name != "csrfmiddlewaretoken"]
        assert kinds or not typed_in or target.check, f"{url}: no form has the fields {typed_in}"
    for key, value in (target.data(world) if target.data else {}).items():
        data[key] = value if isinstance(value, list) else [str(value)]
    data.pop("csrfmiddlewaretoken", None)
    problems = []

    def check(sent, label):
        response = ask(target.method, url, sent)
        if problem := status_problem(response):
            problems.append(f"{label} → {problem}")
            return response
        changed = {key: value for key, value in sent.items() if data.get(key) != value}
        problems.extend(f"{label}: {problem}" for problem in form_problems(response, changed))
        if target.check is not None:
            problems.extend(f"{label}: {problem}" for problem in target.check(response, changed))
        return response

    # The form as a person fills it in, with a field that does not exist: accepted.
    control = check({**data, "no_such_field": "1"}, "the valid data")
    if target.valid and control.status_code == 200:
        refused = {
            form.prefix or "form": form.errors.get_json_data()
            for form in context_forms(control.context)
            if form.is_bound and form.errors
        }
        if refused:
            problems.append(f"the valid data was refused: {refused}")
    if target.marker is None and target.data is None:
        return problems  # a page without a form: its address is what is fuzzed

    alone = [key.format(**world.ids) for key in target.alone]
    keys = [
        key
        for key in dict.fromkeys([*names, *data, *target.extra])
        if key not in alone and key != "csrfmiddlewaretoken"
    ]
    for label in target.rounds if keys else ():
        check(round_data(data, keys, label, VALUES[label]), f"every field={label}")
    for key in keys:
        for label, value in ALONE_BY_KIND.get(kinds.get(key), {}).items():
            check({**data, key: value}, f"{key}={label}")
    for key in alone:
        for label in target.alone_rounds:
            check({**data, key: VALUES[label]}, f"{key}={label}")
    if target.method == "post" and data:
        check({}, "nothing at all")
    if "export" in target.extra:
        for label in ("huge", "year-10000"):
            sent = round_data(data, keys, label, VALUES[label])
            check({**sent, "export": "csv"}, f"a download, every field={label}")
    return problems


# Addresses: ids of nothing and of other records, and methods the pages do not take


def resolved(world, target):
    from django.urls import resolve

    url = target.url(world)
    path, _, query = url.partition("?")
    return resolve(path), query


#: Ids in addresses that name nothing: past SQLite's and PostgreSQL's integers, and none.
BAD_IDS = {"huge": HUGE, "past-integer": str(2**31), "zero": "0"}
#: Tokens and codes in addresses that are not ones: a word, a number, NUL, very long.
BAD_TOKENS = {"word": "x", "huge": HUGE, "nul": "a\x00b", "long": "y" * 5000}


def other_records(world):
    """{view name: [URL arguments naming records the page is not for]}: records of another
    kind, someone else's, or of another session."""
    ids, tokens = world.ids, world.tokens
    return {
        "courses:enrol": [{"session_id": ids["guide"]}, {"session_id": ids["closed"]}],
        "courses:confirm_enrolment": [{"token": tokens["cancel"]}, {"token": tokens["status"]}],
        "courses:cancel_enrollment": [{"token": tokens["confirm"]}, {"token": tokens["status"]}],
        "courses:accept_offer": [{"token": tokens["cancel"]}, {"token": tokens["confirm"]}],
        "courses:my_feed": [{"token": tokens["cancel"]}, {"token": tokens["offer"]}],
        "courses:workshop_feed": [{"workshop_id": ids["guide"]}, {"workshop_id": ids["planning"]}],
        "courses:my_learning_cancel": [
            {"enrollment_id": ids["marked"]},
            {"enrollment_id": ids["cancelled_enrollment"]},
        ],
        "facilitators:check_in_code": [
            {"session_id": ids["other_upcoming"]},
            {"session_id": ids["guide"]},
        ],
        # A session whose check-in is not open, and another session's code with this one's id.
        "facilitators:check_in": [
            {"code": check_in_code(ids["other_upcoming"])},
            {
                "code": check_in_code(ids["other_upcoming"]).replace(
                    f"r{ids['other_upcoming']}-", f"r{ids['check_in_session']}-"
                )
            },
        ],
        "facilitators:check_in_link": [{"token": tokens["cancel"]}, {"token": tokens["confirm"]}],
        "facilitators:roster": [
            {"session_id": ids["other_upcoming"]},
            {"session_id": ids["guide"]},
        ],
        "facilitators:roster_sync": [
            {"session_id": ids["other_upcoming"]},
            {"session_id": ids["guide"]},
        ],
        "wagtailsnippets_courses_session:cancel_enrollment": [
            {"pk": ids["upcoming"], "enrollment_pk": ids["marked"]},
            {"pk": ids["guide"], "enrollment_pk": ids["own_enrollment"]},
        ],
        "wagtailsnippets_courses_session:reopen_session": [{"pk": ids["upcoming"]}],
        "wagtailsnippets_courses_session:offer_place": [
            {"pk": ids["upcoming"], "enrollment_pk": ids["own_enrollment"]},
            {"pk": ids["other_upcoming"], "enrollment_pk": ids["waiting"]},
        ],
        "certificates_admin:issue": [{"pk": ids["marked"]}, {"pk": ids["cancelled_enrollment"]}],
        "certificates_admin:revoke": [{"pk": ids["guide"]}],
        "certificates_admin:reissue": [{"pk": ids["guide"]}],
        "sign_in_lockouts:lift": [{"pk": ids["guide"]}],
    }


#: Stands for a NUL byte while an address is built (``reverse`` cannot quote one).
NUL_MARK = "nul-byte-here"


def address_variants(world, target):
    """``(label, URL)`` for each address like the target's with another id or token in it."""
    match, query = resolved(world, target)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    variants = []
    for key, real in match.kwargs.items():
        if isinstance(real, int):
            bad = BAD_IDS
        elif key == "pk":
            bad = {**BAD_IDS, "nan": "NaN", "word": "x"}
        elif key in ("token", "code"):
            bad = BAD_TOKENS
        else:
            continue
        for label, value in bad.items():
            value = value.replace("\x00", NUL_MARK)
            url = reverse(name, kwargs={**match.kwargs, key: value}).replace(NUL_MARK, "%00")
            variants.append((f"{key}={label}", url + (f"?{query}" if query else "")))
    for kwargs in other_records(world).get(name, []):
        url = reverse(name, kwargs={**match.kwargs, **kwargs})
        variants.append((f"another record {kwargs}", url))
    return variants


def first_with_address(world, target):
    """Whether ``target`` is the first target of its address and role (the others' pages
    are the same page, asked already)."""
    path = target.url(world).partition("?")[0]
    return target is next(
        other
        for other in TARGETS
        if other.url(world).partition("?")[0] == path and other.role == target.role
    )


def ask_addresses(world, target, ask):
    """Ask the target's page with ids of nothing and of other records in its address: the
    problems found."""
    if not first_with_address(world, target):
        return []
    methods = ["get"] if target.method == "get" else ["get", "post"]
    problems = []
    for label, url in address_variants(world, target):
        for method in methods:
            if problem := status_problem(ask(method, url, {})):
                problems.append(f"{method.upper()} with {label} → {problem}")
    return problems


def ask_methods(world, target, ask):
    """Send the target's page the methods it does not take, once per address: the problems
    found."""
    if not first_with_address(world, target):
        return []
    url = target.url(world)
    methods = ["put", "patch", "delete"] + (["post"] if target.method == "get" else [])
    problems = []
    for method in methods:
        if problem := status_problem(ask(method, url)):
            problems.append(f"{method.upper()} → {problem}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS, ids=[target.name for target in TARGETS])
def test_malformed_input_is_answered_at_its_field(world, target):
    ask = Asker(world, target.role)

    problems = [
        *fuzz(world, target, ask),
        *ask_addresses(world, target, ask),
        *ask_methods(world, target, ask),
    ]

    assert not problems, f"{target.name}, {ask.count} requests:\n" + "\n".join(problems)


# Every address of the education apps is fuzzed, or has no form


#: The namespaces of the URLs of the education apps and of their admin screens.
OUR_NAMESPACES = (
    "courses",
    "facilitators",
    "certificates",
    "certificates_admin",
    "education_reports",
    "certificate_reports",
    "sign_in_lockouts",
    "translation_report",
    "offline_marks",
    *(f"wagtailsnippets_{model}" for model in SNIPPETS),
    *(f"wagtailsnippetchoosers_{model}" for model in SNIPPETS),
)


def our_url_names():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                last = namespace.rsplit(":", 1)[-1]
                if last in OUR_NAMESPACES:
                    yield f"{last}:{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def fuzzed_url_names(world):
    names = set()
    for target in TARGETS:
        match, _query = resolved(world, target)
        names.add(f"{match.namespace.rsplit(':', 1)[-1]}:{match.url_name}")
    return names


#: Pages that have no form of their own, the same view for every snippet: one snippet's is
#: fuzzed (see ``FUZZED_SNIPPET_VIEWS``), and the others' are the same code.
SHARED_VIEWS = {"history", "usage", "chosen", "chosen_multiple", "choose_results", "create", "copy"}


def view_classes(world):
    """{URL name: the view class serving it} for every address of the apps."""
    classes = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace.rsplit(':', 1)[-1]}:{pattern.name}"
                classes[name] = getattr(pattern.callback, "view_class", pattern.callback)

    walk(get_resolver().url_patterns)
    return classes


def refreshed_by(name):
    """The address whose filters the page ``name`` shares: a listing's results, refreshed
    with its filters, and a chooser's window, whose search is that of its results."""
    namespace, url_name = name.split(":")
    if url_name == "choose":
        return f"{namespace}:choose_results"
    if url_name.endswith("_results") and url_name != "choose_results":
        return f"{namespace}:{url_name.removesuffix('_results')}"
    return None


@pytest.mark.django_db
def test_every_address_of_the_apps_is_fuzzed_or_has_no_form(world):
    """A new page of the apps must be added to the fuzz (to ``PAGES`` when it has no form)."""
    fuzzed = fuzzed_url_names(world)
    classes = view_classes(world)
    fuzzed_views = {(name.split(":")[1], classes.get(name)) for name in fuzzed}

    def is_fuzzed(name):
        if name in fuzzed:
            return True
        if (page := refreshed_by(name)) is not None:
            return is_fuzzed(page)
        url_name = name.split(":")[1]
        return url_name in SHARED_VIEWS and (url_name, classes[name]) in fuzzed_views

    missing = sorted(name for name in our_url_names() if not is_fuzzed(name))

    assert not missing, f"Not fuzzed: {missing}"


# Deleting in bulk


BULK_IDS = {
    "huge": [HUGE],
    "huge and real": [HUGE, "{pk}"],
    "nan": ["NaN"],
    "minus-one": ["-1"],
    "1e309": ["1e309"],
    "nul": ["a\x00b"],
    "empty": [""],
    "none": [],
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(SNIPPETS), ids=list(SNIPPETS))
def test_bulk_actions_take_any_ids(world, model):
    app_label, model_name = model.split("_", 1)
    url = reverse("wagtail_bulk_action", args=[app_label, model_name, "delete"])
    ask = Asker(world, "staff")
    problems = []
    for label, ids in BULK_IDS.items():
        query = "&".join(
            "id=" + value.format(pk=world.ids[SNIPPETS[model]]).replace("\x00", "%00")
            for value in ids
        )
        for method in ("get", "post"):
            response = ask(method, f"{url}?{query}", {})
            if problem := status_problem(response):
                problems.append(f"{method.upper()} {label} → {problem}")

    assert not problems, "\n".join(problems)


# The offline sync: JSON, not a form


#: Every malformed value, and a value of each JSON type, for each field of what a phone sends.
JSON_VALUES = {
    **VALUES,
    "null": None,
    "true": True,
    "zero": 0,
    "minus-one-number": -1,
    "huge-number": 10**30,
    "fraction": 1.5,
    "list": [1, 2],
    "object": {"a": 1},
    "surrogate": "\ud800",
}

#: Bodies that are no sending at all.
RAW_BODIES = {
    "empty": b"",
    "null": b"null",
    "a list": b"[]",
    "a number": b"1e309",
    "NaN": b'{"marks": [NaN]}',
    "too many digits": b'{"marks": [' + b"9" * 5000 + b"]}",
    "nested too deep": b"[" * 50_000 + b"]" * 50_000,
    "not UTF-8": b'{"marks": ["\xff\xfe"]}',
    "a NUL byte": b'{"marks": [], "walk_ins": [], "\x00": 1}',
    "lists of nothing": b'{"marks": [null, [], 1], "walk_ins": [{}]}',
}


@pytest.mark.django_db
def test_the_offline_sync_takes_any_json(world):
    """Each field of a mark and of a walk-in is sent each value, the rest valid; then bodies
    that are no sending. Every answer is JSON: 200 with a result per item, or 400 saying
    why."""
    import json
    import uuid

    ask = Asker(world, "facilitator")
    url = reverse("facilitators:roster_sync", args=[world.ids["roster_session"]])
    now = timezone.now().isoformat()
    mark = {
        "key": str(uuid.uuid4()),
        "enrollment": world.ids["unmarked"],
        "part": None,
        "status": "partial",
        "hours": "4",
        "marked_at": now,
    }
    walk_in = {
        "key": str(uuid.uuid4()),
        "name": "Eli Walker",
        "email": "eli@example.org",
        "local": world.ids["local"],
        "part": None,
        "marked_at": now,
    }
    problems = []

    def check(body, label):
        response = ask("post", url, body, content_type="application/json")
        if problem := status_problem(response):
            problems.append(f"{label} → {problem}")
            return None
        try:
            answer = json.loads(response.text_content)
        except ValueError:
            problems.append(f"{label}: {response.status_code}, not JSON")
            return None
        if response.status_code == 400 and not answer.get("error"):
            problems.append(f"{label}: 400 without a message")
        elif response.status_code == 200 and "results" not in answer:
            problems.append(f"{label}: 200 without results")
        elif response.status_code not in (200, 400):
            problems.append(f"{label}: {response.status_code}")
        return answer

    valid = check(json.dumps({"marks": [mark], "walk_ins": [walk_in]}), "the valid sending")
    assert valid is not None and [r["outcome"] for r in valid["results"]] == ["saved", "saved"]
    for kind, item in (("marks", mark), ("walk_ins", walk_in)):
        other = "walk_ins" if kind == "marks" else "marks"
        for key in item:
            for label, value in JSON_VALUES.items():
                body = {kind: [{**item, key: value}], other: []}
                check(json.dumps(body), f"{kind}.{key}={label}")
        for label, value in JSON_VALUES.items():
            check(json.dumps({kind: value}), f"{kind}={label}")
    for label, body in RAW_BODIES.items():
        check(body, f"body: {label}")

    assert not problems, f"{ask.count} requests:\n" + "\n".join(problems)
