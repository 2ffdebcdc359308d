"""The two roles of the education program, as Django groups, and their permissions.

Data migrations call these functions with the historical ``apps`` registry, so that each app
grants the permissions on its own models to the groups that need them.
"""

from django.contrib.auth.management import create_permissions

STAFF_GROUP = "Education staff"
FACILITATORS_GROUP = "Facilitators"

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
