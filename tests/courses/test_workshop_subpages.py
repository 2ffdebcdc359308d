"""What goes under a workshop: the page types made for one (those that name the workshop among
their ``parent_page_types``), or ``EDUCATION_WORKSHOP_SUBPAGE_TYPES`` when a site sets it. The
courses app names no other app's page type, so it passes ``manage.py check`` on its own."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from wagtail.models import Page

import pytest

from courses import conf
from courses.models import WorkshopPage
from facilitators.models import FacilitatorGuidePage
from home.models import HomePage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_subpage_types(monkeypatch):
    """``WorkshopPage``'s allowed page types worked out again, with ``subpage_types`` as the
    test sets it; as they were afterwards."""

    def use(subpage_types):
        monkeypatch.setattr(WorkshopPage, "subpage_types", subpage_types)
        monkeypatch.setattr(WorkshopPage, "_clean_subpage_models", None)
        return WorkshopPage.clean_subpage_models()

    return use


def test_the_default_names_no_page_type(settings):
    del settings.EDUCATION_WORKSHOP_SUBPAGE_TYPES

    assert conf.workshop_subpage_types() is None


def test_the_setting_overrides_the_default(settings):
    settings.EDUCATION_WORKSHOP_SUBPAGE_TYPES = ["home.HomePage"]

    assert conf.workshop_subpage_types() == ["home.HomePage"]


def test_a_workshop_takes_its_facilitator_guide_and_nothing_else():
    assert WorkshopPage.allowed_subpage_models() == [FacilitatorGuidePage]
    assert WorkshopPage in FacilitatorGuidePage.allowed_parent_page_models()


def test_page_types_that_accept_any_parent_are_not_made_for_a_workshop(fresh_subpage_types):
    allowed = fresh_subpage_types(None)

    assert allowed == [FacilitatorGuidePage]
    assert Page not in allowed and HomePage not in allowed


def test_a_site_chooses_the_page_types_under_a_workshop(fresh_subpage_types):
    assert fresh_subpage_types(["home.HomePage"]) == [HomePage]
    assert fresh_subpage_types([]) == []


HOST_SETTINGS = """
from education.settings.test import *  # noqa: F403
from education.settings.test import INSTALLED_APPS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in {without!r}]
ROOT_URLCONF = "host_urls"
"""

HOST_URLS = """
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("", include("courses.urls")),
    path("", include(wagtail_urls)),
]
"""


@pytest.mark.parametrize(
    "without", [("facilitators", "certificates"), ("facilitators",), ("certificates",)]
)
def test_the_apps_pass_the_checks_without_the_others(tmp_path, without):
    (tmp_path / "host_settings.py").write_text(
        textwrap.dedent(HOST_SETTINGS).format(without=set(without))
    )
    (tmp_path / "host_urls.py").write_text(textwrap.dedent(HOST_URLS))
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "host_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }

    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
