from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from facilitators.views import FacilitatorLoginView
from home.views import brand_stylesheet, untranslated
from search import views as search_views

from .views import (
    PasswordResetConfirmView,
    PasswordResetView,
    SubmitSnippetTranslationView,
    TranslatableSnippetsApi,
    UpdateTranslationsView,
    healthz,
    localize_translations_report,
)

urlpatterns = [
    # Facilitators signing in at the admin land on their sessions.
    path("admin/login/", FacilitatorLoginView.as_view()),
    # Password resets send email and check a secret: rate limited.
    path("admin/password_reset/", PasswordResetView.as_view()),
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
    ),
    # wagtail-localize's listing of snippets, through the models' permission policies.
    path(
        "admin/localize/api/snippets/<slug:app_label>/<slug:model_name>/",
        TranslatableSnippetsApi.as_view({"get": "list"}),
    ),
    path(
        "admin/localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
        TranslatableSnippetsApi.as_view({"get": "retrieve"}),
    ),
    # Translating and syncing a snippet, for those who may change it.
    path(
        "admin/localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
        require_admin_access(SubmitSnippetTranslationView.as_view()),
    ),
    path(
        "admin/localize/update/<int:translation_source_id>/",
        require_admin_access(UpdateTranslationsView.as_view()),
    ),
    path(
        "admin/localize/reports/translations/", require_admin_access(localize_translations_report)
    ),
    path(
        "admin/localize/reports/translations/results/",
        require_admin_access(localize_translations_report),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz/", healthz, name="healthz"),
    # The organisation's brand colours, for every language's pages.
    path("brand.css", brand_stylesheet, name="brand_stylesheet"),
    path("language/", set_language, name="set_language"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public pages carry their language: /en/... and /fr/.... An address without it (an older
# link, a printed QR code) is sent on to the reader's language by LocaleMiddleware.
urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("untranslated/<int:page_id>/", untranslated, name="untranslated"),
    # The public URLs of every installed education app.
    path("", include("courses.urls")),
    path("", include(wagtail_urls)),
)
