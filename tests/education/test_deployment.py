"""Production settings come from the environment and pass Django's deployment checks.

Each test runs manage.py in a fresh process, because settings are read once per process.
"""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

import pytest

#: The only variables the child process inherits: nothing of the test run's own configuration
#: (DATABASE_URL, DJANGO_SETTINGS_MODULE, DJANGO_ALLOW_ASYNC_UNSAFE ...) may leak into it.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def manage(*args, **env):
    """Run ``manage.py *args`` in a clean environment holding only ``env`` and the basics."""
    environ = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path):
    return {
        "DJANGO_SETTINGS_MODULE": "education.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "ALLOWED_HOSTS": "education.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://education.example.org",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


def test_production_settings_pass_the_deploy_check(production_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_check_catches_a_weak_secret_key(production_env):
    """A control: the check above really runs the deployment checks."""
    production_env["SECRET_KEY"] = "too-short"

    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env)

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]

    result = manage("check", **production_env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_reads_the_database_and_hosts_from_the_environment(production_env):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.DATABASES['default']['NAME'])",
        **production_env,
    )

    assert result.returncode == 0, result.stderr
    debug, hosts, database = result.stdout.strip().splitlines()[-1].split(" ", 2)
    assert debug == "False"
    assert "education.example.org" in hosts
    assert database.endswith("production.sqlite3")


def test_models_and_migrations_agree():
    result = manage(
        "makemigrations", "--check", "--dry-run", DJANGO_SETTINGS_MODULE="education.settings.test"
    )

    assert result.returncode == 0, result.stdout + result.stderr


HEADERS_SCRIPT = """
import json
from django.test import Client
response = Client().get("/healthz/", secure=True, headers={"host": "education.example.org"})
print(json.dumps({"status": response.status_code, **dict(response.headers)}))
"""


def test_a_production_response_carries_the_security_headers(production_env):
    result = manage("shell", "-c", HEADERS_SCRIPT, **production_env)

    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["status"] == 200
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_sent_to_https(production_env):
    script = (
        "from django.test import Client; "
        "r = Client().get('/workshops/', headers={'host': 'education.example.org'}); "
        "print(r.status_code, r['Location'])"
    )
    result = manage("shell", "-c", script, **production_env)

    assert result.stdout.strip().splitlines()[-1].split() == [
        "301",
        "https://education.example.org/workshops/",
    ]


def test_production_logs_are_json_lines(production_env):
    script = "import logging; logging.getLogger('education').warning('hello %s', 'there')"
    result = manage("shell", "-c", script, **production_env)

    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "education"
    assert entry["message"] == "hello there"
