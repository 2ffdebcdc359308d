"""Admin registration for the site: sign-in lockouts under Settings, and the Translations
report (with the warning of an out-of-date translation in its editor)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from . import translations
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


@hooks.register("register_admin_urls")
def register_translation_report_urls():
    return [
        path(
            "translations/",
            include(
                (translations.urlpatterns, "translation_report"), namespace="translation_report"
            ),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_translation_report_menu_item():
    return translations.menu_item()


@hooks.register("construct_reports_menu")
def replace_localize_translations_report(request, menu_items):
    """The Translations report replaces wagtail-localize's list of translations in progress
    (which names every translated object to anyone with admin access) in the "Reports" menu."""
    localize_report = reverse("wagtail_localize:translations_report")
    menu_items[:] = [item for item in menu_items if item.url != localize_report]


@hooks.register("before_edit_page")
def warn_of_out_of_date_translation(request, page):
    """Translators see, in the editor of a translation, that its source changed since the
    translation last took it in."""
    translations.out_of_date_notice(request, page)
