"""Admin screens of the site: sign-in lockouts, for staff to see and lift (registered in
``wagtail_hooks.py``).

Each row is what django-axes records of failed password log-ins for one username from one
network address (and one browser). Seeing them needs axes' "view" permission on access
attempts; lifting a lockout needs "delete". Nothing is added or edited by hand.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet

from axes.models import AccessAttempt

from .lockout import is_locked, lift, same_client, with_lockout_status


def lockout_status(attempt):
    return gettext("Locked") if is_locked(attempt) else gettext("Not locked")


class LockoutIndexView(generic.IndexView):
    """Failed sign-ins, most recent first, each saying whether it locks its username out."""

    lift_url_name = None
    default_ordering = "-attempt_time"
    page_title = _("Sign-in lockouts")

    def get_base_queryset(self):
        return with_lockout_status(AccessAttempt.objects.all())

    @cached_property
    def columns(self):
        return [
            self._get_title_column("username"),
            Column("ip_address", label=_("Network address"), sort_key="ip_address"),
            Column("failures_since_start", label=_("Failures"), sort_key="failures_since_start"),
            DateColumn("attempt_time", label=_("Last attempt"), sort_key="attempt_time"),
            StatusTagColumn(
                "status", label=_("Status"), accessor=lockout_status, primary=is_locked
            ),
        ]

    def get_lift_url(self, instance):
        if self.lift_url_name and self.user_has_permission("delete"):
            return reverse(self.lift_url_name, args=[instance.pk])
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if is_locked(instance) and (url := self.get_lift_url(instance)):
            buttons.append(MenuItem(_("Lift lockout"), url=url, icon_name="lock-open", priority=10))
        return buttons


class LiftLockoutView(
    PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Asks first, then forgets the failures of a username from an address: it may sign in
    again at once. Logged in the history, with who did it."""

    model = AccessAttempt
    permission_required = "delete"
    page_title = _("Lift lockout")
    header_icon = "lock-open"
    template_name = "home/admin/lift_lockout.html"
    index_url_name = None

    def get_base_object_queryset(self):
        return with_lockout_status(AccessAttempt.objects.all())

    def get_page_subtitle(self):
        return self.object.username or ""

    def get_index_url(self):
        return reverse(self.index_url_name)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.get_index_url(), "label": capfirst(gettext("Sign-in lockouts"))},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attempt"] = self.object
        context["locked"] = is_locked(self.object)
        context["last_attempt"] = max(
            same_client(self.object).values_list("attempt_time", flat=True),
            default=self.object.attempt_time,
        )
        context["index_url"] = self.get_index_url()
        return context

    def post(self, request, *args, **kwargs):
        lift(self.object, user=request.user)
        messages.success(
            request,
            gettext("“%(username)s” may sign in again from %(address)s.")
            % {"username": self.object.username, "address": self.object.ip_address},
        )
        return redirect(self.get_index_url())


class LockoutViewSet(ModelViewSet):
    """Sign-in lockouts under Settings: the list, and lifting one."""

    model = AccessAttempt
    icon = "lock"
    menu_label = _("Sign-in lockouts")
    add_to_settings_menu = True
    url_prefix = "sign-in-lockouts"
    url_namespace = "sign_in_lockouts"
    index_view_class = LockoutIndexView
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None
    search_fields = ["username", "ip_address"]

    def get_common_view_kwargs(self, **kwargs):
        # No generic add, edit or delete views: failures are recorded by the log-in, and
        # lifting a lockout is its own action.
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            usage_url_name=None,
            history_url_name=None,
            lift_url_name=self.get_url_name("lift"),
            **kwargs,
        )

    def get_permissions_to_register(self):
        # What the group settings offer for lockouts: seeing them, and lifting them.
        content_type = ContentType.objects.get_for_model(AccessAttempt)
        return Permission.objects.filter(
            content_type=content_type,
            codename__in=["view_accessattempt", "delete_accessattempt"],
        )

    def register_admin_url_finder(self):
        # No edit page to link to from elsewhere in the admin.
        pass

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("lift/<int:pk>/", self.construct_view(LiftLockoutView), name="lift"),
        ]
