"""A smoke test of the apps in a fresh Wagtail site, run inside that site after the steps of
``docs/add-to-your-site.sh`` (``tests/host/run`` does it all)::

    DJANGO_SETTINGS_MODULE=mysite.settings.dev python smoke.py

It checks the site, then walks through what people do, with Django's test client against the
site's own database: the catalogue, enrolling and confirming from the emailed link, signing in
by link to My learning, the Wagtail dashboard as staff; with ``facilitators`` installed, the
facilitator's sessions, the roster and closing the session; with ``certificates``, the
certificate issued, verified and downloaded by its holder. It adapts to the apps installed
and prints each step; any failure stops it with a traceback and a non-zero exit.

It imports nothing from this repository but the installed apps: the site's own ``home`` and
``search`` must stay the ones it resolves.
"""

import re
import sys
from datetime import timedelta
from html.parser import HTMLParser

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from wagtail.models import Site  # noqa: E402

from courses.choices import EnrollmentStatus, SessionStatus  # noqa: E402
from courses.models import (  # noqa: E402
    Division,
    Enrollment,
    Local,
    Sector,
    Session,
    SessionPart,
    WorkshopIndexPage,
    WorkshopPage,
)

PASSWORD = "a long smoke-test passphrase"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/enrolments/confirm/[^/\s]+/)")
SIGN_IN_LINK = re.compile(r"https?://[^/\s]+(/sign-in/link/\S+)")


def step(text):
    print(f"  ✓ {text}", flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def ok(response, *texts):
    """The answer is a 200 page that says each of ``texts``."""
    expect(response.status_code == 200, f"{response.request['PATH_INFO']}: {response.status_code}")
    page = response.content.decode()
    for text in texts:
        expect(text in page, f"{response.request['PATH_INFO']} does not say {text!r}")
    return page


class Forms(HTMLParser):
    """The forms of a page: their fields and the values of their ``action`` buttons."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"fields": [], "actions": []})
        elif self.forms and tag in ("input", "textarea"):
            self.forms[-1]["fields"].append(attrs)
        elif self.forms and tag == "button" and attrs.get("name") == "action":
            self.forms[-1]["actions"].append(attrs.get("value"))


def posted(html, action, choose=None, tick=()):
    """What a browser posts from the form whose button says ``action``: radio buttons get the
    value ``choose`` where they offer it, the boxes named in ``tick`` are ticked."""
    (form,) = [form for form in Forms(html).forms if action in form["actions"]]
    data = {"action": action}
    for field in form["fields"]:
        name, value, kind = field.get("name"), field.get("value") or "", field.get("type")
        if not name:
            continue
        if kind == "radio":
            if value == choose or ("checked" in field and name not in data):
                data[name] = value
        elif kind == "checkbox":
            if name in tick:
                data[name] = value or "on"
        else:
            data[name] = value
    return data


def the_union():
    division = Division.objects.create(name="Ontario", code="ON")
    sector = Sector.objects.create(name="Health care")
    return Local.objects.create(
        number="3247", name="Hospital workers", division=division, sector=sector
    )


def a_workshop():
    home = Site.objects.get(is_default_site=True).root_page
    catalogue = home.add_child(instance=WorkshopIndexPage(title="Workshops", slug="workshops"))
    module = {
        "title": "Organising",
        "minutes": 360,
        "activity_type": "discussion",
        "description": "Map the workplace.",
        "handout": None,
    }
    workshop = catalogue.add_child(
        instance=WorkshopPage(
            title="Stewards in Action",
            slug="stewards-in-action",
            summary="A day on the steward's role.",
            duration_hours=6,
            curriculum=[("module", module)],
        )
    )
    return catalogue, workshop


def a_session(workshop, facilitator=None):
    start = (timezone.now() + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    session = Session(workshop=workshop, venue="Union Hall", city="Toronto", capacity=20)
    session.parts = [SessionPart(starts_at=start, ends_at=start + timedelta(hours=6))]
    session.save()
    if facilitator is not None:
        session.facilitators.set([facilitator])
    return session


def user(username, group):
    person = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name=username.title()
    )
    person.groups.add(Group.objects.get(name=group))
    return person


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


def main():
    installed = {name for name in ("facilitators", "certificates") if apps.is_installed(name)}
    print(f"Apps: courses{''.join(', ' + name for name in sorted(installed))}")
    setup_test_environment()  # emails kept in memory, the test client's host allowed
    call_command("check", fail_level="WARNING")
    step("manage.py check: no issues")

    local = the_union()
    catalogue, workshop = a_workshop()
    staff = user("staff", "Education staff")
    facilitator = None
    if "facilitators" in installed:
        from facilitators.models import Facilitator

        facilitator = user("facilitator", "Facilitators")
        Facilitator.objects.create(user=facilitator).certified_workshops.set([workshop])
    session = a_session(workshop, facilitator)

    visitor = Client()
    ok(visitor.get(catalogue.url), "Stewards in Action")
    ok(visitor.get(workshop.url), "Stewards in Action")
    step("the catalogue and the workshop page")

    enrol = f"/sessions/{session.pk}/enrol/"
    ok(visitor.get(enrol))
    answer = visitor.post(
        enrol,
        {
            "name": "Ana Lima",
            "email": "ana@example.org",
            "local": local.number,
            "preferred_language": "en",
            "accessibility_needs": "",
            "childcare_needs": "",
        },
    )
    expect(answer.status_code == 302, f"enrol form: {answer.status_code}")
    [link] = [m.group(1) for e in mail.outbox for m in CONFIRM_LINK.finditer(e.body)]
    page = ok(visitor.get(link), "Ana Lima")
    (form,) = [f for f in Forms(page).forms if any(i.get("name") == "name" for i in f["fields"])]
    data = {
        field["name"]: field.get("value") or ""
        for field in form["fields"]
        if field.get("name") and field.get("type") not in ("radio", "checkbox")
    }
    data["preferred_language"] = "en"  # a <select>, which the parser leaves out
    confirmed = visitor.post(link, data)
    expect(confirmed.status_code == 302, f"confirming: {confirmed.status_code}")
    enrolment = Enrollment.objects.get(session=session, participant__email="ana@example.org")
    expect(enrolment.status == EnrollmentStatus.CONFIRMED, f"the enrolment is {enrolment.status}")
    step("enrolled from the form and confirmed from the emailed link")

    member = Client()
    mail.outbox.clear()
    member.post("/sign-in/", {"email": "ana@example.org"})
    [sign_in] = [m.group(1) for e in mail.outbox for m in SIGN_IN_LINK.finditer(e.body)]
    member.post(sign_in, {})
    ok(member.get("/my-learning/"), "Stewards in Action")
    step("signed in by the emailed link; My learning lists the session")

    office = signed_in(staff)
    ok(office.get("/admin/"))
    ok(office.get("/admin/snippets/courses/session/"), "Stewards in Action")
    ok(office.get(f"/admin/snippets/courses/session/edit/{session.pk}/"), "Stewards in Action")
    step("the Wagtail dashboard and the sessions as education staff")

    if facilitator is None:
        return
    hands = signed_in(facilitator)
    ok(hands.get("/admin/"))
    ok(hands.get("/facilitate/"), "Stewards in Action")
    step("the dashboard and My sessions as a facilitator")

    # The day has come: the session started six hours ago.
    start = timezone.now() - timedelta(hours=6, minutes=5)
    session.parts.update(starts_at=start, ends_at=start + timedelta(hours=6))
    session.save()
    roster_url = f"/facilitate/sessions/{session.pk}/"
    roster = ok(hands.get(roster_url), "Ana Lima")
    marked = hands.post(roster_url, posted(roster, "mark", choose="present"))
    expect(marked.status_code in (200, 302), f"marking: {marked.status_code}")
    roster = ok(hands.get(roster_url))
    summary = hands.post(roster_url, posted(roster, "close"))
    closed = hands.post(roster_url, posted(ok(summary), "confirm_close"))
    expect(closed.status_code in (200, 302), f"closing: {closed.status_code}")
    session.refresh_from_db()
    expect(session.status == SessionStatus.DELIVERED, f"the session is {session.status}")
    enrolment.refresh_from_db()
    expect(enrolment.completed, "Ana did not complete the session")
    step("attendance taken on the roster and the session closed")

    if "certificates" not in installed:
        return
    from certificates.models import Certificate

    certificate = Certificate.objects.get(enrollment=enrolment)
    ok(Client().get(f"/certificates/{certificate.code}/"), "Ana Lima")
    download = member.get(f"/certificates/{certificate.code}/pdf/")
    expect(download.status_code == 200, f"the PDF: {download.status_code}")
    expect(
        b"".join(
            download.streaming_content if download.streaming else [download.content]
        ).startswith(b"%PDF"),
        "the download is not a PDF",
    )
    expect(
        Client().get(f"/certificates/{certificate.code}/pdf/").status_code in (302, 403, 404),
        "a stranger downloaded the certificate",
    )
    ok(member.get("/my-learning/"), certificate.code)
    step("the certificate issued, verified by anyone, downloaded by its holder only")


if __name__ == "__main__":
    main()
    print("The smoke test passed.")
    sys.exit(0)
