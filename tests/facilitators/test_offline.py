"""The facilitator's pages as an app on the phone: the web manifest, the service worker, the
pages "My sessions" asks the phone to keep, and the roster's script and its sentences."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

import pytest

from facilitators.offline import KEPT_DAYS, roster_texts
from tests.factories import FacilitatorGuidePageFactory, SessionFactory, WorkshopPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict", slug="conflict")


def kept_pages(response):
    html = response.content.decode()
    start = html.index('<script id="offline-pages" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_the_manifest_installs_my_sessions(client):
    response = client.get(reverse("facilitators:manifest"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/en/facilitate/"
    assert manifest["scope"] == "/en/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert manifest["name"] == "My sessions to facilitate"
    assert manifest["short_name"] == "Facilitate"
    assert manifest["icons"][0] == {
        "src": "/static/facilitators/icons/icon-192.png",
        "sizes": "192x192",
        "type": "image/png",
    }


def test_the_manifest_in_french(client):
    with translation.override("fr"):
        url = reverse("facilitators:manifest")

    manifest = json.loads(client.get(url).content)

    assert url.startswith("/fr/")
    assert manifest["start_url"] == "/fr/facilitate/"
    assert manifest["lang"] == "fr"
    assert manifest["name"] == "Mes séances à animer"
    assert manifest["short_name"] == "Animer"
    assert manifest["description"] == (
        "Listes de présence, feuilles de présence et guides de vos séances, même sans réseau."
    )


def test_the_service_worker_may_look_after_its_language(client):
    response = client.get(reverse("facilitators:service_worker"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/en/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    script = response.content.decode()
    assert 'const FACILITATE = "/en/facilitate/";' in script
    assert "/static/facilitators/js/roster.js" in script


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_service_worker_and_manifest_are_only_read(client, method):
    for name in ("service_worker", "manifest"):
        assert getattr(client, method)(reverse(f"facilitators:{name}")).status_code == 405


def test_my_sessions_keeps_the_pages_of_this_week_on_the_phone(client_as, facilitator, workshop):
    now = timezone.now()
    guide = FacilitatorGuidePageFactory(parent=workshop)
    soon = SessionFactory(
        workshop=workshop, start=now + timedelta(days=2), facilitators=[facilitator]
    )
    several_days = SessionFactory(
        workshop=workshop, start=now + timedelta(days=1), days=2, facilitators=[facilitator]
    )
    later = SessionFactory(
        workshop=workshop, start=now + timedelta(days=KEPT_DAYS + 3), facilitators=[facilitator]
    )
    someone_elses = SessionFactory(workshop=workshop, start=now + timedelta(days=1))

    response = client_as(facilitator).get(reverse("facilitators:my_sessions"))

    pages = kept_pages(response)
    assert pages[0] == "/en/facilitate/"
    roster = reverse("facilitators:roster", args=[soon.pk])
    assert roster in pages
    assert reverse("facilitators:sign_in_sheet", args=[soon.pk]) in pages
    assert guide.url in pages
    assert reverse("facilitators:guide_pdf", args=[guide.pk]) in pages
    for part in several_days.parts.all():
        assert f"{reverse('facilitators:roster', args=[several_days.pk])}?part={part.pk}" in pages
    for session in (later, someone_elses):
        assert reverse("facilitators:roster", args=[session.pk]) not in pages
    assert len(pages) == len(set(pages))
    html = response.content.decode()
    assert 'rel="manifest" href="/en/facilitate/manifest.webmanifest"' in html
    assert 'data-worker="/en/facilitate/service-worker.js" data-scope="/en/"' in html


def test_the_roster_carries_its_script_and_no_admin_bar(client_as, staff, workshop):
    session = SessionFactory(workshop=workshop, start=timezone.now() - timedelta(minutes=30))

    response = client_as(staff).get(reverse("facilitators:roster", args=[session.pk]))

    html = response.content.decode()
    assert "facilitators/js/roster.js" in html
    assert "wagtail-userbar" not in html
    assert f'data-sync-url="{reverse("facilitators:roster_sync", args=[session.pk])}"' in html
    assert 'data-pending-other="%(count)s marks kept on this phone, not sent yet."' in html


def test_other_pages_keep_the_admin_bar_for_staff(client_as, staff, home_page):
    response = client_as(staff).get("/en/")

    assert "wagtail-userbar" in response.content.decode()


def test_the_roster_script_counts_in_french():
    with translation.override("fr"):
        texts = roster_texts()

    assert texts["pending-one"] == (
        "%(count)s présence saisie gardée sur ce téléphone, pas encore envoyée."
    )
    assert texts["pending-other"] == (
        "%(count)s présences saisies gardées sur ce téléphone, pas encore envoyées."
    )
    assert texts["unsaved-other"] == "%(count)s changements non enregistrés."


def test_signing_out_of_the_admin_empties_the_phone(client_as, facilitator):
    client = client_as(facilitator)
    assert "Clear-Site-Data" not in client.get(reverse("facilitators:my_sessions"))

    response = client.post(reverse("wagtailadmin_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_member_signing_out_empties_the_browser_too(client_as, participant):
    response = client_as(participant).post(reverse("courses:sign_out"))

    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_visitor_who_was_not_signed_in_keeps_their_browser(client):
    response = client.post(reverse("courses:sign_out"))

    assert "Clear-Site-Data" not in response
