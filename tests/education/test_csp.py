"""Every public and facilitator page sends a strict Content-Security-Policy, and none of our
templates needs an inline script or style for it to work. The Wagtail admin, which needs
inline scripts, goes without it; PDF files too (the browser's viewer would show nothing)."""

import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

import pytest

from tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    FacilitatorGuidePageFactory,
    ParticipantFactory,
    SessionFactory,
    SessionRequestPageFactory,
    WorkshopPageFactory,
)

HEADER = "Content-Security-Policy"
CODE = "ABCDEFGHJKMNPQRS"


def directives(response):
    policy = {}
    for part in response[HEADER].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def assert_strict(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    header = response[HEADER]
    for loose in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", " * ", "http:", "https:"):
        assert loose not in f" {header} "


#: What a policy without 'unsafe-inline' blocks in a page.
INLINE = {
    "inline script": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
    ),
    "style element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
}


def inline_code(text):
    return {name: pattern.findall(text) for name, pattern in INLINE.items() if pattern.search(text)}


@pytest.fixture
def site(catalogue, home_page, facilitator, participant):
    workshop = WorkshopPageFactory(parent=catalogue, title="Grievance handling", slug="grievances")
    guide = FacilitatorGuidePageFactory(parent=workshop)
    upcoming = SessionFactory(
        workshop=workshop, start=timezone.now() + timedelta(days=10), facilitators=[facilitator]
    )
    past = SessionFactory(
        workshop=workshop, start=timezone.now() - timedelta(days=7), facilitators=[facilitator]
    )
    member = ParticipantFactory(user=participant, email=participant.email)
    EnrollmentFactory(session=upcoming, participant=member)
    CertificateFactory(
        enrollment=EnrollmentFactory(session=past, participant=member, completed=True),
        code=CODE,
        completed_on=timezone.localdate(past.ends_at),
    )
    tailored = WorkshopPageFactory(parent=catalogue, offered_on_request=True)
    request_page = SessionRequestPageFactory(parent=home_page, default_workshop=tailored)
    return {"workshop": workshop, "guide": guide, "session": upcoming, "request": request_page}


def public_pages(site):
    session = site["session"]
    return [
        "/en/",
        "/en/workshops/",
        site["workshop"].url,
        f"/en/sessions/{session.pk}/enrol/",
        "/en/sign-in/",
        "/en/certificates/",
        f"/en/certificates/{CODE}/",
        "/en/certificates/?code=ZZZZ-ZZZZ-ZZZZ-ZZZZ",
        site["request"].url,
        "/en/search/",
        "/en/search/?query=grievance",
        "/en/no-such-page/",
    ]


@pytest.mark.django_db
def test_public_pages_send_a_strict_policy(client, site):
    for url in public_pages(site):
        response = client.get(url)

        assert response.status_code in (200, 404), url
        assert HEADER in response, url
        assert_strict(response)
        assert not inline_code(response.content.decode()), url


@pytest.mark.django_db
def test_pages_of_members_and_facilitators_send_it_too(client, site, participant, facilitator):
    pages = [
        (participant, "/en/my-learning/", 200),
        (participant, "/en/facilitate/", 403),
        (facilitator, "/en/facilitate/", 200),
        (facilitator, f"/en/facilitate/sessions/{site['session'].pk}/", 200),
        (facilitator, site["guide"].url, 200),
    ]
    for user, url, status in pages:
        client.force_login(user)

        response = client.get(url)

        assert response.status_code == status, url
        assert_strict(response)
        assert not inline_code(response.content.decode()), url


@pytest.mark.django_db
def test_the_guide_prints_without_inline_script(client, site, facilitator):
    client.force_login(facilitator)

    html = client.get(site["guide"].url).content.decode()

    assert "onclick" not in html
    assert re.search(r"<button[^>]*data-print[^>]*>", html)
    assert re.search(r'<script src="/static/facilitators/js/print\.js" defer></script>', html)


@pytest.mark.django_db
def test_the_wagtail_admin_goes_without_the_header(client, superuser):
    assert HEADER not in client.get("/admin/login/")
    client.force_login(superuser)
    assert HEADER not in client.get("/admin/")


@pytest.mark.django_db
def test_pdf_files_go_without_the_header(client, site, facilitator):
    client.force_login(facilitator)

    response = client.get(f"/en/facilitate/sessions/{site['session'].pk}/sign-in-sheet.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert HEADER not in response


def test_the_policy_keeps_the_admin_out_and_nothing_else():
    assert settings.CONTENT_SECURITY_POLICY["EXCLUDE_URL_PREFIXES"] == ["/admin/"]


def test_the_server_error_page_needs_no_inline_style():
    html = render_to_string("500.html")

    assert not inline_code(html)
    assert re.search(r'<link rel="stylesheet" href="/static/css/education\.css">', html)


# Templates: a future inline script or style fails here, before a browser blocks it.

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [
    BASE_DIR / "education" / "templates",
    *(
        BASE_DIR / app / "templates"
        for app in ("home", "courses", "facilitators", "certificates", "search")
    ),
]
#: Templates that never reach a browser under our policy: emails (mail programs want inline
#: styles), PDFs (rendered on the server by WeasyPrint) and Wagtail admin screens (served
#: under /admin/, which has no policy).
EXEMPT_PARTS = {"emails", "pdf", "admin", "dashboard", "reports"}


def served_templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            if EXEMPT_PARTS.isdisjoint(path.relative_to(directory).parts):
                yield path


def test_the_scan_covers_the_public_templates():
    names = {path.relative_to(BASE_DIR).as_posix() for path in served_templates()}

    assert "education/templates/base.html" in names
    assert "education/templates/500.html" in names
    assert "facilitators/templates/facilitators/facilitator_guide_page.html" in names
    assert "certificates/templates/certificates/lookup.html" in names
    assert "courses/templates/courses/emails/sign_in.html" not in names


@pytest.mark.parametrize(
    "path", list(served_templates()), ids=lambda path: path.relative_to(BASE_DIR).as_posix()
)
def test_no_template_has_inline_script_or_style(path):
    found = inline_code(path.read_text())

    assert not found, (
        f"{path.relative_to(BASE_DIR)} has {found}: the Content-Security-Policy blocks inline "
        "code. Move styles into education/static/css/education.css and scripts into a file."
    )
