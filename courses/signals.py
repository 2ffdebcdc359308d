"""Events of the courses app that other apps act on.

``courses`` imports neither ``facilitators`` nor ``certificates``: they learn what happened here
by connecting receivers to these signals (in their ``signal_handlers.py``, from
``AppConfig.ready()``).
"""

from django.dispatch import Signal

session_closed = Signal()
"""
Sent once a session has been closed and the transaction that closed it has committed.

Arguments:

``sender``
    the ``courses.models.Session`` class.
``session``
    the ``Session`` just closed (its status is now "delivered").
``completed_enrollment_ids``
    the primary keys of the enrolments that completed the workshop, as a list.
``user``
    who closed it (may be ``None``).

A session may be reopened by staff and closed again: the signal is then sent again, with the
completion recomputed. Receivers must therefore be idempotent (issuing a certificate twice for
the same enrolment must not make two), and should also handle enrolments that no longer appear
in ``completed_enrollment_ids``.
"""

session_deleting = Signal()
"""
Sent while a session is being deleted from the admin: inside the deletion's transaction, with
the session's row locked, before the row goes. An exception raised by a receiver undoes the
deletion.

Arguments:

``sender``
    the ``courses.models.Session`` class.
``session``
    the ``Session`` about to be deleted (nobody ever enrolled in it).
``user``
    who deletes it.

A receiver may return a sentence for the person deleting the session (the admin shows it once
the session is gone), or ``None``.
"""
