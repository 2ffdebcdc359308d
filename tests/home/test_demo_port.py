"""The demo honours the port it is served on: ``make run PORT=8123`` gives every emailed link,
QR code, calendar file and printed log-in that address, through ``SITE_URL``."""

import importlib
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

import pytest

from courses.sessions.signin import send_sign_in_email
from tests.factories import ParticipantFactory

ROOT = Path(__file__).resolve().parents[2]
SITE = "http://127.0.0.1:8123"


def dev_settings(monkeypatch, site_url):
    """The dev settings module as it reads with ``SITE_URL`` set to ``site_url``."""
    if site_url is None:
        monkeypatch.delenv("SITE_URL", raising=False)
    else:
        monkeypatch.setenv("SITE_URL", site_url)
    monkeypatch.delitem(sys.modules, "education.settings.dev", raising=False)
    return importlib.import_module("education.settings.dev")


def test_dev_settings_take_the_address_from_site_url(monkeypatch):
    dev = dev_settings(monkeypatch, SITE + "/")

    assert dev.WAGTAILADMIN_BASE_URL == SITE
    assert "127.0.0.1" in dev.ALLOWED_HOSTS


def test_dev_settings_allow_the_host_of_site_url(monkeypatch):
    dev = dev_settings(monkeypatch, "http://education.test:8123")

    assert dev.WAGTAILADMIN_BASE_URL == "http://education.test:8123"
    assert "education.test" in dev.ALLOWED_HOSTS


def test_dev_settings_default_to_port_8000(monkeypatch):
    assert dev_settings(monkeypatch, None).WAGTAILADMIN_BASE_URL == "http://127.0.0.1:8000"


def test_dev_settings_refuse_an_address_that_is_not_one(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        dev_settings(monkeypatch, "127.0.0.1:8123")


@pytest.mark.django_db
def test_a_sign_in_email_links_to_the_address_served(monkeypatch, settings):
    settings.WAGTAILADMIN_BASE_URL = dev_settings(monkeypatch, SITE).WAGTAILADMIN_BASE_URL
    ParticipantFactory(email="member@example.org")

    send_sign_in_email("member@example.org")

    [message] = mail.outbox
    assert f"{SITE}/en/sign-in/" in message.body
    assert ":8000" not in message.body


def test_demo_logins_print_the_address_served(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE
    out = StringIO()

    call_command("demo_logins", stdout=out)

    output = out.getvalue()
    assert f"{SITE}/admin/" in output
    assert f"{SITE}/sign-in/" in output
    assert f"{SITE}/facilitate/" in output
    assert ":8000" not in output


def test_manage_demo_logins_prints_the_site_url_it_is_given():
    environment = {
        **os.environ,
        "SITE_URL": SITE,
        "DJANGO_SETTINGS_MODULE": "education.settings.dev",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "demo_logins"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert f"{SITE}/admin/" in result.stdout
    assert ":8000" not in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_gives_its_port_to_everything_it_runs():
    # Each command prints the address it is given instead of running; the virtualenv is taken
    # as installed.
    result = subprocess.run(
        ["make", "run", "PORT=8123", "MANAGE=printenv SITE_URL; true", "-o", ".venv/.installed"],
        cwd=ROOT,
        env={key: value for key, value in os.environ.items() if key != "SITE_URL"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    printed = [line for line in result.stdout.splitlines() if line.startswith("http")]
    # migrate, load_demo, demo_logins, runserver
    assert printed == [SITE] * 4
    assert "runserver 127.0.0.1:8123" in result.stdout
