from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from facilitators.views import FacilitatorLoginView
from search import views as search_views

from .views import PasswordResetConfirmView, PasswordResetView, healthz

urlpatterns = [
    # Facilitators signing in at the admin land on their sessions.
    path("admin/login/", FacilitatorLoginView.as_view()),
    # Password resets send email and check a secret: rate limited.
    path("admin/password_reset/", PasswordResetView.as_view()),
    path(
        "admin/password_reset/confirm/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("healthz/", healthz, name="healthz"),
    path("language/", set_language, name="set_language"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # The public URLs of every installed education app.
    path("", include("courses.urls")),
    path("", include(wagtail_urls)),
]
