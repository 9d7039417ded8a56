"""The Django side of ``crash.py``, run as a subprocess on the throwaway database that ``DATABASE_URL`` names.

``python reliability/crash_django.py setup OUT.json``: a small demo area and an API key for the police's system
(``--may-import``), written to OUT.json with the children the key may see and that are not missing now.

``python reliability/crash_django.py check STATE.json OUT.json``: reads what ``crash.py`` recorded (every write
the API acknowledged, every extract it queued, the workers it killed) and writes the figures and every
violation found (see ``check``).
"""

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COORDINATOR = "coordinator"
# Said by an import's pages while its batch has not finished (templates/imports/batch.html, list.html).
NOT_FINISHED = "Not finished"
ROWS_SO_FAR = "Rows imported so far"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def setup(out: Path, children: int) -> None:
    from django.core.management import call_command

    from joinedup.access import policy
    from joinedup.accounts.models import User
    from joinedup.agencies.models import Agency
    from joinedup.api.services import api_client_add
    from joinedup.missing.models import MissingEpisode

    call_command("demo_area", children=children, seed=2016, verbosity=0)
    coordinator = User.objects.get(username=COORDINATOR)
    client, key = api_client_add(
        actor=coordinator, agency=Agency.objects.get(code="POL"), name="Crash test system", may_import=True
    )
    missing = {
        str(pk) for pk in MissingEpisode.objects.filter(returned_at__isnull=True).values_list("child_id", flat=True)
    }
    visible = [str(pk) for pk in policy.children_visible_to(client.user).values_list("pk", flat=True)]
    out.write_text(
        json.dumps({"key": key, "children": visible, "not_missing": [c for c in visible if c not in missing]})
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_alive(worker: str) -> bool:
    worker_host, _, pid = worker.rpartition(":")
    return worker_host == socket.gethostname() and pid.isdigit() and _alive(int(pid))


def _jobs_check(violations: list[str], figures: dict[str, Any]) -> None:
    """No job is left queued or running by a worker that is gone: each names its worker ("host:pid") once
    started; one not started yet must still have its task waiting in the queue."""
    from django_tasks_db.models import DBTaskResult

    from joinedup.jobs.models import Job, JobStatus

    host = socket.gethostname()
    waiting = {
        str((task.args_kwargs.get("args") or [None])[0])
        for task in DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    }
    stuck = 0
    for job in Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]):
        if job.worker:
            worker_host, _, pid = job.worker.rpartition(":")
            if worker_host == host and (not pid.isdigit() or not _alive(int(pid))):
                stuck += 1
                violations.append(f"job {job.pk} ({job.kind}) is left {job.status} by worker {job.worker}, gone")
        elif str(job.pk) not in waiting:
            stuck += 1
            violations.append(f"job {job.pk} ({job.kind}) is {job.status} with no task waiting for the worker")
    figures["jobs_left_running"] = stuck
    figures["jobs_failed_worker_stopped"] = Job.objects.filter(
        status=JobStatus.FAILED, message__startswith="The worker stopped"
    ).count()
    figures["tasks_running"] = DBTaskResult.objects.filter(status="RUNNING").count()


def _writes_check(state: dict[str, Any], violations: list[str], figures: dict[str, Any]) -> None:
    """Every write the API acknowledged is there with its audit row; every request sent, once or retried with
    its key after a crash, made exactly one concern."""
    from joinedup.audit.models import AuditEvent, AuditKind
    from joinedup.concerns.models import Concern
    from joinedup.missing.models import MissingEpisode

    concerns: dict[str, str] = state["concerns"]  # token -> id acknowledged
    present = {str(pk) for pk in Concern.objects.filter(pk__in=list(concerns.values())).values_list("pk", flat=True)}
    audited = set(
        AuditEvent.objects.filter(kind=AuditKind.CONCERN_RECORDED, object_id__in=list(concerns.values())).values_list(
            "object_id", flat=True
        )
    )
    for token, pk in concerns.items():
        if pk not in present:
            violations.append(f"acknowledged concern {pk} ({token}) is missing")
        if pk not in audited:
            violations.append(f"acknowledged concern {pk} has no audit row")
    by_token: dict[str, int] = {}
    for text in Concern.objects.filter(what_happened__startswith="Crash test ").values_list("what_happened", flat=True):
        token = text.split()[2]
        by_token[token] = by_token.get(token, 0) + 1
    for token, count in by_token.items():
        if count > 1:
            violations.append(f"request {token} made {count} concerns")
    episodes: dict[str, bool] = state["episodes"]  # id -> whether its return was acknowledged
    found = {
        str(pk): returned
        for pk, returned in MissingEpisode.objects.filter(pk__in=list(episodes)).values_list("pk", "returned_at")
    }
    reported = set(
        AuditEvent.objects.filter(kind=AuditKind.MISSING_REPORTED, object_id__in=list(episodes)).values_list(
            "object_id", flat=True
        )
    )
    returned_audit = set(
        AuditEvent.objects.filter(kind=AuditKind.MISSING_RETURNED, object_id__in=list(episodes)).values_list(
            "object_id", flat=True
        )
    )
    returns = 0
    for pk, returned in episodes.items():
        if pk not in found:
            violations.append(f"acknowledged missing episode {pk} is missing")
            continue
        if pk not in reported:
            violations.append(f"acknowledged missing episode {pk} has no audit row")
        if returned:
            returns += 1
            if found[pk] is None:
                violations.append(f"acknowledged return of episode {pk} is missing")
            if pk not in returned_audit:
                violations.append(f"acknowledged return of episode {pk} has no audit row")
    figures["writes_acknowledged"] = len(concerns) + len(episodes) + returns
    figures["writes_present"] = (
        len(present)
        + len([pk for pk in episodes if pk in found])
        + len([pk for pk, returned in episodes.items() if returned and found.get(pk) is not None])
    )
    figures["requests_with_two_results"] = len([c for c in by_token.values() if c > 1])


def _batches_check(state: dict[str, Any], violations: list[str], figures: dict[str, Any]) -> None:
    """No partial batch visible: every import batch the Imports pages show is either

    - finished: ``finished_at`` set, its rows every row of its files, its counts adding up to them, its job done
      and linking to it; or
    - shown "Not finished" on its page ("Rows imported so far") and in the list, counting exactly the rows it
      committed (records carrying the batch, rows kept aside), while its job runs in a live worker or has failed
      saying the worker stopped.
    """
    from django.test import Client
    from django.urls import reverse

    from joinedup.demo.generator import DEMO_PASSWORD
    from joinedup.imports.models import ImportBatch, ImportKind, PersonRecord, RejectedRow
    from joinedup.jobs.models import Job, JobStatus

    extracts: dict[str, dict[str, Any]] = state["extracts"]  # digest -> {"rows": n, "job": id}
    client = Client()
    # Through the sign-in page, as a coordinator does (the session's sign-in time is what the timeouts read).
    signed_in = client.post("/sign-in/", {"username": COORDINATOR, "password": DEMO_PASSWORD})
    if signed_in.status_code != 302:
        raise RuntimeError(f"the coordinator could not sign in ({signed_in.status_code})")
    listing = client.get(reverse("imports:list")).content.decode()
    complete = unfinished = 0
    for batch in ImportBatch.objects.filter(kind=ImportKind.AGENCY_EXTRACT, sha256__in=list(extracts)):
        sent = extracts[batch.sha256]
        job = Job.objects.filter(pk=sent["job"]).first()
        records = PersonRecord.objects.filter(batch=batch).count()
        kept_aside = RejectedRow.objects.filter(batch=batch).count()
        counted = batch.created + batch.updated + batch.unchanged + batch.unhandled_count + batch.waiting
        where = f"batch {batch.pk} (job {sent['job']})"
        if counted + batch.rejected != batch.rows:
            violations.append(f"{where}: its counts do not add up to its rows ({batch.counts()})")
        if (batch.created, batch.rejected) != (records, kept_aside):
            violations.append(
                f"{where} counts {batch.created} created and {batch.rejected} kept aside, "
                f"but {records} records and {kept_aside} kept-aside rows were committed"
            )
        if batch.finished_at is not None:
            complete += 1
            if batch.rows != sent["rows"]:
                violations.append(f"{where} finished with {batch.rows} of its {sent['rows']} rows")
            # The job is marked done just after the batch's last transaction: running (in a live worker) until then.
            done = job is not None and job.status == JobStatus.DONE and str(batch.pk) in job.result_url
            if not done and not (job is not None and job.status == JobStatus.RUNNING and _worker_alive(job.worker)):
                violations.append(f"{where} finished but its job says {job.status if job else 'nothing'}")
            continue
        unfinished += 1
        page = client.get(reverse("imports:batch-detail", args=[batch.pk])).content.decode()
        if NOT_FINISHED not in page or ROWS_SO_FAR not in page:
            violations.append(f"{where} has not finished but its page does not say so")
        row = listing.split(f'href="{reverse("imports:batch-detail", args=[batch.pk])}"', 1)[-1].split("</tr>", 1)[0]
        if NOT_FINISHED not in row:
            violations.append(f"{where} has not finished but the list of imports does not say so")
        if job is None:
            violations.append(f"{where} has not finished and has no job")
        elif job.status == JobStatus.FAILED:
            if not job.message.startswith("The worker stopped"):
                violations.append(f"{where} stopped, its job failed saying {job.message!r}")
        elif job.status == JobStatus.RUNNING:
            if not _worker_alive(job.worker):
                violations.append(f"{where} is running in worker {job.worker!r}, which is gone")
        else:
            violations.append(f"{where} has not finished, its job is {job.status}")
    figures["batches_complete"] = complete
    figures["batches_not_finished_shown"] = unfinished


def check(state_path: Path, out: Path) -> None:
    from django.db import transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()
    state = json.loads(state_path.read_text())
    violations: list[str] = []
    figures: dict[str, Any] = {}
    # One transaction: the counts, the records and the pages are read at one moment while the worker goes on.
    with transaction.atomic():
        _writes_check(state, violations, figures)
        _jobs_check(violations, figures)
        _batches_check(state, violations, figures)
    out.write_text(json.dumps({"figures": figures, "violations": violations}))


def main(argv: list[str]) -> None:
    _django()
    if argv[0] == "setup":
        setup(Path(argv[1]), int(argv[2]) if len(argv) > 2 else 8)
    elif argv[0] == "check":
        check(Path(argv[1]), Path(argv[2]))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}: setup OUT.json [CHILDREN] | check STATE.json OUT.json")


if __name__ == "__main__":
    main(sys.argv[1:])
