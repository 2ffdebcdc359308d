"""The site in both languages: each page at its French address, the language switcher, the
page that says a page is not translated yet, ``hreflang`` alternates, and older addresses
without a language."""

import base64
import re

from django.contrib.auth import get_user_model

from wagtail.models import Locale, Page, Site

import pytest

from courses.models import Program, SessionRequestPage, WorkshopIndexPage, WorkshopPage
from education.views import TranslatableSnippetsApi
from facilitators.models import FacilitatorGuidePage
from home.models import HomePage
from tests.factories import (
    ParticipantFactory,
    ProgramFactory,
    UserFactory,
    make_facilitator_user,
    make_staff_user,
)

AGREEMENT = "analyzing-your-collective-agreement"
OFFICERS = "union-structure-and-officers-roles"


@pytest.fixture
def demo(demo_once, db):
    return demo_once


def french(page):
    return page.get_translation(Locale.objects.get(language_code="fr"))


def workshop(slug):
    return WorkshopPage.objects.get(slug=slug, locale__language_code="en")


def html_lang(response):
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("model", "french_title"),
    [
        (HomePage, "Éducation syndicale"),
        (WorkshopIndexPage, "Ateliers"),
        (SessionRequestPage, "Demander une séance"),
    ],
)
def test_each_public_page_type_is_served_in_french_at_its_french_address(
    demo, client, model, french_title
):
    english = model.objects.get(locale__language_code="en")
    page = french(english)

    response = client.get(page.url)

    assert page.url.startswith("/fr/")
    assert response.status_code == 200
    assert html_lang(response) == "fr"
    assert page.title == french_title
    assert french_title in response.content.decode()


def test_a_workshop_in_french_has_its_outcomes_curriculum_and_every_session(demo, client):
    english = workshop(AGREEMENT)
    page = french(english)

    response = client.get(page.url)
    html = response.content.decode()

    assert page.url == "/fr/ateliers/negociation-analyser-votre-convention-collective/"
    assert page.title.startswith("Négociation") and page.title in html
    assert "Repérer les lacunes" in html  # an outcome
    assert english.outcomes.first().text not in html
    # Its sessions are the workshop's, whatever their language, each marked with it.
    sessions = list(english.sessions.upcoming().open_to_public())
    assert sessions
    for session in sessions:
        assert f"/en/sessions/{session.pk}/enrol/" not in html
        assert f"/fr/sessions/{session.pk}/enrol/" in html
    assert '<span lang="en">English</span>' in html or '<span lang="fr">Français</span>' in html


def test_a_facilitator_guide_in_french_is_private_like_its_source(demo, client):
    guide = FacilitatorGuidePage.objects.child_of(workshop(OFFICERS)).get()
    page = french(guide)

    assert client.get(page.url).status_code in (302, 403)

    facilitator = get_user_model().objects.get(email="facilitator@example.org")
    client.force_login(facilitator)
    response = client.get(page.url)
    assert response.status_code == 200
    assert html_lang(response) == "fr"
    assert "Guide d’animation" in response.content.decode()


def test_the_switcher_goes_to_the_translation(demo, client):
    english = workshop(AGREEMENT)

    html = client.get(english.url).content.decode()

    # A plain link: a public page carries no form's security token, so it sets no cookie.
    assert f'<a href="{french(english).url}" hreflang="fr" lang="fr">Français</a>' in html
    assert "csrfmiddlewaretoken" not in html


def test_a_page_not_yet_translated_says_so_and_offers_its_language(demo, client):
    guide = FacilitatorGuidePage.objects.child_of(workshop(AGREEMENT)).get()
    assert guide.get_translation_or_none(Locale.objects.get(language_code="fr")) is None
    client.force_login(get_user_model().objects.get(email="facilitator@example.org"))

    html = client.get(guide.url).content.decode()
    untranslated = f"/fr/untranslated/{guide.pk}/"
    assert f'<a href="{untranslated}" hreflang="fr" lang="fr">' in html

    response = client.get(untranslated)
    assert response.status_code == 200
    page = response.content.decode()
    assert html_lang(response) == "fr"
    assert "pas encore été traduite" in page
    assert f'href="{guide.url}" hreflang="en" lang="en"' in page
    assert 'name="robots" content="noindex"' in page


def test_the_page_saying_so_hides_the_title_of_a_private_page(demo, client):
    guide = FacilitatorGuidePage.objects.child_of(workshop(AGREEMENT)).get()

    page = client.get(f"/fr/untranslated/{guide.pk}/").content.decode()

    assert "pas encore été traduite" in page
    assert guide.title not in page


def test_a_translated_page_goes_straight_to_its_translation(demo, client):
    english = workshop(AGREEMENT)

    response = client.get(f"/fr/untranslated/{english.pk}/")

    assert response.status_code == 302
    assert response["Location"] == french(english).url


def test_hreflang_alternates_link_a_page_to_its_translation(demo, client):
    english = workshop(AGREEMENT)

    html = client.get(english.url).content.decode()

    base = "http://testserver"
    assert f'<link rel="alternate" hreflang="en" href="{base}{english.url}">' in html
    assert f'<link rel="alternate" hreflang="fr" href="{base}{french(english).url}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{base}{english.url}">' in html


def test_an_untranslated_page_has_no_alternate_in_the_missing_language(demo, client):
    guide = FacilitatorGuidePage.objects.child_of(workshop(AGREEMENT)).get()
    client.force_login(get_user_model().objects.get(email="facilitator@example.org"))

    html = client.get(guide.url).content.decode()

    assert 'hreflang="en"' in html
    assert '<link rel="alternate" hreflang="fr"' not in html


def test_an_address_without_a_language_goes_to_the_readers_language(demo, client):
    english = workshop(AGREEMENT)
    old = english.url.removeprefix("/en")

    assert client.get(old)["Location"] == english.url
    to_french = client.get(old, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert to_french.status_code == 302
    # The English slugs under /fr/ lead on to the French page.
    assert client.get(to_french["Location"])["Location"] == french(english).url


def test_an_english_address_under_the_french_prefix_of_an_untranslated_page(demo, client):
    guide = FacilitatorGuidePage.objects.child_of(workshop(AGREEMENT)).get()

    response = client.get("/fr" + guide.url.removeprefix("/en"))

    assert response.status_code == 302
    assert response["Location"] == f"/fr/untranslated/{guide.pk}/"


def test_a_french_address_that_is_nowhere_is_not_found(demo, client):
    assert client.get("/fr/nulle-part/").status_code == 404


def test_other_views_switch_to_the_same_address_in_the_other_language(demo, client):
    html = client.get("/en/sign-in/").content.decode()

    assert '<a href="/fr/sign-in/" hreflang="fr" lang="fr">' in html


def test_each_translation_is_in_the_french_locale_of_its_source(demo):
    fr = Locale.objects.get(language_code="fr")
    for page in Page.objects.filter(locale=fr):
        assert page.get_parent().locale_id in (fr.pk, Locale.get_default().pk)
        assert Page.objects.filter(translation_key=page.translation_key).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "{pk}/"])
def test_the_translators_snippet_listing_shows_no_participant(client, suffix):
    """wagtail-localize lists snippets for its chooser; it goes through the permission
    policies, and lists only translatable snippets."""
    participant = ParticipantFactory(name="Bernadette Quillfeather")
    client.force_login(make_facilitator_user())

    url = "/admin/localize/api/snippets/courses/participant/" + suffix.format(pk=participant.pk)
    response = client.get(url)

    assert response.status_code == 404
    assert "Bernadette" not in response.content.decode()


@pytest.mark.django_db
def test_the_root_of_the_tree_has_no_untranslated_page(client):
    root = Page.get_first_root_node()

    assert client.get(f"/en/untranslated/{root.pk}/").status_code == 404
    assert client.get(f"/fr/untranslated/{root.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_site_with_content_in_one_language_shows_its_pages_to_a_french_reader(settings):
    """A host site may translate the interface without translating content: a French reader
    is shown the page there is."""
    from django.utils import translation

    from tests.factories import WorkshopPageFactory

    settings.WAGTAIL_CONTENT_LANGUAGES = [("en", "English")]
    workshop = WorkshopPageFactory()

    with translation.override("fr"):
        assert workshop.in_language() == workshop


# The rest of an address, on the way to the translation


def request_page():
    return SessionRequestPage.objects.get(locale__language_code="en")


def test_an_english_address_under_the_french_prefix_keeps_its_query_string(demo, client):
    english = workshop(AGREEMENT)

    response = client.get("/fr" + english.url.removeprefix("/en"), {"page": "2", "q": "é"})

    assert response.status_code == 302
    assert response["Location"] == french(english).url + "?page=2&q=%C3%A9"


def test_an_english_address_under_the_french_prefix_keeps_the_route_below_the_page(demo, client):
    english = request_page()
    old = "/fr" + english.url.removeprefix("/en")

    thanks = client.get(old + "thanks/")
    with_workshop = client.get(old, {"workshop": AGREEMENT})

    assert thanks.status_code == 302
    assert thanks["Location"] == french(english).url + "thanks/"
    assert with_workshop["Location"] == f"{french(english).url}?workshop={AGREEMENT}"


def test_the_redirect_stays_on_the_site_whatever_the_address_holds(demo, client):
    english = request_page()
    old = "/fr" + english.url.removeprefix("/en")

    response = client.get(old + "?next=//evil.example/&x=%0d%0aSet-Cookie:a=b")

    location = response["Location"]
    assert location.startswith(french(english).url + "?")
    assert "\r" not in location and "\n" not in location
    assert client.get("/fr//evil.example" + english.url.removeprefix("/en")).status_code == 404
    assert client.get(old + "nowhere/").status_code == 404


# The footer and header's links, in the reader's language and on the reader's site


def footer(response):
    html = response.content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_the_footer_links_to_the_request_form_and_certificates_in_french(demo, client):
    page = french(workshop(AGREEMENT))

    html = footer(client.get(page.url))

    assert f'<a href="{french(request_page()).url}">' in html
    assert '<a href="/fr/certificates/">' in html
    assert 'href="/request-a-session/"' not in html
    assert 'href="/certificates/"' not in html


def test_the_footer_links_to_the_request_form_and_certificates_in_english(demo, client):
    html = footer(client.get(workshop(AGREEMENT).url))

    assert f'<a href="{request_page().url}">' in html
    assert '<a href="/en/certificates/">' in html


def test_the_links_to_the_home_page_and_catalogue_are_the_sites_own(demo, client):
    """Another site served by the same installation has pages of the same types: a reader of
    this site is never sent there."""
    form = request_page()
    root = Page.get_first_root_node()
    other_home = root.add_child(
        instance=HomePage(
            title="Other union", slug="other-union", heading="Ours", introduction="Hi"
        )
    )
    other_home.add_child(instance=WorkshopIndexPage(title="Other workshops", slug="courses"))
    other_home.add_child(
        instance=SessionRequestPage(title="Ask us", slug="ask", introduction="<p>Ask</p>")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    site = Site.objects.get(is_default_site=True)
    catalogue = WorkshopIndexPage.objects.child_of(site.root_page).get()

    html = client.get(workshop(AGREEMENT).get_url(current_site=site)).content.decode()

    assert f'<a class="site-name" href="{site.root_page.get_url(current_site=site)}">' in html
    assert f'<a href="{catalogue.get_url(current_site=site)}">' in html
    assert f'<a href="{form.get_url(current_site=site)}">' in html
    assert "other.example" not in html


# wagtail-localize's listing of snippets: for the admin's users only


PROGRAMS_API = "/admin/localize/api/snippets/courses/program/"


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "{pk}/"])
def test_the_translators_snippet_listing_is_for_admin_users_only(client, suffix, monkeypatch):
    """Who may call it is settled before any record is looked up. (The site has no
    translatable snippet yet: the programs stand for one here.)"""
    monkeypatch.setattr(TranslatableSnippetsApi, "get_queryset", lambda self: Program.objects.all())
    program = ProgramFactory(title="Steward Program")
    url = PROGRAMS_API + suffix.format(pk=program.pk)

    anonymous = client.get(url)
    client.force_login(UserFactory())  # signed in, but no admin access
    member = client.get(url)
    client.force_login(make_staff_user())
    allowed = client.get(url)

    assert anonymous.status_code in (401, 403)
    assert member.status_code in (401, 403)
    for refused in (anonymous, member):
        assert "Steward Program" not in refused.content.decode()
    assert allowed.status_code == 200
    assert "Steward Program" in allowed.content.decode()


@pytest.mark.django_db
def test_the_translators_snippet_listing_takes_no_password_sent_with_the_request(
    client, monkeypatch
):
    """Signing in goes through the admin's form (rate limited), never a password sent along
    with each call."""
    monkeypatch.setattr(TranslatableSnippetsApi, "get_queryset", lambda self: Program.objects.all())
    ProgramFactory(title="Steward Program")
    staff = make_staff_user()
    staff.set_password("correct horse battery staple")
    staff.save()
    credentials = base64.b64encode(f"{staff.username}:correct horse battery staple".encode())

    response = client.get(PROGRAMS_API, HTTP_AUTHORIZATION=f"Basic {credentials.decode()}")

    assert response.status_code in (401, 403)
    assert "Steward Program" not in response.content.decode()


@pytest.mark.django_db
def test_the_organisation_is_named_in_the_pages_language(demo, client):
    """The demo names the union in French too (Settings → Organisation)."""
    english = client.get("/en/").content.decode()
    french = client.get("/fr/").content.decode()

    assert "· Union Education</title>" in english
    assert "Éducation syndicale" not in english
    assert "· Éducation syndicale</title>" in french
    assert "Union Education" not in french
