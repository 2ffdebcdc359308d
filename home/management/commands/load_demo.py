"""``manage.py load_demo``: fill a fresh database with the demo site."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from home.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo site: home page, workshop catalogue, facilitator guides, programs, "
        "locals, demo users, sessions, enrolments, attendance, certificates and requests from "
        "locals. Safe to run again: existing content is left as it is. The demo's emails "
        "(outcomes, certificates) are not sent."
    )

    def handle(self, *args, **options):
        # Closing the past demo sessions tells their made-up members the outcome: keep those
        # emails out of the console and out of anyone's mailbox.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            created = load_demo()
        if not created:
            self.stdout.write("Demo content is already loaded; nothing changed.")
            return
        summary = ", ".join(f"{count} {label}" for label, count in created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {summary}."))
        self.stdout.write("Run `manage.py demo_logins` to see how to sign in.")
