"""Each certificate's place in the published status lists (W3C Bitstring Status List), which
say whether it is revoked; the certificates issued before are given a random free place."""

import secrets

from django.db import migrations, models

STATUS_LIST_SIZE = 131_072


def give_places(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    pks = list(
        Certificate.objects.filter(status_list_index=None)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pks:
        return
    taken = set(
        Certificate.objects.exclude(status_list_index=None).values_list(
            "status_list_index", flat=True
        )
    )
    capacity = (1 + 2 * (len(pks) + len(taken)) // STATUS_LIST_SIZE) * STATUS_LIST_SIZE
    for pk in pks:
        index = secrets.randbelow(capacity)
        while index in taken:
            index = secrets.randbelow(capacity)
        taken.add(index)
        Certificate.objects.filter(pk=pk).update(status_list_index=index)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0004_signatory_title_fr")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="status_list_index",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text=(
                    "Where the published status lists say whether this certificate is revoked: "
                    "list number (place ÷ 131,072), bit (the remainder). Never changes."
                ),
                null=True,
                verbose_name="place in the status lists",
            ),
        ),
        migrations.RunPython(give_places, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("status_list_index",), name="one_certificate_per_status_list_place"
            ),
        ),
    ]
