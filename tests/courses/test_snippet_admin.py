"""Education staff manage programs and the union's structure as snippets; others cannot."""

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from courses.models import Local, Program
from tests.factories import DivisionFactory, LocalFactory, ProgramFactory, SectorFactory


def snippet_url(model_name, action):
    return reverse(f"wagtailsnippets_courses_{model_name}:{action}")


def refused(response):
    """Wagtail answers 403, or sends the user back to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302 and "/snippets/" not in response.url
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["local", "program", "division", "sector"])
def test_staff_list_the_union_structure(client, staff, model_name):
    LocalFactory(name="Riverside Hospital Workers")
    ProgramFactory(title="Bargaining Program")
    client.force_login(staff)

    response = client.get(snippet_url(model_name, "list"))

    assert response.status_code == 200


@pytest.mark.django_db
def test_staff_see_locals_in_the_list(client, staff):
    LocalFactory(number="3247", name="Riverside Hospital Workers")
    client.force_login(staff)

    response = client.get(snippet_url("local", "list"))

    assert "Riverside Hospital Workers" in response.text
    assert "3247" in response.text


@pytest.mark.django_db
def test_staff_add_a_local(client, staff):
    division = DivisionFactory(name="Ontario", code="ON")
    sector = SectorFactory(name="Health care")
    client.force_login(staff)
    assert client.get(snippet_url("local", "add")).status_code == 200

    response = client.post(
        snippet_url("local", "add"),
        {
            "number": "4000",
            "name": "Lakeshore Municipal Workers",
            "city": "Kingston",
            "division": division.pk,
            "sector": sector.pk,
        },
    )

    assert response.status_code == 302
    local = Local.objects.get(number="4000")
    assert (local.division, local.sector) == (division, sector)


@pytest.mark.django_db
def test_staff_add_a_program(client, staff):
    client.force_login(staff)
    assert client.get(snippet_url("program", "add")).status_code == 200

    response = client.post(
        snippet_url("program", "add"),
        nested_form_data(
            {
                "title": "Health and Safety",
                "slug": "health-and-safety",
                "description": "Workplace inspections and the joint committee.",
                "issues_certificate": "on",
                "requirements": inline_formset([]),
            }
        ),
    )

    assert response.status_code == 302
    assert Program.objects.get(slug="health-and-safety").issues_certificate


@pytest.mark.django_db
def test_a_local_with_a_taken_number_keeps_the_form(client, staff):
    existing = LocalFactory(number="4000")
    client.force_login(staff)

    response = client.post(
        snippet_url("local", "add"),
        {
            "number": "4000",
            "name": "Second local",
            "division": existing.division.pk,
            "sector": existing.sector.pk,
        },
    )

    assert response.status_code == 200
    assert "number" in response.context["form"].errors
    assert "Second local" in response.text
    assert Local.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["local", "program"])
@pytest.mark.parametrize("action", ["list", "add"])
def test_facilitators_cannot_manage_snippets(client, facilitator, model_name, action):
    client.force_login(facilitator)

    response = client.get(snippet_url(model_name, action))

    assert refused(response)


@pytest.mark.django_db
def test_facilitators_cannot_post_a_local(client, facilitator):
    local = LocalFactory.build()
    division, sector = DivisionFactory(), SectorFactory()
    client.force_login(facilitator)

    response = client.post(
        snippet_url("local", "add"),
        {"number": local.number, "name": local.name, "division": division.pk, "sector": sector.pk},
    )

    assert refused(response)
    assert not Local.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["local", "program"])
def test_participants_are_sent_to_log_in(client, participant, model_name):
    client.force_login(participant)

    response = client.get(snippet_url(model_name, "list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(snippet_url("local", "list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))
