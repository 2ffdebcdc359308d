"""Staff preview every page type of the site in the admin, new or being edited.

Each preview goes through the admin's own preview view, as the editor's preview panel does:
the form is posted (the view answers whether it can be previewed), then the preview is fetched.
"""

from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from courses.choices import ActivityType, Audience, Language
from courses.models import SessionRequestPage, WorkshopIndexPage, WorkshopPage
from facilitators.models import FacilitatorGuidePage
from home.models import HomePage
from tests.factories import (
    FacilitatorGuidePageFactory,
    SessionFactory,
    SessionRequestPageFactory,
    WorkshopPageFactory,
)


def module_data(title, minutes):
    return (
        "module",
        {
            "title": title,
            "minutes": str(minutes),
            "activity_type": ActivityType.DISCUSSION,
            "description": f"How we run {title.lower()}.",
            "handout": "",
        },
    )


def home_data(title="Union Education (preview)"):
    return nested_form_data(
        {
            "title": title,
            "slug": "union-education",
            "heading": "Learn together, win together",
            "introduction": "Workshops for members.",
            "body": rich_text("<p>Every workshop is free for members.</p>"),
        }
    )


def catalogue_data(title="Workshops (preview)"):
    return nested_form_data(
        {"title": title, "slug": "workshops", "introduction": "Every workshop we offer."}
    )


def workshop_data(
    title="Grievance handling (preview)", slug="grievance-handling", minutes=(180, 180)
):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "From complaint to arbitration.",
            "program": "",
            "audience": Audience.ALL_MEMBERS,
            "duration_hours": "6",
            "issues_certificate": "on",
            "prerequisites": [],
            "outcomes": inline_formset([{"text": "File a grievance on time."}], min=1),
            "what_to_bring": rich_text("<p>Your agreement.</p>"),
            "curriculum": streamfield(
                [module_data(f"Part {number}", length) for number, length in enumerate(minutes, 1)]
            ),
        }
    )


def guide_data(title="Facilitator guide (preview)"):
    return nested_form_data(
        {
            "title": title,
            "slug": "guide",
            "introduction": rich_text("<p>Arrive early.</p>"),
            "materials": streamfield([]),
            "handouts": inline_formset([]),
            "facilitator_notes": rich_text("<p>Keep the parking lot on the flip chart.</p>"),
        }
    )


def request_page_data(title="Request a session (preview)"):
    return nested_form_data(
        {
            "title": title,
            "slug": "request-a-session",
            "introduction": rich_text("<p>Tell us what your local wants.</p>"),
            "default_workshop": "",
            "thank_you_text": rich_text("<p>Thank you.</p>"),
        }
    )


@pytest.fixture
def workshop(catalogue):
    workshop = WorkshopPageFactory(
        parent=catalogue, title="Grievance handling", slug="grievance-handling"
    )
    # A prerequisite and an upcoming session: what a workshop page shows beyond its fields.
    workshop.prerequisites.add(WorkshopPageFactory(parent=catalogue, title="Steward basics"))
    workshop.save_revision().publish()
    SessionFactory(workshop=workshop, language=Language.ENGLISH)
    return workshop


@pytest.fixture
def guide(workshop):
    return FacilitatorGuidePageFactory(parent=workshop)


@pytest.fixture
def request_page(home_page):
    return SessionRequestPageFactory(parent=home_page)


def preview(client, post_url, data):
    """Post ``data`` to the preview view, then fetch the preview it renders."""
    answer = client.post(post_url, data)
    assert answer.status_code == 200
    assert answer.json() == {"is_valid": True, "is_available": True}, answer.json()
    return client.get(post_url)


def preview_on_edit(client, page, data):
    return preview(client, reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]), data)


def preview_on_add(client, model, parent, data):
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=[model._meta.app_label, model._meta.model_name, parent.pk],
    )
    return preview(client, url, data)


@pytest.mark.django_db
def test_staff_preview_the_home_page(client_as, superuser, home_page):
    client = client_as(superuser)

    response = preview_on_edit(client, home_page, home_data())

    assert response.status_code == 200
    assert "Learn together, win together" in response.text


@pytest.mark.django_db
def test_staff_preview_the_catalogue(client_as, staff, catalogue, workshop):
    client = client_as(staff)

    response = preview_on_edit(client, catalogue, catalogue_data())

    assert response.status_code == 200
    assert "Every workshop we offer." in response.text
    assert "Grievance handling" in response.text


@pytest.mark.django_db
def test_staff_preview_a_workshop_being_edited(client_as, staff, workshop):
    client = client_as(staff)
    data = workshop_data()
    data["prerequisites"] = [str(workshop.prerequisites.get().pk)]

    response = preview_on_edit(client, workshop, data)

    assert response.status_code == 200
    assert "Grievance handling (preview)" in response.text
    assert "Part 1" in response.text
    assert "Steward basics" in response.text


@pytest.mark.django_db
def test_staff_preview_a_new_workshop(client_as, staff, catalogue):
    client = client_as(staff)

    response = preview_on_add(
        client, WorkshopPage, catalogue, workshop_data(title="Brand new", slug="brand-new")
    )

    assert response.status_code == 200
    assert "Brand new" in response.text
    assert "Part 2" in response.text


@pytest.mark.django_db
def test_staff_preview_a_draft_whose_minutes_do_not_add_up_yet(client_as, staff, workshop):
    """A draft in progress is previewed as it stands; publishing is what checks the minutes."""
    client = client_as(staff)

    response = preview_on_edit(client, workshop, workshop_data(minutes=(180, 90)))

    assert response.status_code == 200
    assert "Part 2" in response.text


@pytest.mark.django_db
def test_staff_preview_a_guide_being_edited(client_as, staff, guide):
    client = client_as(staff)

    response = preview_on_edit(client, guide, guide_data())

    assert response.status_code == 200
    assert "Arrive early." in response.text
    assert "Module 1" in response.text  # from the workshop's curriculum


@pytest.mark.django_db
def test_staff_preview_a_new_guide(client_as, staff, workshop):
    client = client_as(staff)

    response = preview_on_add(client, FacilitatorGuidePage, workshop, guide_data())

    assert response.status_code == 200
    assert "Arrive early." in response.text
    assert "Module 3" in response.text


@pytest.mark.django_db
def test_staff_preview_the_request_form_page(client_as, staff, request_page, workshop):
    client = client_as(staff)

    response = preview_on_edit(client, request_page, request_page_data())

    assert response.status_code == 200
    assert "Tell us what your local wants." in response.text


@pytest.mark.django_db
def test_a_superuser_previews_a_new_home_page(client_as, superuser):
    client = client_as(superuser)

    response = preview_on_add(client, HomePage, Page.get_first_root_node(), home_data())

    assert response.status_code == 200
    assert "Learn together, win together" in response.text


@pytest.mark.django_db
def test_staff_preview_a_new_catalogue(client_as, superuser, home_page):
    client = client_as(superuser)

    response = preview_on_add(client, WorkshopIndexPage, home_page, catalogue_data())

    assert response.status_code == 200
    assert "Every workshop we offer." in response.text


@pytest.mark.django_db
def test_staff_preview_a_new_request_form_page(client_as, staff, home_page):
    client = client_as(staff)

    response = preview_on_add(client, SessionRequestPage, home_page, request_page_data())

    assert response.status_code == 200
    assert "Tell us what your local wants." in response.text
