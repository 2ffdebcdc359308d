"""The load balancer's health check, and the site-wide error pages."""

from django.db import OperationalError, connection

import pytest


@pytest.mark.django_db
def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", unreachable)

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_healthz_accepts_only_reads(client):
    response = client.post("/healthz/")

    assert response.status_code == 405


@pytest.mark.django_db
def test_an_unknown_address_is_a_404_page(client, home_page):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert "<html" in response.text.lower()
