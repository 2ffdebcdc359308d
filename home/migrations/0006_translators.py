"""The Translators group: admin access, submitting translations with wagtail-localize, and
adding, editing and publishing pages in each language's tree other than the default one (the
French tree), with no permission on the English pages. Education staff may submit translations
too."""

from django.conf import settings
from django.db import migrations

from wagtail.coreutils import get_supported_content_language_variant

from courses.roles import STAFF_GROUP, ensure_permissions, grant
from home.translators import TRANSLATORS_GROUP, grant_tree, language_tree_tops


def default_locale_id(apps):
    Locale = apps.get_model("wagtailcore", "Locale")
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    return Locale.objects.filter(language_code=code).values_list("pk", flat=True).first()


def create_translators(apps, schema_editor):
    ensure_permissions(apps, "wagtailadmin", "wagtailcore")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    translators = grant(apps, TRANSLATORS_GROUP, "wagtailadmin", ["access_admin"])
    grant(apps, TRANSLATORS_GROUP, "wagtail_localize", ["submit_translation"])
    grant(apps, STAFF_GROUP, "wagtail_localize", ["submit_translation"])

    # The languages' trees that exist already; those made later are opened by a signal.
    default = default_locale_id(apps)
    if default is None:
        return
    for page_id in language_tree_tops(Page.objects.all(), default):
        grant_tree(translators, page_id, Permission.objects, GroupPagePermission.objects)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_french_locale"),
        ("courses", "0002_roles"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_translators, migrations.RunPython.noop)]
