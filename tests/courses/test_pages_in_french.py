"""The pages about a member's sessions in French: My learning, enrolling, confirming,
cancelling and the place offered each name the workshop by its French page and link to it,
though the session was scheduled on the English page; a workshop with no French page is named
in English, marked as such."""

from datetime import timedelta

from django.utils import timezone

import pytest

from courses.choices import EnrollmentStatus, SessionStatus
from courses.sessions.emails import cancel_token, offer_token
from tests.courses.test_my_learning import MY_LEARNING_MAX_QUERIES
from tests.enrolment import confirm_link, confirmation_links
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    translate_page,
)

ENGLISH_TITLE = "Handling Conflict"
FRENCH_TITLE = "Gérer les conflits"
UNTRANSLATED_TITLE = "Global Solidarity"


def days_from_now(days):
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def workshop(catalogue):
    """A workshop translated into French."""
    return WorkshopPageFactory(parent=catalogue, title=ENGLISH_TITLE, slug="handling-conflict")


@pytest.fixture
def french(workshop):
    return translate_page(
        workshop,
        title=FRENCH_TITLE,
        slug="gerer-les-conflits",
        summary="Désamorcer les conflits au travail.",
    )


@pytest.fixture
def untranslated(catalogue):
    return WorkshopPageFactory(parent=catalogue, title=UNTRANSLATED_TITLE, slug="solidarity")


@pytest.fixture
def session(workshop, french):
    """A session scheduled on the English page, as sessions usually are."""
    return SessionFactory(workshop=workshop, start=days_from_now(10))


@pytest.fixture
def member(participant):
    return ParticipantFactory(user=participant, name="Ana Lima", email=participant.email)


def french_link(page):
    return f'<a href="{page.url}">{FRENCH_TITLE}</a>'


def english_link(page):
    return f'<a href="{page.url}" lang="en" hreflang="en">{page.title}</a>'


# My learning


@pytest.mark.django_db
def test_my_learning_in_french_names_each_workshop_by_its_french_page(
    client, participant, member, workshop, french, untranslated, session
):
    EnrollmentFactory(participant=member, session=session)
    EnrollmentFactory(
        participant=member,
        session=SessionFactory(
            workshop=workshop, start=days_from_now(-30), status=SessionStatus.DELIVERED
        ),
        completed=True,
    )
    EnrollmentFactory(
        participant=member, session=SessionFactory(workshop=untranslated, start=days_from_now(5))
    )
    client.force_login(participant)

    html = client.get("/fr/my-learning/").text

    assert french.url.startswith("/fr/")
    # The upcoming session and the past one, each linking to the French page.
    assert html.count(french_link(french)) == 2
    assert ENGLISH_TITLE not in html
    assert f"/en/workshops/{workshop.slug}/" not in html
    # No French page: the English title, marked, in the heading and the button's hidden text.
    assert english_link(untranslated) in html
    assert f'(<span lang="en">{UNTRANSLATED_TITLE}</span>)' in html


@pytest.mark.django_db
def test_my_learning_in_english_names_the_english_page_of_a_session_scheduled_in_french(
    client, participant, member, french
):
    EnrollmentFactory(
        participant=member, session=SessionFactory(workshop=french, start=days_from_now(10))
    )
    client.force_login(participant)

    html = client.get("/en/my-learning/").text

    assert f">{ENGLISH_TITLE}</a>" in html
    assert FRENCH_TITLE not in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_my_learning_in_french_costs_the_same_however_many_enrolments(
    client, participant, member, catalogue, django_assert_max_num_queries, size
):
    workshops = [WorkshopPageFactory(parent=catalogue) for _ in range(3)]
    translate_page(workshops[0], title="Un atelier", slug="un-atelier")
    for number in range(size):
        start = days_from_now(10 if number % 2 else -10)
        status = SessionStatus.SCHEDULED if number % 2 else SessionStatus.DELIVERED
        session = SessionFactory(workshop=workshops[number % 3], start=start, status=status)
        EnrollmentFactory(participant=member, session=session, completed=not number % 2)
    client.force_login(participant)
    client.get("/fr/my-learning/")  # creates the site's settings row once, outside the budget

    with django_assert_max_num_queries(MY_LEARNING_MAX_QUERIES):
        response = client.get("/fr/my-learning/")

    assert len(response.context["upcoming"]) + len(response.context["past"]) == size


@pytest.mark.django_db
def test_cancelling_from_my_learning_in_french_names_the_french_page(
    client, participant, member, session, french, django_capture_on_commit_callbacks
):
    enrollment = EnrollmentFactory(participant=member, session=session)
    client.force_login(participant)
    url = f"/fr/my-learning/enrolments/{enrollment.pk}/cancel/"

    page = client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, follow=True).text

    assert f"<h2>{FRENCH_TITLE}</h2>" in page
    assert ENGLISH_TITLE not in page
    assert f"Votre inscription à «\u00a0{FRENCH_TITLE}\u00a0» est annulée." in done


# Enrolling and confirming


@pytest.mark.django_db
def test_the_enrol_page_in_french_names_and_links_the_french_page(client, session, french):
    html = client.get(f"/fr/sessions/{session.pk}/enrol/").text

    assert french_link(french) in html  # the breadcrumb
    assert f"S’inscrire</span> {FRENCH_TITLE}</h1>" in html
    assert "Désamorcer les conflits au travail." in html
    assert ENGLISH_TITLE not in html


@pytest.mark.django_db
def test_the_enrol_page_of_a_workshop_with_no_french_page_marks_its_english_title(
    client, untranslated
):
    session = SessionFactory(workshop=untranslated)

    html = client.get(f"/fr/sessions/{session.pk}/enrol/").text

    assert english_link(untranslated) in html
    assert f'S’inscrire</span> <span lang="en">{UNTRANSLATED_TITLE}</span></h1>' in html


@pytest.mark.django_db
def test_enrolling_in_french_names_the_french_page_to_the_end(
    client, session, french, django_capture_on_commit_callbacks
):
    LocalFactory(number="3247")
    data = {
        "name": "Ana Lima",
        "email": "ana@example.org",
        "local": "3247",
        "preferred_language": "fr",
        "accessibility_needs": "",
        "childcare_needs": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(f"/fr/sessions/{session.pk}/enrol/", data)
    [link] = confirmation_links("ana@example.org")

    sent = client.get(requested.url).text
    confirm = client.get(link).text
    result = client.get(confirm_link(client, link).url).text

    assert link.startswith("/fr/")
    for html in (sent, confirm, result):
        assert FRENCH_TITLE in html
        assert ENGLISH_TITLE not in html
    assert f"Confirmez votre place</span> {FRENCH_TITLE}</h1>" in confirm
    assert f"Votre place à l’atelier {FRENCH_TITLE} est confirmée." in result
    assert f'<a href="{french.url}">Retour à {FRENCH_TITLE}</a>' in result


# The links in the emails


@pytest.mark.django_db
def test_the_cancel_link_in_french_names_the_french_page(
    client, session, french, django_capture_on_commit_callbacks
):
    enrollment = EnrollmentFactory(session=session)
    url = f"/fr/enrolments/cancel/{cancel_token(enrollment)}/"

    page = client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url).text

    for html in (page, done):
        assert FRENCH_TITLE in html
        assert ENGLISH_TITLE not in html
        assert f'href="{french.url}"' in html
    assert f"<h2>{FRENCH_TITLE}</h2>" in page


@pytest.mark.django_db
def test_the_place_offered_in_french_names_the_french_page(client, session, french):
    enrollment = EnrollmentFactory(
        session=session,
        status=EnrollmentStatus.OFFERED,
        offered_until=timezone.now() + timedelta(days=1),
    )

    html = client.get(f"/fr/enrolments/offer/{offer_token(enrollment)}/").text

    assert "Une place vous est réservée" in html
    assert f"<h2>{FRENCH_TITLE}</h2>" in html
    assert ENGLISH_TITLE not in html


@pytest.mark.django_db
def test_a_place_offered_in_a_workshop_with_no_french_page_marks_its_english_title(
    client, untranslated
):
    enrollment = EnrollmentFactory(
        session=SessionFactory(workshop=untranslated),
        status=EnrollmentStatus.OFFERED,
        offered_until=timezone.now() + timedelta(days=1),
    )

    html = client.get(f"/fr/enrolments/offer/{offer_token(enrollment)}/").text

    assert f'<h2><span lang="en">{UNTRANSLATED_TITLE}</span></h2>' in html
