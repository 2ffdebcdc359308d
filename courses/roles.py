"""The two roles of the education program, as Django groups, and their permissions.

The apps' code asks for permissions, never for a group: a site may give them to groups of its
own, or to one person. The two groups below are those the data migrations create and grant
them to. Data migrations call :func:`grant` and its companions with the historical ``apps``
registry, so that each app grants the permissions on its own models to the groups that need
them.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.management import create_permissions

STAFF_GROUP = "Education staff"
FACILITATORS_GROUP = "Facilitators"

#: Taking the attendance of every session, closing one early, reopening one and downloading
#: any certificate: the education staff's part. The migrations grant it to ``STAFF_GROUP``.
STAFF_PERMISSION = "courses.manage_every_session"
#: Being assigned sessions to facilitate (and taking their attendance). The migrations grant
#: it to ``FACILITATORS_GROUP``.
FACILITATOR_PERMISSION = "courses.facilitate_sessions"

MODEL_ACTIONS = ("add", "change", "delete", "view")


def ensure_permissions(apps, *app_labels):
    """Create the permissions of ``app_labels`` now: in a fresh database they only appear after
    every migration has run, which is too late for a data migration that grants them."""
    for app_label in app_labels:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)


def grant(apps, group_name, app_label, codenames):
    """Give the group ``group_name`` (created if missing) these permissions of ``app_label``."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    group.permissions.add(*permissions)
    return group


def model_codenames(*model_names, actions=MODEL_ACTIONS):
    """``["add_local", "change_local", ...]`` for each model name and action."""
    return [f"{action}_{model}" for model in model_names for action in actions]


def users_with_permission(perm, *, include_superusers=True):
    """The active users who hold ``perm`` (``"app_label.codename"``) themselves or through one
    of their groups, and the active superusers unless ``include_superusers`` is False.

    This is the answer of Django's ``ModelBackend``, the one ``user.has_perm(perm)`` gives for
    each of them, as a queryset.
    """
    return ModelBackend().with_perm(perm, is_active=True, include_superusers=include_superusers)


def is_education_staff(user):
    """Active superusers and the active users who hold ``courses.manage_every_session``
    (:data:`~courses.roles.STAFF_PERMISSION`, which the Education staff group has).

    Asked several times while one request is served: Django remembers the user's permissions
    on that user object.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(STAFF_PERMISSION)
