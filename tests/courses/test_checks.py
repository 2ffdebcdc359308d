"""Each piece a host site must add for the courses app is named by a system check, with the
fix, when it is missing; the union's own site, which has them all, passes."""

from copy import deepcopy

from django.conf import settings
from django.core import checks
from django.test import override_settings

import pytest

from courses.checks import (
    check_base_url,
    check_base_url_is_public,
    check_context_processors,
    check_sign_in_backend,
    check_urls_included,
)


def ids(messages):
    return [message.id for message in messages]


def templates_without(processor):
    templates = deepcopy(settings.TEMPLATES)
    for engine in templates:
        processors = engine.get("OPTIONS", {}).get("context_processors", [])
        engine["OPTIONS"]["context_processors"] = [p for p in processors if p != processor]
    return templates


def test_the_site_has_every_piece():
    assert check_context_processors() == []
    assert check_sign_in_backend() == []
    assert check_base_url() == []
    assert check_urls_included() == []
    mine = [
        message
        for message in checks.run_checks()
        if message.id and message.id.startswith(("courses.", "certificates."))
    ]
    assert mine == []


def test_the_education_context_processor_is_required():
    with override_settings(TEMPLATES=templates_without("courses.context_processors.education")):
        [error] = check_context_processors()
    assert error.id == "courses.E001"
    assert error.level == checks.ERROR
    assert "'courses.context_processors.education' is not among" in error.msg
    assert "context_processors" in error.hint


def test_the_request_context_processor_is_required():
    with override_settings(
        TEMPLATES=templates_without("django.template.context_processors.request")
    ):
        assert ids(check_context_processors()) == ["courses.E002"]


def test_the_sign_in_backend_is_required():
    backends = [b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("sesame.")]
    with override_settings(AUTHENTICATION_BACKENDS=backends):
        [error] = check_sign_in_backend()
    assert error.id == "courses.E003"
    assert "sesame.backends.ModelBackend" in error.hint


def test_the_site_address_is_required():
    with override_settings(WAGTAILADMIN_BASE_URL=""):
        [error] = check_base_url()
    assert error.id == "courses.E004"
    assert "WAGTAILADMIN_BASE_URL" in error.hint


@pytest.mark.parametrize(
    ("urlconf", "missing"),
    [
        ("tests.courses.urlconfs.without_education", ["courses", "facilitators", "certificates"]),
        ("tests.courses.urlconfs.courses_only", ["facilitators", "certificates"]),
    ],
)
def test_the_url_include_is_required(urlconf, missing):
    with override_settings(ROOT_URLCONF=urlconf):
        [error] = check_urls_included()
    assert error.id == "courses.E005"
    for namespace in missing:
        assert f"'{namespace}'" in error.msg
    assert 'include("courses.urls")' in error.hint


def test_one_include_brings_every_installed_app():
    with override_settings(ROOT_URLCONF="tests.courses.urlconfs.one_include"):
        assert check_urls_included() == []


def test_the_url_include_must_come_before_wagtails_pages():
    with override_settings(ROOT_URLCONF="tests.courses.urlconfs.after_wagtail"):
        [error] = check_urls_included()
    assert error.id == "courses.E006"
    assert "'courses'" in error.msg and "'facilitators'" in error.msg
    assert "before Wagtail's own include(wagtail_urls)" in error.hint


@pytest.mark.parametrize(
    "address", ["http://127.0.0.1:8000", "http://localhost", "http://example.com"]
)
def test_a_deployment_is_warned_of_an_address_members_cannot_reach(address):
    with override_settings(WAGTAILADMIN_BASE_URL=address):
        [warning] = check_base_url_is_public()
    assert warning.id == "courses.W001"
    assert warning.level == checks.WARNING


def test_a_public_address_passes_the_deployment_check():
    with override_settings(WAGTAILADMIN_BASE_URL="https://education.example.org"):
        assert check_base_url_is_public() == []
