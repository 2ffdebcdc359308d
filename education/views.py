from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail.admin.views import account
from wagtail.models import Page, TranslatableMixin
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from wagtail_localize.models import TranslationSource
from wagtail_localize.views import snippets_api, submit_translations, update_translations

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


def may_change_snippets(user, model):
    """Whether ``user`` may change records of the snippet ``model`` (its permission policy)."""
    viewset = getattr(model, "snippet_viewset", None)
    return viewset is not None and viewset.permission_policy.user_has_permission(user, "change")


class SubmitSnippetTranslationView(submit_translations.SubmitSnippetTranslationView):
    """wagtail-localize's form translating a snippet, for those who may change that snippet.

    As it comes, holding the "submit translation" permission is enough, so a translator with no
    right over programs could create their French copies.
    """

    def dispatch(self, request, *args, **kwargs):
        model = get_snippet_model_from_url_params(kwargs["app_label"], kwargs["model_name"])
        if not may_change_snippets(request.user, model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    """wagtail-localize's "Sync translations": a snippet's, for those who may change that
    snippet (a page's, as it comes, for those who may submit translations)."""

    def dispatch(self, request, *args, **kwargs):
        source = get_object_or_404(TranslationSource, pk=kwargs["translation_source_id"])
        model = source.specific_content_type.model_class()
        if (
            model is not None
            and not issubclass(model, Page)
            and not may_change_snippets(request.user, model)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def localize_translations_report(request):
    """wagtail-localize's own list of translations, which names every translated object to anyone
    with admin access, leads to the site's Translations report and its permission check."""
    return redirect("translation_report:index")
