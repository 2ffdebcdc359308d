"""Who may read facilitator guides."""

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

from courses.roles import FACILITATORS_GROUP, STAFF_GROUP


def guide_reader_groups():
    """The groups whose members may read facilitator guides."""
    return Group.objects.filter(name__in=[FACILITATORS_GROUP, STAFF_GROUP])


def restrict_guide(page):
    """Make a guide readable only by facilitators and staff, unless it is already restricted.

    A restriction already on the guide or one of its ancestors is left as staff set it.
    """
    if page.get_view_restrictions().exists():
        return None
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(guide_reader_groups())
    return restriction


def is_guide_reader(user):
    """True for superusers and members of the facilitators or staff groups."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=[FACILITATORS_GROUP, STAFF_GROUP]).exists()


def lands_on_my_sessions(user):
    """Facilitators who are not education staff start from their sessions, not the admin."""
    if not user.is_authenticated or user.is_superuser:
        return False
    names = set(user.groups.values_list("name", flat=True))
    return FACILITATORS_GROUP in names and STAFF_GROUP not in names
