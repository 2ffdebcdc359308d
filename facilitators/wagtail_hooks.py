"""Admin registration for facilitators, and the rule that keeps guides private."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.models import PageViewRestriction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.wagtail_hooks import EDUCATION_MENU_HOOK

from .models import Facilitator


class FacilitatorViewSet(SnippetViewSet):
    model = Facilitator
    icon = "user"
    menu_label = _("Facilitators")
    menu_hook = EDUCATION_MENU_HOOK
    list_display = ["__str__", "teaches_in_english", "teaches_in_french"]
    list_filter = ["teaches_in_english", "teaches_in_french", "certified_workshops"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "bio"]


register_snippet(FacilitatorViewSet)


@hooks.register("before_serve_page")
def refuse_signed_in_users_outside_restricted_groups(page, request, serve_args, serve_kwargs):
    """Answer 403 to a signed-in user who is not in a page's allowed groups.

    Wagtail sends everyone who fails a group restriction to the log-in page; for someone
    already signed in that is a loop, so they are told plainly that the page is not for them.
    Anonymous visitors still go to the log-in page.
    """
    if not request.user.is_authenticated:
        return None
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type == PageViewRestriction.GROUPS and not (
            restriction.accept_request(request)
        ):
            raise PermissionDenied
    return None
