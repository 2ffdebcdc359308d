from django.dispatch import receiver

from courses.signals import session_closed

from .tasks import issue_certificates_for_session


@receiver(session_closed, dispatch_uid="certificates.issue_for_closed_session")
def issue_certificates_for_closed_session(sender, session, user=None, **kwargs):
    """A closed session earns its certificates, issued by a background task (the signal comes
    after the closing has committed). Closing again after a reopening issues nothing twice
    (see ``certificates.issuing``)."""
    issue_certificates_for_session.enqueue(
        session_id=session.pk, user_id=user.pk if user is not None else None
    )
