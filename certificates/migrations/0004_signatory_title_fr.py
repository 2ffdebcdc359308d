"""The signatory's title in French, for certificates printed in French; the default template's
title is translated."""

from django.db import migrations, models

DEFAULT_TITLE = "Director of Union Education"
DEFAULT_TITLE_FR = "Directeur·rice de l’éducation syndicale"


def translate_default_title(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(signatory_title=DEFAULT_TITLE, signatory_title_fr="").update(
        signatory_title_fr=DEFAULT_TITLE_FR
    )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_staff_permissions")]

    operations = [
        migrations.AddField(
            model_name="certificatetemplate",
            name="signatory_title_fr",
            field=models.CharField(
                blank=True,
                help_text="Printed on certificates in French; the English title when empty.",
                max_length=200,
                verbose_name="signatory's title in French",
            ),
        ),
        migrations.RunPython(translate_default_title, migrations.RunPython.noop, elidable=False),
    ]
