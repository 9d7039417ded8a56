"""Every page of issue 10 at a county's size, under 50 people at once, on PostgreSQL and on SQLite.

For each database the script loads the county-sized area (``bench/_county.py``: 50,000 children, 110,000
involvements, 170,000 chronology entries with one child holding 1,000, 30,000 missing episodes with return
interviews, 63,000 agency person records, 500,000 extract events, all times ``BENCH_SCALE``) with the project's
own models, serves it with gunicorn (3 sync workers, ``bench/_pages_settings.py``: the test settings with DEBUG
off), and then:

1. reads each page alone, one request after another (``--alone`` times after one warm-up read): "alone";
2. runs a locust scenario (``bench/_pages_locust.py``) of ``--users`` signed-in users, each pausing 5 to 15
   seconds between clicks (``--think-min``, ``--think-max``), four clicks in five a read of one of the pages and
   one in five a write through the real forms (a chronology entry, a contact attempt, a past missing episode
   reported); after ``--warmup`` seconds to start the users and sign them in, ``--seconds`` are measured: "load".

Isolation, an import and every write counted (issue 11), in the same load:

3. one user in five is a prober (``bench/_pages_locust.py``): a practitioner of one of the six agencies, or an
   agency's API system (police, health), who besides the ordinary clicks asks by id for the records of children
   the policy hides from them (``bench/_pages_check.py probes``: ``joinedup.access.policy.children_visible_to``,
   computed from the loaded database before the load): child pages and forms, missing episodes, return
   interviews, risk assessments, documents, the API's child. Each answer must be the status a random id gets
   (measured before the load: 404); a 2xx or 3xx, another status, or any answer to that account (its ordinary
   clicks' too) showing a hidden child's full name is a leak;
4. once the users have started, the coordinator uploads a health extract through the real form
   (``/imports/extract/``: ``--import-people`` people and ten events each, times the scale), which the worker
   (``manage.py worker``, started beside gunicorn as ``make demo`` does) imports from the spool; its progress is
   polled as the browser does, and the pages' times while it runs are printed beside the others;
5. after the load (``bench/_pages_check.py verify``) every write the users sent is looked for by the unique
   reference in its text: each acknowledged write (the saved form's redirect) must be in the database exactly
   once, none twice, none that was refused; writes without an answer when the load stopped are reported.

The script exits non-zero on any leak, lost or duplicated write, 5xx answer or "database is locked".

Baseline: a bare Django view that reads one row (``bench/_pages_urls.py``), behind the same middleware and
sign-in, read in the same run; each page's p95 under load is printed as a ratio of the baseline's.
Goal (issue 10): every page p95 <= 300 ms on PostgreSQL, 0 errors, 0 "database is locked"; SQLite's figures
are reported beside them. PostgreSQL is a throwaway server (``initdb`` into a temporary folder, ``pg_ctl`` on a
free loopback port, as ``.ci/run`` does) stopped at the end; without ``initdb`` it is reported as skipped.
"""

import argparse
import contextlib
import csv
import io
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import ROOT, p95, progress, scale

GOAL_P95_MS = 300
PASSWORD = "joinedup-demo"  # noqa: S105 - the demo accounts' published password (joinedup.demo.generator)
PG_PORT = 55499
BASELINE = "baseline: one row"
VENV_BIN = Path(sys.executable).parent
IMPORT_PEOPLE = 10_000  # a health extract's people at scale 1, ten events each
# What a prober asks for: kind -> (which of the hidden ids, the address).
PROBE_URLS = {
    "child page": ("children", "/children/{id}/"),
    "chronology entry form": ("children", "/children/{id}/chronology/new/"),
    "documents list": ("children", "/children/{id}/documents/"),
    "who viewed": ("children", "/children/{id}/access-log/"),
    "network panel": ("children", "/mapping/children/{id}/panel/"),
    "Philomena profile": ("children", "/missing/children/{id}/philomena/"),
    "report missing form": ("children", "/missing/children/{id}/report/"),
    "contact attempt form": ("children", "/contacts/children/{id}/new/"),
    "subject access": ("children", "/rights/children/{id}/subject-access/"),
    "missing episode": ("episodes", "/missing/episodes/{id}/"),
    "return interview": ("episodes", "/missing/episodes/{id}/interview/"),
    "risk assessment": ("assessments", "/assessments/{id}/"),
    "document": ("documents", "/documents/{id}/"),
    "api: child": ("children", "/api/v1/children/{id}"),
}


def _free(port: int) -> int:
    """``port`` if nothing listens there, else any free loopback port."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent  # where createdb and pg_ctl are too, not a folder of links
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@contextlib.contextmanager
def postgresql(workdir: Path, pg_bin: Path) -> Iterator[str]:
    """A throwaway PostgreSQL server with an empty ``joinedup`` database, as ``.ci/run`` starts one."""
    folder = workdir / "pg"
    folder.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if _run(["id", "postgres"], check=False).returncode != 0:
            _run(["useradd", "--system", "--no-create-home", "postgres"])
        shutil.chown(folder, "postgres")
        shutil.chown(workdir, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free(PG_PORT)
    data = folder / "data"
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    options += " -c max_connections=200 -c shared_buffers=256MB"
    _run([*run_as, pg_bin / "initdb", "-D", data, "-U", "joinedup", "--auth=trust", "-E", "UTF8"])
    _run([*run_as, pg_bin / "pg_ctl", "-D", data, "-l", folder / "log", "-w", "-o", options, "start"])
    try:
        _run([pg_bin / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "joinedup", "joinedup"])
        yield f"postgres://joinedup@127.0.0.1:{port}/joinedup"
    finally:
        _run([*run_as, pg_bin / "pg_ctl", "-D", data, "-m", "immediate", "stop"], check=False)


def _run(command: list[Any], *, check: bool = True, **options: Any) -> subprocess.CompletedProcess[str]:
    """A command of this script's own making (no outside input), its output kept unless asked for."""
    options = {"capture_output": True, "text": True} | options
    result = subprocess.run([str(part) for part in command], check=False, **options)  # noqa: S603
    if check and result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _env(database_url: str, workdir: Path) -> dict[str, str]:
    bench = str(ROOT / "bench")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "_pages_settings",
        "DATABASE_URL": database_url,
        # The spool and documents in the throwaway folder; any extract over 64 KB goes to the worker.
        "JOINEDUP_IMPORT_SPOOL_DIR": str(workdir / "spool"),
        "JOINEDUP_DOCUMENTS_ROOT": str(workdir / "documents"),
        "JOINEDUP_LARGE_IMPORT_BYTES": str(64 * 1024),
        "PYTHONPATH": os.pathsep.join([bench, str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "PYTHONUNBUFFERED": "1",
    }


def load(env: dict[str, str], workdir: Path, bench_scale: float) -> dict[str, Any]:
    out = workdir / "ids.json"
    # The loader's progress goes straight to this script's stderr.
    _run(
        [sys.executable, ROOT / "bench" / "_county.py", "--scale", bench_scale, "--out", out],
        env=env,
        cwd=ROOT,
        capture_output=False,
    )
    return dict(json.loads(out.read_text(encoding="utf-8")))


def check(env: dict[str, str], step: str, out: Path, *options: Any) -> dict[str, Any]:
    """``bench/_pages_check.py``'s ``step`` against the served database, its answer read back."""
    _run([sys.executable, ROOT / "bench" / "_pages_check.py", step, "--out", out, *options], env=env, cwd=ROOT)
    return dict(json.loads(out.read_text(encoding="utf-8")))


@contextlib.contextmanager
def worker(env: dict[str, str], workdir: Path) -> Iterator[Path]:
    """``manage.py worker`` beside the server, as ``make demo`` runs it."""
    log = workdir / "worker.log"
    command = [sys.executable, "manage.py", "worker", "--interval", "1"]
    with log.open("w") as handle:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def extract_files(people: int, seed: int = 12) -> dict[str, bytes]:
    """A health extract of new people (a quarter of them children, the rest adults) and ten events each, at
    places shared among them, in the agency extract format (``shared/spec/agency-extract.md``)."""
    rng = random.Random(seed)
    given = ["Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Freya", "Leo", "Poppy", "Arthur"]
    people_out, events_out = io.StringIO(), io.StringIO()
    person_columns = ["record_id", "agency", "person_type", "given_name", "family_name", "date_of_birth", "sex"]
    person_columns += ["postcode", "phones"]
    event_columns = ["event_id", "agency", "event_type", "occurred_at", "subject_record_id", "other_record_ids"]
    event_columns += ["place_name", "place_type", "place_postcode", "summary"]
    people_csv = csv.DictWriter(people_out, person_columns)
    events_csv = csv.DictWriter(events_out, event_columns)
    people_csv.writeheader()
    events_csv.writeheader()
    records = [f"HEA-IMP-{n:06d}" for n in range(people)]
    children = records[: max(1, people // 4)]
    for n, record in enumerate(records):
        child = n < len(children)
        born = f"{2008 + n % 10}-{n % 12 + 1:02d}-{n % 28 + 1:02d}" if child else f"{1970 + n % 30}-01-01"
        people_csv.writerow(
            {
                "record_id": record,
                "agency": "HEA",
                "person_type": "child" if child else "other",
                "given_name": rng.choice(given),
                "family_name": f"Importfield{n}",
                "date_of_birth": born,
                "sex": rng.choice("MF"),
                "postcode": f"WB{n % 9 + 1} {n % 7 + 1}HE",
                "phones": f"07700 8{n:05d}" if n % 5 == 0 else "",
            }
        )
    for n in range(people * 10):
        place = n % max(10, people // 20)
        events_csv.writerow(
            {
                "event_id": f"HEA-IMP-E{n:07d}",
                "agency": "HEA",
                "event_type": "health_attendance" if n % 3 else "concern",
                "occurred_at": f"2026-{n % 11 + 1:02d}-{n % 28 + 1:02d}T{n % 24:02d}:00:00",
                "subject_record_id": rng.choice(children),
                "other_record_ids": rng.choice(records) if n % 4 == 0 else "",
                "place_name": f"Clinic {place}",
                "place_type": "other",
                "place_postcode": f"WB{place % 9 + 1} {place % 7 + 1}CL",
                "summary": "Attended the drop-in clinic.",
            }
        )
    return {"people.csv": people_out.getvalue().encode(), "events.csv": events_out.getvalue().encode()}


class ExtractImport(threading.Thread):
    """The coordinator uploads the extract through the form ``delay`` seconds in, then watches its progress
    as the job's page does (every second) until it ends or ``stop`` is set."""

    def __init__(self, base: str, files: dict[str, bytes], delay: float, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.files, self.delay, self.stop = base, files, delay, stop
        self.outcome: dict[str, Any] = {"rows": sum(content.count(b"\n") - 1 for content in files.values())}

    def run(self) -> None:
        try:
            self._run()
        except Exception as error:  # reported beside the figures
            self.outcome["error"] = f"{type(error).__name__}: {error}"[:300]

    def _run(self) -> None:
        if self.stop.wait(self.delay):
            return
        session = _signed_in(self.base, "coordinator")
        session.get(f"{self.base}/imports/extract/", timeout=600)
        uploads = [("extract", (name, content, "text/csv")) for name, content in self.files.items()]
        self.outcome["uploaded_at"] = time.time()
        response = session.post(
            f"{self.base}/imports/extract/",
            data={"csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
            files=uploads,
            allow_redirects=False,
            timeout=600,
        )
        self.outcome["upload_status"] = response.status_code
        self.outcome["upload_ms"] = round((time.time() - self.outcome["uploaded_at"]) * 1000)
        found = re.search(r"/jobs/([0-9a-f-]{36})/", response.headers.get("Location", ""))
        if not found:
            self.outcome["error"] = (
                f"the upload was not queued: {response.status_code} {response.headers.get('Location')}"
            )
            return
        self.outcome["job"] = found.group(1)
        polls: list[tuple[float, int]] = []
        self.outcome["polls"] = polls
        while True:
            start = time.perf_counter()
            answer = session.get(
                f"{self.base}/jobs/{found.group(1)}/progress/", headers={"X-Joinedup-Passive": "1"}, timeout=600
            )
            polls.append(((time.perf_counter() - start) * 1000, answer.status_code))
            status = re.search(r'data-status="([a-z]+)"', answer.text)
            self.outcome["status"] = status.group(1) if status else f"answer {answer.status_code}"
            if self.outcome["status"] in ("done", "failed"):
                self.outcome["ended_seen_at"] = time.time()
                return
            if self.stop.wait(1):
                return


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workdir: Path, workers: int) -> Iterator[tuple[str, Path]]:
    port = _free(0)
    log = workdir / "gunicorn.log"
    command = [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", "600", "--graceful-timeout", "5"]
    with log.open("w") as handle:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped while starting:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not listen within 60 s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _signed_in(base: str, account: str) -> Any:
    import requests

    session = requests.Session()
    session.get(f"{base}/sign-in/", timeout=60)
    data = {"username": account, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
    response = session.post(f"{base}/sign-in/", data=data, allow_redirects=False, timeout=60)
    if response.status_code != 302:
        raise RuntimeError(f"Could not sign in as {account}: {response.status_code}")
    return session


def probe_expect(base: str, probes: dict[str, Any]) -> dict[str, dict[str, int]]:
    """For each probing account and kind of probe, the status a random id gets: what a hidden record must get."""
    import requests

    expect: dict[str, dict[str, int]] = {}
    for username in probes["accounts"]:
        session = _signed_in(base, username)
        expect[username] = {
            kind: session.get(f"{base}{url.format(id=uuid.uuid4())}", allow_redirects=False, timeout=600).status_code
            for kind, (_, url) in PROBE_URLS.items()
            if not kind.startswith("api")
        }
    for username, probe in probes["api"].items():
        headers = {"Authorization": f"Bearer {probe['key']}"}
        expect[username] = {
            kind: requests.get(f"{base}{url.format(id=uuid.uuid4())}", headers=headers, timeout=600).status_code
            for kind, (_, url) in PROBE_URLS.items()
            if kind.startswith("api")
        }
    return expect


def plan(base: str, ids: dict[str, Any], workdir: Path, think: tuple[float, float]) -> dict[str, Any]:
    """The pages, who reads each and at which addresses; the writes; where the times go."""
    from urllib.parse import urlencode

    coordinator = _signed_in(base, "coordinator")
    found = coordinator.get(f"{base}/mapping/network/", params={"q": ids["node_query"]}, timeout=600).text
    nodes = sorted(set(re.findall(r'href="\?node=([^"]+)"', found)))
    big, meeting = ids["big_child"], ids["meeting"]
    csc, police = ids["csc_children"], ids["police_children"]
    reads: list[dict[str, Any]] = [
        {"name": BASELINE, "account": "practitioner-social-care", "urls": ["/bench/one-row/"]},
        {"name": "hotspots", "account": "coordinator", "urls": ["/mapping/hotspots/"]},
        {
            "name": "network view JSON (neighbours)",
            "account": "coordinator",
            "urls": [f"/mapping/network/neighbours/?node={n}" for n in nodes[:20]],
        },
        {"name": "MACE agenda", "account": "coordinator", "urls": [f"/mace/{meeting}/"]},
        {"name": "social worker's work list", "account": "practitioner-social-care", "urls": ["/missing/work-list/"]},
        {"name": "Annex A list 8 page", "account": "coordinator", "urls": ["/imports/returns/"]},
        {
            "name": "Annex A list 8 download",
            "account": "coordinator",
            "urls": ["/imports/returns/annex-a-missing.csv"],
            "ok": [200, 302],
        },
        {"name": "linkage review queue", "account": "coordinator", "urls": ["/linkage/review/"]},
        {"name": "who viewed (access log)", "account": "manager", "urls": [f"/children/{big}/access-log/"]},
        {"name": "police children list", "account": "practitioner-police", "urls": ["/children/"]},
        {"name": "1,000-item child's record", "account": "practitioner-social-care", "urls": [f"/children/{big}/"]},
        {
            "name": "child record (agency records)",
            "account": "practitioner-social-care",
            "urls": [f"/children/{pk}/" for pk in csc],
        },
        {
            "name": "may already be known (search)",
            "account": "practitioner-social-care",
            "urls": [f"/linkage/candidates/?{urlencode(s)}" for s in ids["searches"]],
        },
    ]
    if not nodes:
        reads = [r for r in reads if not r["name"].startswith("network")]
    writes = [
        {
            "name": "write: chronology entry",
            "account": "practitioner-social-care",
            "form": "chronology",
            "urls": [f"/children/{pk}/chronology/new/" for pk in csc],
        },
        {
            "name": "write: contact attempt",
            "account": "practitioner-social-care",
            "form": "contact",
            "urls": [f"/contacts/children/{pk}/new/" for pk in csc],
        },
        {
            "name": "write: missing episode reported",
            "account": "practitioner-police",
            "form": "missing",
            "urls": [f"/missing/children/{pk}/report/" for pk in police],
        },
    ]
    return {
        "reads": reads,
        "writes": writes,
        "write_share": 0.2,
        "think_seconds": list(think),
        "password": PASSWORD,
        "out": str(workdir / "times.json"),
        "writes_out": str(workdir / "writes.json"),
        "probes_out": str(workdir / "probed.json"),
        "probe_urls": PROBE_URLS,
        "probe_burst": 4,
        "nodes_found": len(nodes),
    }


def alone(base: str, the_plan: dict[str, Any], repeats: int) -> dict[str, dict[str, Any]]:
    """Each page read by itself, one request after another: a warm-up, then ``repeats`` timed reads."""
    sessions: dict[str, Any] = {}
    figures: dict[str, dict[str, Any]] = {}
    for page in the_plan["reads"]:
        account = page["account"]
        sessions.setdefault(account, _signed_in(base, account))
        times, statuses = [], set()
        for n in range(repeats + 1):
            url = page["urls"][n % len(page["urls"])]
            start = time.perf_counter()
            response = sessions[account].get(f"{base}{url}", allow_redirects=False, timeout=600)
            elapsed = (time.perf_counter() - start) * 1000
            statuses.add(response.status_code)
            if n:
                times.append(elapsed)
        figures[page["name"]] = {"median": statistics.median(times), "statuses": sorted(statuses)}
        progress(f"alone: {page['name']}: {figures[page['name']]['median']:.0f} ms, status {sorted(statuses)}")
    return figures


def under_load(base: str, the_plan: dict[str, Any], workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The locust run: ``args.warmup`` seconds to start every user and sign in (left out), then ``args.seconds``
    measured; a request counts when it ended inside the measured time."""
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(the_plan), encoding="utf-8")
    command = [VENV_BIN / "locust", "-f", ROOT / "bench" / "_pages_locust.py", "--headless", "--host", base]
    command += ["--users", args.users, "--spawn-rate", max(1, args.users // 5), "--only-summary"]
    command += ["--run-time", f"{args.warmup + args.seconds}s", "--stop-timeout", "0", "--loglevel", "WARNING"]
    env = {**os.environ, "BENCH_PAGES_PLAN": str(plan_file)}
    started = time.time()
    stop = threading.Event()
    people = max(20, round(args.import_people * args.scale))
    extract = ExtractImport(base, extract_files(people), args.warmup + 5, stop)
    extract.start()
    result = _run(command, env=env, cwd=ROOT, check=False)
    # The import may outlast the load: give it up to --import-grace seconds more, then stop watching.
    extract.join(timeout=args.import_grace)
    stop.set()
    extract.join(timeout=60)
    if not Path(the_plan["out"]).exists():
        raise RuntimeError(f"locust wrote no times:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    recorded = json.loads(Path(the_plan["out"]).read_text(encoding="utf-8"))
    since, until = started + args.warmup, started + args.warmup + args.seconds
    times: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}
    # 5xx answers over the whole run (warm-up included); every request's end and time, for the import's window.
    server_errors: dict[str, int] = {}
    ended: list[tuple[float, str, float]] = []
    failed_at: list[tuple[float, str, str]] = []
    for name, rows in recorded.items():
        for end, ms, failure, status in rows:
            if status >= 500:
                server_errors[name] = server_errors.get(name, 0) + 1
            if since <= end <= until:
                times.setdefault(name, []).append(ms)
                ended.append((end, name, ms))
                if failure:
                    failures.setdefault(name, []).append(failure)
                    failed_at.append((end, name, failure))
    writes = json.loads(Path(the_plan["writes_out"]).read_text(encoding="utf-8"))
    probed = json.loads(Path(the_plan["probes_out"]).read_text(encoding="utf-8"))
    return {
        "times": times,
        "failures": failures,
        "server_errors": server_errors,
        "ended": ended,
        "failed_at": failed_at,
        "since": since,
        "writes": writes,
        "probed": probed,
        "import": extract.outcome,
    }


def run_database(label: str, database_url: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = _env(database_url, workdir)
    if args.reuse_ids:
        # A county an earlier run (or bench/_county.py itself) loaded into this database: its ids, not a new load.
        ids = dict(json.loads(Path(args.reuse_ids).read_text(encoding="utf-8")))
    else:
        progress(f"{label}: loading the county at scale {args.scale}")
        ids = load(env, workdir, args.scale)
    progress(f"{label}: loaded in {ids['load_seconds']} s: {ids['sizes']}")
    probes = check(env, "probes", workdir / "probes.json")
    progress(f"{label}: probes: " + ", ".join(f"{u} {p['hidden']} hidden" for u, p in probes["accounts"].items()))
    with gunicorn(env, workdir, args.workers) as (base, log), worker(env, workdir) as worker_log:
        the_plan = plan(base, ids, workdir, (args.think_min, args.think_max))
        the_plan["probes"] = probes
        the_plan["probe_expect"] = probe_expect(base, probes)
        alone_figures = alone(base, the_plan, args.alone)
        progress(f"{label}: {args.users} users for {args.seconds} s, with probes and an import")
        loaded = under_load(base, the_plan, workdir, args)
        time.sleep(1)
        server_log = log.read_text(errors="replace")
        worker_text = worker_log.read_text(errors="replace")
    writes_file = Path(the_plan["writes_out"])
    options = ["--probes", workdir / "probes.json", "--writes", writes_file, "--job", loaded["import"].get("job", "")]
    verified = check(env, "verify", workdir / "verify.json", *options)
    return {
        "label": label,
        "ids": ids,
        "plan": the_plan,
        "alone": alone_figures,
        "load": loaded,
        "verified": verified,
        "probe_expect": the_plan["probe_expect"],
        "locked": server_log.count("database is locked"),
        "worker_locked": worker_text.count("database is locked"),
        "server_errors": server_log.count("Internal Server Error"),
        "log_tail": server_log[-2000:],
        "worker_tail": worker_text[-2000:],
        "tasks": _tasks_run(worker_text),
    }


def _tasks_run(log: str) -> list[tuple[str, float, float | None, str]]:
    """The worker's tasks from its log: (task, started, ended or None, how it ended)."""
    started: dict[str, tuple[str, float]] = {}
    tasks: list[tuple[str, float, float | None, str]] = []
    for when, task_id, path, state in re.findall(r"^([0-9.]+) \S+ \S+ Task id=(\S+) path=(\S+) state=(\w+)", log, re.M):
        if state == "RUNNING":
            started[task_id] = (path.rsplit(".", 1)[-1], float(when))
        elif task_id in started:
            name, begun = started.pop(task_id)
            tasks.append((name, begun, float(when), state))
    tasks += [(name, begun, None, "still running") for name, begun in started.values()]
    return sorted(tasks, key=lambda t: t[1])


def _spread(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.0f} ms, p95 {p95(values):.0f} ms" if values else "no requests"


def report(result: dict[str, Any], args: argparse.Namespace) -> tuple[bool, list[str]]:
    """Prints the database's table; whether the issue 10 goal is met, and what breaks issue 11's (empty: none)."""
    times: dict[str, list[float]] = result["load"]["times"]
    failures: dict[str, list[str]] = result["load"]["failures"]
    requests = sum(len(v) for k, v in times.items() if k != "sign-in")
    probes = sum(len(v) for k, v in times.items() if k.startswith("probe: "))
    errors = sum(len(v) for k, v in failures.items())
    base = times.get(BASELINE) or [float("nan")]
    base_p50, base_p95 = statistics.median(base), p95(base)
    sizes = result["ids"]["sizes"]
    broken: list[str] = []
    print(
        f"pages on {result['label']}: {sizes['children']:,} children, {sizes['chronology']:,} chronology entries, "
        f"{sizes['episodes']:,} missing episodes, {sizes['person_records']:,} agency records, "
        f"{sizes['events']:,} extract events (scale {args.scale}); gunicorn {args.workers} workers and the worker; "
        f"{args.users} users for {args.seconds} s, think {args.think_min:g}-{args.think_max:g} s, 20% writes"
    )
    answered_5xx = sum(result["load"]["server_errors"].values())
    print(
        f"  {requests} requests ({requests / args.seconds:.1f}/s, {probes} of them probes), {errors} errors, "
        f"{answered_5xx} 5xx answers, {result['server_errors']} server errors logged, "
        f"{result['locked']} 'database is locked' (server), {result['worker_locked']} in the worker's log"
    )
    if answered_5xx or result["server_errors"]:
        broken.append(
            f"{answered_5xx} 5xx answers ({result['load']['server_errors']}), {result['server_errors']} logged"
        )
    if result["locked"]:
        broken.append(f"{result['locked']} 'database is locked'")
    for command, error in result["ids"].get("failed", {}).items():
        print(f"  loading: {command} failed: {error}")
    print(f"  {'page':<34}{'alone p50':>10}{'n':>6}{'p50':>8}{'p95':>8}{'p95/base':>10}  goal p95<={GOAL_P95_MS} ms")
    met = errors == 0 and result["locked"] == 0
    names = [r["name"] for r in result["plan"]["reads"]] + [w["name"] for w in result["plan"]["writes"]]
    for name in names:
        values = times.get(name, [])
        solo = result["alone"].get(name, {}).get("median")
        solo_text = f"{solo:.0f}" if solo is not None else "-"
        if not values:
            print(f"  {name:<34}{solo_text:>10}{0:>6}  (no requests)")
            continue
        p50_ms, p95_ms = statistics.median(values), p95(values)
        ok = p95_ms <= GOAL_P95_MS and not failures.get(name)
        met = met and ok
        failed = f", {len(failures[name])} failed: {failures[name][0]}" if failures.get(name) else ""
        print(
            f"  {name:<34}{solo_text:>10}{len(values):>6}{p50_ms:>8.0f}{p95_ms:>8.0f}{p95_ms / base_p95:>10.1f}"
            f"  {'met' if ok else 'NOT met'}{failed}"
        )
    if failures.get("sign-in"):
        print(f"  sign-in failures: {len(failures['sign-in'])}: {failures['sign-in'][0]}")
    found = result["plan"]["nodes_found"]
    print(f"  baseline (one row) p50 {base_p50:.0f} ms, p95 {base_p95:.0f} ms; network nodes found: {found}")
    _report_timeline(result, args)
    broken += _report_isolation(result)
    broken += _report_writes(result)
    broken += _report_import(result)
    return met, broken


def _report_timeline(result: dict[str, Any], args: argparse.Namespace, step: int = 10) -> None:
    """The measured load in ``step``-second slices (requests ended, their p95 and slowest, failures), and the
    worker's tasks that ran meanwhile: what the pages waited for."""
    ended = result["load"]["ended"]
    if not ended:
        return
    since = result["load"]["since"]
    slices = []
    for first in range(0, args.seconds, step):
        values = [ms for end, name, ms in ended if first <= end - since < first + step and name != "sign-in"]
        failed = sum(1 for end, _, _ in result["load"]["failed_at"] if first <= end - since < first + step)
        slices.append(
            f"{first}-{first + step}s: {len(values)}, p95 {p95(values) if values else 0:.0f}, max "
            f"{max(values, default=0):.0f}" + (f", {failed} failed" if failed else "")
        )
    print("  timeline (requests ended, ms): " + "; ".join(slices))
    tasks = [
        f"{name} {begun - since:+.0f}s to "
        + (f"{end - since:+.0f}s" if end is not None else "after the end")
        + f" ({state})"
        for name, begun, end, state in result["tasks"]
        if end is None or end >= since - 30
    ]
    print("  worker's tasks (from the measured load's start): " + ("; ".join(tasks) if tasks else "none"))


def _report_isolation(result: dict[str, Any]) -> list[str]:
    probes = result["plan"]["probes"]
    everyone = {**probes["accounts"], **probes["api"]}
    probed = result["load"]["probed"]
    now_visible = result["verified"]["now_visible"]
    leaks, excused = [], []
    for leak in probed["leaks"]:
        child_of = everyone[leak["account"]]["child_of"]
        ids = [part for part in re.split(r"[/?=&]", leak["url"]) if part in child_of]
        if ids and child_of[ids[0]] in now_visible.get(leak["account"], []):
            excused.append(leak)
        else:
            leaks.append(leak)
    asked = sum(n for kinds in probed["probed"].values() for answers in kinds.values() for n in answers.values())
    statuses: dict[str, int] = {}
    for kinds in probed["probed"].values():
        for answers in kinds.values():
            for status, n in answers.items():
                statuses[status] = statuses.get(status, 0) + n
    names = sum(len(p["names"]) for p in everyone.values())
    print(
        f"  isolation: {len(everyone)} probing accounts ({', '.join(sorted(everyone))}); {asked} probes of "
        f"{len(PROBE_URLS)} kinds for hidden children's records, answered {statuses}; a random id's answer: "
        f"{sorted({s for e in result['probe_expect'].values() for s in e.values()})}; {names:,} hidden full names "
        f"watched for in every answer to those accounts"
    )
    kinds_seen = sorted({k for kinds in probed["probed"].values() for k in kinds})
    print(f"    kinds probed: {', '.join(kinds_seen)}")
    print(
        f"    leaks: {len(leaks)}" + (f"; made visible during the load (not leaks): {len(excused)}" if excused else "")
    )
    for leak in leaks[:10]:
        print(f"    LEAK: {leak['account']} {leak['page']} {leak['url']}: {leak['why']}")
    return [f"{len(leaks)} leaks"] if leaks else []


def _report_writes(result: dict[str, Any]) -> list[str]:
    broken = []
    for kind, w in result["verified"]["writes"].items():
        print(
            f"  writes ({kind}): {w['sent']} sent, {w['acknowledged']} acknowledged, {w['present_once']} of them in "
            f"the database exactly once; lost {len(w['lost'])}, twice {len(w['duplicated'])}, written though "
            f"refused {len(w['written_though_refused'])}; {w['unanswered']} unanswered when the load stopped "
            f"({w['written_unanswered']} of them written); rows with no write sent: {len(w['unknown_rows'])}; "
            f"rows {w['rows']}"
        )
        bad = len(w["lost"]) + len(w["duplicated"]) + len(w["written_though_refused"]) + len(w["unknown_rows"])
        if bad or w["present_once"] != w["acknowledged"]:
            broken.append(f"writes ({kind}): {w}"[:600])
    return broken


def _report_import(result: dict[str, Any]) -> list[str]:
    outcome = result["load"]["import"]
    job = result["verified"].get("job")
    if not job:
        print(f"  import: not run: {outcome.get('error', outcome)}")
        return [f"import not run: {outcome.get('error')}"]
    batch = job["batch"] or {}
    rate = ""
    if batch.get("finished_at"):
        seconds = batch["finished_at"] - batch["started_at"]
        rate = f" in {seconds:.1f} s, {batch['rows'] / seconds:.0f} rows/s"
    queued = f"{batch['started_at'] - outcome['uploaded_at']:.1f} s" if batch else "-"
    print(
        f"  import: a health extract of {outcome['rows']:,} rows uploaded (answer {outcome['upload_status']} in "
        f"{outcome['upload_ms']} ms), waited {queued} for the worker, {job['status']}: {job['message']}"
        f" ({batch.get('rows', 0):,} rows, {batch.get('waiting', 0):,} events waiting for linkage){rate}"
    )
    if batch.get("finished_at"):
        window = [
            (name, ms)
            for end, name, ms in result["load"]["ended"]
            if batch["started_at"] <= end <= batch["finished_at"]
        ]
        pages = [ms for name, ms in window if name != "sign-in" and not name.startswith("probe: ")]
        rest = [
            ms
            for end, name, ms in result["load"]["ended"]
            if not batch["started_at"] <= end <= batch["finished_at"]
            and name != "sign-in"
            and not name.startswith("probe: ")
        ]
        failed = sum(
            1 for end, name, failure in _failures_at(result) if batch["started_at"] <= end <= batch["finished_at"]
        )
        polls = [ms for ms, _ in outcome.get("polls", [])]
        print(
            f"    while it ran: {len(pages)} page requests, {failed} failed, {_spread(pages)}"
            f"{f', slowest {max(pages):.0f} ms' if pages else ''}; the rest of the "
            f"load: {_spread(rest)}; its progress polled {len(polls)} times, {_spread(polls)}"
        )
    return [] if job["status"] == "done" else [f"import {job['status']}: {job['message']}"]


def _failures_at(result: dict[str, Any]) -> list[tuple[float, str, str]]:
    return result["load"].get("failed_at", [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=scale(), help="sizes times this (default BENCH_SCALE or 1)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=None, help="measured load (default 300 x scale, >= 60)")
    parser.add_argument("--warmup", type=int, default=20, help="seconds to start the users and sign in, not measured")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--alone", type=int, default=3, help="timed reads of each page alone")
    parser.add_argument("--think-min", type=float, default=5.0, help="seconds a user pauses between clicks, at least")
    parser.add_argument("--think-max", type=float, default=15.0, help="and at most")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--import-people", type=int, default=IMPORT_PEOPLE, help="the extract's people at scale 1")
    parser.add_argument("--import-grace", type=int, default=300, help="seconds the import may outlast the load")
    parser.add_argument(
        "--reuse-database",
        default="",
        help="a database URL holding a county already loaded (with --reuse-ids): time it instead of loading one",
    )
    parser.add_argument("--reuse-ids", default="", help="the ids file bench/_county.py wrote for that load")
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = max(60, round(300 * args.scale))
    if bool(args.reuse_database) != bool(args.reuse_ids):
        parser.error("--reuse-database and --reuse-ids go together")
    results = []
    if args.reuse_database:
        label = "PostgreSQL" if args.reuse_database.startswith("postgres") else "SQLite"
        with tempfile.TemporaryDirectory(prefix="bench-pages-reused-") as tmp:
            results.append(run_database(label, args.reuse_database, Path(tmp), args))
    for database in args.databases.split(",") if not args.reuse_database else []:
        with tempfile.TemporaryDirectory(prefix=f"bench-pages-{database}-") as tmp:
            workdir = Path(tmp)
            if database == "sqlite":
                results.append(run_database("SQLite", f"sqlite:///{workdir / 'county.sqlite3'}", workdir, args))
                continue
            pg_bin = _pg_bin()
            if pg_bin is None:
                print("pages on PostgreSQL: skipped (no initdb/pg_ctl on this machine)")
                continue
            with postgresql(workdir, pg_bin) as url:
                results.append(run_database("PostgreSQL", url, workdir, args))
    broken: list[str] = []
    for result in results:
        met, wrong = report(result, args)
        if result["label"] == "PostgreSQL":
            goal = f"every page p95 <= {GOAL_P95_MS} ms, 0 errors, 0 'database is locked'"
            print(f"  goal on PostgreSQL ({goal}): {'met' if met else 'NOT met'}")
        goal = "0 leaks, every acknowledged write once and nothing else, 0 5xx, 0 'database is locked', import done"
        print(f"  issue 11 on {result['label']} ({goal}): {'met' if not wrong else 'NOT met: ' + '; '.join(wrong)}")
        broken += [f"{result['label']}: {w}" for w in wrong]
    if broken:
        sys.exit(1)


if __name__ == "__main__":
    main()
