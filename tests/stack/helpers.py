"""Driving a running stack from outside, as its users and its operators do: HTTP and SQL."""

import re
import socket
import time
from email import message_from_bytes
from pathlib import Path

import psycopg
import requests

#: Long enough for the slowest step on a busy two-core machine, short enough to fail clearly.
PATIENCE = 120
#: django-tasks' database backend keeps the queue in this table.
TASKS_TABLE = "django_tasks_database_dbtaskresult"
#: The demo's password.
PASSWORD = "changeme"


def query(stack, sql, params=()):
    with psycopg.connect(stack.database_url) as connection:
        return connection.execute(sql, params).fetchall()


def make_session(stack, participants=0, capacity=40):
    """A session of a workshop that issues certificates, the demo facilitator assigned, and
    ``participants`` people already confirmed in it. Returns its id."""
    script = f"""
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from courses.models import Enrollment, Participant, Session, SessionPart, WorkshopPage
workshop = WorkshopPage.objects.live().filter(issues_certificate=True,
    offered_on_request=False).order_by("pk").first()
start = (timezone.now() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
session = Session(workshop=workshop, language="en", capacity={capacity}, venue="Union Hall",
    city="Toronto")
session.parts = [SessionPart(starts_at=start, ends_at=start + timedelta(hours=6))]
session.save()
session.facilitators.add(get_user_model().objects.get(username="facilitator"))
for number in range({participants}):
    person = Participant.objects.create(name=f"Member {{number}} {{session.pk}}",
        email=f"member{{number}}-{{session.pk}}@example.org")
    Enrollment.objects.create(participant=person, session=session, status="confirmed")
print(session.pk)
"""
    result = stack.manage("shell", "-c", script)
    return int(result.stdout.strip().splitlines()[-1])


def csrf_post(client, url, data, page_url=None):
    """GET the form, then POST it with its CSRF token, as a browser does."""
    page = client.get(page_url or url, timeout=30)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(
        url, data={"csrfmiddlewaretoken": token, **data}, headers={"Referer": url}, timeout=60
    )


def emails_to(stack, address):
    messages = []
    for path in sorted(Path(stack.mail_dir).glob("*.log")):
        # The file backend writes every message of a connection to one file, separated by a
        # line of dashes.
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = message_from_bytes(chunk.lstrip())
                if address in (message["To"] or ""):
                    messages.append(message)
    return messages


def body(message):
    if message.is_multipart():
        return next(
            part.get_payload(decode=True).decode()
            for part in message.walk()
            if part.get_content_type() == "text/plain"
        )
    return message.get_payload(decode=True).decode()


def wait_for(condition, what, timeout=PATIENCE):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout} s for {what}.")
        time.sleep(0.2)
    return value


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tasks_left(stack):
    return query(
        stack,
        f"SELECT count(*) FROM {TASKS_TABLE} WHERE status IN ('READY', 'RUNNING')",
    )[0][0]


def certificates_of(stack, session_id):
    return query(
        stack,
        "SELECT c.code, c.pdf, p.email FROM certificates_certificate c "
        "JOIN courses_participant p ON p.id = c.participant_id WHERE c.session_id = %s",
        [session_id],
    )


def sign_in_facilitator(server):
    client = requests.Session()
    response = csrf_post(
        client,
        f"{server}/admin/login/",
        {"username": "facilitator", "password": PASSWORD, "next": ""},
    )
    assert response.status_code == 200
    assert response.url == f"{server}/en/facilitate/"
    return client


def take_attendance_and_close(client, server, session_id):
    roster = f"{server}/en/facilitate/sessions/{session_id}/"
    page = client.get(roster, timeout=30)
    ids = sorted(set(re.findall(r'name="status-(\d+)"', page.text)))
    assert ids
    marks = {f"status-{pk}": "present" for pk in ids}
    response = csrf_post(client, roster, {"action": "mark", **marks})
    assert response.status_code == 200 and response.url == roster
    # Closing shows a summary first; its form closes.
    summary = csrf_post(client, roster, {"action": "close"})
    assert summary.status_code == 200 and 'value="confirm_close"' in summary.text
    confirm = summary.text.split('value="confirm_close"')[0].rsplit("<form", 1)[1]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirm))
    response = client.post(
        roster, data={**fields, "action": "confirm_close"}, headers={"Referer": roster}, timeout=60
    )
    assert response.status_code == 200
    assert "The session is closed" in response.text
    return ids


def start_session(stack, session_id):
    """Move the session to have started an hour ago, once people have enrolled: its
    attendance is taken, and it is closed, only once it has started."""
    script = f"""
from datetime import timedelta
from django.utils import timezone
from courses.models import Session
session = Session.objects.get(pk={session_id})
start = timezone.now() - timedelta(hours=1)
for part in session.parts.all():
    part.ends_at = start + (part.ends_at - part.starts_at)
    part.starts_at = start
    part.save()
session.save()
"""
    stack.manage("shell", "-c", script)
