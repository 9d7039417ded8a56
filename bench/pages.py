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

Baseline: a bare Django view that reads one row (``bench/_pages_urls.py``), behind the same middleware and
sign-in, read in the same run; each page's p95 under load is printed as a ratio of the baseline's.
Goal (issue 10): every page p95 <= 300 ms on PostgreSQL, 0 errors, 0 "database is locked"; SQLite's figures
are reported beside them. PostgreSQL is a throwaway server (``initdb`` into a temporary folder, ``pg_ctl`` on a
free loopback port, as ``.ci/run`` does) stopped at the end; without ``initdb`` it is reported as skipped.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import ROOT, p95, progress, scale

GOAL_P95_MS = 300
PASSWORD = "joinedup-demo"  # noqa: S105 - the demo accounts' published password (joinedup.demo.generator)
PG_PORT = 55499
BASELINE = "baseline: one row"
VENV_BIN = Path(sys.executable).parent


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


def _env(database_url: str) -> dict[str, str]:
    bench = str(ROOT / "bench")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "_pages_settings",
        "DATABASE_URL": database_url,
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
    result = _run(command, env=env, cwd=ROOT, check=False)
    if not Path(the_plan["out"]).exists():
        raise RuntimeError(f"locust wrote no times:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    recorded = json.loads(Path(the_plan["out"]).read_text(encoding="utf-8"))
    since, until = started + args.warmup, started + args.warmup + args.seconds
    times: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}
    for name, rows in recorded.items():
        for ended, ms, failure in rows:
            if since <= ended <= until:
                times.setdefault(name, []).append(ms)
                if failure:
                    failures.setdefault(name, []).append(failure)
    return {"times": times, "failures": failures}


def run_database(label: str, database_url: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = _env(database_url)
    progress(f"{label}: loading the county at scale {args.scale}")
    ids = load(env, workdir, args.scale)
    progress(f"{label}: loaded in {ids['load_seconds']} s: {ids['sizes']}")
    with gunicorn(env, workdir, args.workers) as (base, log):
        the_plan = plan(base, ids, workdir, (args.think_min, args.think_max))
        alone_figures = alone(base, the_plan, args.alone)
        progress(f"{label}: {args.users} users for {args.seconds} s")
        loaded = under_load(base, the_plan, workdir, args)
        time.sleep(1)
        server_log = log.read_text(errors="replace")
    return {
        "label": label,
        "ids": ids,
        "plan": the_plan,
        "alone": alone_figures,
        "load": loaded,
        "locked": server_log.count("database is locked"),
        "server_errors": server_log.count("Internal Server Error"),
        "log_tail": server_log[-2000:],
    }


def report(result: dict[str, Any], args: argparse.Namespace) -> bool:
    """Prints the database's table; True when the issue's goal is met."""
    times: dict[str, list[float]] = result["load"]["times"]
    failures: dict[str, list[str]] = result["load"]["failures"]
    requests = sum(len(v) for k, v in times.items() if k != "sign-in")
    errors = sum(len(v) for v in failures.values())
    base = times.get(BASELINE) or [float("nan")]
    base_p50, base_p95 = statistics.median(base), p95(base)
    sizes = result["ids"]["sizes"]
    print(
        f"pages on {result['label']}: {sizes['children']:,} children, {sizes['chronology']:,} chronology entries, "
        f"{sizes['episodes']:,} missing episodes, {sizes['person_records']:,} agency records, "
        f"{sizes['events']:,} extract events (scale {args.scale}); gunicorn {args.workers} workers; "
        f"{args.users} users for {args.seconds} s, think {args.think_min:g}-{args.think_max:g} s, 20% writes"
    )
    print(
        f"  {requests} requests ({requests / args.seconds:.1f}/s), {errors} errors, "
        f"{result['server_errors']} server errors logged, {result['locked']} 'database is locked'"
    )
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
    return met


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
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = max(60, round(300 * args.scale))
    results = []
    for database in args.databases.split(","):
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
    for result in results:
        met = report(result, args)
        if result["label"] == "PostgreSQL":
            goal = f"every page p95 <= {GOAL_P95_MS} ms, 0 errors, 0 'database is locked'"
            print(f"  goal on PostgreSQL ({goal}): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
