"""The admin's forms choose a workshop by its page in the site's default language: sessions,
requests, program requirements and facilitators' certifications all name that page, and are
matched to one another by its key. The page of a translation is neither offered nor taken."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from courses.admin_forms import SourceWorkshopChoiceField
from courses.models import Program, Session, WorkshopPage
from facilitators.models import Facilitator
from tests.courses.test_requests_admin import edit_data
from tests.courses.test_session_admin import session_form_data
from tests.factories import (
    FacilitatorFactory,
    LocalFactory,
    ProgramFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    translate_page,
)

pytestmark = pytest.mark.django_db

ENGLISH_TITLE = "Handling Conflict"
FRENCH_TITLE = "Gérer les conflits"
REFUSAL = (
    f"“{FRENCH_TITLE}” is the workshop’s page in French: choose its page in English, "
    f"“{ENGLISH_TITLE}”."
)


def snippet_url(model, view, *args):
    return reverse(f"wagtailsnippets_{model}:{view}", args=args)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(
        parent=catalogue, title=ENGLISH_TITLE, slug="handling-conflict", offered_on_request=True
    )


@pytest.fixture
def french(workshop):
    return translate_page(workshop, title=FRENCH_TITLE, slug="gerer-les-conflits")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def options(response, name):
    """The workshops a form's field ``name`` offers: {key: label}."""
    field = response.context["form"].fields[name]
    return {str(value): str(label) for value, label in field.widget.choices if value != ""}


def days_from_now(days):
    return timezone.now() + timedelta(days=days)


# Sessions


def test_the_session_form_offers_only_workshops_in_english(staff_client, workshop, french):
    response = staff_client.get(snippet_url("courses_session", "add"))

    assert response.status_code == 200
    assert options(response, "workshop") == {str(workshop.pk): ENGLISH_TITLE}
    assert f'<option value="{french.pk}"' not in response.text


def test_a_session_on_the_french_page_is_refused_at_the_field(staff_client, workshop, french):
    parts = [("2031-05-01 09:00", "2031-05-01 15:00")]
    local = str(LocalFactory().pk)  # the workshop is offered on request: for one local

    refused = staff_client.post(
        snippet_url("courses_session", "add"),
        session_form_data(french, parts, restricted_to_local=local),
    )

    assert refused.status_code == 200
    assert refused.context["form"].errors["workshop"] == [REFUSAL]
    assert not Session.objects.exists()

    saved = staff_client.post(
        snippet_url("courses_session", "add"),
        session_form_data(workshop, parts, restricted_to_local=local),
    )

    assert saved.status_code == 302
    assert Session.objects.get().workshop_id == workshop.pk


def test_a_session_already_on_the_french_page_shows_it_until_replaced(
    staff_client, workshop, french
):
    session = SessionFactory(workshop=french, start=days_from_now(20))

    response = staff_client.get(snippet_url("courses_session", "edit", session.pk))

    assert options(response, "workshop") == {
        str(workshop.pk): ENGLISH_TITLE,
        str(french.pk): f"{FRENCH_TITLE} (French)",
    }
    assert f'<option value="{french.pk}" selected>' in response.text


# Requests, program requirements and certifications


def test_a_request_names_the_english_page_not_the_french_one(staff_client, workshop, french):
    session_request = SessionRequestFactory(workshop=workshop)
    url = snippet_url("courses_sessionrequest", "edit", session_request.pk)

    response = staff_client.get(url)
    assert options(response, "workshop") == {str(workshop.pk): ENGLISH_TITLE}

    data = edit_data(session_request, workshop=str(french.pk))
    refused = staff_client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["form"].errors["workshop"] == [REFUSAL]
    session_request.refresh_from_db()
    assert session_request.workshop_id == workshop.pk


def test_a_program_requires_the_english_page(staff_client, workshop, french):
    add = snippet_url("courses_program", "add")

    response = staff_client.get(add)
    empty_row = response.context["form"].formsets["requirements"].empty_form
    assert {
        str(value): str(label)
        for value, label in empty_row.fields["workshop"].widget.choices
        if value != ""
    } == {str(workshop.pk): ENGLISH_TITLE}

    def program(title, chosen):
        return nested_form_data(
            {
                "title": title,
                "slug": title.lower(),
                "description": "",
                "requirements": inline_formset([{"workshop": str(chosen.pk)}]),
            }
        )

    refused = staff_client.post(add, program("Stewards", french))

    assert refused.status_code == 200
    row = refused.context["form"].formsets["requirements"].forms[0]
    assert row.errors["workshop"] == [REFUSAL]
    assert not Program.objects.filter(slug="stewards").exists()

    assert staff_client.post(add, program("Stewards", workshop)).status_code == 302
    assert Program.objects.get(slug="stewards").required_workshops() == [workshop]


def test_a_facilitator_is_certified_for_the_english_page(client, superuser, workshop, french):
    profile = FacilitatorFactory(certified_workshops=[])
    client.force_login(superuser)
    url = snippet_url("facilitators_facilitator", "edit", profile.pk)

    response = client.get(url)
    assert options(response, "certified_workshops") == {str(workshop.pk): ENGLISH_TITLE}

    data = {
        "user": str(profile.user_id),
        "bio": "",
        "teaches_in_english": "on",
        "certified_workshops": [str(french.pk)],
    }
    refused = client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["form"].errors["certified_workshops"] == [REFUSAL]
    assert not Facilitator.objects.get(pk=profile.pk).certified_workshops.exists()

    data["certified_workshops"] = [str(workshop.pk)]
    assert client.post(url, data).status_code == 302
    assert list(Facilitator.objects.get(pk=profile.pk).certified_workshops.all()) == [workshop]


def test_a_french_page_with_no_english_page_is_refused_too(staff_client, home_page, catalogue):
    french_catalogue = translate_page(catalogue, title="Ateliers", slug="ateliers")
    lone = WorkshopPageFactory(parent=french_catalogue, title="Solidarité", slug="solidarite")
    program = ProgramFactory()

    refused = staff_client.post(
        snippet_url("courses_program", "edit", program.pk),
        nested_form_data(
            {
                "title": program.title,
                "slug": program.slug,
                "description": "",
                "requirements": inline_formset([{"workshop": str(lone.pk)}]),
            }
        ),
    )

    row = refused.context["form"].formsets["requirements"].forms[0]
    assert row.errors["workshop"] == [
        "“Solidarité” is a page in French: choose a workshop by its page in English."
    ]


def test_the_refusal_reads_in_the_admins_language(workshop, french):
    field = SourceWorkshopChoiceField(queryset=WorkshopPage.objects.all())

    with translation.override("fr"):
        with pytest.raises(ValidationError) as refusal:
            field.clean(str(french.pk))
        messages = refusal.value.messages

    assert messages == [
        f"« {FRENCH_TITLE} » est la traduction (Français) de la page de l’atelier\u00a0: "
        f"choisissez sa page d’origine (Anglais), « {ENGLISH_TITLE} »."
    ]
    assert field.clean(str(workshop.pk)) == workshop
