"""Admin views for education staff: certificates, revoking and reissuing them, issuing one by
hand, a session's certificates as a ZIP file, and the PDF preview of a certificate template.

Certificates record what was true when they were issued, so nobody edits them through a form:
each change is an action with its own view, attached to the certificate viewset in
``wagtail_hooks.py``. The views check the certificate model's Wagtail permission policy:
seeing certificates (and downloading them) needs any permission on certificates, revoking and
reissuing need "change", issuing by hand needs "add".
"""

from django.conf import settings
from django.contrib.admin.utils import quote, unquote
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

import django_filters

from courses.admin_filters import (
    DateFromToRangeFilter,
    ModelChoiceFilter,
    page_chooser_filter,
    snippet_chooser_filter,
)
from courses.admin_permissions import visible_to, visible_to_requester
from courses.admin_viewsets import KeyCheckedHistoryMixin
from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Participant, Program, Session, WorkshopPage

from .admin_forms import IssueForEnrollmentForm, IssueLanguageForm, ReissueForm, RevokeForm
from .archives import archive_filename, current_archive, session_certificates
from .choices import CertificateKind, CertificateStatus
from .issuing import CertificateRefusal, issue_for_enrollment, reissue, revoke
from .models import CODE_ALPHABET, REISSUED, Certificate, CertificateTemplate, certificate_storage
from .pdf import ensure_pdf, render_preview, render_revoked, revoked_filename
from .tasks import build_session_archive

#: Any of these permissions lets a user see certificates and download them.
SEE_PERMISSIONS = {"add", "change", "view"}
#: The shortest piece of a code that the search matches anywhere in codes.
CODE_SEARCH_MIN_LENGTH = 4


def local_date(value):
    """A date and time as the day it was in the site's time zone, for the active language."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "DATE_FORMAT")


class LocalDateColumn(Column):
    """The day of a date and time, in the site's time zone (not "3 days ago")."""

    def get_value(self, instance):
        return local_date(super().get_value(instance))


class CodeColumn(TitleColumn):
    """A verification code as it is printed: in groups of four."""

    def get_value(self, instance):
        return Certificate.format_code(super().get_value(instance) or "")


def certificate_policy():
    return policy_registry.get_by_type(Certificate)


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CertificateStatus.choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=CertificateKind.choices, empty_label=_("All")
    )
    workshop = page_chooser_filter(WorkshopPage, WorkshopPage.objects.all(), label=_("Workshop"))
    program = ModelChoiceFilter(
        label=_("Program"),
        queryset=Program.objects.in_default_language().order_by("title"),
    )
    # Any session the user may see: one without certificates lists none.
    session = snippet_chooser_filter(
        Session,
        visible_to_requester(Session.objects.select_related("workshop")),
        label=_("Session"),
    )
    issued_at = DateFromToRangeFilter(label=_("Issued"), widget=DateRangePickerWidget)

    class Meta:
        model = Certificate
        fields = ["status", "kind", "workshop", "program", "session", "issued_at"]


class CertificateActionsMixin:
    """URLs of the actions on one certificate, as the current user may use them."""

    inspect_url_name = None
    download_url_name = None
    revoke_url_name = None
    reissue_url_name = None
    history_url_name = None

    def get_download_url(self, certificate):
        if self.download_url_name and self.user_has_any_permission(SEE_PERMISSIONS):
            return reverse(self.download_url_name, args=[quote(certificate.pk)])

    def get_revoke_url(self, certificate):
        if self.revoke_url_name and certificate.is_valid and self.user_has_permission("change"):
            return reverse(self.revoke_url_name, args=[quote(certificate.pk)])

    def get_reissue_url(self, certificate):
        if self.reissue_url_name and certificate.is_valid and self.user_has_permission("change"):
            return reverse(self.reissue_url_name, args=[quote(certificate.pk)])

    def get_certificate_inspect_url(self, certificate):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[quote(certificate.pk)])

    def get_action_items(self, certificate):
        """``(label, url, icon, priority)`` for each action on the certificate."""
        items = []
        if url := self.get_download_url(certificate):
            items.append((_("Download PDF"), url, "download", 10))
        items.append((_("Verification page"), certificate.get_absolute_url(), "link-external", 15))
        if url := self.get_reissue_url(certificate):
            items.append((_("Reissue with a corrected name"), url, "redirect", 30))
        if url := self.get_revoke_url(certificate):
            items.append((_("Revoke"), url, "cross", 40))
        return items


class CertificateIndexView(CertificateActionsMixin, generic.IndexView):
    """Certificates, newest first, found by code (as typed) or name, and filtered."""

    issue_choose_url_name = None
    session_archive_url_name = None
    default_ordering = "-issued_at"

    def get_base_queryset(self):
        return visible_to(self.request.user, Certificate.objects.all())

    @cached_property
    def columns(self):
        return [
            self._get_title_column("code", column_class=CodeColumn),
            Column("holder_name", label=_("Holder"), sort_key="holder_name"),
            Column("title", label=_("Title"), sort_key="title"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            LocalDateColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda certificate: certificate.is_valid,
                sort_key="status",
            ),
        ]

    def search_queryset(self, queryset):
        """Holder names contain the words typed; codes are matched however they were typed
        ("abcd efgh", "ABCD-EFGH-JKMN-PQRS", with O for 0 ...), in full or in part."""
        if not self.is_searching:
            return queryset
        text = " ".join(self.search_query.split())
        condition = (
            Q(holder_name__icontains=text)
            | Q(participant__name__icontains=text)
            | Q(participant__in=Participant.objects.with_email(text))
        )
        code = Certificate.normalise_code(text)
        if len(code) >= CODE_SEARCH_MIN_LENGTH and set(code) <= set(CODE_ALPHABET):
            condition |= Q(code__contains=code)
        return queryset.filter(condition)

    @cached_property
    def filtered_session(self):
        """The session the list is filtered by, if it is."""
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("session")
        return None

    @cached_property
    def header_buttons(self):
        buttons = []
        if self.issue_choose_url_name and self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    _("Issue for an enrolment"),
                    url=reverse(self.issue_choose_url_name),
                    icon_name="plus",
                    priority=10,
                )
            )
        if self.session_archive_url_name and (session := self.filtered_session):
            buttons.append(
                HeaderButton(
                    _("Download certificates (ZIP)"),
                    url=reverse(self.session_archive_url_name, args=[quote(session.pk)]),
                    icon_name="download",
                    priority=20,
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for label, url, icon, priority in self.get_action_items(instance):
            buttons.append(MenuItem(label, url=url, icon_name=icon, priority=priority))
        return buttons


class CertificateInspectView(CertificateActionsMixin, generic.InspectView):
    """Everything recorded about one certificate, with its actions."""

    template_name = "certificates/admin/inspect.html"
    #: What the page lists, in this order (the viewset passes them as ``fields``).
    FIELDS = [
        "code",
        "status",
        "kind",
        "holder_name",
        "participant",
        "local_name",
        "title",
        "hours",
        "completed_on",
        "session",
        "program",
        "facilitator_names",
        "language",
        "template",
        "issued_at",
        "issued_by",
        "replaces",
    ]
    fields = FIELDS

    def get_object(self, queryset=None):
        queryset = Certificate.objects.select_related(
            "participant",
            "session__workshop",
            "program",
            "template",
            "issued_by",
            "revoked_by",
            "replaces",
            "replaced_by",
        )
        return get_object_or_404(queryset, pk=unquote(str(self.pk)))

    def get_page_subtitle(self):
        return self.object.display_code

    def get_field_label(self, field_name, field):
        if field_name == "participant":
            return _("Participant record")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "–" if value is None or value == "" else value

    def get_code_display_value(self):
        return self.object.display_code

    def get_participant_display_value(self):
        return str(self.object.participant)

    def get_issued_by_display_value(self):
        user = self.object.issued_by
        if user is None:
            return gettext("Issued automatically")
        return user.get_full_name() or user.get_username()

    def get_replaces_display_value(self):
        return self.object.replaces.display_code if self.object.replaces else None

    @cached_property
    def header_more_buttons(self):
        buttons = [
            Button(label, url=url, icon_name=icon, priority=priority)
            for label, url, icon, priority in self.get_action_items(self.object)
        ]
        if self.history_url_name:
            buttons.append(
                Button(
                    _("History"),
                    url=reverse(self.history_url_name, args=[quote(self.object.pk)]),
                    icon_name="history",
                    priority=50,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.object
        context["certificate"] = certificate
        context["is_reissued"] = certificate.revoked_reason == REISSUED
        context["replaced_by"] = getattr(certificate, "replaced_by", None)
        context["revoked_by"] = (
            certificate.revoked_by.get_full_name() or certificate.revoked_by.get_username()
            if certificate.revoked_by
            else ""
        )
        context["replaces_url"] = (
            self.get_certificate_inspect_url(certificate.replaces) if certificate.replaces else ""
        )
        context["replaced_by_url"] = (
            self.get_certificate_inspect_url(context["replaced_by"])
            if context["replaced_by"]
            else ""
        )
        return context


class CertificateHistoryView(KeyCheckedHistoryMixin, HistoryView):
    """The certificate's log: issued, revoked, reissued. It has no edit view to go back to."""

    inspect_url_name = None

    def get_edit_url(self, instance):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=(quote(instance.pk),))

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                label=gettext("Inspect"),
                url=self.get_edit_url(self.object),
                icon_name="info-circle",
            )
        ]


class CertificateObjectView(
    CertificateActionsMixin,
    PermissionCheckedMixin,
    BaseObjectMixin,
    WagtailAdminTemplateMixin,
    TemplateView,
):
    """Base of the views that act on one certificate, reached from its page or its row."""

    model = Certificate
    index_url_name = None
    header_icon = "doc-full"
    permission_required = "change"

    def get_base_object_queryset(self):
        return Certificate.objects.select_related(
            "participant",
            "session__workshop",
            "program",
            "template__logo",
            "template__signature_image",
        )

    def get_page_subtitle(self):
        return self.object.display_code

    def get_inspect_url(self):
        return self.get_certificate_inspect_url(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Certificate._meta.verbose_name_plural),
            },
            {"url": self.get_inspect_url(), "label": self.object.display_code},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificate"] = self.object
        context["inspect_url"] = self.get_inspect_url()
        return context


class RevokeView(CertificateObjectView):
    """Ask for the reason, then revoke: the verification page says revoked, and why."""

    page_title = _("Revoke certificate")
    template_name = "certificates/admin/revoke.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or RevokeForm()
        return context

    def post(self, request, *args, **kwargs):
        form = RevokeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            revoke(self.object.pk, reason=form.cleaned_data["reason"], user=request.user)
        except CertificateRefusal as refusal:
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            gettext("The certificate of %(name)s is revoked: its verification page now says so.")
            % {"name": self.object.holder_name},
        )
        return redirect(self.get_inspect_url())


class ReissueView(CertificateObjectView):
    """A new certificate with a corrected name replaces the old one, revoked as "reissued"."""

    page_title = _("Reissue certificate")
    template_name = "certificates/admin/reissue.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or ReissueForm(certificate=self.object)
        return context

    def post(self, request, *args, **kwargs):
        form = ReissueForm(request.POST, certificate=self.object)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            new = reissue(
                self.object.pk, holder_name=form.cleaned_data["holder_name"], user=request.user
            )
        except CertificateRefusal as refusal:
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            gettext(
                "A new certificate for %(name)s replaces %(old)s, which is now revoked as "
                "reissued. %(name)s will be emailed a link to the new one."
            )
            % {"name": new.holder_name, "old": self.object.display_code},
        )
        return redirect(self.get_certificate_inspect_url(new))


class DownloadView(CertificateObjectView):
    """The certificate's stored PDF, rendered first if it is missing; a revoked certificate's
    PDF with the "Revoked" mark across it, rendered on each download and never stored."""

    permission_required = None
    any_permission_required = SEE_PERMISSIONS
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        if not self.object.is_valid:
            response = HttpResponse(render_revoked(self.object), content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="{revoked_filename(self.object)}"'
            )
            return response
        stored = ensure_pdf(self.object)
        return FileResponse(
            stored.open("rb"),
            as_attachment=True,
            filename=self.object.pdf_filename(),
            content_type="application/pdf",
        )


class SessionArchiveView(
    PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Every valid certificate of one session in a ZIP file; a word when there are none.

    The ZIP is built by a worker (``certificates.tasks.build_session_archive``), which emails
    a link to whoever asked for it. The page offers the stored ZIP when it holds the session's
    certificates as they are now, and a button that prepares it otherwise.
    """

    model = Session
    index_url_name = None
    session_archive_url_name = None
    session_archive_download_url_name = None
    any_permission_required = SEE_PERMISSIONS
    page_title = _("Download certificates (ZIP)")
    template_name = "certificates/admin/session_archive.html"
    empty_template_name = "certificates/admin/session_archive_empty.html"
    header_icon = "download"
    http_method_names = ["get", "head", "post"]

    @cached_property
    def permission_policy(self):
        return certificate_policy()

    def get_base_object_queryset(self):
        return Session.objects.select_related("workshop")

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Certificate._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def certificate_count(self):
        return session_certificates(self.object).count()

    def get_template_names(self):
        if not self.certificate_count:
            return [self.empty_template_name]
        return [self.template_name]

    def post(self, request, *args, **kwargs):
        if not self.certificate_count or current_archive(self.object):
            return redirect(self.session_archive_url_name, quote(self.object.pk))
        build_session_archive.enqueue(self.object.pk, request.user.pk)
        if current_archive(self.object):  # built at once, as in development
            messages.success(request, gettext("The ZIP is ready."))
            return redirect(self.session_archive_url_name, quote(self.object.pk))
        return self.render_to_response(self.get_context_data(preparing=True))

    def get_context_data(self, preparing=False, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.object
        archive = current_archive(session) if self.certificate_count else None
        context.update(
            {
                "session": session,
                "is_closed": session.status == SessionStatus.DELIVERED,
                "index_url": reverse(self.index_url_name),
                "certificate_count": self.certificate_count,
                "revoked_count": session.certificates.filter(
                    status=CertificateStatus.REVOKED
                ).count(),
                "preparing": preparing,
                "page_url": reverse(self.session_archive_url_name, args=[quote(session.pk)]),
                "download_url": (
                    reverse(self.session_archive_download_url_name, args=[quote(session.pk)])
                    if archive
                    else ""
                ),
            }
        )
        return context


class SessionArchiveDownloadView(PermissionCheckedMixin, BaseObjectMixin, View):
    """The session's stored ZIP, if it holds its certificates as they are now; otherwise back
    to the page that prepares it."""

    model = Session
    session_archive_url_name = None
    any_permission_required = SEE_PERMISSIONS
    http_method_names = ["get", "head"]

    @cached_property
    def permission_policy(self):
        return certificate_policy()

    def get_base_object_queryset(self):
        return Session.objects.select_related("workshop")

    def get(self, request, *args, **kwargs):
        path = current_archive(self.object)
        if path is None:
            if session_certificates(self.object).exists():
                messages.warning(
                    request,
                    gettext(
                        "The certificates of this session changed since the ZIP was prepared: "
                        "prepare it again."
                    ),
                )
            return redirect(self.session_archive_url_name, quote(self.object.pk))
        return FileResponse(
            certificate_storage().open(path, "rb"),
            as_attachment=True,
            filename=archive_filename(self.object),
            content_type="application/zip",
        )


class IssueChooseView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Find the enrolment to issue a certificate for: a closed session and a person in it."""

    model = Certificate
    permission_required = "add"
    index_url_name = None
    issue_url_name = None
    page_title = _("Issue a certificate")
    template_name = "certificates/admin/issue_choose.html"
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Certificate._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        if form is None:
            session = self.request.GET.get("session", "")
            form = IssueForEnrollmentForm(
                initial={"session": session if session.isdigit() else None}
            )
        context["form"] = form
        return context

    def post(self, request, *args, **kwargs):
        form = IssueForEnrollmentForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        return redirect(self.issue_url_name, quote(form.enrollment.pk))


class IssueView(PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then issue the certificate of one completed enrolment by hand.

    The issuing rules decide: an enrolment that is not completed, or a workshop that issues no
    certificate, is refused with their reason, shown here. A certificate already issued for the
    enrolment is not issued twice.
    """

    model = Enrollment
    permission_required = "add"
    index_url_name = None
    inspect_url_name = None
    issue_choose_url_name = None
    page_title = _("Issue a certificate")
    template_name = "certificates/admin/issue.html"
    header_icon = "doc-full"

    @cached_property
    def permission_policy(self):
        return certificate_policy()

    def get_base_object_queryset(self):
        return Enrollment.objects.select_related(
            "participant", "session__workshop", "attendance"
        ).exclude(status=EnrollmentStatus.CANCELLED)

    def get_page_subtitle(self):
        return self.object.participant.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Certificate._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def existing_certificate(self):
        return self.object.certificates.valid().order_by("-issued_at").first()

    def get_context_data(self, refusal=None, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollment = self.object
        existing = self.existing_certificate()
        context.update(
            {
                "form": form or IssueLanguageForm(session=enrollment.session),
                "enrollment": enrollment,
                "participant": enrollment.participant,
                "session": enrollment.session,
                "attendance": getattr(enrollment, "attendance", None),
                "is_closed": enrollment.session.status == SessionStatus.DELIVERED,
                "existing": existing,
                "existing_url": (
                    reverse(self.inspect_url_name, args=[quote(existing.pk)]) if existing else ""
                ),
                "refusal": refusal,
                "choose_url": reverse(self.issue_choose_url_name),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = IssueLanguageForm(request.POST, session=self.object.session)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        existing = self.existing_certificate()
        try:
            certificate = issue_for_enrollment(
                self.object.pk, user=request.user, language=form.cleaned_data["language"]
            )
        except CertificateRefusal as refusal:
            return self.render_to_response(self.get_context_data(refusal=refusal.message))
        if existing is not None and existing.pk == certificate.pk:
            messages.info(
                request,
                gettext("%(name)s already holds this certificate: nothing was issued.")
                % {"name": certificate.holder_name},
            )
        else:
            messages.success(
                request,
                gettext(
                    "Certificate issued to %(name)s. They will be emailed a link to download it."
                )
                % {"name": certificate.holder_name},
            )
        return redirect(self.inspect_url_name, quote(certificate.pk))


# Certificate templates


def preview_languages():
    return [(code, name) for code, name in settings.LANGUAGES]


class TemplatePreviewMixin:
    """Links to a template's PDF preview, one per language certificates are printed in."""

    preview_pdf_url_name = None

    def get_preview_pdf_items(self, template):
        if not self.preview_pdf_url_name:
            return []
        url = reverse(self.preview_pdf_url_name, args=[quote(template.pk)])
        return [
            (
                gettext("Preview PDF (%(language)s)") % {"language": name},
                f"{url}?language={code}",
            )
            for code, name in preview_languages()
        ]


class CertificateTemplateIndexView(TemplatePreviewMixin, SnippetIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for number, (label, url) in enumerate(self.get_preview_pdf_items(instance)):
            buttons.append(
                Button(
                    label,
                    url=url,
                    icon_name="doc-full",
                    priority=25 + number,
                    attrs={"target": "_blank", "rel": "noopener"},
                )
            )
        return buttons


class CertificateTemplateEditView(TemplatePreviewMixin, SnippetEditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for number, (label, url) in enumerate(self.get_preview_pdf_items(self.object)):
            buttons.append(
                Button(
                    label,
                    url=url,
                    icon_name="doc-full",
                    priority=5 + number,
                    attrs={"target": "_blank", "rel": "noopener"},
                )
            )
        return buttons


class TemplatePreviewView(PermissionCheckedMixin, BaseObjectMixin, View):
    """The template as a PDF with sample data, in the language asked for (English by default).

    Shows the template as saved; the editor's preview panel shows it as it is being edited
    (``CertificateTemplate.serve_preview``).
    """

    model = CertificateTemplate
    any_permission_required = {"add", "change", "view"}
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        languages = dict(preview_languages())
        language = request.GET.get("language", "")
        if language not in languages:
            language = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else "en"
        content = render_preview(self.object, language=language)
        filename = (
            f"certificate-template-{slugify(self.object.name) or self.object.pk}-{language}.pdf"
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
