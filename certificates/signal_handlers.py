from django.dispatch import receiver

from courses.signals import session_closed

from .issuing import issue_for_session


@receiver(session_closed, dispatch_uid="certificates.issue_for_closed_session")
def issue_certificates_for_closed_session(sender, session, user=None, **kwargs):
    """A closed session earns its certificates. Closing again after a reopening issues nothing
    twice (see ``certificates.issuing``)."""
    issue_for_session(session.pk, user=user)
