"""``manage.py load_demo`` fills a fresh database with a usable demo, and is safe to run again."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from wagtail.documents.models import Document
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision, Site

import pytest

from courses.models import (
    Enrollment,
    Local,
    Participant,
    Program,
    Session,
    SessionPart,
    WorkshopPage,
)
from courses.roles import FACILITATORS_GROUP, STAFF_GROUP
from facilitators.models import FacilitatorGuidePage
from home.models import HomePage
from home.translators import TRANSLATORS_GROUP

DEMO_PASSWORD = "changeme"


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    """How many of each kind of object the demo touches."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            PageLogEntry,
            Revision,
            get_user_model(),
            Local,
            Program,
            Document,
            PageViewRestriction,
            Site,
            Session,
            SessionPart,
            Participant,
            Enrollment,
        )
    }


@pytest.fixture
def demo(demo_once, db):
    return demo_once


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    after_first = counts()

    output = load_demo()

    assert counts() == after_first
    assert "nothing changed" in output


@pytest.mark.django_db
def test_loading_again_keeps_what_staff_changed(demo):
    workshop = WorkshopPage.objects.order_by("pk").first()
    workshop.title = "Renamed by staff"
    workshop.save_revision().publish()

    load_demo()

    workshop.refresh_from_db()
    assert workshop.title == "Renamed by staff"


@pytest.mark.django_db
def test_the_demo_site_is_rooted_at_its_home_page(demo, client):
    site = Site.objects.get(is_default_site=True)

    assert isinstance(site.root_page.specific, HomePage)
    assert client.get("/en/").status_code == 200
    assert client.get("/en/workshops/").status_code == 200


@pytest.mark.django_db
def test_the_demo_has_ten_live_workshops_whose_curricula_fill_the_day(demo):
    workshops = WorkshopPage.objects.live().filter(locale__language_code="en")

    assert workshops.count() == 10
    assert WorkshopPage.objects.live().filter(locale__language_code="fr").count() == 10
    for workshop in workshops:
        workshop.full_clean()
        assert workshop.curriculum_minutes == workshop.duration_hours * 60, workshop.title
        assert workshop.outcomes.exists(), workshop.title


@pytest.mark.django_db
def test_every_demo_workshop_has_a_private_guide(demo, client):
    guides = FacilitatorGuidePage.objects.live()
    for workshop in WorkshopPage.objects.live().filter(locale__language_code="en"):
        guide = guides.child_of(workshop).get()
        restriction = guide.get_view_restrictions().get()
        assert restriction.restriction_type == PageViewRestriction.GROUPS
        assert {group.name for group in restriction.groups.all()} == {
            FACILITATORS_GROUP,
            STAFF_GROUP,
        }
        assert client.get(guide.url).status_code == 302
    # The French guides are as private as their sources.
    french = guides.filter(locale__language_code="fr")
    assert french.count() == 3
    for guide in french:
        for restriction in guide.get_view_restrictions():
            assert restriction.restriction_type == PageViewRestriction.GROUPS
            assert {group.name for group in restriction.groups.all()} == {
                FACILITATORS_GROUP,
                STAFF_GROUP,
            }
        assert client.get(guide.url).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "staff", "facilitator", "translator"])
def test_demo_users_sign_in_with_the_demo_password(demo, client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_roles_are_in_their_groups(demo):
    User = get_user_model()

    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="staff").groups.filter(name=STAFF_GROUP).exists()
    assert User.objects.get(username="facilitator").groups.filter(name=FACILITATORS_GROUP).exists()


@pytest.mark.django_db
def test_the_demo_translator_translates_french_pages_only(demo, client):
    """The translator may publish the French home page, not the English one it translates."""
    translator = get_user_model().objects.get(username="translator")
    english = HomePage.objects.get(locale__language_code="en")
    french = HomePage.objects.get(locale__language_code="fr")

    assert translator.groups.filter(name=TRANSLATORS_GROUP).exists()
    assert french.permissions_for_user(translator).can_publish()
    assert not english.permissions_for_user(translator).can_edit()
    assert client.login(username="translator", password=DEMO_PASSWORD)
    assert client.get("/admin/translations/").status_code == 200


@pytest.mark.django_db
def test_the_demo_member_exists_without_a_password(demo):
    member = get_user_model().objects.get(email="member@example.org")

    assert not member.has_usable_password()
    assert not member.groups.exists()


@pytest.mark.django_db
def test_the_demo_has_the_union_structure(demo):
    assert Local.objects.count() >= 20
    assert Program.objects.exists()


@pytest.mark.django_db
def test_demo_logins_prints_how_to_sign_in():
    out = StringIO()

    call_command("demo_logins", stdout=out)

    output = out.getvalue()
    assert DEMO_PASSWORD in output
    assert "member@example.org" in output
    assert "admin" in output
    assert "translator" in output
