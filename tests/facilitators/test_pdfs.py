"""The printable sign-in sheet and facilitator guide: who may download them, and what they say."""

import datetime
from io import BytesIO
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone, translation

import pytest
from pypdf import PdfReader

from courses.choices import EnrollmentStatus, Language
from facilitators.pdf import WALK_IN_ROWS, name_sort_key
from tests.factories import (
    EnrollmentFactory,
    FacilitatorFactory,
    FacilitatorGuidePageFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
    curriculum,
    translate_page,
)

CONFIRMED_NAMES = ["Zoe Tremblay", "Aisha Mohamed", "Émilie Fortin"]
CANCELLED_NAME = "Cancelled Carter"
WAITLISTED_NAME = "Waiting Walker"


def pdf_text(response):
    reader = PdfReader(BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue,
        title="Grievance handling",
        slug="grievance-handling",
        curriculum=curriculum(360, modules=3, titles=["Welcome", "Steps of a grievance", "Wrap"]),
    )


@pytest.fixture
def session(workshop, facilitator):
    start = timezone.make_aware(datetime.datetime(2031, 3, 4, 9, 0))
    session = SessionFactory(
        workshop=workshop,
        start=start,
        venue="Toronto Labour Centre",
        city="Toronto",
        facilitators=[facilitator],
    )
    local = LocalFactory(number="1104")
    for name in CONFIRMED_NAMES:
        EnrollmentFactory(session=session, participant=ParticipantFactory(name=name, local=local))
    EnrollmentFactory(
        session=session,
        participant=ParticipantFactory(name=CANCELLED_NAME),
        status=EnrollmentStatus.CANCELLED,
    )
    EnrollmentFactory(
        session=session,
        participant=ParticipantFactory(name=WAITLISTED_NAME),
        status=EnrollmentStatus.WAITLISTED,
    )
    return session


@pytest.fixture
def sheet_url(session):
    return reverse("facilitators:sign_in_sheet", args=[session.pk])


@pytest.fixture
def unassigned_facilitator(db):
    return FacilitatorFactory(user__username="unassigned").user


@pytest.fixture
def guide(workshop):
    """The guide adds notes and activity instructions to the second module of the curriculum."""
    steps = workshop.curriculum[1]
    return FacilitatorGuidePageFactory(
        parent=workshop,
        agenda=[
            {
                "type": "module",
                "value": {
                    "module": steps.id,
                    "notes": "Use the case cards.",
                    "purpose": "Follow a grievance from complaint to arbitration.",
                    "steps": ["Form groups of four", "Hand out the case cards"],
                    "debrief": "",
                },
            }
        ],
        materials=[{"type": "material", "value": {"item": "Flip chart", "quantity": "two"}}],
    )


@pytest.fixture
def guide_url(guide):
    return reverse("facilitators:guide_pdf", args=[guide.pk])


FRENCH_TITLE = "Traitement des griefs"
FRENCH_MODULES = ["Accueil", "Les étapes d’un grief", "Conclusion"]


@pytest.fixture
def french_workshop(workshop):
    """The workshop's French page: its modules keep their ids, so that the guide's notes still
    find them."""
    modules = [
        {**block, "value": {**block["value"], "title": title, "description": ""}}
        for block, title in zip(workshop.curriculum.raw_data, FRENCH_MODULES, strict=True)
    ]
    return translate_page(
        workshop, title=FRENCH_TITLE, slug="traitement-des-griefs", curriculum=modules
    )


@pytest.fixture
def french_guide(guide, french_workshop):
    steps = french_workshop.curriculum[1]
    return translate_page(
        guide,
        title="Guide d’animation",
        introduction="<p>Arrivez une heure à l’avance pour préparer la salle.</p>",
        agenda=[
            {
                "type": "module",
                "value": {
                    "module": steps.id,
                    "notes": "Utilisez les cartes de cas.",
                    "purpose": "Suivre un grief de la plainte à l’arbitrage.",
                    "steps": ["Formez des groupes de quatre", "Distribuez les cartes de cas"],
                    "debrief": "",
                },
            }
        ],
        materials=[
            {"type": "material", "value": {"item": "Tableau à feuilles", "quantity": "deux"}}
        ],
        facilitator_notes="<p>Gardez le stationnement d’idées sur le tableau.</p>",
    )


def assert_wholly_french(text, english, french):
    """None of the ``english`` words of the template is in ``text``; all the ``french`` are
    (whatever line they are wrapped over)."""
    text = " ".join(text.split())
    assert [word for word in english if word in text] == []
    assert [word for word in french if word not in text] == []


# The sign-in sheet


@pytest.mark.django_db
def test_the_sheet_lists_the_session_and_every_confirmed_participant(
    client_as, facilitator, session, sheet_url
):
    response = client_as(facilitator).get(sheet_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="sign-in-sheet-grievance-handling-2031-03-04.pdf"'
    )
    text = pdf_text(response)
    assert "Sign-in sheet" in text
    assert "Grievance handling" in text
    assert "March 4, 2031" in text
    assert "9 a.m." in text
    assert "Toronto Labour Centre" in text
    assert facilitator.get_full_name() in text
    for name in CONFIRMED_NAMES:
        assert name in text
    assert CANCELLED_NAME not in text
    assert WAITLISTED_NAME not in text


@pytest.mark.django_db
def test_the_sheet_sorts_names_and_leaves_rows_for_walk_ins(client_as, staff, session, sheet_url):
    text = pdf_text(client_as(staff).get(sheet_url))

    positions = [text.index(name) for name in sorted(CONFIRMED_NAMES, key=name_sort_key)]
    assert positions == sorted(positions)
    assert text.index("Aisha Mohamed") < text.index("Émilie Fortin") < text.index("Zoe Tremblay")
    # Rows are numbered: the last blank row comes after the confirmed participants.
    assert str(len(CONFIRMED_NAMES) + WALK_IN_ROWS) in text


@pytest.mark.django_db
def test_an_online_session_says_online_in_its_own_language(client_as, staff, catalogue):
    session = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, slug="solidarite"),
        online_url="https://meet.example.org/solidarite",
        venue="",
        city="",
        language=Language.FRENCH,
    )

    response = client_as(staff).get(reverse("facilitators:sign_in_sheet", args=[session.pk]))

    text = pdf_text(response)
    assert "Online" in text or "En ligne" in text


#: The sign-in sheet's English words (from its template, the dates and the session's details),
#: none of which a French session's sheet shows; and what it shows in their place.
SHEET_IN_ENGLISH = [
    "Sign-in sheet",
    "Dates and times",
    "Place",
    "Language",
    "French",
    "Facilitator",
    "Name",
    "Local",
    "confirmed participant",
    "sign next to your name",
    "Tuesday",
    "March",
    "a.m.",
    "Grievance handling",
]
SHEET_IN_FRENCH = [
    "Feuille de présence",
    "Dates et heures",
    "Lieu",
    "Langue",
    "Français",
    "Personne animatrice",
    "Nom",
    "Section locale",
    "3 personnes participantes confirmées",
    "signez à côté de votre nom",
    "mardi 4 mars 2031",
]


@pytest.mark.django_db
def test_the_sheet_of_a_french_session_is_wholly_in_french(
    client_as, facilitator, session, french_workshop
):
    """The session was scheduled on the English page: its sheet names the French page."""
    session.language = Language.FRENCH
    session.venue = "Centre du travail"
    session.save()

    # Asked for from a page in English.
    response = client_as(facilitator).get(reverse("facilitators:sign_in_sheet", args=[session.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'inline; filename="feuille-de-presence-traitement-des-griefs-2031-03-04.pdf"'
    )
    text = pdf_text(response)
    assert_wholly_french(text, SHEET_IN_ENGLISH, [*SHEET_IN_FRENCH, FRENCH_TITLE])
    for name in CONFIRMED_NAMES:
        assert name in text


@pytest.mark.django_db
def test_the_sheet_of_a_french_session_of_a_workshop_not_translated_names_it_in_english(
    client_as, facilitator, session
):
    session.language = Language.FRENCH
    session.venue = "Centre du travail"
    session.save()

    response = client_as(facilitator).get(reverse("facilitators:sign_in_sheet", args=[session.pk]))

    assert response["Content-Disposition"] == (
        'inline; filename="feuille-de-presence-grievance-handling-2031-03-04.pdf"'
    )
    text = pdf_text(response)
    assert "Grievance handling" in text
    english = [word for word in SHEET_IN_ENGLISH if word != "Grievance handling"]
    assert_wholly_french(text, english, SHEET_IN_FRENCH)


@pytest.mark.django_db
def test_the_sheet_of_an_english_session_is_in_english_from_a_page_in_french(
    client_as, facilitator, session, french_workshop
):
    with translation.override("fr"):
        url = reverse("facilitators:sign_in_sheet", args=[session.pk])

    text = pdf_text(client_as(facilitator).get(url))

    assert url.startswith("/fr/")
    assert "Sign-in sheet" in text
    assert "Grievance handling" in text
    assert FRENCH_TITLE not in text
    assert "Feuille de présence" not in text


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_for_the_sheet(client, sheet_url):
    response = client.get(sheet_url)

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("wagtailadmin_login")
    assert f"next={sheet_url}" in location.query


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("participant", 403),
        ("another_participant", 403),
        ("unassigned_facilitator", 403),
        ("facilitator", 200),
        ("staff", 200),
        ("superuser", 200),
    ],
)
def test_only_assigned_facilitators_and_staff_get_the_sheet(
    client_as, users, unassigned_facilitator, sheet_url, role, status
):
    user = unassigned_facilitator if role == "unassigned_facilitator" else users[role]

    response = client_as(user).get(sheet_url)

    assert response.status_code == status
    if status == 403:
        assert response["Content-Type"] != "application/pdf"


@pytest.mark.django_db
def test_the_participant_enrolled_in_the_session_does_not_get_the_sheet(
    client_as, participant, session, sheet_url
):
    EnrollmentFactory(session=session, participant=ParticipantFactory(user=participant))

    assert client_as(participant).get(sheet_url).status_code == 403


@pytest.mark.django_db
def test_an_unknown_session_has_no_sheet(client_as, staff):
    response = client_as(staff).get(reverse("facilitators:sign_in_sheet", args=[999999]))

    assert response.status_code == 404


# The facilitator guide


@pytest.mark.django_db
def test_facilitators_download_the_guide_with_its_agenda(client_as, facilitator, guide_url):
    response = client_as(facilitator).get(guide_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="facilitator-guide-grievance-handling.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Grievance handling" in text
    assert "Welcome" in text
    assert "Steps of a grievance" in text
    assert "09:00" in text
    assert "11:00" in text  # the second module, after two hours
    assert "Use the case cards." in text
    assert "Flip chart" in text
    assert "Hand out the case cards" in text
    assert "Keep the parking lot on the flip chart." in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["participant", "another_participant"])
def test_members_outside_the_groups_do_not_get_the_guide(client_as, users, guide_url, role):
    response = client_as(users[role]).get(guide_url)

    assert response.status_code == 403
    assert response["Content-Type"] != "application/pdf"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_download_the_guide(client_as, users, guide_url, role):
    assert client_as(users[role]).get(guide_url).status_code == 200


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_for_the_guide(client, guide_url):
    response = client.get(guide_url)

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("wagtailadmin_login")


@pytest.mark.django_db
def test_an_unpublished_guide_has_no_pdf(client_as, facilitator, guide, guide_url):
    guide.unpublish()

    assert client_as(facilitator).get(guide_url).status_code == 404


@pytest.mark.django_db
def test_only_guides_have_a_guide_pdf(client_as, facilitator, workshop):
    response = client_as(facilitator).get(reverse("facilitators:guide_pdf", args=[workshop.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_guide_page_links_to_its_pdf(client_as, facilitator, guide, guide_url):
    response = client_as(facilitator).get(guide.url)

    assert f'href="{guide_url}"' in response.text


#: The guide's English words (from its template and the English guide's content), none of which
#: the French guide's PDF shows; and what it shows in their place.
GUIDE_IN_ENGLISH = [
    "Facilitator guide",
    "For facilitators only",
    "Duration",
    "hours",
    "Audience",
    "Agenda",
    "Starts",
    "Materials checklist",
    "Activity instructions",
    "Purpose",
    "Steps",
    "Facilitator notes",
    "Grievance handling",
    "Welcome",
    "Use the case cards",
    "Flip chart",
]
GUIDE_IN_FRENCH = [
    "Guide d’animation",
    "Réservé aux personnes animatrices",
    "Durée",
    "6 heures",
    "Public cible",
    "Ordre du jour",
    "Début",
    "Liste du matériel",
    "Consignes des activités",
    "But",
    "Étapes",
    "Notes pour l’animation",
    FRENCH_TITLE,
    *FRENCH_MODULES,
    "Utilisez les cartes de cas.",
    "Tableau à feuilles",
]


@pytest.mark.django_db
@pytest.mark.parametrize("asked_in", ["en", "fr"])
def test_the_french_guide_is_printed_wholly_in_french(
    client_as, facilitator, french_guide, asked_in
):
    with translation.override(asked_in):
        url = reverse("facilitators:guide_pdf", args=[french_guide.pk])

    response = client_as(facilitator).get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'inline; filename="guide-d-animation-traitement-des-griefs.pdf"'
    )
    assert_wholly_french(pdf_text(response), GUIDE_IN_ENGLISH, GUIDE_IN_FRENCH)


@pytest.mark.django_db
def test_the_english_guide_is_printed_in_english_from_a_page_in_french(
    client_as, facilitator, guide, french_guide
):
    with translation.override("fr"):
        url = reverse("facilitators:guide_pdf", args=[guide.pk])

    text = pdf_text(client_as(facilitator).get(url))

    assert "Facilitator guide" in text
    assert "Grievance handling" in text
    assert "Guide d’animation" not in text
    assert FRENCH_TITLE not in text


@pytest.mark.django_db
def test_the_french_guide_printed_for_a_session_scheduled_in_english_follows_its_clock(
    client_as, facilitator, session, french_guide
):
    """The session was scheduled on the English page; the French guide still times it."""
    url = reverse("facilitators:guide_pdf", args=[french_guide.pk])

    response = client_as(facilitator).get(url, {"session": session.pk})

    assert response["Content-Disposition"] == (
        'inline; filename="guide-d-animation-traitement-des-griefs-2031-03-04.pdf"'
    )
    text = pdf_text(response)
    assert "Heures de la séance du 4 mars 2031" in text
    assert "Clock times" not in text
    assert "Grievance handling" not in text
