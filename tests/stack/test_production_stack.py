"""The production stack, for real: two gunicorn servers (as two machines) with two processes
each and a task worker, on PostgreSQL and Redis, with the production settings.

A member enrols over HTTP on one server; the facilitator takes attendance and closes the
session on it; the worker renders the certificates; the member signs in by emailed link on the
other server and downloads their certificate. Then a worker is killed in the middle of a task:
the task is put back in the queue and another worker finishes it, so that no certificate and
no email is lost.

Run by ``make stack-test`` (``EDUCATION_STACK=1``) and by CI; needs PostgreSQL and Redis.
"""

import os
import re
import signal
import socket
import time
import uuid
from email import message_from_bytes
from pathlib import Path

import psycopg
import pytest
import requests

from education.stack import Stack, create_database, drop_database

PG_SERVER = os.environ.get("EDUCATION_STACK_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("EDUCATION_STACK_REDIS", "redis://127.0.0.1:6379/15")
PASSWORD = "changeme"
#: Long enough for the slowest step on a busy two-core machine, short enough to fail clearly.
PATIENCE = 120

pytestmark = pytest.mark.stack


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    name = f"union_education_stack_{uuid.uuid4().hex[:8]}"
    try:
        create_database(PG_SERVER, name)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {PG_SERVER}: {error}")
    stack = Stack(
        database_url=f"{PG_SERVER}/{name}",
        redis_url=REDIS_URL,
        state_dir=tmp_path_factory.mktemp("stack"),
        web_ports=(free_port(), free_port()),
        web_processes=2,
        task_workers=1,
        clock=False,
    )
    try:
        stack.prepare(demo=True)
        stack.start()
        stack.name = name
        yield stack
    finally:
        stack.stop()
        drop_database(PG_SERVER, name)


def query(stack, sql, params=()):
    with psycopg.connect(stack.database_url) as connection:
        return connection.execute(sql, params).fetchall()


def make_session(stack, participants=0):
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
session = Session(workshop=workshop, language="en", capacity=40, venue="Union Hall",
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


def tasks_left(stack):
    return query(
        stack,
        "SELECT count(*) FROM django_tasks_db_dbtaskresult WHERE status IN ('READY', 'RUNNING')",
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
    assert response.url == f"{server}/facilitate/"
    return client


def take_attendance_and_close(client, server, session_id):
    roster = f"{server}/facilitate/sessions/{session_id}/"
    page = client.get(roster, timeout=30)
    ids = sorted(set(re.findall(r'name="status-(\d+)"', page.text)))
    assert ids
    marks = {f"status-{pk}": "present" for pk in ids}
    response = csrf_post(client, roster, {"action": "mark", **marks})
    assert response.status_code == 200 and response.url == roster
    response = csrf_post(client, roster, {"action": "close"})
    assert response.status_code == 200
    assert "The session is closed" in response.text
    return ids


def test_the_security_headers_of_a_production_response(stack):
    response = requests.get(
        f"{stack.url}/healthz/", headers={"X-Forwarded-Proto": "https"}, timeout=30
    )

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_enrol_close_and_download_the_certificate_from_another_server(stack):
    first, second = (f"http://127.0.0.1:{port}" for port in stack.web_ports)
    session_id = make_session(stack)

    # A member enrols on the first server.
    member = requests.Session()
    email = "rosa.lopez@example.org"
    response = csrf_post(
        member,
        f"{first}/sessions/{session_id}/enrol/",
        {
            "name": "Rosa Lopez",
            "email": email,
            "local": "3247",
            "preferred_language": "en",
            "accessibility_needs": "",
        },
    )
    assert response.status_code == 200, response.text[:500]
    assert response.url.startswith(f"{first}/sessions/{session_id}/enrol/done/")

    # The facilitator takes attendance and closes the session there too.
    facilitator = sign_in_facilitator(first)
    take_attendance_and_close(facilitator, first, session_id)

    # A task worker renders the certificate and stores it.
    code, pdf, _ = wait_for(
        lambda: [row for row in certificates_of(stack, session_id) if row[1]],
        "the certificate's PDF",
    )[0]
    stored = Path(stack.environment()["PRIVATE_MEDIA_ROOT"]) / pdf
    rendered_at = stored.stat().st_mtime
    assert stored.read_bytes().startswith(b"%PDF")

    # The member signs in by emailed link on the second server and downloads it.
    response = csrf_post(member, f"{second}/sign-in/", {"email": email})
    assert response.status_code == 200
    link = wait_for(
        lambda: [
            re.search(r"(http://\S+/sign-in/link/\S+)", body(message)).group(1)
            for message in emails_to(stack, email)
            if "/sign-in/link/" in body(message)
        ],
        "the sign-in email",
    )[-1]
    link = link.replace(first, second)
    my_learning = member.get(link, timeout=30)
    assert my_learning.url == f"{second}/my-learning/"
    download_path = re.search(r'href="(/certificates/[^"]+/pdf/)"', my_learning.text).group(1)
    download = member.get(f"{second}{download_path}", timeout=60)

    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.content == stored.read_bytes()
    assert stored.stat().st_mtime == rendered_at  # served as stored, not rendered again
    # Someone else gets no file.
    stranger = requests.Session().get(f"{second}{download_path}", timeout=30)
    assert not stranger.content.startswith(b"%PDF")
    # Anyone verifies it.
    verification = requests.get(f"{second}/certificates/{code}/", timeout=30)
    assert verification.status_code == 200
    assert "valid" in verification.text.lower()


def test_a_task_cut_off_by_a_killed_worker_is_run_again_and_nothing_is_lost(stack):
    """Freeze the worker in the middle of a task, kill it, and let another one take over."""
    server = stack.url
    for worker in stack.workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(PATIENCE)
    session_id = make_session(stack, participants=12)
    emails = [
        row[0]
        for row in query(
            stack,
            "SELECT p.email FROM courses_enrollment e JOIN courses_participant p "
            "ON p.id = e.participant_id WHERE e.session_id = %s",
            [session_id],
        )
    ]
    facilitator = sign_in_facilitator(server)
    take_attendance_and_close(facilitator, server, session_id)
    assert tasks_left(stack) >= 24  # a certificate and two emails per person, not run yet

    doomed = stack.start_worker()
    running = None
    for _attempt in range(200):
        running = query(
            stack,
            "SELECT id, worker_ids FROM django_tasks_db_dbtaskresult WHERE status = 'RUNNING'",
        )
        if running:
            doomed.send_signal(signal.SIGSTOP)
            still = query(
                stack,
                "SELECT id FROM django_tasks_db_dbtaskresult WHERE status = 'RUNNING' AND id = %s",
                [running[0][0]],
            )
            if still:
                break
            doomed.send_signal(signal.SIGCONT)
            running = None
        time.sleep(0.01)
    assert running, "the worker was never caught in the middle of a task"
    doomed.kill()
    doomed.wait()
    stalled_id = running[0][0]

    # The killed worker's task stays "running" until the scheduled requeue finds it.
    survivor = stack.start_worker()
    time.sleep(2)
    status = query(
        stack, "SELECT status FROM django_tasks_db_dbtaskresult WHERE id = %s", [stalled_id]
    )
    assert status == [("RUNNING",)]
    result = stack.manage("requeue_stalled_tasks", "--after", "1")
    assert "Requeued 1 stalled task(s)." in result.stdout

    wait_for(lambda: tasks_left(stack) == 0, "every task to finish")
    assert survivor.poll() is None
    rows = query(
        stack,
        "SELECT status, worker_ids FROM django_tasks_db_dbtaskresult WHERE id = %s",
        [stalled_id],
    )
    assert rows[0][0] == "SUCCESSFUL"
    assert len(rows[0][1]) == 2  # taken by the killed worker, then by the survivor
    assert query(
        stack, "SELECT count(*) FROM django_tasks_db_dbtaskresult WHERE status = 'FAILED'"
    ) == [(0,)]
    certificates = certificates_of(stack, session_id)
    assert len(certificates) == 12
    assert all(pdf for _, pdf, _ in certificates)
    for email in emails:
        subjects = [message["Subject"] for message in emails_to(stack, email)]
        assert any("certificate" in subject.lower() for subject in subjects), (email, subjects)


def test_the_stack_stops_cleanly(stack):
    """Last: everything started stops on SIGTERM, and the servers stop answering."""
    processes = stack.processes()
    stack.stop()

    assert all(process.poll() is not None for process in processes)
    for port in stack.web_ports:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/healthz/", timeout=5)
