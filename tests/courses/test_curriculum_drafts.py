"""A curriculum is reworked over several sittings: drafts are saved whatever their minutes add up
to, publishing checks them, and the editor shows the running total."""

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from courses.models import WorkshopPage
from tests.courses.test_workshop_admin import workshop_form_data
from tests.factories import ProgramFactory, WorkshopPageFactory, curriculum


@pytest.fixture
def program(db):
    return ProgramFactory(title="Bargaining Program")


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", slug="grievances")


def add_url(catalogue):
    return reverse("wagtailadmin_pages:add", args=["courses", "workshoppage", catalogue.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def edit_data(program, workshop, minutes, **fields):
    fields.setdefault("title", workshop.title)
    data = workshop_form_data(program, minutes=minutes, **fields)
    data["slug"] = workshop.slug
    return data


@pytest.mark.django_db
def test_a_new_workshop_is_saved_as_a_draft_with_minutes_that_do_not_add_up(
    client_as, staff, catalogue, program
):
    data = workshop_form_data(program, title="Short of time", minutes=(180, 150))
    data["slug"] = "short-of-time"

    response = client_as(staff).post(add_url(catalogue), data)

    workshop = WorkshopPage.objects.get(slug="short-of-time")
    assert response.status_code == 302
    assert response.url == edit_url(workshop)
    assert not workshop.live
    assert workshop.get_latest_revision_as_object().curriculum_minutes == 330


@pytest.mark.django_db
def test_a_draft_of_a_live_workshop_keeps_what_is_published(client_as, staff, workshop, program):
    response = client_as(staff).post(
        edit_url(workshop), edit_data(program, workshop, minutes=(180, 90))
    )

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.live
    assert workshop.has_unpublished_changes
    assert workshop.curriculum_minutes == 360  # what members see is unchanged
    assert workshop.get_latest_revision_as_object().curriculum_minutes == 270


@pytest.mark.django_db
def test_publishing_checks_the_minutes_and_names_both_totals(client_as, staff, workshop, program):
    data = edit_data(program, workshop, minutes=(180, 90), title="Grievance handling, shorter")
    data["action-publish"] = "action-publish"

    response = client_as(staff).post(edit_url(workshop), data)

    assert response.status_code == 200
    form = response.context["form"]
    error = " ".join(form.errors["duration_hours"])
    assert "270" in error
    assert "360" in error
    assert form["title"].value() == "Grievance handling, shorter"  # what was typed is kept
    workshop.refresh_from_db()
    assert workshop.title == "Grievance handling"
    assert workshop.curriculum_minutes == 360


@pytest.mark.django_db
def test_a_draft_that_adds_up_again_is_published(client_as, staff, workshop, program):
    client = client_as(staff)
    client.post(edit_url(workshop), edit_data(program, workshop, minutes=(180, 90)))
    data = edit_data(program, workshop, minutes=(180, 90, 90))
    data["action-publish"] = "action-publish"

    response = client.post(edit_url(workshop), data)

    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.curriculum_minutes == 360
    assert not workshop.has_unpublished_changes


@pytest.mark.django_db
def test_a_draft_published_outside_the_editor_is_checked_too(workshop):
    """Bulk actions, workflows and scheduled publishing publish a revision directly."""
    workshop.curriculum = curriculum(total_minutes=300)
    revision = workshop.save_revision(clean=False)  # as the editor saves a draft

    with pytest.raises(ValidationError, match="300"):
        revision.publish()

    workshop.refresh_from_db()
    assert workshop.curriculum_minutes == 360


@pytest.mark.django_db
def test_the_editor_shows_the_running_total_and_loads_its_script(
    client_as, staff, workshop, program
):
    client = client_as(staff)
    client.post(edit_url(workshop), edit_data(program, workshop, minutes=(180, 90)))

    response = client.get(edit_url(workshop))

    assert response.status_code == 200
    html = response.text
    assert "data-curriculum-total" in html
    assert "The modules add up to 270 minutes, but a 6-hour workshop needs 360 minutes." in html
    assert "courses/js/curriculum_total.js" in html


@pytest.mark.django_db
def test_the_running_total_says_when_the_modules_fill_the_day(client_as, staff, workshop):
    response = client_as(staff).get(edit_url(workshop))

    assert "The modules add up to 360 minutes, as the duration needs." in response.text


def bulk_publish_url(*pages):
    ids = "&".join(f"id={page.pk}" for page in pages)
    return reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + "?" + ids


@pytest.mark.django_db
def test_bulk_publishing_a_draft_whose_minutes_do_not_add_up_names_it_and_publishes_nothing(
    client_as, staff, workshop, catalogue, program
):
    client = client_as(staff)
    client.post(edit_url(workshop), edit_data(program, workshop, minutes=(180, 90)))
    other = WorkshopPageFactory(parent=catalogue, title="Health and safety", slug="safety")
    client.post(
        edit_url(other), edit_data(program, other, minutes=(180, 150), title="Safety, reworked")
    )

    response = client.post(bulk_publish_url(workshop, other), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_explore", args=[catalogue.pk])
    text = " ".join(str(message) for message in response.context["messages"])
    assert "Grievance handling" in text and "270" in text and "360" in text
    assert "Nothing was published" in text
    workshop.refresh_from_db()
    other.refresh_from_db()
    assert workshop.curriculum_minutes == 360
    assert other.title == "Health and safety"  # the good draft waits for the other one
    assert workshop.has_unpublished_changes and other.has_unpublished_changes


@pytest.mark.django_db
def test_bulk_publishing_drafts_that_add_up_publishes_them(client_as, staff, workshop, program):
    client = client_as(staff)
    client.post(
        edit_url(workshop), edit_data(program, workshop, minutes=(180, 180), title="Grievances")
    )

    explorer = reverse("wagtailadmin_explore", args=[workshop.get_parent().pk])
    response = client.post(bulk_publish_url(workshop) + f"&next={explorer}")

    assert response.status_code == 302
    assert response.url == explorer
    workshop.refresh_from_db()
    assert workshop.title == "Grievances"
    assert not workshop.has_unpublished_changes
