"""Crash mid-write: ``kill -9`` the web server and the worker at random moments and check what is left.

On a throwaway SQLite database in a temporary folder (migrated, a small demo area, an API key for the police's
system), it serves the app with gunicorn and runs ``manage.py worker``, each in a process group of its own. Each
iteration starts a stream of acknowledged writes through the API (concerns; children reported missing and
returned: a 2xx answer is an acknowledgement, and every one is recorded) and, on most iterations, queues an
agency extract large enough to take the worker a few seconds; after a random delay it kills the server, the
worker or both with SIGKILL (the whole process group: gunicorn's workers too), then:

- ``PRAGMA integrity_check`` must say ``ok`` (and ``foreign_key_check`` find nothing), read before anything
  restarts;
- the killed processes are started again, and every request that was in flight when the server died is sent
  again with its ``Idempotency-Key``: it must be answered 2xx and make one result, never two;
- ``crash_django.py check``: every acknowledged write is there with its audit row; no import batch is visible
  half done (a batch is finished with all its rows, or its pages say "Not finished" and count exactly what it
  committed, while its job runs or has failed saying the worker stopped); no job is left queued or running by a
  worker that is gone.

At the end it waits for every queued import to finish or fail and checks once more. It prints the figures and
exits 1 on any violation.

    python reliability/crash.py [--iterations 50] [--seed N] [--keep]   (``make crash``)
"""

import argparse
import contextlib
import hashlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HERE = Path(__file__).resolve().parent
KINDS = ("server", "worker", "both")
READY_SECONDS = 90


@dataclass
class Figures:
    iterations: int = 0
    kills: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    kills_during_import: int = 0
    requests_sent: int = 0
    in_flight_retried: int = 0
    extracts_queued: int = 0
    integrity_ok: int = 0
    checks: int = 0
    jobs_left_running: int = 0
    last: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        last = self.last
        return [
            f"iterations: {self.iterations}",
            f"kill -9: server {self.kills['server']}, worker {self.kills['worker']}, both {self.kills['both']} "
            f"({self.kills_during_import} while an import was running)",
            f"writes: {self.requests_sent} requests sent, {last.get('writes_acknowledged', 0)} acknowledged, "
            f"{last.get('writes_present', 0)} present with their audit rows; {self.in_flight_retried} in flight "
            f"at a kill, sent again with their key ({last.get('requests_with_two_results', 0)} made two results)",
            f"extracts: {self.extracts_queued} queued; batches finished {last.get('batches_complete', 0)}, "
            f"shown 'Not finished' counting what they committed {last.get('batches_not_finished_shown', 0)}; "
            f"jobs failed 'the worker stopped' {last.get('jobs_failed_worker_stopped', 0)}",
            f"integrity_check ok: {self.integrity_ok} of {self.iterations} kills",
            f"jobs left running by a dead worker: {self.jobs_left_running} (over {self.checks} checks)",
            f"violations: {len(self.violations)}",
        ]


class Service:
    """A process in a group of its own, so ``kill -9`` takes its children (gunicorn's workers) with it."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as handle:
            self.process = subprocess.Popen(  # noqa: S603 - our own commands
                self.command, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait()
        self.process = None


class Api:
    def __init__(self, base: str, key: str) -> None:
        self.base, self.key = base, key

    def call(
        self, method: str, path: str, body: bytes | None = None, *, key: str = "", content_type: str = ""
    ) -> tuple[int, dict[str, Any]]:
        """The status and JSON of an answer; raises OSError when no answer came (the server killed)."""
        request = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310 - our server
        request.add_header("Authorization", f"Bearer {self.key}")
        if key:
            request.add_header("Idempotency-Key", key)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text or b"{}")
            except ValueError:
                return error.code, {"text": text[:300].decode(errors="replace")}


@dataclass
class Request:
    """One write as sent: sent again, byte for byte, with the same key when no answer came."""

    kind: str  # concern, report, return
    path: str
    body: bytes
    key: str
    child: str
    token: str = ""


class Writers:
    """Threads sending writes through the API until stopped; each owns some children to report and return."""

    def __init__(self, api: Api, state: dict[str, Any], children: list[str], count: int, rng: random.Random):
        self.api, self.state, self.rng = api, state, rng
        self.children = children
        self.owned = [children[i::count] for i in range(count)]
        self.open: dict[str, str | None] = dict.fromkeys(children)  # child -> open episode id
        self.lock = threading.Lock()
        self.pending: list[Request] = []
        self.refused: list[str] = []
        self.sent = 0
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def _next(self, owned: list[str], rng: random.Random) -> Request:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
        child = rng.choice(owned) if owned else rng.choice(self.children)
        if owned and rng.random() < 0.3:
            episode = self.open[child]
            if episode is None:
                body = {"started_at": now, "grade": "medium", "rationale": "Crash test: not back from school"}
                return Request("report", f"/children/{child}/missing-episodes", json.dumps(body).encode(), "", child)
            body = {"returned_at": now}
            return Request("return", f"/missing-episodes/{episode}/return", json.dumps(body).encode(), "", child)
        child = rng.choice(self.children)
        token = uuid.uuid4().hex
        body = {"category": "24A", "occurred_at": now, "what_happened": f"Crash test {token} seen near the station"}
        return Request("concern", f"/children/{child}/concerns", json.dumps(body).encode(), "", child, token)

    def acknowledge(self, request: Request, answer: dict[str, Any]) -> None:
        with self.lock:
            if request.kind == "concern":
                self.state["concerns"][request.token] = answer["id"]
            elif request.kind == "report":
                self.state["episodes"][answer["id"]] = False
                self.open[request.child] = answer["id"]
            else:
                self.state["episodes"][answer["id"]] = True
                self.open[request.child] = None

    def send(self, request: Request) -> bool:
        """True when answered 2xx (acknowledged); a refusal is a fault of this script, kept to report."""
        status, answer = self.api.call("POST", "/api/v1" + request.path, request.body, key=request.key)
        if 200 <= status < 300:
            self.acknowledge(request, answer)
            return True
        if status >= 500:
            raise OSError(f"answered {status}")
        with self.lock:
            self.refused.append(f"{request.kind} {request.path} refused {status}: {answer}")
        return False

    def _run(self, owned: list[str], seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - where to kill, not a secret
        while not self.stop.is_set():
            request = self._next(owned, rng)
            request.key = str(uuid.uuid4())
            with self.lock:
                self.sent += 1
            try:
                self.send(request)
            except OSError:
                with self.lock:
                    self.pending.append(request)
                return  # the server is gone: this writer waits for the next iteration

    def start(self) -> None:
        self.stop.clear()
        self.threads = [
            threading.Thread(target=self._run, args=(owned, self.rng.randrange(1 << 30)), daemon=True)
            for owned in self.owned
        ]
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def retry_pending(self) -> int:
        """Send again, with its key, every request that had no answer; each must now be answered 2xx."""
        pending, self.pending = self.pending, []
        for request in pending:
            for attempt in range(5):
                try:
                    self.send(request)
                    break
                except OSError:
                    time.sleep(1 + attempt)
            else:
                self.refused.append(f"{request.kind} {request.path} sent again: no answer")
        return len(pending)


def extract_people(prefix: str, rows: int) -> bytes:
    """An extract's people.csv of adults of concern, new record ids, each person unlike the others (so linkage,
    which runs after each import, has few pairs to compare); every 97th row is kept aside (an unknown type)."""
    lines = ["record_id,agency,person_type,given_name,family_name,date_of_birth,postcode\n"]
    for n in range(rows):
        kind = "alien" if n % 97 == 96 else "adult_of_concern"
        name = hashlib.sha256(f"{prefix}-{n}".encode()).hexdigest()
        born = f"{1950 + n % 50}-{1 + n // 50 % 12:02d}-{1 + n // 600 % 28:02d}"
        lines.append(f"{prefix}-{n},POL,{kind},{name[:8]},{name[8:18]},{born},NB{n % 9} {n % 10}AA\n")
    return "".join(lines).encode()


def extract_digest(files: dict[str, bytes]) -> str:
    """The batch's sha256, as ``agency_extract_import`` computes it."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{hashlib.sha256(files[name]).hexdigest()}\n".encode())
    return digest.hexdigest()


def multipart(files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, content in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def integrity(database: Path) -> tuple[bool, str]:
    connection = sqlite3.connect(database, timeout=30)
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    ok = result == ["ok"] and not foreign
    return ok, f"integrity_check {result[:5]}, foreign_key_check {foreign[:5]}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Area:
    """The throwaway install: database, spool, server and worker, and the state the checks read."""

    def __init__(self, workdir: Path, log: Callable[[str], None]) -> None:
        self.workdir, self.log = workdir, log
        self.database = workdir / "crash.sqlite3"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "JOINEDUP_IMPORT_SPOOL_DIR": str(workdir / "spool"),
            "JOINEDUP_MEDIA_ROOT": str(workdir / "media"),
            "JOINEDUP_DOCUMENTS_ROOT": str(workdir / "documents"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        bin_dir = Path(PYTHON).parent
        self.server = Service(
            "server",
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
            ],
            self.env,
            workdir / "server.log",
        )
        self.worker = Service(
            "worker",
            [PYTHON, "manage.py", "worker", "--interval", "0.2", "--no-startup-delay"],
            self.env,
            workdir / "worker.log",
        )
        self.state: dict[str, Any] = {"concerns": {}, "episodes": {}, "extracts": {}}

    def django(self, *args: str) -> None:
        command = [PYTHON, str(HERE / "crash_django.py"), *args]
        result = subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode:
            raise RuntimeError(f"crash_django.py {args[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")

    def build(self, children: int) -> dict[str, Any]:
        self.log("migrating a throwaway database and making a small demo area")
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"migrate failed:\n{result.stderr[-4000:]}")
        out = self.workdir / "setup.json"
        self.django("setup", str(out), str(children))
        return dict(json.loads(out.read_text()))

    def server_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/api/v1/openapi.json", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"the server did not answer within {READY_SECONDS} s:\n{self.server.log.read_text()[-3000:]}"
        )

    def worker_ready(self, starts_before: int) -> None:
        """The worker has failed its dead predecessor's jobs and started db_worker (it logs "Starting worker")."""
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.worker.log.read_text(errors="replace").count("Starting worker") > starts_before:
                return
            if self.worker.process is not None and self.worker.process.poll() is not None:
                raise RuntimeError(f"the worker stopped:\n{self.worker.log.read_text()[-3000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"the worker did not start within {READY_SECONDS} s:\n{self.worker.log.read_text()[-3000:]}")

    def worker_starts(self) -> int:
        return self.worker.log.read_text(errors="replace").count("Starting worker") if self.worker.log.exists() else 0

    def start(self, which: str) -> None:
        if which in ("server", "both"):
            self.server.start()
        if which in ("worker", "both"):
            before = self.worker_starts()
            self.worker.start()
            self.worker_ready(before)
        if which in ("server", "both"):
            self.server_ready()

    def kill(self, which: str) -> None:
        if which in ("server", "both"):
            self.server.kill()
        if which in ("worker", "both"):
            self.worker.kill()

    def check(self) -> dict[str, Any]:
        state, out = self.workdir / "state.json", self.workdir / "check.json"
        state.write_text(json.dumps(self.state))
        self.django("check", str(state), str(out))
        return dict(json.loads(out.read_text()))

    def stop(self) -> None:
        self.server.kill(signal.SIGTERM)
        self.worker.kill(signal.SIGTERM)


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    if keep:
        yield Path(tempfile.mkdtemp(prefix="joinedup-crash-"))
        return
    with tempfile.TemporaryDirectory(prefix="joinedup-crash-") as folder:
        yield Path(folder)


def crash_run(
    *,
    iterations: int = 50,
    seed: int = 11,
    import_rows: int = 20000,
    writers: int = 3,
    max_delay: float = 3.0,
    plan: list[str] | None = None,
    keep: bool = False,
    log: Callable[[str], None] = print,
) -> Figures:
    """Run ``iterations`` kill cycles; ``plan`` fixes what each kills (server, worker, both; random otherwise),
    and every cycle of a plan queues an extract. Returns the figures, with every violation found."""
    rng = random.Random(seed)  # noqa: S311 - where to kill, not a secret
    figures = Figures()
    with workspace(keep) as workdir:
        if keep:
            log(f"working in {workdir}")
        area = Area(workdir, log)
        setup = area.build(children=10)
        api = Api(area.base, setup["key"])
        stream = Writers(api, area.state, setup["not_missing"], writers, rng)
        area.start("both")
        try:
            for number in range(iterations):
                seen = len(figures.violations)
                kind = plan[number % len(plan)] if plan else rng.choice(KINDS)
                with_import = bool(plan) or rng.random() < 0.7
                if with_import:
                    prefix = f"X{number}"
                    files = {"people.csv": extract_people(prefix, import_rows)}
                    body, content_type = multipart(files)
                    status, answer = api.call(
                        "POST", "/api/v1/extracts", body, key=str(uuid.uuid4()), content_type=content_type
                    )
                    if status != 202:
                        figures.violations.append(f"iteration {number}: the extract was refused {status}: {answer}")
                    else:
                        area.state["extracts"][extract_digest(files)] = {"rows": import_rows, "job": answer["job_id"]}
                        figures.extracts_queued += 1
                stream.start()
                if with_import and status == 202:
                    # Aim at the import: wait for the worker to start it, then kill some moment into it.
                    job_running(area.database, answer["job_id"])
                time.sleep(rng.uniform(0.05, max_delay))
                if with_import and status == 202:
                    figures.kills_during_import += job_state(area.database, answer["job_id"])[0] == "running"
                area.kill(kind)
                figures.kills[kind] += 1
                figures.iterations += 1
                stream.join()
                ok, detail = integrity(area.database)
                if ok:
                    figures.integrity_ok += 1
                else:
                    figures.violations.append(f"iteration {number} ({kind}): {detail}")
                restarting = time.monotonic()
                area.start(kind)
                figures.in_flight_retried += stream.retry_pending()
                checking = time.monotonic()
                _checked(area, figures, f"iteration {number} ({kind})")
                log(
                    f"iteration {number + 1}/{iterations}: killed {kind} (restart {checking - restarting:.1f} s, "
                    f"check {time.monotonic() - checking:.1f} s); {len(figures.violations)} violations"
                )
                for violation in figures.violations[seen:]:
                    log(f"  VIOLATION: {violation}")
            draining = time.monotonic()
            drain(area, api)
            _checked(area, figures, "at the end")
            log(f"every queued import over, checked again ({time.monotonic() - draining:.1f} s)")
        finally:
            area.stop()
            figures.requests_sent = stream.sent
            figures.violations.extend(stream.refused)
    return figures


def _checked(area: Area, figures: Figures, when: str) -> None:
    result = area.check()
    figures.checks += 1
    figures.last = result["figures"]
    figures.jobs_left_running += result["figures"]["jobs_left_running"]
    figures.violations.extend(f"{when}: {violation}" for violation in result["violations"])


def job_state(database: Path, job: str) -> tuple[str, int]:
    """A job's status and rows done, read straight from the database (WAL: no lock taken, no request queued)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        row = connection.execute(
            "SELECT status, progress_done FROM jobs_job WHERE id = ?", (uuid.UUID(job).hex,)
        ).fetchone()
    finally:
        connection.close()
    return (str(row[0]), int(row[1])) if row else ("", 0)


def job_running(database: Path, job: str, seconds: float = 8) -> None:
    """Wait until the worker has committed the job's first chunk (or the job is over), at most ``seconds``: a
    worker busy with the linkage run after the last import is killed in that instead."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, done = job_state(database, job)
        if status in ("done", "failed") or done:
            return
        time.sleep(0.02)


def drain(area: Area, api: Api, seconds: float = 300) -> None:
    """Wait until every queued extract's job has finished or failed."""
    jobs = [extract["job"] for extract in area.state["extracts"].values()]
    deadline = time.monotonic() + seconds
    while jobs and time.monotonic() < deadline:
        jobs = [job for job in jobs if api.call("GET", f"/api/v1/jobs/{job}")[1].get("status") in ("queued", "running")]
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--import-rows", type=int, default=20000, help="rows in each queued extract")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    args = parser.parse_args()
    started = time.monotonic()
    figures = crash_run(iterations=args.iterations, seed=args.seed, import_rows=args.import_rows, keep=args.keep)
    print(f"\nCrash mid-write (seed {args.seed}, {time.monotonic() - started:.0f} s):")
    for line in figures.lines():
        print(f"  {line}")
    for violation in figures.violations[:50]:
        print(f"  VIOLATION: {violation}")
    sys.exit(1 if figures.violations else 0)


if __name__ == "__main__":
    main()
