"""Admin registration for curricula, the union's structure, sessions and enrolments."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import ForeignKey
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSetGroup

from .actions import SUPERSEDED_ACTION
from .admin_deletion import KeptForRecordsBulkDeleteMixin, KeptForRecordsDeleteMixin
from .admin_filters import snippet_chooser_filter
from .admin_forms import KeyCheckedModelChoiceField
from .admin_permissions import (
    EnrollmentPermissionPolicy,
    OfflineMarkPermissionPolicy,
    ParticipantPermissionPolicy,
    PolicyChooserViewSet,
    PolicyDeleteBulkAction,
    SessionPermissionPolicy,
    SessionRequestPermissionPolicy,
    visible_to,
)
from .admin_viewsets import (
    DefaultLanguageChooserViewSet,
    KeyCheckedDeleteBulkAction,
    SnippetViewSet,
)
from .admin_widgets import PageChooser
from .attendance.admin_views import (
    OfflineMarkFilterSet,
    OfflineMarkIndexView,
    ReopenSessionView,
)
from .choices import AttendanceStatus, EnrollmentStatus, RequestStatus
from .models import (
    Division,
    EducationRole,
    Enrollment,
    Local,
    OfflineMark,
    Participant,
    Program,
    Sector,
    Session,
    SessionRequest,
    WorkshopPage,
)
from .reports import views as reports
from .reports.dashboard import dashboard_panels
from .requests.admin_views import NewRequestsPanel, SessionRequestViewSet
from .sessions.admin_forms import SessionAdminForm
from .sessions.admin_views import (
    BulkEnrolView,
    CancelEnrollmentView,
    CancelSessionView,
    EnrollmentFilterSet,
    LinkColumn,
    LocalDateTimeColumn,
    OfferPlaceView,
    SessionDeleteView,
    SessionEditView,
    SessionFilterSet,
    SessionIndexView,
    SessionPeopleView,
    refuse_bulk_publishing_unready_pages,
    seats_label,
)

# Who sees whom: see ``admin_permissions``. Programs, workshops and the union's structure
# (divisions, sectors, locals) name nobody: Wagtail's model permission policy serves them.
register_permission_policy(Participant, ParticipantPermissionPolicy(Participant))
register_permission_policy(Enrollment, EnrollmentPermissionPolicy(Enrollment))
register_permission_policy(Session, SessionPermissionPolicy(Session))
register_permission_policy(SessionRequest, SessionRequestPermissionPolicy(SessionRequest))
register_permission_policy(OfflineMark, OfflineMarkPermissionPolicy(OfflineMark))


@hooks.register("register_permissions")
def register_role_permissions():
    """The roles' permissions (see ``courses.roles``), so that a site grants them to groups of
    its own on the admin's Groups pages."""
    return Permission.objects.filter(content_type=ContentType.objects.get_for_model(EducationRole))


class PrivateDeleteBulkAction(KeptForRecordsBulkDeleteMixin, PolicyDeleteBulkAction):
    models = [Participant, Enrollment, Session, SessionRequest]


class StructureDeleteBulkAction(KeyCheckedDeleteBulkAction):
    models = [Program, Local, Division, Sector]


hooks.register("register_bulk_action", PrivateDeleteBulkAction, order=1)
hooks.register("register_bulk_action", StructureDeleteBulkAction, order=1)
# Bulk publishing skips the editor's checks: a draft that would fail them is named, not a 500.
hooks.register("before_bulk_action", refuse_bulk_publishing_unready_pages)

# A form's link to a workshop is the key of a page: a number too large for the database is
# refused at the field (see ``courses.validators``), and its chooser shows a value that names
# no workshop as nothing chosen.
register_form_field_override(
    ForeignKey,
    to=WorkshopPage,
    override=lambda db_field: {
        "form_class": KeyCheckedModelChoiceField,
        "widget": PageChooser(target_models=[db_field.remote_field.model]),
    },
)

#: Other education apps add their admin screens to the "Education" menu through this hook,
#: by giving their viewset ``menu_hook = EDUCATION_MENU_HOOK``.
EDUCATION_MENU_HOOK = "register_education_menu_item"


class ProgramViewSet(SnippetViewSet):
    model = Program
    # A workshop belongs to a program in the default language, never to its translation.
    chooser_viewset_class = DefaultLanguageChooserViewSet
    icon = "list-ul"
    menu_label = _("Programs")
    list_display = ["title", "issues_certificate"]
    # The database's own search (these models are not in the search index).
    search_backend_name = None
    search_fields = ["title", "description"]


class DivisionViewSet(SnippetViewSet):
    model = Division
    icon = "site"
    menu_label = _("Divisions")
    list_display = ["name", "code"]
    search_backend_name = None
    search_fields = ["name", "code"]


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "tag"
    menu_label = _("Sectors")
    list_display = ["name"]
    search_backend_name = None
    search_fields = ["name"]


class LocalViewSet(SnippetViewSet):
    model = Local
    icon = "group"
    menu_label = _("Locals")
    list_display = ["number", "name", "city", "division", "sector"]
    list_filter = ["division", "sector"]
    search_backend_name = None
    search_fields = ["number", "name", "city"]
    ordering = ["number"]


class SessionViewSet(SnippetViewSet):
    """Sessions, with their people, enrolment by staff (one by one or a list) and cancelling."""

    model = Session
    icon = "date"
    menu_label = _("Sessions")
    index_view_class = SessionIndexView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    filterset_class = SessionFilterSet
    # The database's own search, so that part of a title or city finds sessions.
    search_backend_name = None
    search_fields = ["workshop__title", "city", "venue"]
    ordering = ["-starts_at"]
    copy_view_enabled = False
    edit_handler = ObjectList(Session.panels, base_form_class=SessionAdminForm)
    chooser_viewset_class = PolicyChooserViewSet

    @cached_property
    def list_display(self):
        return [
            "workshop",
            LocalDateTimeColumn("starts_at", label=_("Starts"), sort_key="starts_at"),
            "language",
            Column("place", label=_("Place"), accessor=lambda session: session.place()),
            "status",
            LinkColumn(
                "confirmed",
                label=_("Confirmed / capacity"),
                accessor=seats_label,
                get_url=lambda session: reverse(self.get_url_name("people"), args=[session.pk]),
            ),
            Column("waitlisted_count", label=_("Waitlisted"), sort_key="waitlisted_count"),
        ]

    def get_queryset(self, request):
        # Counted per row: only the page's sessions have their enrolments counted (ordering
        # by a count still works; the paginator's count leaves the subqueries out).
        return visible_to(
            request.user, Session.objects.select_related("workshop").with_counts_per_row()
        )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            people_url_name=self.get_url_name("people"),
            cancel_session_url_name=self.get_url_name("cancel_session"),
            reopen_session_url_name=self.get_url_name("reopen_session"),
            bulk_enrol_url_name=self.get_url_name("bulk_enrol"),
            cancel_enrollment_url_name=self.get_url_name("cancel_enrollment"),
            offer_place_url_name=self.get_url_name("offer_place"),
            **kwargs,
        )

    @property
    def people_view(self):
        return self.construct_view(SessionPeopleView)

    @property
    def bulk_enrol_view(self):
        return self.construct_view(BulkEnrolView)

    @property
    def cancel_session_view(self):
        return self.construct_view(CancelSessionView)

    @property
    def cancel_enrollment_view(self):
        return self.construct_view(CancelEnrollmentView)

    @property
    def reopen_session_view(self):
        return self.construct_view(ReopenSessionView)

    @property
    def offer_place_view(self):
        return self.construct_view(OfferPlaceView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("people/<int:pk>/", self.people_view, name="people"),
            path("people/<int:pk>/bulk/", self.bulk_enrol_view, name="bulk_enrol"),
            path("cancel/<int:pk>/", self.cancel_session_view, name="cancel_session"),
            path("reopen/<int:pk>/", self.reopen_session_view, name="reopen_session"),
            path(
                "people/<int:pk>/cancel/<int:enrollment_pk>/",
                self.cancel_enrollment_view,
                name="cancel_enrollment",
            ),
            path(
                "people/<int:pk>/offer/<int:enrollment_pk>/",
                self.offer_place_view,
                name="offer_place",
            ),
        ]


class ParticipantFilterSet(WagtailFilterSet):
    # A union has many locals: one is chosen with the local chooser, not from a list of all.
    local = snippet_chooser_filter(Local, Local.objects.all(), label=_("Local"))

    class Meta:
        model = Participant
        fields = ["local", "local_confirmed", "preferred_language"]


class ParticipantDeleteView(KeptForRecordsDeleteMixin, DeleteView):
    """A member with enrolments or certificates is never deleted: they are their records."""


class ParticipantViewSet(SnippetViewSet):
    model = Participant
    delete_view_class = ParticipantDeleteView
    icon = "user"
    menu_label = _("Participants")
    list_display = ["name", "email", "local", "local_confirmed", "preferred_language", "created_at"]
    filterset_class = ParticipantFilterSet
    search_backend_name = None
    search_fields = ["name", "email"]
    ordering = ["name"]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldPanel("email"),
        FieldPanel("local"),
        FieldPanel("local_confirmed"),
        FieldPanel("preferred_language"),
    ]
    chooser_viewset_class = PolicyChooserViewSet

    def get_queryset(self, request):
        return visible_to(request.user, Participant.objects.select_related("local"))


class EnrollmentViewSet(SnippetViewSet):
    """Every enrolment, to find and inspect; they are made on a session's "People" page."""

    model = Enrollment
    icon = "tick-inverse"
    menu_label = _("Enrolments")
    list_display = ["participant", "session", "status", "source", "created_at"]
    filterset_class = EnrollmentFilterSet
    search_backend_name = None
    search_fields = ["participant__name", "participant__email"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    # Only what the participant told us is edited here; seats and statuses follow the rules.
    panels = [FieldPanel("accessibility_needs"), FieldPanel("childcare_needs")]
    chooser_viewset_class = PolicyChooserViewSet

    def get_queryset(self, request):
        return visible_to(
            request.user, Enrollment.objects.select_related("participant", "session__workshop")
        )


class EducationViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Education")
    menu_icon = "doc-full-inverse"
    menu_name = "education"
    menu_order = 150
    submenu_hook = EDUCATION_MENU_HOOK
    items = (
        SessionViewSet,
        SessionRequestViewSet,
        ParticipantViewSet,
        EnrollmentViewSet,
        ProgramViewSet,
        LocalViewSet,
        DivisionViewSet,
        SectorViewSet,
    )


register_snippet(EducationViewSetGroup)


class OfflineMarkViewSet(ModelViewSet):
    """The marks and walk-ins phones sent after taking them offline, for the education staff
    to see (those refused above all): a listing only, as they are records of what arrived."""

    model = OfflineMark
    icon = "mobile-alt"
    menu_label = _("Offline marks")
    menu_hook = EDUCATION_MENU_HOOK
    url_prefix = "offline-marks"
    url_namespace = "offline_marks"
    index_view_class = OfflineMarkIndexView
    filterset_class = OfflineMarkFilterSet
    copy_view_enabled = False
    add_to_reference_index = False

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            usage_url_name=None,
            history_url_name=None,
            **kwargs,
        )

    def get_permissions_to_register(self):
        # "view" is their one permission, which the Groups pages grant.
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(OfflineMark)
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


@hooks.register("register_admin_viewset")
def register_offline_mark_viewset():
    return OfflineMarkViewSet()


@hooks.register("register_log_actions")
def register_session_log_actions(actions):
    @actions.register_action("courses.session.enrol")
    class EnrolFormatter(LogFormatter):
        label = _("Enrol a member")

        def format_message(self, log_entry):
            try:
                return _("Enrolled %(name)s (%(status)s)") % {
                    "name": log_entry.data["name"],
                    "status": EnrollmentStatus(log_entry.data["status"]).label,
                }
            except (KeyError, ValueError):
                return _("Enrolled a member")

    @actions.register_action("courses.session.bulk_enrol")
    class BulkEnrolFormatter(LogFormatter):
        label = _("Enrol a list")

        def format_message(self, log_entry):
            try:
                return _(
                    "Enrolled a list: %(confirmed)d confirmed, %(waitlisted)d waitlisted, "
                    "%(refused)d refused"
                ) % {key: log_entry.data[key] for key in ("confirmed", "waitlisted", "refused")}
            except KeyError:
                return _("Enrolled a list")

    @actions.register_action("courses.session.cancel_enrollment")
    class CancelEnrollmentFormatter(LogFormatter):
        label = _("Cancel an enrolment")

        def format_message(self, log_entry):
            try:
                return _("Cancelled the enrolment of %(name)s") % {"name": log_entry.data["name"]}
            except KeyError:
                return _("Cancelled an enrolment")

    @actions.register_action("courses.session.cancel")
    class CancelSessionFormatter(LogFormatter):
        label = _("Cancel session")

        def format_message(self, log_entry):
            try:
                message = _("Cancelled the session and told %(count)d people") % {
                    "count": log_entry.data["told"]
                }
            except KeyError:
                return _("Cancelled the session")
            if log_entry.data.get("reason"):
                message += _(": %(reason)s") % {"reason": log_entry.data["reason"]}
            return message

    @actions.register_action("courses.session.tell_changes")
    class TellChangesFormatter(LogFormatter):
        label = _("Tell people of a change")

        def format_message(self, log_entry):
            try:
                return _("Emailed %(count)d people what changed") % {
                    "count": log_entry.data["told"]
                }
            except KeyError:
                return _("Emailed people what changed")

    @actions.register_action("courses.session.offer_place")
    class OfferPlaceFormatter(LogFormatter):
        label = _("Offer a place")

        def format_message(self, log_entry):
            try:
                return _("Offered a place to %(name)s") % {"name": log_entry.data["name"]}
            except KeyError:
                return _("Offered a place")


def logged_moment(text):
    """A moment a log entry keeps as ISO 8601 text, for people: in the site's time zone."""
    moment = parse_datetime(text or "")
    if moment is None:
        return text
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@hooks.register("register_log_actions")
def register_attendance_log_actions(actions):
    def status_label(value):
        return AttendanceStatus(value).label

    @actions.register_action("courses.attendance.mark")
    class MarkAttendanceFormatter(LogFormatter):
        label = _("Mark attendance")

        def format_message(self, log_entry):
            data = log_entry.data
            try:
                values = {
                    "status": status_label(data["status"]),
                    "hours": data["hours"],
                }
                if not data.get("previous_status"):
                    message = _("Marked %(status)s (%(hours)s h)") % values
                else:
                    values.update(
                        previous_status=status_label(data["previous_status"]),
                        previous_hours=data["previous_hours"],
                    )
                    message = (
                        _(
                            "Changed attendance from %(previous_status)s (%(previous_hours)s h) "
                            "to %(status)s (%(hours)s h)"
                        )
                        % values
                    )
                if data.get("day"):
                    # A mark of one part of a session of several parts.
                    message = _("%(mark)s, on %(day)s") % {"mark": message, "day": data["day"]}
                if data.get("offline_marked_at"):
                    # Taken on a phone without a signal, sent later.
                    message = _("%(mark)s; marked offline at %(when)s") % {
                        "mark": message,
                        "when": logged_moment(data["offline_marked_at"]),
                    }
                return message
            except (KeyError, ValueError):
                return _("Marked attendance")

    @actions.register_action(SUPERSEDED_ACTION)
    class SupersededMarkFormatter(LogFormatter):
        label = _("Offline mark not applied")

        def format_message(self, log_entry):
            data = log_entry.data
            try:
                message = _(
                    "Marked %(status)s (%(hours)s h) offline at %(when)s; not applied, as "
                    "%(recorded_status)s (%(recorded_hours)s h) was marked later, at "
                    "%(recorded_when)s"
                ) % {
                    "status": status_label(data["status"]),
                    "hours": data["hours"],
                    "when": logged_moment(data["marked_at"]),
                    "recorded_status": status_label(data["recorded_status"]),
                    "recorded_hours": data["recorded_hours"],
                    "recorded_when": logged_moment(data["recorded_marked_at"]),
                }
                if data.get("day"):
                    message = _("%(mark)s, on %(day)s") % {"mark": message, "day": data["day"]}
                return message
            except (KeyError, ValueError):
                return _("Marked attendance offline, not applied")

    @actions.register_action("courses.session.walk_in")
    class WalkInFormatter(LogFormatter):
        label = _("Add a walk-in")

        def format_message(self, log_entry):
            try:
                if log_entry.data.get("over_capacity"):
                    message = _("Added %(name)s as a walk-in, over capacity")
                else:
                    message = _("Added %(name)s as a walk-in")
                return message % {"name": log_entry.data["name"]}
            except KeyError:
                return _("Added a walk-in")

    @actions.register_action("courses.session.close")
    class CloseSessionFormatter(LogFormatter):
        label = _("Close session")

        def format_message(self, log_entry):
            try:
                values = {
                    "completed": len(log_entry.data["completed_ids"]),
                    "not_completed": len(log_entry.data["not_completed_ids"]),
                }
                if log_entry.data.get("early_reason"):
                    return _(
                        "Closed the session before its last part started: %(completed)d "
                        "completed, %(not_completed)d did not. Reason: %(reason)s"
                    ) % {**values, "reason": log_entry.data["early_reason"]}
                return (
                    _("Closed the session: %(completed)d completed, %(not_completed)d did not")
                    % values
                )
            except (KeyError, TypeError):
                return _("Closed the session")

    actions.register_action(
        "courses.session.reopen", _("Reopen session"), _("Reopened the session")
    )


# Requests from locals


@hooks.register("construct_homepage_panels")
def add_new_requests_panel(request, panels):
    """Staff see on the dashboard how many requests wait, and for how long the oldest has."""
    if request.user.has_perm("courses.change_sessionrequest"):
        panels.append(NewRequestsPanel())


@hooks.register("register_log_actions")
def register_request_log_actions(actions):
    actions.register_action(
        "courses.request.submit", _("Receive a request"), _("Received the request")
    )

    @actions.register_action("courses.request.status")
    class RequestStatusFormatter(LogFormatter):
        label = _("Change request status")

        def format_message(self, log_entry):
            try:
                message = _("Changed the status from %(from)s to %(to)s") % {
                    "from": RequestStatus(log_entry.data["from"]).label,
                    "to": RequestStatus(log_entry.data["to"]).label,
                }
            except (KeyError, ValueError):
                return _("Changed the status")
            if log_entry.data.get("reason"):
                message = _("%(change)s: %(reason)s") % {
                    "change": message,
                    "reason": log_entry.data["reason"],
                }
            return message

    @actions.register_action("courses.request.assign")
    class AssignFacilitatorFormatter(LogFormatter):
        label = _("Assign a facilitator")

        def format_message(self, log_entry):
            name = (log_entry.data or {}).get("name")
            if name:
                return _("Assigned %(name)s to facilitate") % {"name": name}
            return _("Took the facilitator off the request")

    @actions.register_action("courses.request.create_session")
    class CreateSessionFormatter(LogFormatter):
        label = _("Create session from request")

        def format_message(self, log_entry):
            try:
                return _("Created the session %(title)s") % {"title": log_entry.data["title"]}
            except KeyError:
                return _("Created the session")


# Reports and dashboard
#
# The reports sit in Wagtail's "Reports" menu, where the admin keeps every report and where
# staff look for figures to download; the "Education" menu is for managing records.


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "education-reports/",
            include((reports.urlpatterns, "education_reports"), namespace="education_reports"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_session_report_menu_item():
    return reports.menu_item("sessions")


@hooks.register("register_reports_menu_item")
def register_completion_report_menu_item():
    return reports.menu_item("completions")


@hooks.register("register_reports_menu_item")
def register_facilitator_report_menu_item():
    return reports.menu_item("facilitators")


@hooks.register("register_reports_menu_item")
def register_demand_report_menu_item():
    return reports.menu_item("demand")


@hooks.register("construct_homepage_panels")
def add_education_dashboard_panels(request, panels):
    """Staff see upcoming sessions, sessions left open after they ended, and the year's chart."""
    panels.extend(dashboard_panels(request.user))


@hooks.register("insert_editor_js")
def curriculum_total_js():
    """The running total of a workshop's curriculum as staff edit it (see
    ``CurriculumTotalPanel``); a static file, as the site's pages allow no inline script."""
    return format_html('<script src="{}" defer></script>', static("courses/js/curriculum_total.js"))
