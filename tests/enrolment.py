"""Helpers for tests that enrol the way a visitor does: fill in the form, open the link emailed
to the address, press "Confirm my place"."""

import re

from django.core import mail
from django.test import TestCase

CONFIRM_LINK = re.compile(r"https?://[^/\s]+((?:/[a-z]{2})?/enrolments/confirm/[^/\s]+/)")


def enrol_url(session):
    return f"/en/sessions/{session.pk}/enrol/"


def confirmation_links(email):
    """The paths of the confirmation links emailed to ``email``, oldest first."""
    return [
        match.group(1)
        for message in mail.outbox
        if [address.lower() for address in message.to] == [email.lower()]
        for match in CONFIRM_LINK.finditer(message.body)
    ]


def ask(client, session, data):
    """Post the enrolment form, running what is queued once the transaction commits (the
    emails)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(enrol_url(session), data)


def confirm_link(client, link, data=None):
    """Press "Confirm my place" on the page of ``link``, with the details it offers (or
    ``data``)."""
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    form = page.context["form"]
    posted = {name: form[name].value() or "" for name in form.fields}
    posted.update(data or {})
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(link, posted)


def enrol_by_email(client, session, data):
    """Enrol as a visitor does, from the form to the confirmation; returns the answer to the
    confirmation (a redirect to the result page when it went through)."""
    response = ask(client, session, data)
    assert response.status_code == 302, response.status_code
    links = confirmation_links(data["email"])
    assert links, "no confirmation link was emailed"
    return confirm_link(client, links[-1])
