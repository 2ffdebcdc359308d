"""Facilitator guides are readable only by facilitators, education staff and superusers: by
whoever holds ``facilitators.read_guides``, which the migrations grant to both groups. Only the
guides answer a signed-in outsider with 403; the site's other restricted pages keep Wagtail's
own answer, the log-in page."""

import importlib
from urllib.parse import urlsplit

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from courses.roles import FACILITATORS_GROUP, STAFF_GROUP
from facilitators.models import FacilitatorGuidePage
from facilitators.privacy import (
    GUIDE_READER_PERMISSION,
    guide_reader_groups,
    is_guide_reader,
    lands_on_my_sessions,
)
from tests.factories import (
    FacilitatorGuidePageFactory,
    UserFactory,
    WorkshopPageFactory,
    facilitators_group,
    staff_group,
    translate_page,
)

GUIDE_TEXT = "Arrive an hour early to set up the room."


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Grievance handling", slug="grievances")


@pytest.fixture
def guide(workshop):
    return FacilitatorGuidePageFactory(parent=workshop)


@pytest.mark.django_db
def test_the_guide_lives_at_its_workshop_address(guide):
    assert guide.url == "/en/workshops/grievances/guide/"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, guide):
    response = client.get(guide.url)

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("wagtailadmin_login")
    assert "next=/en/workshops/grievances/guide/" in location.query
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


# Reading guides is a permission


def reading_guides():
    app_label, codename = GUIDE_READER_PERMISSION.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def trainers():
    """A group of the site's own that may read guides, under a name the app never heard of."""
    group = Group.objects.create(name="Trainers")
    group.permissions.add(reading_guides())
    return group


@pytest.mark.django_db
def test_the_migrations_let_facilitators_and_staff_read_guides():
    assert set(guide_reader_groups()) == {facilitators_group(), staff_group()}


@pytest.mark.django_db
def test_a_group_of_the_sites_own_that_may_read_guides_reads_them(client_as, trainers, workshop):
    trainer = UserFactory(groups=["Trainers"])

    guide = FacilitatorGuidePageFactory(parent=workshop)

    assert is_guide_reader(trainer)
    restriction = PageViewRestriction.objects.get(page=guide)
    assert set(restriction.groups.all()) == {facilitators_group(), staff_group(), trainers}
    assert client_as(trainer).get(guide.url).status_code == 200


@pytest.mark.django_db
def test_a_group_without_the_permission_reads_no_new_guide(client_as, workshop):
    facilitators_group().permissions.remove(reading_guides())
    member = UserFactory(groups=[FACILITATORS_GROUP])

    guide = FacilitatorGuidePageFactory(parent=workshop)

    assert not is_guide_reader(member)
    restriction = PageViewRestriction.objects.get(page=guide)
    assert set(restriction.groups.all()) == {staff_group()}
    assert client_as(member).get(guide.url).status_code == 403


@pytest.mark.django_db
def test_a_group_deprived_of_the_permission_no_longer_reads_existing_guides(client_as, workshop):
    member = UserFactory(groups=[FACILITATORS_GROUP])
    guide = FacilitatorGuidePageFactory(parent=workshop)
    assert client_as(member).get(guide.url).status_code == 200

    facilitators_group().permissions.remove(reading_guides())

    assert facilitators_group() in PageViewRestriction.objects.get(page=guide).groups.all()
    assert client_as(member).get(guide.url).status_code == 403


@pytest.mark.django_db
def test_who_lands_on_my_sessions_is_decided_by_permissions(users, trainers):
    trainer = UserFactory(groups=["Trainers"])

    landing = {role for role, user in users.items() if lands_on_my_sessions(user)}

    assert landing == {"facilitator"}
    # Reading guides alone is not facilitating sessions.
    assert not lands_on_my_sessions(trainer)


# Only the app's own pages answer 403


@pytest.mark.django_db
def test_a_guide_under_a_restricted_workshop_refuses_a_signed_in_outsider(
    client_as, participant, workshop
):
    restriction = PageViewRestriction.objects.create(
        page=workshop, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([staff_group()])
    guide = FacilitatorGuidePageFactory(parent=workshop)

    assert client_as(participant).get(guide.url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", ["home_page", "workshop"])
def test_other_restricted_pages_send_a_signed_in_outsider_to_log_in(
    request, client_as, participant, page_name
):
    """Wagtail's own answer, on the site's pages and the other apps' alike."""
    page = request.getfixturevalue(page_name)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([staff_group()])

    response = client_as(participant).get(page.url)

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("wagtailadmin_login")
    assert f"next={page.url}" in location.query


@pytest.mark.django_db
def test_translating_a_guide_keeps_one_restriction_on_the_translation(workshop, guide):
    french_guide = translate_page(guide, title="Guide d’animation")

    restrictions = PageViewRestriction.objects.filter(page=french_guide)
    assert restrictions.count() == 1
    assert {group.name for group in restrictions.get().groups.all()} == {
        FACILITATORS_GROUP,
        STAFF_GROUP,
    }


@pytest.mark.django_db
def test_copying_one_guide_to_another_workshop_keeps_one_restriction(catalogue, guide):
    other = WorkshopPageFactory(parent=catalogue, title="Bargaining basics", slug="bargaining")

    copy = guide.copy(to=other, update_attrs={"slug": "guide"})

    assert PageViewRestriction.objects.filter(page=copy).count() == 1


@pytest.mark.django_db
def test_a_different_restriction_added_to_a_guide_is_kept(guide):
    login_only = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.LOGIN
    )
    groups = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.GROUPS
    )
    groups.groups.set([Group.objects.get(name=FACILITATORS_GROUP)])

    assert set(PageViewRestriction.objects.filter(page=guide)) >= {login_only, groups}
    assert PageViewRestriction.objects.filter(page=guide).count() == 3


@pytest.mark.django_db
def test_the_migration_drops_the_duplicates_copies_left_on_guides(guide):
    from django.apps import apps

    migration = importlib.import_module("facilitators.migrations.0008_one_restriction_per_guide")
    first = PageViewRestriction.objects.get(page=guide)
    duplicate = PageViewRestriction.objects.create(
        page=guide, restriction_type=PageViewRestriction.GROUPS
    )
    # Written as the copies of older versions left them, without the signals of today.
    PageViewRestriction.groups.through.objects.bulk_create(
        PageViewRestriction.groups.through(pageviewrestriction=duplicate, group=group)
        for group in first.groups.all()
    )

    migration.drop_duplicates(apps, None)

    assert list(PageViewRestriction.objects.filter(page=guide)) == [first]
