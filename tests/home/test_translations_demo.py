"""The Translations report on the demo: the pages it translates are up to date, the others
are listed as not translated."""

from django.urls import reverse

import pytest

from courses.models import Program, WorkshopPage
from facilitators.models import FacilitatorGuidePage
from home.translations import State
from tests.factories import make_staff_user


@pytest.fixture
def demo(demo_once, db):
    return demo_once


def test_the_demos_translations_are_up_to_date(demo, client):
    client.force_login(make_staff_user())

    download = client.get(reverse("translation_report:index"), {"export": "xlsx"})
    states = {
        row.source.pk: row.state
        for row in client.get(reverse("translation_report:index")).context["paginator"].object_list
    }

    assert download.status_code == 200
    translated = WorkshopPage.objects.get(
        slug="analyzing-your-collective-agreement", locale__language_code="en"
    )
    assert states[translated.pk] == State.UP_TO_DATE
    guides = FacilitatorGuidePage.objects.filter(locale__language_code="en")
    assert State.NOT_TRANSLATED in {states[guide.pk] for guide in guides}
    assert State.OUT_OF_DATE not in states.values()


def test_the_demos_programs_are_translated_and_up_to_date(demo, client):
    client.force_login(make_staff_user())

    rows = (
        client.get(reverse("translation_report:index"), {"kind": "snippet"})
        .context["paginator"]
        .object_list
    )

    states = {row.source.slug: row.state for row in rows if row.model is Program}
    assert states == {
        "bargaining-program": State.UP_TO_DATE,
        "local-executive-training": State.UP_TO_DATE,
    }
    french = Program.objects.filter(locale__language_code="fr").order_by("slug")
    assert [(program.slug, program.title) for program in french] == [
        ("bargaining-program", "Programme de négociation"),
        ("local-executive-training", "Formation des comités exécutifs locaux"),
    ]
    assert all(program.description for program in french)
    assert not french.filter(requirements__isnull=False).exists()


def test_the_demos_french_home_page_presents_the_programs_in_french(demo, client):
    html = client.get("/fr/").text

    assert "Programme de négociation" in html
    assert "Bargaining Program" not in html
