"""The roles are permissions: the code asks whether someone holds one, never which group they
are in. The data migrations grant them to the Education staff and Facilitators groups, and a
site may grant them to groups of its own (or to one person)."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail import hooks

import pytest

from courses.attendance.rules import can_take_attendance
from courses.roles import (
    FACILITATOR_PERMISSION,
    FACILITATORS_GROUP,
    STAFF_GROUP,
    STAFF_PERMISSION,
    is_education_staff,
    users_with_permission,
)
from courses.sessions.scheduling import (
    FILTER_FACILITATORS_HOOK,
    facilitation_pool,
    qualification_refusals,
    qualified_facilitators,
)
from facilitators.models import facilitators_who_deliver
from tests.factories import (
    FacilitatorFactory,
    SessionFactory,
    SuperuserFactory,
    UserFactory,
    WorkshopPageFactory,
    facilitators_group,
    staff_group,
)


def permission(perm):
    app_label, codename = perm.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def group_holding(name, *perms):
    """A group of the site's own, under a name the apps never heard of."""
    group = Group.objects.create(name=name)
    group.permissions.add(*(permission(perm) for perm in perms))
    return group


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


# What the migrations grant


@pytest.mark.django_db
def test_the_migrations_grant_each_group_its_role():
    assert staff_group().permissions.filter(pk=permission(STAFF_PERMISSION).pk).exists()
    assert (
        facilitators_group().permissions.filter(pk=permission(FACILITATOR_PERMISSION).pk).exists()
    )
    assert not staff_group().permissions.filter(pk=permission(FACILITATOR_PERMISSION).pk).exists()
    assert not (
        facilitators_group().permissions.filter(pk=permission(STAFF_PERMISSION).pk).exists()
    )


# Who holds a permission


@pytest.mark.django_db
def test_users_with_a_permission_hold_it_themselves_through_a_group_or_as_superusers():
    own = UserFactory()
    own.user_permissions.add(permission(FACILITATOR_PERMISSION))
    grouped = UserFactory(groups=[FACILITATORS_GROUP])
    superuser = SuperuserFactory()
    inactive = UserFactory(groups=[FACILITATORS_GROUP], is_active=False)
    outsider = UserFactory(groups=[STAFF_GROUP])

    holders = set(users_with_permission(FACILITATOR_PERMISSION))

    assert holders == {own, grouped, superuser}
    assert inactive not in holders and outsider not in holders
    assert set(users_with_permission(FACILITATOR_PERMISSION, include_superusers=False)) == {
        own,
        grouped,
    }


@pytest.mark.django_db
def test_a_user_in_two_groups_holding_the_permission_is_listed_once():
    user = UserFactory(groups=[FACILITATORS_GROUP])
    user.groups.add(group_holding("Trainers", FACILITATOR_PERMISSION))

    assert list(users_with_permission(FACILITATOR_PERMISSION)) == [user]


# Education staff


@pytest.mark.django_db
def test_education_staff_are_whoever_holds_the_staff_permission(staff, superuser, facilitator):
    coordinator = UserFactory()
    coordinator.groups.add(group_holding("Education committee", STAFF_PERMISSION))

    assert is_education_staff(staff)
    assert is_education_staff(superuser)
    assert is_education_staff(coordinator)
    assert not is_education_staff(facilitator)
    assert not is_education_staff(None)


@pytest.mark.django_db
def test_the_staff_group_without_the_permission_is_no_longer_staff():
    staff_group().permissions.remove(permission(STAFF_PERMISSION))
    member = UserFactory(groups=[STAFF_GROUP])

    assert not is_education_staff(member)


@pytest.mark.django_db
def test_staff_of_a_group_of_the_sites_own_take_every_sessions_attendance(workshop):
    coordinator = UserFactory()
    coordinator.groups.add(group_holding("Education committee", STAFF_PERMISSION))
    session = SessionFactory(workshop=workshop)

    assert can_take_attendance(coordinator, session)
    assert not can_take_attendance(UserFactory(), session)


# Who may facilitate


@pytest.mark.django_db
def test_who_may_facilitate_holds_the_facilitator_permission(workshop):
    trainer = FacilitatorFactory(
        user__groups=[], user__first_name="Ana", user__last_name="Lima"
    ).user
    trainer.groups.add(group_holding("Trainers", FACILITATOR_PERMISSION))
    trainer.facilitator_profile.certified_workshops.set([workshop])
    left = FacilitatorFactory(user__first_name="Luc", user__last_name="Gagnon").user
    left.facilitator_profile.certified_workshops.set([workshop])
    facilitators_group().permissions.remove(permission(FACILITATOR_PERMISSION))

    assert trainer in facilitation_pool()
    assert left not in facilitation_pool()
    assert list(qualified_facilitators(workshop)) == [trainer]


@pytest.mark.django_db
def test_the_session_form_offers_whoever_may_facilitate(client_as, staff, workshop):
    trainer = FacilitatorFactory(
        user__groups=[], user__first_name="Ana", user__last_name="Lima"
    ).user
    trainer.groups.add(group_holding("Trainers", FACILITATOR_PERMISSION))
    FacilitatorFactory(user__groups=[], user__first_name="Paul", user__last_name="Roy")

    response = client_as(staff).get(reverse("wagtailsnippets_courses_session:add"))

    offered = {str(choice.choice_label) for choice in response.context["form"]["facilitators"]}
    assert "Ana Lima" in offered
    assert "Paul Roy" not in offered


# Without the app that keeps facilitators' profiles


@pytest.fixture
def no_profiles_app(monkeypatch):
    """No function answers the ``filter_session_facilitators`` hook, as on a site without the
    facilitators app."""
    hooks.search_for_hooks()
    monkeypatch.setitem(hooks._hooks, FILTER_FACILITATORS_HOOK, [])


@pytest.mark.django_db
def test_the_facilitators_app_answers_who_qualifies():
    assert facilitators_who_deliver in hooks.get_hooks(FILTER_FACILITATORS_HOOK)


@pytest.mark.django_db
def test_without_the_profiles_app_everyone_who_may_facilitate_qualifies(
    no_profiles_app, workshop, staff
):
    facilitator = UserFactory(groups=[FACILITATORS_GROUP], first_name="Ana", last_name="Lima")

    assert list(qualified_facilitators(workshop, "fr")) == [facilitator]
    assert qualification_refusals([facilitator], workshop, "fr") == {}
    assert staff not in qualified_facilitators(workshop)


@pytest.mark.django_db
def test_a_site_grants_the_roles_from_the_groups_admin(client_as, superuser):
    response = client_as(superuser).get(
        reverse("wagtailusers_groups:edit", args=[staff_group().pk])
    )

    assert response.status_code == 200
    assert "Can take the attendance of every session, close it early and reopen it" in (
        response.text
    )
    assert "Can be assigned to facilitate sessions" in response.text
    assert "Can read facilitator guides" in response.text


@pytest.mark.django_db
def test_a_superuser_is_offered_as_a_facilitator_only_when_granted_the_role():
    administrator = SuperuserFactory()
    assert administrator not in facilitation_pool()

    administrator.groups.add(facilitators_group())

    assert administrator in facilitation_pool()
