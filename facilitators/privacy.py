"""Who may read facilitator guides: whoever holds ``facilitators.read_guides``.

The data migrations grant it to the Facilitators and Education staff groups; superusers hold
every permission. A guide's own page is kept private by Wagtail's page privacy, which admits
groups: the groups that hold the permission.
"""

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

from courses.roles import FACILITATOR_PERMISSION, STAFF_PERMISSION

#: Reading facilitator guides, and reaching "My sessions".
GUIDE_READER_PERMISSION = "facilitators.read_guides"


def guide_reader_groups():
    """The groups whose members may read facilitator guides: those that hold
    :data:`GUIDE_READER_PERMISSION`."""
    app_label, codename = GUIDE_READER_PERMISSION.split(".")
    return Group.objects.filter(
        permissions__content_type__app_label=app_label, permissions__codename=codename
    )


def restrict_guide(page):
    """Make a guide readable only by the groups of guide readers (facilitators and staff),
    unless it is already restricted.

    A restriction already on the guide or one of its ancestors is left as staff set it.
    """
    if page.get_view_restrictions().exists():
        return None
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(guide_reader_groups())
    return restriction


def restriction_key(restriction):
    """What a restriction admits: its type, password and groups."""
    return (
        restriction.restriction_type,
        restriction.password,
        frozenset(group.pk for group in restriction.groups.all()),
    )


def drop_duplicate_restriction(restriction):
    """Delete ``restriction`` if its page already holds another one that admits the same
    people, and say whether it did.

    A guide is made private the moment it is saved; when Wagtail copies a guide (to translate
    it, or to another workshop) it then copies the original's restriction too. Two restrictions
    alike would make "public" in the privacy dialog remove one and leave the guide private.
    """
    others = restriction.page.view_restrictions.exclude(pk=restriction.pk)
    key = restriction_key(restriction)
    if any(restriction_key(other) == key for other in others.prefetch_related("groups")):
        restriction.delete()
        return True
    return False


def is_guide_reader(user):
    """True for active superusers and the active users who hold :data:`GUIDE_READER_PERMISSION`
    (members of the facilitators or staff groups)."""
    if not user.is_authenticated:
        return False
    return user.has_perm(GUIDE_READER_PERMISSION)


def lands_on_my_sessions(user):
    """Facilitators who are not education staff start from their sessions, not the admin:
    those who may be assigned sessions and do not hold the staff's permission."""
    if not user.is_authenticated or user.is_superuser:
        return False
    return user.has_perm(FACILITATOR_PERMISSION) and not user.has_perm(STAFF_PERMISSION)
