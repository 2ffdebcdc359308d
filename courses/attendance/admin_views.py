"""Reopening a closed session from the admin, so that its attendance can be corrected."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin import messages

from ..roles import is_education_staff
from ..sessions.admin_views import SessionObjectView
from .rules import AttendanceError, reopen_session


class ReopenSessionView(SessionObjectView):
    """Ask for confirmation, then reopen a closed session so its attendance can be corrected.

    Attendance and completion are kept; closing the session again recomputes completion and
    tells only the people whose outcome changed. The reopening is logged.
    """

    page_title = _("Reopen session")
    template_name = "courses/admin/reopen_session.html"
    any_permission_required = {"change"}

    def dispatch(self, request, *args, **kwargs):
        if not is_education_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            reopen_session(self.object.pk, user=request.user)
        except AttendanceError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                gettext("The session is open again: correct its attendance, then close it again."),
            )
        return redirect(self.get_people_url())
