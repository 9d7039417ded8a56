"""A running joinedup for browser and worker tests: its own database, the web server and the worker.

The stack runs as separate processes, as in the demo, on a database of its
own: a temporary SQLite file, or a fresh database on the PostgreSQL server
that the suite itself uses when DATABASE_URL names one.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LiveStack:
    base_url: str
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("The web server stopped while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Nothing listened on port {port} within {seconds} seconds")


@contextmanager
def _database(workdir: Path) -> Iterator[str]:
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'live.sqlite3'}"
        return
    import psycopg

    config = dj_database_url.parse(suite_url)
    name = f"joinedup_live_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield suite_url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def live_stack(children: int = 12) -> Iterator[LiveStack]:
    with tempfile.TemporaryDirectory(prefix="joinedup-live-") as tmp, _database(Path(tmp)) as database_url:
        port = _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "JOINEDUP_OTP_REQUIRED": "false",
            "JOINEDUP_MEDIA_ROOT": str(Path(tmp) / "media"),
            "PYTHONUNBUFFERED": "1",
        }
        stack = LiveStack(base_url=f"http://127.0.0.1:{port}", env=env)
        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("demo_area", "--children", str(children))
        logs = Path(tmp)
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=(logs / "server.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=(logs / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, server)
            yield stack
        finally:
            for process in (worker, server):
                process.terminate()
            for process in (worker, server):
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
