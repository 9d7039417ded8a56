"""The malformed-import corpus (issue 11, "Proof"): at least 500 bad files through the real upload pages, while
another user keeps asking for pages.

    python reliability/malformed_imports.py [--per-mutation 13] [--quick]

On a throwaway SQLite database in a temporary folder, it makes a corpus of bad files from valid synthetic ones
(``joinedup/imports/tests/corpus.py``: truncated, cp1252, Latin-1 and UTF-16, byte-order marks, missing and
extra columns and cells, formula text, oversized fields, duplicates, impossible and out-of-range dates, empty,
header only, binary junk, very long lines, broken zips, more rows than the cap) and, unless ``--quick``, a
people.csv of 1,000,000 rows. Each goes through its page (the agency extract or the SSDA903 missing table), and a
large one through the worker a chunk at a time, as in production. For each file it checks that every valid row
is live, no invalid row is live, every rejection is kept with file, row, column and reason (or the whole file is
refused with the expected reason) and nothing answers 5xx or raises.

Meanwhile a practitioner signed in to the same database through gunicorn (another process) asks for their home
page and the children list again and again; the failures and the p95 of those requests are printed.

Exits 1 on any valid row lost, invalid row live, rejection not located, 5xx or failed request.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MILLION = 1_000_000
OTHER_USER_PAGES = ["/", "/children/"]


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def django_setup(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'corpus.sqlite3'}"
    os.environ["JOINEDUP_IMPORT_SPOOL_DIR"] = str(workdir / "spool")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    # The test client's view of each answer (the form's errors) and the test host name.
    setup_test_environment()
    call_command("migrate", verbosity=0)


class OtherUser(threading.Thread):
    """A practitioner asking for pages from gunicorn, in another process, all the while the corpus runs."""

    def __init__(self, base: str, username: str, password: str) -> None:
        super().__init__(daemon=True)
        self.base, self.username, self.password = base, username, password
        self.stop = threading.Event()
        self.times: list[float] = []
        self.failures: list[str] = []
        self.phase = ""
        self.by_phase: dict[str, list[float]] = {}

    def run(self) -> None:
        import requests

        session = requests.Session()
        session.get(f"{self.base}/sign-in/", timeout=60)
        data = {
            "username": self.username,
            "password": self.password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        }
        response = session.post(f"{self.base}/sign-in/", data=data, allow_redirects=False, timeout=60)
        if response.status_code != 302:
            self.failures.append(f"sign-in answered {response.status_code}")
            return
        n = 0
        while not self.stop.is_set():
            url = OTHER_USER_PAGES[n % len(OTHER_USER_PAGES)]
            n += 1
            start = time.perf_counter()
            try:
                answer = session.get(f"{self.base}{url}", allow_redirects=False, timeout=60)
            except requests.RequestException as error:
                self.failures.append(f"{url}: {error}")
                continue
            elapsed = time.perf_counter() - start
            if answer.status_code != 200:
                self.failures.append(f"{url}: {answer.status_code}")
                continue
            self.times.append(elapsed)
            self.by_phase.setdefault(self.phase, []).append(elapsed)
            time.sleep(0.05)


def gunicorn(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_DEBUG": "false", "PYTHONPATH": str(ROOT)}
    command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"]
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError((workdir / "gunicorn.log").read_text()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not listen within 60 s")


def million_case(number: int) -> Any:
    """A people.csv of a million rows through the page and the worker: ten rows in it are invalid (a person
    type no one has, a formula), the rest must all be live."""
    from joinedup.imports.tests import corpus

    header = ["record_id", "agency", "person_type", "given_name"]
    types = ["other", "adult_of_concern", "parent_carer"]
    rows = []
    for i in range(MILLION):
        row = corpus.Row("person", [f"M-{i:07d}", "POL", types[i % 3], corpus.GIVEN[i % len(corpus.GIVEN)]])
        if i % 200_000 == 99_999:
            row.cells[2], row.valid, row.column = "kid", False, "person_type"
        elif i % 200_000 == 199_999:
            row.cells[3], row.valid, row.column = '=HYPERLINK("http://example.invalid")', False, "given_name"
        rows.append(row)
    return corpus.Case(
        number=number,
        mutation="1,000,000 rows",
        route="extract",
        tables=[corpus.Table("people.csv", header, rows)],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-mutation", type=int, default=13, help="files of each mutation (default 13)")
    parser.add_argument("--quick", action="store_true", help="leave out the file of a million rows")
    args = parser.parse_args()
    workdir = tempfile.TemporaryDirectory(prefix="malformed-imports-")
    folder = Path(workdir.name)
    django_setup(folder)

    from joinedup.accounts.models import Role, RoleCode, User
    from joinedup.children.models import Child, Involvement
    from joinedup.imports.tests import corpus

    world = corpus.world_make()
    other = User.objects.create_user(
        username="corpus-practitioner", password=corpus.PASSWORD, agency=world.agencies["CSC"]
    )
    other.roles.set([Role.objects.get_or_create(code=RoleCode.PRACTITIONER)[0]])
    for n in range(20):
        child = Child.objects.create(
            given_name=corpus.GIVEN[n % len(corpus.GIVEN)],
            family_name=corpus.FAMILY[n % len(corpus.FAMILY)],
            owning_agency=world.agencies["CSC"],
            created_by=world.coordinator,
        )
        Involvement.objects.create(child=child, agency=world.agencies["CSC"])
    client = corpus.signed_in_client(world)
    started = time.perf_counter()
    cases = corpus.corpus(world, per_mutation=args.per_mutation)
    progress(f"{len(cases)} files made in {time.perf_counter() - started:.1f}s")

    server, base = gunicorn(folder)
    asker = OtherUser(base, other.username, corpus.PASSWORD)
    asker.phase = "before the corpus (no import)"
    asker.start()
    time.sleep(15)
    asker.phase = "the corpus"
    results = []
    try:
        started = time.perf_counter()
        for n, case in enumerate(cases, start=1):
            results.append(corpus.case_run(client, world, case))
            if results[-1].problems:
                progress(f"{case.number} {case.route} {case.mutation}: {results[-1].problems[:3]}")
            if n % 100 == 0:
                progress(f"{n} files imported ({time.perf_counter() - started:.0f}s)")
        corpus_seconds = time.perf_counter() - started
        million_seconds = 0.0
        if not args.quick:
            asker.phase = "the 1,000,000-row file"
            started = time.perf_counter()
            big = million_case(len(cases) + 1)
            progress(f"1,000,000-row people.csv made ({time.perf_counter() - started:.0f}s); importing it")
            started = time.perf_counter()
            results.append(corpus.case_run(client, world, big))
            million_seconds = time.perf_counter() - started
            progress(f"1,000,000-row file imported and checked in {million_seconds:.0f}s: {results[-1].problems[:3]}")
    finally:
        asker.stop.set()
        asker.join(timeout=120)
        server.terminate()
        server.wait(timeout=30)
    totals = corpus.figures(results)
    _print(totals, asker, corpus_seconds, million_seconds, results)
    workdir.cleanup()
    failed = totals["files with problems"] or asker.failures or not asker.times
    return 1 if failed else 0


def _print(
    totals: dict[str, Any], asker: OtherUser, corpus_seconds: float, million_seconds: float, results: list[Any]
) -> None:
    print("malformed_imports: bad files through the upload pages (and the worker), SQLite")
    print(
        f"  files {totals['files']:,} ({totals['extract']} agency extracts, {totals['ssda903']} SSDA903 tables); "
        f"{totals['refused whole']} refused whole with the expected reason; corpus {corpus_seconds:.0f}s"
        + (f", the 1,000,000-row file {million_seconds:.0f}s" if million_seconds else "")
    )
    print(
        f"  valid rows {totals['valid rows']:,}: live {totals['valid rows live']:,}, "
        f"lost {totals['valid rows'] - totals['valid rows live']:,}"
    )
    print(
        f"  invalid rows {totals['invalid rows']:,} (every row of a file refused whole counts as one): "
        f"live {totals['invalid rows live']:,}"
    )
    print(
        f"  rejections kept {totals['rejections']:,}: with the expected file, row and column "
        f"{totals['rejections located']:,}; naming a column {totals['rejections naming a column']:,} (the others: "
        "rows with more cells than the header, at fault as a whole); every one with a reason"
    )
    print(f"  5xx or exceptions {totals['5xx or exceptions']}; files with any problem {totals['files with problems']}")
    ok = len(asker.times)
    print(
        f"  other user (a practitioner, {', '.join(OTHER_USER_PAGES)} through gunicorn meanwhile): "
        f"{ok:,} ok, {len(asker.failures)} failed; p95 {p95(asker.times) * 1000:.0f} ms, "
        f"max {max(asker.times, default=0) * 1000:.0f} ms"
    )
    for phase, times in asker.by_phase.items():
        print(f"    while {phase}: {len(times):,} ok, p95 {p95(times) * 1000:.0f} ms")
    for failure in asker.failures[:5]:
        print(f"    failed: {failure}")
    print("  by mutation (files, refused whole, with a problem):")
    for mutation, counts in totals["by mutation"].items():
        print(f"    {mutation}: {counts['files']}, {counts['refused']}, {counts['problems']}")
    for result in results:
        if result.problems:
            print(f"  PROBLEM {result.case.number} {result.case.route} {result.case.mutation}: {result.problems[:5]}")


if __name__ == "__main__":
    sys.exit(main())
