"""The Translations report on the demo: the pages it translates are up to date, the others
are listed as not translated."""

from django.urls import reverse

import pytest

from courses.models import WorkshopPage
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
