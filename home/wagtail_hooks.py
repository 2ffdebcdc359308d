"""Admin registration for the site: sign-in lockouts under Settings."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .admin_views import LockoutViewSet
from .lockout import LIFT_ACTION


@hooks.register("register_admin_viewset")
def register_lockout_viewset():
    return LockoutViewSet()


@hooks.register("register_log_actions")
def register_lockout_log_actions(actions):
    @actions.register_action(LIFT_ACTION)
    class LiftLockoutFormatter(LogFormatter):
        label = _("Lift sign-in lockout")

        def format_message(self, log_entry):
            try:
                return _("Lifted the sign-in lockout of %(username)s from %(address)s") % {
                    "username": log_entry.data["username"],
                    "address": log_entry.data["ip_address"],
                }
            except (KeyError, TypeError):
                return _("Lifted a sign-in lockout")
