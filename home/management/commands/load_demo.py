"""``manage.py load_demo``: fill a fresh database with the demo site."""

from django.core.management.base import BaseCommand

from home.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo site: home page, workshop catalogue, facilitator guides, programs, "
        "locals, demo users, sessions and enrolments. Safe to run again: existing content is "
        "left as it is."
    )

    def handle(self, *args, **options):
        created = load_demo()
        if not created:
            self.stdout.write("Demo content is already loaded; nothing changed.")
            return
        summary = ", ".join(f"{count} {label}" for label, count in created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {summary}."))
        self.stdout.write("Run `manage.py demo_logins` to see how to sign in.")
