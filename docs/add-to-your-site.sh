#!/usr/bin/env bash
# Add the union education apps to a Wagtail site, such as one made by `wagtail start mysite`.
#
# Run it from the site's folder (where manage.py is), in the site's virtualenv, once the
# distribution is installed there (`pip install union-education`, or the wheel built from this
# repository with `pip wheel --no-deps .`):
#
#   bash add-to-your-site.sh mysite                        # courses, facilitators, certificates
#   bash add-to-your-site.sh mysite courses                # the catalogue and enrolment only
#   bash add-to-your-site.sh mysite courses facilitators   # and facilitation
#
# "mysite" is the site's settings package (mysite/settings/base.py, mysite/urls.py). Each step
# is what you would otherwise do by hand; `manage.py check` names any piece still missing.
set -euo pipefail

project="$1"
shift
apps=("$@")
if [ "${#apps[@]}" -eq 0 ]; then
  apps=(courses facilitators certificates)
fi
app_list=$(printf '"%s", ' "${apps[@]}")

# 1. Settings: the apps (with Django's background tasks, which send their emails and make
#    certificates), their template context processor, sign-in by a link emailed to members,
#    a storage for certificate PDFs that is never served, and the address links start with.
cat >> "$project/settings/base.py" <<SETTINGS

# Union education apps
INSTALLED_APPS = [${app_list}"django_tasks", *INSTALLED_APPS]
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["courses.context_processors.education"]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",  # members sign in with a one-time link sent by email
]
SESAME_MAX_AGE = 20 * 60  # seconds a sign-in link works
SESAME_ONE_TIME = True
# Runs background tasks at once, in the request; see django-tasks for a database queue.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BASE_DIR / "private-media", "base_url": "/private-media/"},
}
CERTIFICATES_STORAGE_ALIAS = "private"  # downloads go through the app, which checks who asks
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"  # emailed links and QR codes: the public address
SETTINGS

# 2. URLs: one include brings the pages of every installed app, before Wagtail's own pages.
python - "$project/urls.py" <<'URLS'
import sys

path = sys.argv[1]
with open(path) as file:
    urls = file.read()
wagtail_pages = '    path("", include(wagtail_urls)),'
assert wagtail_pages in urls, f"{path} has no {wagtail_pages.strip()}"
urls = urls.replace(wagtail_pages, '    path("", include("courses.urls")),\n' + wagtail_pages, 1)
with open(path, "w") as file:
    file.write(urls)
URLS

# 3. The apps' tables, and the roles "Education staff" and "Facilitators" as groups.
python manage.py migrate --noinput
python manage.py check --fail-level WARNING
