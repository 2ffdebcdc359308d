"""The facilitation pages in French: My sessions, the roster and the closing summary name each
workshop by its French page, though its sessions were scheduled on the English page, and link
to the French guide; a workshop with no French page is named in English, marked as such."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

import pytest

from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    FacilitatorGuidePageFactory,
    SessionFactory,
    WorkshopPageFactory,
    translate_page,
)

FRENCH_TITLE = "Traitement des griefs"


def yesterday():
    return (timezone.now() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


def in_french(name, *args):
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", slug="grievances")


@pytest.fixture
def guide(workshop):
    return FacilitatorGuidePageFactory(parent=workshop)


@pytest.fixture
def french(workshop):
    return translate_page(workshop, title=FRENCH_TITLE, slug="traitement-des-griefs")


@pytest.fixture
def french_guide(guide, french):
    return translate_page(guide, title="Guide d’animation", slug="guide")


@pytest.fixture
def untranslated(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Health and safety", slug="safety")


@pytest.fixture
def session(workshop, french, facilitator):
    """A session that took place yesterday, scheduled on the English page."""
    return SessionFactory(workshop=workshop, start=yesterday(), facilitators=[facilitator])


# My sessions


@pytest.mark.django_db
def test_my_sessions_in_french_names_each_workshop_and_guide_in_french(
    client_as, facilitator, session, french_guide, untranslated
):
    upcoming = SessionFactory(workshop=session.workshop, facilitators=[facilitator])
    other = SessionFactory(workshop=untranslated, facilitators=[facilitator])
    english_guide = FacilitatorGuidePageFactory(parent=untranslated)

    html = client_as(facilitator).get(in_french("facilitators:my_sessions")).text

    assert f'<h3 class="session__title">{FRENCH_TITLE}</h3>' in html
    assert "Grievance handling" not in html
    # The guide in French, timed for each session.
    assert french_guide.url.startswith("/fr/")
    for each in (session, upcoming):
        assert f'href="{french_guide.url}?session={each.pk}">' in html
        assert in_french("facilitators:guide_pdf", french_guide.pk) + f"?session={each.pk}" in html
    # No French page: the English title, marked, and the English guide, said to be English.
    assert '<h3 class="session__title"><span lang="en">Health and safety</span></h3>' in html
    assert f'href="{english_guide.url}?session={other.pk}" hreflang="en">' in html


@pytest.mark.django_db
def test_my_sessions_in_french_links_the_english_guide_of_a_workshop_whose_guide_is_not_translated(
    client_as, facilitator, session, guide
):
    html = client_as(facilitator).get(in_french("facilitators:my_sessions")).text

    assert f'<h3 class="session__title">{FRENCH_TITLE}</h3>' in html
    assert f'href="{guide.url}?session={session.pk}" hreflang="en">' in html


@pytest.mark.django_db
def test_the_french_guide_timed_for_a_session_scheduled_on_the_english_page(
    client_as, facilitator, session, french_guide
):
    response = client_as(facilitator).get(french_guide.url, {"session": session.pk})

    assert response.status_code == 200
    assert response.context["session"] == session
    assert "Heures de la séance du" in response.text


# The roster and closing


@pytest.mark.django_db
def test_the_roster_in_french_names_the_french_page(client_as, facilitator, session):
    html = client_as(facilitator).get(in_french("facilitators:roster", session.pk)).text

    assert f"Liste des personnes participantes</span> {FRENCH_TITLE}</h1>" in html
    assert "Grievance handling" not in html
    # The sheet is printed in the session's language, English here: the link says so.
    sheet_url = in_french("facilitators:sign_in_sheet", session.pk)
    assert f'href="{sheet_url}" hreflang="en">' in html


@pytest.mark.django_db
def test_the_roster_in_french_marks_the_english_title_of_a_workshop_not_translated(
    client_as, facilitator, untranslated
):
    session = SessionFactory(workshop=untranslated, start=yesterday(), facilitators=[facilitator])

    html = client_as(facilitator).get(in_french("facilitators:roster", session.pk)).text

    assert 'participantes</span> <span lang="en">Health and safety</span></h1>' in html


@pytest.mark.django_db
def test_the_closing_summary_in_french_names_the_french_page(client_as, facilitator, session):
    AttendanceFactory(enrollment=EnrollmentFactory(session=session))

    html = (
        client_as(facilitator)
        .post(in_french("facilitators:roster", session.pk), {"action": "close"})
        .text
    )

    assert f"Clôturer la séance?</span> {FRENCH_TITLE}</h1>" in html
    assert "Grievance handling" not in html
