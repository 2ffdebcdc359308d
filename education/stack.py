"""Run the production stack on one machine, as it runs on many: PostgreSQL, Redis, gunicorn web
processes, background task workers and a clock for scheduled commands.

``python -m education.stack`` (``make prod-demo``) creates a PostgreSQL database, migrates it,
loads the demo, collects static files, then starts everything with the production settings and
stops it all cleanly on Ctrl-C. The end-to-end test of the stack drives the same class.

Only for one's own machine: it serves plain HTTP on the loopback address and turns off the
HTTPS-only cookies and redirects that production needs.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

#: Scheduled commands the clock runs, each every so many seconds.
SCHEDULE = (
    (["send_session_reminders"], 3600),
    (["requeue_stalled_tasks"], 60),
    (["purge_enrolment_requests"], 3600),
    (["lapse_place_offers"], 3600),
)


def create_database(server_url, name):
    """Create the PostgreSQL database ``name`` on ``server_url`` unless it exists."""
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(server_url, name):
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Stack:
    """The processes of one deployment, sharing one database, one cache and one media folder.

    ``web_ports`` starts one gunicorn (with ``web_processes`` workers) per port, as separate
    machines would; ``task_workers`` starts that many ``db_worker`` processes.
    """

    def __init__(
        self,
        *,
        database_url,
        redis_url="redis://127.0.0.1:6379/0",
        state_dir,
        web_ports=(8001,),
        web_processes=3,
        task_workers=2,
        clock=True,
        environment=None,
    ):
        self.database_url = database_url
        self.redis_url = redis_url
        self.state_dir = Path(state_dir)
        self.web_ports = tuple(web_ports)
        self.web_processes = web_processes
        self.task_workers = task_workers
        self.clock = clock
        self.extra_environment = dict(environment or {})
        self.web = {}
        self.workers = []
        self.clock_process = None
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.mail_dir.mkdir(exist_ok=True)

    @property
    def mail_dir(self):
        """Emails are written here, one file each, instead of being sent."""
        return self.state_dir / "mail"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.web_ports[0]}"

    def secret_key(self):
        path = self.state_dir / "secret-key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
        return path.read_text().strip()

    def signing_key_file(self):
        """The key that signs the certificates' Open Badges credentials, made once per stack."""
        path = self.state_dir / "credential-signing-key.pem"
        if not path.exists():
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import ed25519

            path.write_bytes(
                ed25519.Ed25519PrivateKey.generate().private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            path.chmod(0o600)
        return path

    def environment(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "education.settings.production",
                "PYTHONPATH": str(BASE_DIR),
                "SECRET_KEY": self.secret_key(),
                "CERTIFICATES_SIGNING_KEY_FILE": str(self.signing_key_file()),
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SITE_URL": self.url,
                # Browsers reach gunicorn directly here, with no proxy in front.
                "EDUCATION_PROXY_COUNT": "0",
                "CSRF_TRUSTED_ORIGINS": ",".join(
                    f"http://127.0.0.1:{port}" for port in self.web_ports
                ),
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_COOKIES": "false",
                "MEDIA_ROOT": str(self.state_dir / "media"),
                "PRIVATE_MEDIA_ROOT": str(self.state_dir / "private-media"),
                "STATIC_ROOT": str(self.state_dir / "static"),
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.mail_dir),
                "LOG_FORMAT": "plain",
                "LOG_LEVEL": "WARNING",
                "GUNICORN_ACCESS_LOG": "",
            }
        )
        env.update(self.extra_environment)
        return env

    def manage(self, *args, check=True):
        """Run ``manage.py *args`` with the stack's settings; on failure, say what it printed."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.environment(),
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def prepare(self, *, demo=True):
        """Migrate, collect static files and (by default) load the demo."""
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        if demo:
            self.manage("load_demo")

    def _log(self, name):
        return open(self.state_dir / f"{name}.log", "a")  # noqa: SIM115 (kept by the process)

    def start_web(self, port):
        env = self.environment()
        env.update(
            {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(self.web_processes)}
        )
        self.web[port] = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "python:education.gunicorn"],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log(f"web-{port}"),
            stderr=subprocess.STDOUT,
        )
        return self.web[port]

    def start_worker(self):
        number = len(self.workers) + 1
        process = subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--worker-id",
                f"worker-{number}",
            ],
            cwd=BASE_DIR,
            env=self.environment(),
            stdout=self._log(f"worker-{number}"),
            stderr=subprocess.STDOUT,
        )
        self.workers.append(process)
        return process

    def start_clock(self):
        self.clock_process = subprocess.Popen(
            [PYTHON, "-m", "education.stack", "--clock"],
            cwd=BASE_DIR,
            env=self.environment(),
            stdout=self._log("clock"),
            stderr=subprocess.STDOUT,
        )

    def start(self, timeout=60):
        """Start every process and wait until each web server answers its health check; if one
        does not, stop them all and say why."""
        try:
            for port in self.web_ports:
                self.start_web(port)
            for _ in range(self.task_workers):
                self.start_worker()
            if self.clock:
                self.start_clock()
            for port in self.web_ports:
                wait_until_healthy(f"http://127.0.0.1:{port}", timeout, self.web[port])
        except BaseException:
            self.stop()
            raise

    def processes(self):
        return [*self.web.values(), *self.workers, *filter(None, [self.clock_process])]

    def stop(self, timeout=30):
        """SIGTERM everything (gunicorn and the workers finish what they are doing), then
        SIGKILL whatever is still running after ``timeout`` seconds."""
        running = [process for process in self.processes() if process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_healthy(url, timeout, process=None):
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"The web process for {url} exited with {process.returncode}.")
        try:
            with urllib.request.urlopen(f"{url}/healthz/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer /healthz/ within {timeout} s.")
        time.sleep(0.3)


def run_clock():
    """Run each scheduled command when its time comes, until stopped."""
    stopping = []
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda *args: stopping.append(True))
    due = {tuple(command): 0.0 for command, _ in SCHEDULE}
    while not stopping:
        now = time.monotonic()
        for command, every in SCHEDULE:
            if now >= due[tuple(command)]:
                subprocess.run([PYTHON, "manage.py", *command], cwd=BASE_DIR, check=False)
                due[tuple(command)] = now + every
        time.sleep(1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clock", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="union_education_demo")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--web-processes", type=int, default=3)
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--state-dir", default=str(BASE_DIR / ".prod-demo"))
    options = parser.parse_args(argv)
    if options.clock:
        return run_clock()

    create_database(options.pg, options.database)
    stack = Stack(
        database_url=f"{options.pg}/{options.database}",
        redis_url=options.redis,
        state_dir=options.state_dir,
        web_ports=[options.port],
        web_processes=options.web_processes,
        task_workers=options.task_workers,
    )
    print(f"Preparing the database {options.database} (migrate, static files, demo) ...")
    stack.prepare()
    logins = stack.manage("demo_logins").stdout
    print(logins.replace("http://127.0.0.1:8000", stack.url).split("\nEmails")[0])
    stack.start()
    print(
        f"Serving {stack.url} with {options.web_processes} web processes, "
        f"{options.task_workers} task workers and a clock, on PostgreSQL and Redis.\n"
        f"Emails are written to {stack.mail_dir}; logs to {stack.state_dir}/*.log.\n"
        "Press Ctrl-C to stop."
    )
    stopping = []
    signal.signal(signal.SIGTERM, lambda *args: stopping.append(True))
    try:
        while not stopping:
            for process in stack.processes():
                if process.poll() is not None:
                    print(f"A process stopped unexpectedly: {process.args}", file=sys.stderr)
                    stopping.append(True)
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    print("Stopping ...")
    stack.stop()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
