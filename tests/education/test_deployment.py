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

from certificates.signing_keys import new_private_key_pem

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
        "CERTIFICATES_SIGNING_KEY": new_private_key_pem(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "ALLOWED_HOSTS": "education.example.org",
        "SITE_URL": "https://education.example.org",
        # Checks and settings never connect to it: no Redis needs to run for these tests.
        "REDIS_URL": "redis://127.0.0.1:6379/0",
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


@pytest.mark.parametrize("name", ["SITE_URL", "REDIS_URL", "DATABASE_URL", "SECRET_KEY"])
def test_production_refuses_to_start_without_its_required_variables(production_env, name):
    del production_env[name]

    result = manage("check", **production_env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {name} environment variable" in result.stderr


@pytest.mark.parametrize("value", ["education.example.org", "ftp://education.example.org", " "])
def test_production_refuses_a_site_url_that_is_not_a_web_address(production_env, value):
    production_env["SITE_URL"] = value

    result = manage("check", **production_env)

    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


SETTINGS_SCRIPT = """
import json
from education.settings import production as settings
print(json.dumps({
    "site_url": settings.WAGTAILADMIN_BASE_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "ratelimit_cache": settings.RATELIMIT_USE_CACHE,
    "proxies": settings.EDUCATION_PROXY_COUNT,
    "failure_limit": settings.AXES_FAILURE_LIMIT,
    "cool_off_minutes": settings.AXES_COOLOFF_TIME.total_seconds() / 60,
    "rate_limits": settings.EDUCATION_RATE_LIMITS,
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def production_settings(env):
    """The production settings module's values for ``env``, read without starting Django (so
    that a storage backend's optional packages need not be installed)."""
    environ = {key: os.environ[key] for key in PASSED_THROUGH if key in os.environ}
    environ.update(env)
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_SCRIPT],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_for_the_proxy_the_cache_and_lockouts(production_env):
    production_env["SITE_URL"] = "https://education.example.org/"

    values = production_settings(production_env)

    assert values["site_url"] == "https://education.example.org"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["cache_location"] == "redis://127.0.0.1:6379/0"
    assert values["ratelimit_cache"] == "default"
    assert values["proxies"] == 1  # the documented proxy in front of gunicorn
    assert values["failure_limit"] == 5
    assert values["cool_off_minutes"] == 30
    assert values["rate_limits"] == {}
    assert values["img_src"] == ["'self'"]


def test_production_reads_proxies_lockouts_and_rate_limits_from_the_environment(production_env):
    production_env.update(
        {
            "EDUCATION_PROXY_COUNT": "2",
            "LOGIN_FAILURE_LIMIT": "8",
            "LOGIN_LOCKOUT_MINUTES": "60",
            "EDUCATION_RATE_LIMITS": json.dumps(
                {"certificate_lookup.client": "120/h", "sign_in.address": None}
            ),
            "AWS_STORAGE_BUCKET_NAME": "education-media",
            "AWS_S3_ENDPOINT_URL": "https://objects.example.net",
        }
    )

    values = production_settings(production_env)

    assert values["proxies"] == 2
    assert values["failure_limit"] == 8
    assert values["cool_off_minutes"] == 60
    assert values["rate_limits"] == {"certificate_lookup.client": "120/h", "sign_in.address": None}
    assert values["img_src"] == ["'self'", "https://objects.example.net"]


def test_images_from_amazon_s3_are_allowed_by_the_policy(production_env):
    production_env["AWS_STORAGE_BUCKET_NAME"] = "education-media"

    values = production_settings(production_env)

    assert values["img_src"] == ["'self'", "https://education-media.s3.amazonaws.com"]


@pytest.mark.parametrize(
    "value", ['{"no_such_limit": "5/h"}', "not json", '["sign_in.client"]', '{"sign_in.client": 5}']
)
def test_production_refuses_rate_limits_it_cannot_read(production_env, value):
    production_env["EDUCATION_RATE_LIMITS"] = value

    result = manage("check", **production_env)

    assert result.returncode != 0
    assert "EDUCATION_RATE_LIMITS" in result.stderr


def test_development_settings_pass_the_checks():
    result = manage("check", DJANGO_SETTINGS_MODULE="education.settings.dev")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


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
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"] + ";"


def test_plain_http_is_sent_to_https(production_env):
    script = (
        "from django.test import Client; "
        "r = Client().get('/en/workshops/', headers={'host': 'education.example.org'}); "
        "print(r.status_code, r['Location'])"
    )
    result = manage("shell", "-c", script, **production_env)

    assert result.stdout.strip().splitlines()[-1].split() == [
        "301",
        "https://education.example.org/en/workshops/",
    ]


def test_production_logs_are_json_lines(production_env):
    script = "import logging; logging.getLogger('education').warning('hello %s', 'there')"
    result = manage("shell", "-c", script, **production_env)

    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "education"
    assert entry["message"] == "hello there"
