"""Admin registration for certificates and their templates, under the "Education" menu.

Certificates are listed, inspected, revoked, reissued and downloaded here; they are never
added, edited or deleted through a generic form. Other admin pages link here through hooks:
the session pages (its certificates, and their ZIP file), the rows of a closed session's
"People" page and of the enrolment list (issuing a missing certificate by hand).
"""

from django.contrib.admin.utils import quote
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.admin_permissions import (
    ScopedPermissionPolicy,
    facilitated_enrollments,
    facilitators_of,
)
from courses.admin_viewsets import KeyCheckedDeleteBulkAction, SnippetViewSet
from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Session
from courses.wagtail_hooks import EDUCATION_MENU_HOOK

from . import reports
from .admin_forms import CertificateTemplateForm
from .admin_views import (
    SEE_PERMISSIONS,
    CertificateFilterSet,
    CertificateHistoryView,
    CertificateIndexView,
    CertificateInspectView,
    CertificateTemplateEditView,
    CertificateTemplateIndexView,
    DownloadView,
    IssueChooseView,
    IssueView,
    ReissueView,
    RevokeView,
    SessionArchiveDownloadView,
    SessionArchiveView,
    TemplatePreviewView,
)
from .models import Certificate, CertificateTemplate
from .views import my_learning_section


class CertificatePermissionPolicy(ScopedPermissionPolicy):
    """Certificates are never deleted, not even by a superuser: revoking is a status, and a
    revoked certificate must keep saying so to anyone who checks it.

    "add" is issuing one by hand, "change" is revoking and reissuing, "view" is seeing and
    downloading them. Staff (model permissions) see every certificate. A facilitator without
    model permission may view the certificates of the people their rosters show (for the
    confirmed enrolments of the sessions they facilitate), none of a program and no other;
    the certificate pages of the admin, which need the model permission, stay closed to them.
    """

    refused_actions = frozenset({"delete"})
    scoped_actions = frozenset({"view"})

    def scoped_instances(self, user):
        return Certificate.objects.filter(enrollment__in=facilitated_enrollments(user))

    def scoped_users(self, instance):
        return facilitators_of(
            Enrollment.objects.filter(
                pk=instance.enrollment_id, status=EnrollmentStatus.CONFIRMED
            ).values("session_id")
        )


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))


class CertificateAdminURLFinder(ModelAdminURLFinder):
    """Certificates have no edit view: the admin's links to a certificate (in Reports → Site
    history, for one) lead to its page, for those who may open it."""

    def get_edit_url(self, instance):
        if self.user is not None and not policy_registry.get_by_type(
            Certificate
        ).user_has_any_permission(self.user, SEE_PERMISSIONS):
            return None
        return self.construct_edit_url(instance)


class CertificateViewSet(ModelViewSet):
    """Certificates for the education staff: find, inspect, download, revoke, reissue, issue."""

    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    menu_hook = EDUCATION_MENU_HOOK
    url_prefix = "certificates"
    url_namespace = "certificates_admin"
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    filterset_class = CertificateFilterSet
    inspect_view_enabled = True
    inspect_view_fields = CertificateInspectView.FIELDS
    copy_view_enabled = False
    add_to_reference_index = False
    # Codes and names are matched by the index view itself (see its ``search_queryset``).
    search_backend_name = None
    search_fields = ["holder_name"]

    def get_common_view_kwargs(self, **kwargs):
        # No generic add, edit or delete views: certificates change only through the actions.
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            usage_url_name=None,
            inspect_url_name=self.get_url_name("inspect"),
            download_url_name=self.get_url_name("download"),
            revoke_url_name=self.get_url_name("revoke"),
            reissue_url_name=self.get_url_name("reissue"),
            issue_url_name=self.get_url_name("issue"),
            issue_choose_url_name=self.get_url_name("issue_choose"),
            session_archive_url_name=self.get_url_name("session_archive"),
            session_archive_download_url_name=self.get_url_name("session_archive_download"),
            **kwargs,
        )

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().exclude(codename="delete_certificate")

    @cached_property
    def url_finder_class(self):
        return type(
            "CertificateViewSetURLFinder",
            (CertificateAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            path("download/<int:pk>/", self.construct_view(DownloadView), name="download"),
            path("revoke/<int:pk>/", self.construct_view(RevokeView), name="revoke"),
            path("reissue/<int:pk>/", self.construct_view(ReissueView), name="reissue"),
            path("issue/", self.construct_view(IssueChooseView), name="issue_choose"),
            path("issue/<int:pk>/", self.construct_view(IssueView), name="issue"),
            path(
                "session/<int:pk>/zip/",
                self.construct_view(SessionArchiveView),
                name="session_archive",
            ),
            path(
                "session/<int:pk>/zip/download/",
                self.construct_view(SessionArchiveDownloadView),
                name="session_archive_download",
            ),
        ]


certificate_viewset = CertificateViewSet()


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return certificate_viewset


class CertificateTemplateViewSet(SnippetViewSet):
    """The look and wording of certificates, with a PDF preview on sample data."""

    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = _("Certificate templates")
    menu_hook = EDUCATION_MENU_HOOK
    index_view_class = CertificateTemplateIndexView
    edit_view_class = CertificateTemplateEditView
    list_display = ["name", "is_default", "heading"]
    copy_view_enabled = True
    edit_handler = ObjectList(CertificateTemplate.panels, base_form_class=CertificateTemplateForm)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            preview_pdf_url_name=self.get_url_name("preview_pdf"), **kwargs
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "preview-pdf/<int:pk>/",
                self.construct_view(TemplatePreviewView),
                name="preview_pdf",
            ),
        ]


register_snippet(CertificateTemplateViewSet)


class CertificateTemplateDeleteBulkAction(KeyCheckedDeleteBulkAction):
    models = [CertificateTemplate]


hooks.register("register_bulk_action", CertificateTemplateDeleteBulkAction, order=1)


# Links from the session and enrolment admin of ``courses``


def certificate_permission(user, action):
    return policy_registry.get_by_type(Certificate).user_has_permission(user, action)


def can_see_certificates(user):
    return policy_registry.get_by_type(Certificate).user_has_any_permission(user, SEE_PERMISSIONS)


def session_certificates_url(session):
    return reverse(certificate_viewset.get_url_name("index")) + f"?session={quote(session.pk)}"


def session_archive_url(session):
    return reverse(certificate_viewset.get_url_name("session_archive"), args=[quote(session.pk)])


def issue_url(enrollment):
    return reverse(certificate_viewset.get_url_name("issue"), args=[quote(enrollment.pk)])


@hooks.register("register_session_admin_buttons")
def session_certificate_buttons(session, request):
    """A closed session's certificates, listed or as one ZIP file."""
    if session.status != SessionStatus.DELIVERED or not can_see_certificates(request.user):
        return []
    return [
        Button(
            _("Certificates"),
            url=session_certificates_url(session),
            icon_name="doc-full",
            priority=60,
        ),
        Button(
            _("Download certificates (ZIP)"),
            url=session_archive_url(session),
            icon_name="download",
            priority=61,
        ),
    ]


class SessionCertificates:
    """What one request needs to know about the certificates of one session, asked once."""

    def __init__(self, session_id):
        self.session = Session.objects.select_related("workshop").get(pk=session_id)
        self.certified = set(
            Certificate.objects.valid()
            .filter(session_id=session_id)
            .values_list("enrollment_id", flat=True)
        )


def session_certificates_for(request, session_id):
    """The certificates of a session, remembered on the request for every row of a page."""
    cache = request.__dict__.setdefault("_session_certificates", {})
    if session_id not in cache:
        cache[session_id] = SessionCertificates(session_id)
    return cache[session_id]


@hooks.register("register_session_enrollment_actions")
def issue_certificate_action(enrollment, request):
    """On a closed session's "People" page: issue the certificate someone who completed the
    workshop is missing (two queries for the whole page)."""
    if not enrollment.completed or not certificate_permission(request.user, "add"):
        return []
    known = session_certificates_for(request, enrollment.session_id)
    if (
        known.session.status != SessionStatus.DELIVERED
        or not known.session.workshop.issues_certificate
        or enrollment.pk in known.certified
    ):
        return []
    return [(_("Issue certificate"), issue_url(enrollment))]


@hooks.register("register_snippet_listing_buttons")
def issue_certificate_listing_button(instance, user, next_url=None):
    """In the list of enrolments: issue the certificate of a completed enrolment by hand (the
    confirmation page says when it is issued already)."""
    if not (
        isinstance(instance, Enrollment)
        and instance.completed
        and instance.status == EnrollmentStatus.CONFIRMED
        and instance.session.status == SessionStatus.DELIVERED
        and instance.session.workshop.issues_certificate
        and certificate_permission(user, "add")
    ):
        return []
    return [MenuItem(_("Issue certificate"), url=issue_url(instance), icon_name="doc-full")]


# My learning


hooks.register("register_my_learning_section", my_learning_section)


# History


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    @actions.register_action("certificates.issue")
    class IssueFormatter(LogFormatter):
        label = _("Issue certificate")

        def format_message(self, log_entry):
            try:
                return _("Issued to %(name)s") % {"name": log_entry.data["holder_name"]}
            except (KeyError, TypeError):
                return _("Issued the certificate")

    @actions.register_action("certificates.revoke")
    class RevokeFormatter(LogFormatter):
        label = _("Revoke certificate")

        def format_message(self, log_entry):
            try:
                return _("Revoked: %(reason)s") % {"reason": log_entry.data["reason"]}
            except (KeyError, TypeError):
                return _("Revoked the certificate")

    @actions.register_action("certificates.reissue")
    class ReissueFormatter(LogFormatter):
        label = _("Reissue certificate")

        def format_message(self, log_entry):
            try:
                return _("Reissued to %(name)s, replacing %(old)s") % {
                    "name": log_entry.data["holder_name"],
                    "old": Certificate.format_code(log_entry.data["replaces"]),
                }
            except (KeyError, TypeError):
                return _("Reissued the certificate")


# Reports


@hooks.register("register_admin_urls")
def register_certificate_report_urls():
    return [
        path(
            "certificate-reports/",
            include((reports.urlpatterns, "certificate_reports"), namespace="certificate_reports"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_certificate_report_menu_item():
    return reports.menu_item()
