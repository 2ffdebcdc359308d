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
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests

from education.stack import Stack, create_database, drop_database

from .helpers import (
    PATIENCE,
    TASKS_TABLE,
    body,
    certificates_of,
    csrf_post,
    emails_to,
    free_port,
    make_session,
    query,
    sign_in_facilitator,
    start_session,
    take_attendance_and_close,
    tasks_left,
    wait_for,
)

PG_SERVER = os.environ.get("EDUCATION_STACK_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("EDUCATION_STACK_REDIS", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.stack


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
        f"{first}/en/sessions/{session_id}/enrol/",
        {
            "name": "Rosa Lopez",
            "email": email,
            "local": "3247",
            "preferred_language": "en",
            "accessibility_needs": "",
        },
    )
    assert response.status_code == 200, response.text[:500]
    assert response.url.startswith(f"{first}/en/sessions/{session_id}/enrol/check-your-email/")
    # The worker emails a link; its page books the place only when the button is pressed.
    confirm_link = wait_for(
        lambda: [
            re.search(r"(http://\S+/enrolments/confirm/\S+/)", body(message)).group(1)
            for message in emails_to(stack, email)
            if "/en/enrolments/confirm/" in body(message)
        ],
        "the email with the confirmation link",
    )[-1]
    confirm_link = re.sub(r"^http://[^/]+", first, confirm_link)
    assert requests.get(confirm_link, timeout=30).status_code == 200  # a mail scanner's visit
    response = csrf_post(
        member,
        confirm_link,
        {"name": "Rosa Lopez", "local": "3247", "preferred_language": "en"},
    )
    assert response.status_code == 200, response.text[:500]
    assert response.url.startswith(f"{first}/en/sessions/{session_id}/enrol/done/")

    # The session takes place; the facilitator takes attendance and closes it there too.
    start_session(stack, session_id)
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

    # The member, on another device, signs in by emailed link on the second server and
    # downloads it.
    member = requests.Session()
    response = csrf_post(member, f"{second}/en/sign-in/", {"email": email})
    assert response.status_code == 200
    link = wait_for(
        lambda: [
            re.search(r"(http://\S+/sign-in/link/\S+)", body(message)).group(1)
            for message in emails_to(stack, email)
            if "/en/sign-in/link/" in body(message)
        ],
        "the sign-in email",
    )[-1]
    link = re.sub(r"^http://[^/]+", second, link)
    my_learning = csrf_post(member, link, {"next": "/en/my-learning/"})
    assert my_learning.url == f"{second}/en/my-learning/"
    download_path = re.search(
        r'href="((?:/[a-z]{2})?/certificates/[^"]+/pdf/)"', my_learning.text
    ).group(1)
    download = member.get(f"{second}{download_path}", timeout=60)

    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.content == stored.read_bytes()
    assert stored.stat().st_mtime == rendered_at  # served as stored, not rendered again
    # Someone else gets no file.
    stranger = requests.Session().get(f"{second}{download_path}", timeout=30)
    assert not stranger.content.startswith(b"%PDF")
    # Anyone verifies it.
    verification = requests.get(f"{second}/en/certificates/{code}/", timeout=30)
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
    start_session(stack, session_id)
    facilitator = sign_in_facilitator(server)
    take_attendance_and_close(facilitator, server, session_id)
    # Each person's outcome email and the issuing of the session's certificates, not run yet
    # (the issuing then queues each certificate's PDF and email).
    assert tasks_left(stack) >= 13

    doomed = stack.start_worker()
    running = None
    for _attempt in range(200):
        running = query(
            stack,
            f"SELECT id, worker_ids FROM {TASKS_TABLE} WHERE status = 'RUNNING'",
        )
        if running:
            doomed.send_signal(signal.SIGSTOP)
            still = query(
                stack,
                f"SELECT id FROM {TASKS_TABLE} WHERE status = 'RUNNING' AND id = %s",
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
    status = query(stack, f"SELECT status FROM {TASKS_TABLE} WHERE id = %s", [stalled_id])
    assert status == [("RUNNING",)]
    result = stack.manage("requeue_stalled_tasks", "--after", "1")
    assert "Requeued 1 stalled task(s)." in result.stdout

    wait_for(lambda: tasks_left(stack) == 0, "every task to finish")
    assert survivor.poll() is None
    rows = query(
        stack,
        f"SELECT status, worker_ids FROM {TASKS_TABLE} WHERE id = %s",
        [stalled_id],
    )
    assert rows[0][0] == "SUCCESSFUL"
    assert len(rows[0][1]) == 2  # taken by the killed worker, then by the survivor
    assert query(stack, f"SELECT count(*) FROM {TASKS_TABLE} WHERE status = 'FAILED'") == [(0,)]
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
