"""Admin registration for facilitators, and the rule that keeps guides private."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import PageViewRestriction
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.admin_filters import page_chooser_filter
from courses.admin_forms import KeyCheckedModelMultipleChoiceField
from courses.admin_permissions import (
    PolicyChooserViewSet,
    PolicyDeleteBulkAction,
    ScopedPermissionPolicy,
    facilitated_sessions,
    facilitators_of,
    visible_to,
)
from courses.admin_viewsets import SnippetViewSet
from courses.attendance.rules import can_take_attendance
from courses.choices import SessionStatus
from courses.models import WorkshopPage
from courses.sessions.admin_views import SESSION_BUTTONS_HOOK
from courses.sessions.scheduling import FILTER_FACILITATORS_HOOK
from courses.wagtail_hooks import EDUCATION_MENU_HOOK

from .checkin import CHECK_IN_ACTION
from .choices import CheckInMethod, CodeKind
from .models import Facilitator, FacilitatorGuidePage, GuideAccess, facilitators_who_deliver
from .privacy import is_guide_reader

# The sessions' forms offer only the facilitators certified for the workshop who facilitate in
# the session's language (see ``courses.sessions.scheduling``).
hooks.register(FILTER_FACILITATORS_HOOK, facilitators_who_deliver)


@hooks.register("register_permissions")
def register_guide_reader_permission():
    """Reading facilitator guides (see ``facilitators.privacy``), so that a site grants it to
    groups of its own on the admin's Groups pages."""
    return Permission.objects.filter(content_type=ContentType.objects.get_for_model(GuideAccess))


class FacilitatorPermissionPolicy(ScopedPermissionPolicy):
    """Facilitator profiles: staff (model permissions) see and manage every profile.

    A facilitator without model permission may view their own profile and those of the people
    who facilitate a session with them, whose names their sessions show anyway; the facilitator
    chooser lists them only those.
    """

    scoped_actions = frozenset({"view"})

    def scoped_instances(self, user):
        return Facilitator.objects.filter(
            Q(user=user) | Q(user__in=facilitators_of(facilitated_sessions(user)))
        )

    def scoped_users(self, instance):
        colleagues = facilitators_of(facilitated_sessions(instance.user))
        return get_user_model().objects.filter(
            Q(pk=instance.user_id) | Q(pk__in=colleagues.values("pk")), is_active=True
        )


register_permission_policy(Facilitator, FacilitatorPermissionPolicy(Facilitator))


class FacilitatorDeleteBulkAction(PolicyDeleteBulkAction):
    models = [Facilitator]


hooks.register("register_bulk_action", FacilitatorDeleteBulkAction, order=1)


class FacilitatorFilterSet(WagtailFilterSet):
    # One workshop, chosen with the page chooser: the facilitators certified to lead it.
    certified_workshops = page_chooser_filter(
        WorkshopPage,
        WorkshopPage.objects.all(),
        label=capfirst(Facilitator._meta.get_field("certified_workshops").verbose_name),
    )

    class Meta:
        model = Facilitator
        fields = ["teaches_in_english", "teaches_in_french", "certified_workshops"]


class FacilitatorAdminForm(WagtailAdminModelForm):
    """The facilitator form: a workshop chosen by a number too large for the database is
    refused at the field, not looked up."""

    class Meta:
        field_classes = {"certified_workshops": KeyCheckedModelMultipleChoiceField}


class FacilitatorViewSet(SnippetViewSet):
    model = Facilitator
    icon = "user"
    menu_label = _("Facilitators")
    menu_hook = EDUCATION_MENU_HOOK
    list_display = ["__str__", "teaches_in_english", "teaches_in_french"]
    filterset_class = FacilitatorFilterSet
    edit_handler = ObjectList(Facilitator.panels, base_form_class=FacilitatorAdminForm)
    # The database's own search: names and emails are the user's, outside the search index.
    search_backend_name = None
    search_fields = ["user__first_name", "user__last_name", "user__email", "bio"]
    chooser_viewset_class = PolicyChooserViewSet

    def get_queryset(self, request):
        return visible_to(request.user, Facilitator.objects.select_related("user"))


register_snippet(FacilitatorViewSet)


#: The app's own page types: a signed-in user outside their allowed groups is refused, not
#: sent to log in again. Every other page of the site keeps Wagtail's own behaviour.
PRIVATE_PAGE_TYPES = (FacilitatorGuidePage,)


@hooks.register("before_serve_page")
def refuse_signed_in_users_outside_restricted_groups(page, request, serve_args, serve_kwargs):
    """Answer 403 to a signed-in user who is not in the allowed groups of a guide.

    Wagtail sends everyone who fails a group restriction to the log-in page; for someone
    already signed in that is a loop, so they are told plainly that the guide is not for them.
    Anonymous visitors still go to the log-in page. Only this app's page types
    (:data:`PRIVATE_PAGE_TYPES`) answer so: the site's other pages are left to Wagtail.
    """
    if not isinstance(page, PRIVATE_PAGE_TYPES) or not request.user.is_authenticated:
        return None
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type != PageViewRestriction.GROUPS:
            continue
        # The groups were those holding the permission when the guide was made private: a
        # group since deprived of it no longer reads the guide.
        if not restriction.accept_request(request) or not is_guide_reader(request.user):
            raise PermissionDenied
    return None


class MySessionsMenuItem(MenuItem):
    """Takes facilitators (and staff) from the admin to the sessions they deliver."""

    def is_shown(self, request):
        return is_guide_reader(request.user)


@hooks.register("register_admin_menu_item")
def register_my_sessions_menu_item():
    return MySessionsMenuItem(
        _("My sessions"),
        reverse("facilitators:my_sessions"),
        name="my-sessions",
        icon_name="group",
        order=140,
    )


class FacilitatorSessionsPanel(Component):
    """The admin dashboard's list of the sessions a facilitator delivers or still has to close."""

    name = "facilitator_sessions"
    template_name = "facilitators/admin/sessions_panel.html"
    order = 50
    LIMIT = 5

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        now = timezone.now()
        sessions = (
            self.user.facilitated_sessions.filter(status=SessionStatus.SCHEDULED)
            .filter(ends_at__gte=now - timezone.timedelta(days=30))
            .select_related("workshop")
            .order_by("starts_at")[: self.LIMIT]
        )
        return {"sessions": sessions, "now": now}


@hooks.register("construct_homepage_panels")
def add_facilitator_sessions_panel(request, panels):
    """Facilitators sign in through the admin: their sessions come first on its dashboard."""
    if request.user.facilitated_sessions.exists():
        panels.append(FacilitatorSessionsPanel(request.user))


@hooks.register(SESSION_BUTTONS_HOOK)
def roster_buttons(session, request):
    """From a session's admin pages, staff reach its roster (attendance, walk-ins, closing)
    and its printable sign-in sheet."""
    if session.status == SessionStatus.CANCELLED or not can_take_attendance(request.user, session):
        return []
    return [
        Button(
            _("Attendance and closing"),
            url=reverse("facilitators:roster", args=[session.pk]),
            icon_name="tasks",
            priority=30,
        ),
        Button(
            _("Check-in code"),
            url=reverse("facilitators:check_in_code", args=[session.pk]),
            icon_name="view",
            priority=33,
        ),
        Button(
            _("Sign-in sheet (PDF)"),
            url=reverse("facilitators:sign_in_sheet", args=[session.pk]),
            icon_name="doc-full",
            priority=35,
        ),
    ]


@hooks.register("register_log_actions")
def register_check_in_log_actions(actions):
    @actions.register_action(CHECK_IN_ACTION)
    class CheckInFormatter(LogFormatter):
        label = _("Self check-in")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            by_code = {
                CodeKind.ROTATING: _("Checked in with the code on the facilitator’s screen"),
                CodeKind.DAY: _("Checked in with the code on the sign-in sheet"),
            }
            by_method = {
                CheckInMethod.SIGNED_IN: _("%(check_in)s, signed in"),
                CheckInMethod.EMAIL_LINK: _("%(check_in)s, from the link emailed to them"),
            }
            try:
                message = by_method[data["method"]] % {"check_in": by_code[data["code_kind"]]}
            except KeyError:
                return _("Checked in")
            if data.get("day"):
                # A check-in to one part of a session of several parts.
                message = _("%(check_in)s, on %(day)s") % {"check_in": message, "day": data["day"]}
            return message
