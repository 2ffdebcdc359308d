"""Admin screens where education staff triage requests from locals and turn them into sessions.

The viewset (registered in ``wagtail_hooks.py`` under the Education menu) lists requests with
their filters; each request's page shows where it stands, with its actions: changing its
status, assigning a facilitator and creating its session. Every action goes through
``courses.requests``, which keeps the rules, logs the change and emails the local. The actions
need the "change" permission on requests; creating a session needs "add" on sessions too.
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

import django_filters

from ..admin_filters import (
    DateFromToRangeFilter,
    ModelChoiceFilter,
    page_chooser_filter,
    snippet_chooser_filter,
)
from ..admin_forms import EditConflict, VersionCheckedFormMixin, VersionCheckedModelFormMixin
from ..admin_permissions import PolicyChooserViewSet, visible_to
from ..admin_viewsets import SnippetViewSet
from ..choices import RequestStatus
from ..exports import FormulaSafeExportMixin
from ..models import Division, Local, SessionRequest, WorkshopPage
from ..sessions.admin_views import VersionCheckedEditMixin
from .forms import (
    AssignFacilitatorForm,
    ChangeStatusForm,
    CreateSessionForm,
    SessionRequestAdminForm,
)
from .rules import (
    ASSIGN_ACTION,
    CREATE_SESSION_ACTION,
    REQUEST_FIELDS,
    STATUS_ACTION,
    RequestError,
    assign_facilitator,
    change_status,
    create_session_from_request,
    next_statuses,
    person_name,
    submit_request,
)

URL_NAMESPACE = "wagtailsnippets_courses_sessionrequest"


def request_url(name, session_request):
    return reverse(f"{URL_NAMESPACE}:{name}", args=[quote(session_request.pk)])


def local_date(value):
    return date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""


def days_waiting(session_request, now=None):
    """Whole days since the request came in."""
    now = now or timezone.now()
    return (now - session_request.created_at).days


def can_create_session(user, session_request):
    return (
        session_request.is_open
        and user.has_perm("courses.change_sessionrequest")
        and user.has_perm("courses.add_session")
    )


class SessionRequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RequestStatus.choices, empty_label=_("All")
    )
    workshop = page_chooser_filter(
        WorkshopPage,
        WorkshopPage.objects.filter(offered_on_request=True),
        label=_("Workshop"),
    )
    division = ModelChoiceFilter(
        label=_("Division"), field_name="local__division", queryset=Division.objects.all()
    )
    local = snippet_chooser_filter(Local, Local.objects.all(), label=_("Local"))
    created_at = DateFromToRangeFilter(label=_("Received"), widget=DateRangePickerWidget)

    class Meta:
        model = SessionRequest
        fields = ["status", "workshop", "division", "local", "created_at"]


class RequestSummaryPanel(Panel):
    """Where the request stands, and the actions that move it on, above its details."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/requests/admin/summary_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            session_request = self.instance
            user = self.request.user
            can_change = user.has_perm("courses.change_sessionrequest")
            context.update(
                session_request=session_request,
                received=local_date(session_request.created_at),
                status_changed=local_date(session_request.status_changed_at),
                days_waiting=days_waiting(session_request),
                can_change=can_change,
                status_url=(
                    request_url("change_status", session_request)
                    if can_change and next_statuses(session_request)
                    else ""
                ),
                facilitator_url=(
                    request_url("assign_facilitator", session_request) if can_change else ""
                ),
                create_session_url=(
                    request_url("create_session", session_request)
                    if can_create_session(user, session_request)
                    else ""
                ),
                session_url=(
                    reverse(
                        "wagtailsnippets_courses_session:edit", args=[session_request.session_id]
                    )
                    if session_request.session_id
                    else ""
                ),
            )
            return context


class RequestActionsMixin:
    """The URLs of a request's actions, as the current user may use them."""

    def request_action_buttons(self, session_request, button_class):
        buttons = []
        if not self.user_has_permission("change"):
            return buttons
        if next_statuses(session_request):
            buttons.append(
                button_class(
                    _("Change status"),
                    url=request_url("change_status", session_request),
                    icon_name="tasks",
                    priority=10,
                )
            )
        buttons.append(
            button_class(
                _("Assign a facilitator"),
                url=request_url("assign_facilitator", session_request),
                icon_name="user",
                priority=20,
            )
        )
        if can_create_session(self.request.user, session_request):
            buttons.append(
                button_class(
                    _("Create session from request"),
                    url=request_url("create_session", session_request),
                    icon_name="date",
                    priority=30,
                )
            )
        return buttons


def export_person(user):
    return person_name(user) if user is not None else ""


def export_text(value):
    return str(value) if value is not None else ""


def export_division(local):
    return str(local.division) if local is not None else ""


def export_local_datetime(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


#: What a request's own pages show of it besides its details: its place in the workflow.
REQUEST_STANDING_FIELDS = ("status", "decline_reason", "assigned_facilitator", "session")
#: The actions in a request's history that save it.
REQUEST_SAVING_ACTIONS = ("wagtail.edit", STATUS_ACTION, ASSIGN_ACTION, CREATE_SESSION_ACTION)


class SessionRequestEditForm(VersionCheckedModelFormMixin, SessionRequestAdminForm):
    """A request's details, saved only over the version they were opened on."""

    watched_model_fields = REQUEST_STANDING_FIELDS
    saving_log_actions = REQUEST_SAVING_ACTIONS


class RequestActionFormMixin(VersionCheckedFormMixin):
    """An action on a request (changing its status, assigning its facilitator), taken only on
    the request as it stood when its page was opened."""

    watched_model_fields = REQUEST_STANDING_FIELDS
    saving_log_actions = REQUEST_SAVING_ACTIONS

    def __init__(self, *args, session_request, **kwargs):
        self.session_request = session_request
        super().__init__(*args, session_request=session_request, **kwargs)

    @property
    def versioned_record(self):
        return self.session_request


class ChangeStatusActionForm(RequestActionFormMixin, ChangeStatusForm):
    pass


class AssignFacilitatorActionForm(RequestActionFormMixin, AssignFacilitatorForm):
    pass


class SessionRequestIndexView(FormulaSafeExportMixin, RequestActionsMixin, IndexView):
    custom_field_preprocess = {
        "assigned_facilitator": {"csv": export_person, "xlsx": export_person},
        "created_at": {"csv": export_local_datetime, "xlsx": export_local_datetime},
        "local": {"csv": export_division, "xlsx": export_division},
        "session": {"csv": export_text, "xlsx": export_text},
    }

    def get_list_more_buttons(self, instance):
        return super().get_list_more_buttons(instance) + self.request_action_buttons(
            instance, MenuItem
        )


class SessionRequestCreateView(CreateView):
    """Staff record a request a local made by phone or in person: it goes through the same
    steps as one sent from the public form (reference, acknowledgement, staff email)."""

    def save_instance(self):
        data = self.form.cleaned_data
        session_request = submit_request(
            **{name: data.get(name) for name in REQUEST_FIELDS if name in data},
            user=self.request.user,
        )
        if data.get("staff_notes"):
            session_request.staff_notes = data["staff_notes"]
            session_request.save(update_fields=["staff_notes", "updated_at"])
        return session_request


class SessionRequestEditView(RequestActionsMixin, VersionCheckedEditMixin, EditView):
    @cached_property
    def header_more_buttons(self):
        return list(super().header_more_buttons) + self.request_action_buttons(self.object, Button)


class RequestObjectView(
    PermissionCheckedMixin,
    BaseObjectMixin,
    WagtailAdminTemplateMixin,
    TemplateView,
):
    """Base of the views that act on one request, each a form reached from the request."""

    model = SessionRequest
    index_url_name = None
    edit_url_name = None
    header_icon = "mail"
    permission_required = "change"
    form_class = None

    def get_base_object_queryset(self):
        return SessionRequest.objects.select_related(
            "local", "workshop", "session", "assigned_facilitator"
        )

    def get_page_subtitle(self):
        return str(self.object)

    def get_edit_url(self):
        return reverse(self.edit_url_name, args=[quote(self.object.pk)])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.index_url_name),
                "label": SessionRequest._meta.verbose_name_plural.capitalize(),
            },
            {"url": self.get_edit_url(), "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_form(self, data=None):
        return self.form_class(data, session_request=self.object)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            session_request=self.object,
            form=form or self.get_form(),
            edit_url=self.get_edit_url(),
            received=local_date(self.object.created_at),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    self.check_version(form)
                    return self.form_valid(form)
            except EditConflict as conflict:
                # The page again, on the request as it stands now, with what was chosen.
                self.object = self.get_object()
                form = self.get_form(request.POST)
                form.report_conflict(conflict)
            except RequestError as refusal:
                form.add_error(None, refusal.message)
        return self.render_to_response(self.get_context_data(form=form))

    def check_version(self, form):
        """Lock the request; raise ``EditConflict`` if it changed since the page was opened."""
        if not isinstance(form, VersionCheckedFormMixin):
            return
        current = SessionRequest.objects.select_for_update().get(pk=self.object.pk)
        conflict = form.conflict_with(current)
        if conflict is not None:
            raise conflict

    def form_valid(self, form):
        raise NotImplementedError


class ChangeStatusView(RequestObjectView):
    """Move a request on: in review, declined with a reason, back to review, delivered."""

    page_title = _("Change status")
    template_name = "courses/requests/admin/change_status.html"
    form_class = ChangeStatusActionForm

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["create_session_url"] = (
            request_url("create_session", self.object)
            if can_create_session(self.request.user, self.object)
            else ""
        )
        return context

    def form_valid(self, form):
        session_request = change_status(
            self.object.pk,
            form.cleaned_data["status"],
            user=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request,
            gettext("%(request)s is now %(status)s. %(email)s has been told by email.")
            % {
                "request": session_request.reference,
                "status": session_request.get_status_display().lower(),
                "email": session_request.email,
            },
        )
        return redirect(self.get_edit_url())


class AssignFacilitatorView(RequestObjectView):
    """Choose the facilitator, certified for the workshop, who will shape and deliver it."""

    page_title = _("Assign a facilitator")
    template_name = "courses/requests/admin/assign_facilitator.html"
    form_class = AssignFacilitatorActionForm

    def form_valid(self, form):
        facilitator = form.cleaned_data["facilitator"]
        assign_facilitator(self.object.pk, facilitator, user=self.request.user)
        if facilitator is None:
            message = gettext("%(request)s has no facilitator assigned.")
        else:
            message = gettext("%(name)s is assigned to %(request)s.")
        messages.success(
            self.request,
            message
            % {
                "request": self.object.reference,
                "name": person_name(facilitator) if facilitator else "",
            },
        )
        return redirect(self.get_edit_url())


class CreateSessionFromRequestView(RequestObjectView):
    """The session the request becomes, prefilled from it and restricted to its local."""

    page_title = _("Create session from request")
    template_name = "courses/requests/admin/create_session.html"
    form_class = CreateSessionForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("courses.add_session"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["preferred_dates"] = [
            date_format(day, "DATE_FORMAT") for day in self.object.preferred_dates
        ]
        context["can_create"] = self.object.is_open
        return context

    def form_valid(self, form):
        created = create_session_from_request(
            self.object.pk, user=self.request.user, **form.session_options()
        )
        session = created.session
        message = gettext(
            "Session created for %(local)s: %(session)s. %(request)s is scheduled and "
            "%(email)s has been told by email."
        ) % {
            "local": self.object.local,
            "session": session,
            "request": self.object.reference,
            "email": self.object.email,
        }
        if created.contact_enrollment is not None:
            message += " " + gettext("%(name)s is enrolled.") % {"name": self.object.contact_name}
        elif created.contact_refusal:
            message += " " + gettext("%(name)s could not be enrolled: %(reason)s") % {
                "name": self.object.contact_name,
                "reason": created.contact_refusal,
            }
        messages.success(
            self.request,
            message,
            buttons=[
                messages.button(
                    reverse("wagtailsnippets_courses_session:edit", args=[session.pk]),
                    gettext("Edit the session"),
                )
            ],
        )
        return redirect(self.get_edit_url())


class SessionRequestViewSet(SnippetViewSet):
    """Requests from locals for tailored sessions, from their arrival to their delivery."""

    model = SessionRequest
    icon = "mail"
    menu_label = _("Requests")
    index_view_class = SessionRequestIndexView
    add_view_class = SessionRequestCreateView
    edit_view_class = SessionRequestEditView
    filterset_class = SessionRequestFilterSet
    search_backend_name = None
    search_fields = [
        "reference",
        "contact_name",
        "email",
        "local__number",
        "local__name",
        "local_name_other",
    ]
    ordering = ["-created_at"]
    copy_view_enabled = False
    chooser_viewset_class = PolicyChooserViewSet
    list_export = [
        "reference",
        "get_status_display",
        "created_at",
        "local_display",
        "local",
        "workshop.title",
        "contact_name",
        "contact_role",
        "email",
        "phone",
        "participants",
        "date_1",
        "date_2",
        "date_3",
        "get_delivery_format_display",
        "location",
        "get_language_display",
        "assigned_facilitator",
        "session",
    ]
    export_headings = {
        "get_status_display": _("Status"),
        "local_display": _("Local"),
        "local": _("Division"),
        "workshop.title": _("Workshop"),
        "get_delivery_format_display": _("In person or online"),
        "get_language_display": _("Language"),
        "session": _("Session"),
    }
    export_filename = "session-requests"
    edit_handler = ObjectList(
        [
            RequestSummaryPanel(heading=_("Where it stands")),
            MultiFieldPanel(
                [FieldPanel("local"), FieldPanel("local_name_other")], heading=_("Local")
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_role")]),
                    FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
                ],
                heading=_("Contact"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("workshop"),
                    FieldPanel("goals"),
                    FieldPanel("participants"),
                    FieldRowPanel(
                        [FieldPanel("date_1"), FieldPanel("date_2"), FieldPanel("date_3")]
                    ),
                    FieldRowPanel([FieldPanel("delivery_format"), FieldPanel("language")]),
                    FieldPanel("location"),
                    FieldPanel("accessibility_needs"),
                ],
                heading=_("What the local asks for"),
            ),
            FieldPanel("staff_notes"),
        ],
        base_form_class=SessionRequestEditForm,
    )

    @cached_property
    def list_display(self):
        return [
            "reference",
            Column("local", label=_("Local"), accessor="local_display"),
            Column("workshop", label=_("Workshop"), accessor=lambda r: r.workshop.title),
            StatusTagColumn(
                "get_status_display",
                label=_("Status"),
                sort_key="status",
                primary=lambda r: r.status == RequestStatus.NEW,
            ),
            Column(
                "created_at",
                label=_("Received"),
                sort_key="created_at",
                accessor=lambda r: local_date(r.created_at),
            ),
            Column(
                "waiting",
                label=_("Waiting"),
                accessor=lambda r: (
                    ngettext("%(days)d day", "%(days)d days", days_waiting(r))
                    % {"days": days_waiting(r)}
                    if r.is_open
                    else ""
                ),
            ),
            Column(
                "assigned_facilitator",
                label=_("Facilitator"),
                accessor=lambda r: (
                    person_name(r.assigned_facilitator) if r.assigned_facilitator else ""
                ),
            ),
        ]

    def get_queryset(self, request):
        return visible_to(
            request.user,
            SessionRequest.objects.select_related(
                "local__division", "workshop", "assigned_facilitator", "session"
            ),
        )

    @property
    def change_status_view(self):
        return self.construct_view(ChangeStatusView)

    @property
    def assign_facilitator_view(self):
        return self.construct_view(AssignFacilitatorView)

    @property
    def create_session_view(self):
        return self.construct_view(CreateSessionFromRequestView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("status/<int:pk>/", self.change_status_view, name="change_status"),
            path("facilitator/<int:pk>/", self.assign_facilitator_view, name="assign_facilitator"),
            path("create-session/<int:pk>/", self.create_session_view, name="create_session"),
        ]


class NewRequestsPanel(Component):
    """The dashboard's count of new requests, and how long the oldest has waited."""

    name = "new_session_requests"
    template_name = "courses/requests/admin/dashboard_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        new = SessionRequest.objects.filter(status=RequestStatus.NEW)
        oldest = new.order_by("created_at", "pk").first()
        return {
            "new_count": new.count(),
            "oldest": oldest,
            "oldest_days": days_waiting(oldest) if oldest else None,
            "oldest_url": request_url("edit", oldest) if oldest else "",
            "list_url": reverse(f"{URL_NAMESPACE}:list") + f"?status={RequestStatus.NEW}",
            "in_review_count": SessionRequest.objects.filter(
                status=RequestStatus.IN_REVIEW
            ).count(),
            "in_review_url": reverse(f"{URL_NAMESPACE}:list")
            + f"?status={RequestStatus.IN_REVIEW}",
        }
