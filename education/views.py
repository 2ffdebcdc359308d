from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail.admin.views import account
from wagtail.models import TranslatableMixin

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from wagtail_localize.views import snippets_api

from courses.ratelimits import hit, hit_all, rate_limited_response


@never_cache
@require_GET
def healthz(request):
    """Tell a load balancer whether this process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "unhealthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class PasswordResetView(account.PasswordResetView):
    """Wagtail's "forgotten password" form, rate limited: each request emails an address."""

    def post(self, request, *args, **kwargs):
        limited = hit_all(
            request,
            ("password_reset.client", None),
            ("password_reset.address", request.POST.get("email", "")[:254]),
        )
        if limited is not None:
            return rate_limited_response(request, limited)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(account.PasswordResetConfirmView):
    """The page of a password reset link, rate limited: it checks a secret."""

    def dispatch(self, request, *args, **kwargs):
        limited = hit(request, "link.client")
        if limited is not None:
            return rate_limited_response(request, limited)
        return super().dispatch(request, *args, **kwargs)


class HasAdminAccess(BasePermission):
    """The user may use the admin, as Wagtail's ``require_admin_access`` asks."""

    def has_permission(self, request, view):
        return request.user.has_perm("wagtailadmin.access_admin")


class TranslatableSnippetsApi(snippets_api.SnippetViewSet):
    """wagtail-localize's listing of snippets (for its chooser of related snippets), through
    each model's permission policy: only translatable snippets, and of those only the ones the
    user may see or change. As it comes, it lists every record of any snippet model to anyone
    with admin access, such as a facilitator asking for every participant.

    Wagtail guards the admin's own addresses; this one is the site's, so it asks the same
    itself: signed in (by the admin's session only, never by a password sent with each
    request) and allowed into the admin.
    """

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated, HasAdminAccess]

    def get_queryset(self):
        model = self.get_model()
        viewset = getattr(model, "snippet_viewset", None)
        if not issubclass(model, TranslatableMixin) or viewset is None:
            raise Http404
        return viewset.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )
