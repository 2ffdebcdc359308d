"""``manage.py demo_logins``: how to sign in to the demo site."""

from django.core.management.base import BaseCommand

from home.demo.union import DEMO_PASSWORD, MEMBER

SITE_URL = "http://127.0.0.1:8000/"

LOGINS = [
    ("admin", "superuser: everything, including users and settings"),
    (
        "staff",
        "education staff: sessions, enrolments, requests from locals, certificates and reports "
        "(Education and Reports menus)",
    ),
    (
        "facilitator",
        "facilitator: reads every private guide, and takes attendance at today's session "
        f"at {SITE_URL}facilitate/",
    ),
]


class Command(BaseCommand):
    help = "Print the demo site's log-ins (after `manage.py load_demo`)."

    def handle(self, *args, **options):
        heading = self.style.MIGRATE_HEADING
        self.stdout.write(heading("Union Education demo"))
        self.stdout.write(f"  Site:  {SITE_URL}")
        self.stdout.write(f"  Admin: {SITE_URL}admin/")
        self.stdout.write("")
        self.stdout.write(heading(f"Sign in with password '{DEMO_PASSWORD}':"))
        width = max(len(username) for username, _role in LOGINS)
        for username, role in LOGINS:
            self.stdout.write(f"  {self.style.SUCCESS(username.ljust(width))}  {role}")
        self.stdout.write("  (also dpatel, jmacdonald, lgagnon: facilitators of fewer workshops)")
        self.stdout.write("")
        self.stdout.write(heading("Participant:"))
        self.stdout.write(
            f"  {self.style.SUCCESS(MEMBER['email'])}  has no password: ask for a sign-in link "
            f"at {SITE_URL}sign-in/"
        )
        self.stdout.write(
            "  and open it to see My learning: two upcoming sessions, a waitlist, past sessions"
        )
        self.stdout.write(
            "  and certificates, one of them for the Local Executive Training program."
        )
        self.stdout.write("")
        self.stdout.write(heading("Anyone:"))
        self.stdout.write(
            f"  request a tailored session for a local at {SITE_URL}request-a-session/"
        )
        self.stdout.write(f"  and verify a certificate by its code at {SITE_URL}certificates/")
        self.stdout.write("")
        self.stdout.write(
            "Emails, such as sign-in links, are printed in the console running the server."
        )
