"""Translators: the people who translate the site's pages, with no rights over the sources.

The Translators group (created by a data migration) may enter the admin, submit pages for
translation with wagtail-localize and open the Translations report. Its page permissions are
on the other languages' trees only: adding, editing and publishing pages under the top page of
each language other than the default (the French home page), none on the English tree. A
language's top page is often made after the migrations ran (translating the home page makes
it), so a signal gives the group its permissions on each new one.

Translators hold no permission on snippets: the translatable snippets are edited, and
translated, by education staff. Learning outcomes and handouts are parts of their pages and
are translated with them.

The helpers take the models as arguments, so that the data migration calls them with its
historical ones.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_save

from wagtail.models import GroupPagePermission, Locale, Page

TRANSLATORS_GROUP = "Translators"
#: wagtail-localize's permission to submit pages and snippets for translation and to sync
#: their translations; it also opens the Translations report.
TRANSLATION_PERMISSION = "wagtail_localize.submit_translation"
#: What translators may do in the tree of each language other than the default.
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def parent_path(path):
    """The tree path of the parent of the page at ``path``."""
    return path[: -Page.steplen]


def language_tree_tops(pages, default_locale_id):
    """The pages of ``pages`` (a queryset) that are not in the default locale and whose parent
    is in another locale than theirs: the top page of each language's tree."""
    others = pages.exclude(locale_id=default_locale_id).exclude(depth=1)
    others = list(others.values("pk", "path", "locale_id"))
    known = {(page["path"], page["locale_id"]) for page in others}
    return [
        page["pk"] for page in others if (parent_path(page["path"]), page["locale_id"]) not in known
    ]


def grant_tree(group, page_id, permissions, group_page_permissions):
    """Give ``group`` the :data:`PAGE_PERMISSIONS` on the page ``page_id`` and its subtree.

    ``permissions`` and ``group_page_permissions`` are the managers of Django's Permission
    and Wagtail's GroupPagePermission (historical ones in a migration)."""
    for permission in permissions.filter(
        content_type__app_label="wagtailcore",
        content_type__model="page",
        codename__in=PAGE_PERMISSIONS,
    ):
        group_page_permissions.get_or_create(group=group, page_id=page_id, permission=permission)


def open_new_tree_to_translators(sender, instance, created, raw=False, **kwargs):
    """A new top page of a language other than the default (a translated home page): the
    Translators group may add, edit and publish pages under it."""
    if raw or not created or not isinstance(instance, Page) or instance.depth == 1:
        return
    try:
        default_locale = Locale.get_default()
    except Locale.DoesNotExist:
        return
    if instance.locale_id == default_locale.pk:
        return
    if instance.get_parent().locale_id == instance.locale_id:
        return
    group = Group.objects.filter(name=TRANSLATORS_GROUP).first()
    if group is not None:
        grant_tree(group, instance.pk, Permission.objects, GroupPagePermission.objects)


def connect_signals():
    post_save.connect(open_new_tree_to_translators, dispatch_uid="home-translators-new-tree")
