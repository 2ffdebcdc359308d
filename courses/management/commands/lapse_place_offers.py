"""Take back the places offered from a waitlist whose time to accept is up, and offer each to
the next person waiting.

Meant to run hourly. The same check is made whenever someone looks at a session (its People
page, My learning) or acts on it (enrolling, cancelling, accepting), so nobody waits for this
command; it catches the offers nobody looked at. Each session is settled under its row lock,
so runs that overlap, on one machine or several, never offer one seat twice.
"""

from django.core.management.base import BaseCommand

from ...sessions.enrollment import lapse_offers


class Command(BaseCommand):
    help = "Take back places offered from a waitlist that were not accepted in time."

    def handle(self, *args, **options):
        count = lapse_offers()
        self.stdout.write(f"Took back {count} place offer(s).")
