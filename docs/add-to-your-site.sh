#!/usr/bin/env bash
# Add the union education apps to a Wagtail site, such as one made by `wagtail start mysite`.
#
# Run it from the site's folder (where manage.py is), in the site's virtualenv, once the
# wheel built from this repository (`pip wheel --no-deps .`) is installed there:
#
#   bash add-to-your-site.sh mysite                        # courses, facilitators, certificates
#   bash add-to-your-site.sh mysite courses                # the catalogue and enrolment only
#   bash add-to-your-site.sh mysite courses facilitators   # and facilitation
#
# "mysite" is the site's settings package (mysite/settings/base.py, mysite/urls.py). Each step
# is what you would otherwise do by hand, and is skipped when it is done already, so the script
# can run again. `manage.py check` names any piece still missing.
set -euo pipefail

if [ "$#" -lt 1 ]; then
  echo "usage: bash add-to-your-site.sh SETTINGS_PACKAGE [courses [facilitators] [certificates]]" >&2
  exit 2
fi
project="$1"
shift
apps=("$@")
if [ "${#apps[@]}" -eq 0 ]; then
  apps=(courses facilitators certificates)
fi
case " ${apps[*]} " in
  *" courses "*) ;;
  *) echo "courses is needed: facilitators and certificates build on it" >&2; exit 2 ;;
esac
app_list=$(printf '"%s", ' "${apps[@]}")

# 1. URLs: one include brings the pages of every installed app, before Wagtail's own pages.
python - "$project/urls.py" <<'URLS'
import re
import sys

path = sys.argv[1]
with open(path) as file:
    urls = file.read()
if "courses.urls" not in urls:
    wagtail_pages = re.search(r'^( *)path\(\s*""\s*,\s*include\(\s*wagtail_urls\s*\)\s*\)', urls, re.M)
    if wagtail_pages is None:
        sys.exit(f'{path}: add path("", include("courses.urls")), before Wagtail\'s own URLs')
    indent = wagtail_pages.group(1)
    at = wagtail_pages.start()
    urls = urls[:at] + f'{indent}path("", include("courses.urls")),\n' + urls[at:]
    with open(path, "w") as file:
        file.write(urls)
URLS

# 2. Settings: the apps (with Django's background tasks, which send their emails and make
#    certificates), their template context processor, sign-in by a link emailed to members
#    beside the site's own log-ins, and a storage for certificate PDFs that is never served.
if ! grep -q "^# Union education apps" "$project/settings/base.py"; then
  cat >> "$project/settings/base.py" <<SETTINGS

# Union education apps
INSTALLED_APPS = [${app_list}*INSTALLED_APPS]
if "django_tasks" not in INSTALLED_APPS:
    INSTALLED_APPS.append("django_tasks")
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["courses.context_processors.education"]
AUTHENTICATION_BACKENDS = [
    *globals().get("AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]),
    "sesame.backends.ModelBackend",  # members sign in with a one-time link sent by email
]
SESAME_MAX_AGE = 20 * 60  # seconds a sign-in link works
SESAME_ONE_TIME = True
# A site without a task queue runs background tasks at once, in the request.
TASKS = globals().get("TASKS") or {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
}
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BASE_DIR / "private-media", "base_url": "/private-media/"},
}
CERTIFICATES_STORAGE_ALIAS = "private"  # downloads go through the app, which checks who asks
SETTINGS
  case " ${apps[*]} " in
    *" facilitators "*)
      # Signing out empties the phone of the rosters it kept for when there is no signal.
      printf '%s\n' 'MIDDLEWARE = [*MIDDLEWARE, "facilitators.middleware.ForgetOfflinePagesOnSignOut"]' \
        >> "$project/settings/base.py" ;;
  esac
fi

# 3. Emailed links and QR codes start with WAGTAILADMIN_BASE_URL: in development, the address
#    of the development server (set the public address in production's settings).
if [ -f "$project/settings/dev.py" ] && ! grep -q "^WAGTAILADMIN_BASE_URL" "$project/settings/dev.py"; then
  printf '\nWAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"\n' >> "$project/settings/dev.py"
fi

# 4. The apps' tables, and the roles "Education staff" and "Facilitators" as groups.
python manage.py migrate --noinput
python manage.py check --fail-level WARNING
