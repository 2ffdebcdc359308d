"""Guides copied before a copied guide kept a single restriction hold two alike: drop the
later ones, so that making such a guide public in the privacy dialog makes it public."""

from django.db import migrations


def drop_duplicates(apps, schema_editor):
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    FacilitatorGuidePage = apps.get_model("facilitators", "FacilitatorGuidePage")
    guides = FacilitatorGuidePage.objects.values_list("pk", flat=True)
    seen = set()
    restrictions = (
        PageViewRestriction.objects.filter(page_id__in=guides)
        .prefetch_related("groups")
        .order_by("page_id", "pk")
    )
    for restriction in restrictions:
        key = (
            restriction.page_id,
            restriction.restriction_type,
            restriction.password,
            frozenset(group.pk for group in restriction.groups.all()),
        )
        if key in seen:
            restriction.delete()
        else:
            seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("facilitators", "0007_handout_translatable"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(drop_duplicates, migrations.RunPython.noop)]
