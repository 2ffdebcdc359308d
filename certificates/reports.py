"""The certificates report: certificates issued each month, and how many were later revoked.

Built on ``courses.reports`` (the same filters, permissions and downloads as the other
education reports); registered in Wagtail's "Reports" menu by ``wagtail_hooks.py``. It is for
people who may view certificates (the Education staff group).
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column

from courses.reports.views import EducationReportView, ReportMenuItem

from .choices import CertificateKind, CertificateStatus
from .models import Certificate


class MonthColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return date_format(value, "YEAR_MONTH_FORMAT") if value else ""


class CertificateReportView(EducationReportView):
    """Per month of issue: certificates issued (of workshops, of programs), revoked since,
    still valid, and the hours the valid ones certify.

    The period is the date of issue; the program is the certificate's program, or its
    workshop's; the division is the holder's local's.
    """

    page_title = _("Certificates issued and revoked")
    header_icon = "doc-full"
    permission_model = Certificate
    index_url_name = "certificate_reports:certificates"
    index_results_url_name = "certificate_reports:certificates_results"
    export_filename = "certificates-issued"
    introduction = _(
        "Certificates issued each month, of workshops and of programs, and how many of them "
        "were revoked since."
    )
    list_export = ["month", "issued", "workshop", "program", "revoked", "valid", "hours"]
    export_headings = {
        "month": _("Month"),
        "issued": _("Issued"),
        "workshop": _("Workshop certificates"),
        "program": _("Program certificates"),
        "revoked": _("Revoked since"),
        "valid": _("Valid"),
        "hours": _("Hours on valid certificates"),
    }

    @cached_property
    def columns(self):
        return [
            MonthColumn("month", label=_("Month"), sort_key="month"),
            Column("issued", label=_("Issued"), sort_key="issued"),
            Column("workshop", label=_("Workshop certificates")),
            Column("program", label=_("Program certificates")),
            Column("revoked", label=_("Revoked since"), sort_key="revoked"),
            Column("valid", label=_("Valid")),
            Column("hours", label=_("Hours on valid certificates")),
        ]

    default_ordering = "-month"

    def certificates(self):
        conditions = self.conditions
        certificates = Certificate.objects.all()
        if conditions.start:
            certificates = certificates.filter(issued_at__gte=conditions.start)
        if conditions.stop:
            certificates = certificates.filter(issued_at__lte=conditions.stop)
        if conditions.program:
            certificates = certificates.filter(
                Q(program=conditions.program) | Q(workshop__program=conditions.program)
            )
        if conditions.workshop:
            certificates = certificates.filter(workshop=conditions.workshop)
        if conditions.language:
            certificates = certificates.filter(language=conditions.language)
        if conditions.division:
            certificates = certificates.filter(participant__local__division=conditions.division)
        return certificates

    def get_rows(self):
        valid = Q(status=CertificateStatus.VALID)
        return (
            self.certificates()
            .annotate(month=TruncMonth("issued_at"))
            .order_by()
            .values("month")
            .annotate(
                issued=Count("pk"),
                workshop=Count("pk", filter=Q(kind=CertificateKind.WORKSHOP)),
                program=Count("pk", filter=Q(kind=CertificateKind.PROGRAM)),
                revoked=Count("pk", filter=Q(status=CertificateStatus.REVOKED)),
                valid=Count("pk", filter=valid),
                hours=Sum("hours", filter=valid),
            )
            .order_by("-month")
        )

    def decorate_row(self, row):
        row = dict(row)
        row["month"] = timezone.localtime(row["month"]).date() if row["month"] else None
        row["hours"] = Decimal(row["hours"] or 0).quantize(Decimal("0.01"))
        return row


urlpatterns = [
    path("", CertificateReportView.as_view(), name="certificates"),
    path(
        "results/",
        CertificateReportView.as_view(results_only=True),
        name="certificates_results",
    ),
]


def menu_item():
    return ReportMenuItem(
        CertificateReportView, reverse("certificate_reports:certificates"), order=140
    )
