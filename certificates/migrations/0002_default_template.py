"""The default certificate template, in English and French, which staff then adapt."""

from django.db import migrations

DEFAULT_TEMPLATE = {
    "name": "Standard certificate",
    "heading": "Certificate of completion",
    "wording": (
        "This certifies that {name} has completed {title}, "
        "{hours} hours of union education."
    ),
    "heading_fr": "Attestation de réussite",
    "wording_fr": (
        "Nous attestons que {name} a suivi avec succès la formation {title}, "
        "soit {hours} heures d’éducation syndicale."
    ),
    "signatory_name": "",
    "signatory_title": "Director of Union Education",
    "accent_colour": "#8f1d21",
    "is_default": True,
}


def create_default_template(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    if not CertificateTemplate.objects.filter(is_default=True).exists():
        CertificateTemplate.objects.get_or_create(
            name=DEFAULT_TEMPLATE["name"], defaults=DEFAULT_TEMPLATE
        )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(create_default_template, migrations.RunPython.noop)]
