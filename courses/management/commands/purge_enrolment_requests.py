"""Delete the enrolments asked for on the public form that nobody confirmed in time.

A request to enrol holds what a visitor typed (a name, an address, a local) until the owner of
the address confirms it from the emailed link, for a day by default
(``EDUCATION_ENROLMENT_CONFIRMATION_MAX_AGE``). Asking to enrol already deletes the expired
ones; run this on a schedule (hourly) too, so that nothing is kept once it has expired even when
nobody asks for a while.
"""

from django.core.management.base import BaseCommand

from ...sessions.confirmation import purge_expired


class Command(BaseCommand):
    help = "Delete the requests to enrol that nobody confirmed in time."

    def handle(self, *args, **options):
        deleted = purge_expired()
        if options["verbosity"] > 0:
            self.stdout.write(f"Deleted {deleted} expired request(s) to enrol.")
