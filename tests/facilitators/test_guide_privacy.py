"""Facilitator guides are readable only by facilitators, education staff and superusers."""

from urllib.parse import urlsplit

from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from courses.roles import FACILITATORS_GROUP, STAFF_GROUP
from facilitators.models import FacilitatorGuidePage
from facilitators.privacy import is_guide_reader
from tests.factories import FacilitatorGuidePageFactory, WorkshopPageFactory

GUIDE_TEXT = "Arrive an hour early to set up the room."


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", slug="grievances")


@pytest.fixture
def guide(workshop):
    return FacilitatorGuidePageFactory(parent=workshop)


@pytest.mark.django_db
def test_the_guide_lives_at_its_workshop_address(guide):
    assert guide.url == "/workshops/grievances/guide/"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, guide):
    response = client.get(guide.url)

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("wagtailadmin_login")
    assert "next=/workshops/grievances/guide/" in location.query
    assert GUIDE_TEXT not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["participant", "another_participant"])
def test_signed_in_members_outside_the_groups_are_refused(client_as, users, guide, role):
    response = client_as(users[role]).get(guide.url)

    assert response.status_code == 403
    assert GUIDE_TEXT not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator", "staff", "superuser"])
def test_facilitators_staff_and_superusers_read_the_guide(client_as, users, guide, role):
    response = client_as(users[role]).get(guide.url)

    assert response.status_code == 200
    assert GUIDE_TEXT in response.text
    assert "Keep the parking lot on the flip chart." in response.text
    assert "Grievance handling" in response.text


@pytest.mark.django_db
def test_a_new_guide_is_restricted_to_facilitators_and_staff(guide):
    restriction = PageViewRestriction.objects.get(page=guide)

    assert restriction.restriction_type == PageViewRestriction.GROUPS
    assert {group.name for group in restriction.groups.all()} == {FACILITATORS_GROUP, STAFF_GROUP}


@pytest.mark.django_db
def test_a_guide_added_with_add_child_is_restricted(workshop):
    guide = workshop.add_child(
        instance=FacilitatorGuidePage(title="Facilitator guide", slug="guide")
    )

    restriction = PageViewRestriction.objects.get(page=guide)
    assert {group.name for group in restriction.groups.all()} == {FACILITATORS_GROUP, STAFF_GROUP}


@pytest.mark.django_db
def test_saving_a_guide_again_adds_no_second_restriction(guide):
    guide.title = "Guide, revised"
    guide.save()
    guide.save_revision().publish()

    assert PageViewRestriction.objects.filter(page=guide).count() == 1


@pytest.mark.django_db
def test_a_guide_under_a_restricted_page_gets_no_duplicate_restriction(workshop):
    existing = PageViewRestriction.objects.create(
        page=workshop, restriction_type=PageViewRestriction.LOGIN
    )

    guide = FacilitatorGuidePageFactory(parent=workshop)

    assert not PageViewRestriction.objects.filter(page=guide).exists()
    assert list(guide.get_view_restrictions()) == [existing]


@pytest.mark.django_db
def test_copying_a_workshop_keeps_one_restriction_on_the_copied_guide(catalogue, workshop, guide):
    copy = workshop.copy(
        recursive=True, update_attrs={"title": "Grievance handling (copy)", "slug": "grievances-2"}
    )

    copied_guide = copy.get_children().get()
    restrictions = PageViewRestriction.objects.filter(page=copied_guide)
    assert restrictions.count() == 1
    assert {group.name for group in restrictions.get().groups.all()} == {
        FACILITATORS_GROUP,
        STAFF_GROUP,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant"])
def test_the_public_workshop_page_does_not_link_to_the_guide(
    client_as, users, workshop, guide, role
):
    response = client_as(users[role]).get(workshop.url)

    assert response.status_code == 200
    assert guide.url not in response.text
    assert GUIDE_TEXT not in response.text


@pytest.mark.django_db
def test_guide_readers_are_facilitators_staff_and_superusers(users):
    readers = {role for role, user in users.items() if is_guide_reader(user)}

    assert readers == {"facilitator", "staff", "superuser"}
