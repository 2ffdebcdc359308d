import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0017_program_translatable"),
        ("facilitators", "0008_one_restriction_per_guide"),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckIn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "checked_in_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="checked in"
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[("signed_in", "Signed in"), ("email_link", "Emailed link")],
                        max_length=20,
                        verbose_name="method",
                    ),
                ),
                (
                    "code_kind",
                    models.CharField(
                        choices=[
                            ("rotating", "Code on the facilitator’s screen"),
                            ("day", "Code on the sign-in sheet"),
                        ],
                        max_length=20,
                        verbose_name="code",
                    ),
                ),
                (
                    "enrollment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="check_ins",
                        to="courses.enrollment",
                        verbose_name="enrolment",
                    ),
                ),
                (
                    "part",
                    models.ForeignKey(
                        blank=True,
                        help_text="For a session of several parts: the part checked in to.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="check_ins",
                        to="courses.sessionpart",
                        verbose_name="date and time",
                    ),
                ),
            ],
            options={
                "verbose_name": "check-in",
                "verbose_name_plural": "check-ins",
                "ordering": ["checked_in_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("part__isnull", False)),
                        fields=("enrollment", "part"),
                        name="one_check_in_per_enrolment_and_part",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("part__isnull", True)),
                        fields=("enrollment",),
                        name="one_check_in_per_enrolment",
                    ),
                ],
            },
        ),
    ]
