"""``manage.py demo_logins``: how to sign in to the demo site."""

from django.conf import settings
from django.core.management.base import BaseCommand

from home.demo.union import DEMO_PASSWORD, MEMBER


def site_url():
    """The address the demo is served at, with a final slash: the one its emailed links use
    (``WAGTAILADMIN_BASE_URL``, which the dev settings take from ``SITE_URL``)."""
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + "/"


def logins(site):
    return [
        ("admin", "superuser: everything, including users and settings"),
        (
            "staff",
            "education staff: sessions, enrolments, requests from locals, certificates and "
            "reports (Education and Reports menus)",
        ),
        (
            "translator",
            "translator: translates pages into French and publishes them, without rights over "
            "the English pages (Reports → Translations)",
        ),
        (
            "facilitator",
            "facilitator: reads every private guide, and takes attendance at today's session "
            f"at {site}facilitate/",
        ),
    ]


class Command(BaseCommand):
    help = "Print the demo site's log-ins (after `manage.py load_demo`)."

    def handle(self, *args, **options):
        site = site_url()
        people = logins(site)
        heading = self.style.MIGRATE_HEADING
        self.stdout.write(heading("Union Education demo"))
        self.stdout.write(f"  Site:  {site}")
        self.stdout.write(f"  Admin: {site}admin/")
        self.stdout.write("")
        self.stdout.write(heading(f"Sign in with password '{DEMO_PASSWORD}':"))
        width = max(len(username) for username, _role in people)
        for username, role in people:
            self.stdout.write(f"  {self.style.SUCCESS(username.ljust(width))}  {role}")
        self.stdout.write("  (also dpatel, jmacdonald, lgagnon: facilitators of fewer workshops)")
        self.stdout.write("")
        self.stdout.write(heading("Participant:"))
        self.stdout.write(
            f"  {self.style.SUCCESS(MEMBER['email'])}  has no password: ask for a sign-in link "
            f"at {site}sign-in/"
        )
        self.stdout.write(
            "  open it and press Sign in to see My learning: two upcoming sessions, a waitlist,"
        )
        self.stdout.write(
            "  past sessions and certificates, one of them in French and one for the Local "
            "Executive Training program."
        )
        self.stdout.write("")
        self.stdout.write(heading("Anyone:"))
        self.stdout.write(
            "  enrol in a session from a workshop's page: the emailed link's page has the"
        )
        self.stdout.write("  Confirm my place button that books it")
        self.stdout.write(f"  request a tailored session for a local at {site}request-a-session/")
        self.stdout.write(f"  and verify a certificate by its code at {site}certificates/")
        self.stdout.write("")
        self.stdout.write(
            "Emails, such as sign-in and confirmation links, are printed in the console running "
            "the server."
        )
