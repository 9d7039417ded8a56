"""The missing returns on the Returns page: built in the worker a chunk at a time, downloaded when ready by the
user who asked, every child audited at download, formula-safe cells, and files deleted after their keeping."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports import returns
from joinedup.imports.models import ReturnFile, ReturnFileChunk, ReturnKind
from joinedup.imports.services import annex_a_missing_export, ssda903_missing_export
from joinedup.imports.tasks import return_build_task
from joinedup.jobs.models import JobStatus
from joinedup.missing.tests.factories import MissingEpisodeFactory

pytestmark = pytest.mark.django_db
LONDON = dt.timezone(dt.timedelta(hours=0))


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC")


@pytest.fixture
def coordinator(csc):
    return UserFactory.create(username="coord", agency=csc, roles=[RoleCode.COORDINATOR])


def _child(csc, la_child_id: str, *episodes: tuple[dt.date, str]):
    child = ChildFactory.create(
        owning_agency=csc, la_child_id=la_child_id, date_of_birth=dt.date(2010, 2, 1), looked_after=True
    )
    for day, kind in episodes:
        start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)
        ended = start + dt.timedelta(hours=5)
        MissingEpisodeFactory.create(child=child, kind=kind, started_at=start, returned_at=ended)
    return child


@pytest.fixture
def children(csc):
    return [
        _child(csc, "LA0002", (dt.date(2025, 3, 1), "M")),
        _child(csc, "LA0001", (dt.date(2025, 3, 10), "A"), (dt.date(2025, 2, 1), "M")),
        _child(csc, "LA0003"),
    ]


def _build(client, url: str, data: dict | None = None, capture=None) -> ReturnFile:
    """Ask for a return on the page, then run the task the worker would run."""
    with capture(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302
    queued = DBTaskResult.objects.filter(task_path__endswith="return_build_task").order_by("-enqueued_at").first()
    assert queued is not None, "the build was not queued for the worker"
    built = ReturnFile.objects.get(job_id=queued.args_kwargs["args"][0])
    assert response["Location"] == reverse("imports:return-file", kwargs={"file_id": built.pk})
    return_build_task.call(*queued.args_kwargs["args"])
    built.refresh_from_db()
    return built


def _content(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_a_return_is_built_in_the_worker_and_downloaded_with_the_name_it_always_had(
    coordinator, children, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("imports:ssda903-download"))
    waiting = ReturnFile.objects.get()
    assert asked["Location"] == reverse("imports:return-file", kwargs={"file_id": waiting.pk})
    page = client.get(asked["Location"]).content.decode()
    assert "Waiting for the worker" in page and "Download ssda903" not in page
    # Not ready: the download is not found, and the CSV address shows the file being built.
    assert client.get(reverse("imports:return-file-download", kwargs={"file_id": waiting.pk})).status_code == 404
    assert client.get(reverse("imports:ssda903-download"))["Location"] == asked["Location"]

    queued = DBTaskResult.objects.get(task_path__endswith="return_build_task")
    return_build_task.call(*queued.args_kwargs["args"])
    waiting.refresh_from_db()
    job = waiting.job
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.DONE, 3, 3)
    assert (waiting.rows, waiting.children) == (3, 2)
    page = client.get(asked["Location"]).content.decode()
    name = f"ssda903-missing-{timezone.localdate():%Y%m%d}.csv"
    assert f"Download {name}" in page and "3 of 3 done (100%)" in page

    download = client.get(reverse("imports:ssda903-download"))
    assert download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    assert _content(download).splitlines() == [
        "CHILD,DOB,MISSING,MIS_START,MIS_END",
        "LA0001,01/02/2010,M,01/02/2025,01/02/2025",
        "LA0001,01/02/2010,A,10/03/2025,10/03/2025",
        "LA0002,01/02/2010,M,01/03/2025,01/03/2025",
    ]
    listed = client.get(reverse("imports:returns")).content.decode()
    assert f"Download {name}" in listed


def test_the_csv_address_says_to_build_the_return_when_none_is_kept(coordinator, children, sign_in, client):
    sign_in(coordinator)
    response = client.get(reverse("imports:ssda903-download"), follow=True)
    assert response.redirect_chain == [(reverse("imports:returns"), 302)]
    assert "No SSDA903 missing table is ready for you yet" in response.content.decode()


def test_annex_a_is_built_for_the_period_asked_and_a_bad_date_queues_nothing(
    coordinator, children, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    bad = client.post(reverse("imports:annex-a-download"), {"period_end": "2025-02-30"})
    assert bad.status_code == 400
    assert not ReturnFile.objects.exists()
    built = _build(
        client, reverse("imports:annex-a-download"), {"period_end": "2025-12-31"}, django_capture_on_commit_callbacks
    )
    assert built.period_end == dt.date(2025, 12, 31)
    download = client.get(reverse("imports:annex-a-download"), {"period_end": "2025-12-31"})
    assert download["Content-Disposition"] == 'attachment; filename="annex-a-list-8-missing-20251231.csv"'
    assert _content(download).splitlines()[1:] == ["LA0001,1,1,N,N", "LA0002,1,0,N,N", "LA0003,0,0,,"]
    # Another period has no file yet.
    other = client.get(reverse("imports:annex-a-download"), {"period_end": "2025-06-30"})
    assert other["Location"] == reverse("imports:returns")


def test_downloading_audits_each_child_in_the_file_once_in_one_statement(
    coordinator, children, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    built = _build(client, reverse("imports:ssda903-download"), capture=django_capture_on_commit_callbacks)
    exported = AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED)
    assert not exported.exists(), "building is not reading: nobody has seen the file yet"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("imports:return-file-download", kwargs={"file_id": built.pk}))
        _content(response)
    inserts = [q for q in captured.captured_queries if 'INSERT INTO "audit_auditevent"' in q["sql"]]
    assert len(inserts) == 1, [q["sql"][:80] for q in captured.captured_queries]
    assert sorted(exported.values_list("child_id", flat=True), key=str) == sorted(
        (children[0].pk, children[1].pk), key=str
    )
    assert {event.actor_id for event in exported} == {coordinator.pk}


def test_a_large_return_is_written_and_audited_a_chunk_at_a_time_in_order(
    coordinator, csc, sign_in, client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(returns, "RETURN_CHUNK_CHILDREN", 2)
    # Children without a local authority id tie on it: the chunks still take each child exactly once.
    many = [_child(csc, "", (dt.date(2025, 3, day), "M")) for day in range(1, 6)]
    many.append(_child(csc, "LA0009", (dt.date(2025, 3, 9), "A")))
    sign_in(coordinator)
    built = _build(
        client, reverse("imports:annex-a-download"), {"period_end": "2025-12-31"}, django_capture_on_commit_callbacks
    )
    assert ReturnFileChunk.objects.filter(return_file=built).count() == 1 + 3  # the header, then 2 children each
    with CaptureQueriesContext(connection) as captured:
        downloaded = _content(client.get(reverse("imports:return-file-download", kwargs={"file_id": built.pk})))
    assert downloaded == annex_a_missing_export(user=coordinator, period_end=dt.date(2025, 12, 31))
    lines = downloaded.splitlines()[1:]
    assert sorted(line.split(",")[0] for line in lines[:5]) == sorted(str(c.pk) for c in many[:5])
    assert lines[5] == "LA0009,0,1,,"
    inserts = [q for q in captured.captured_queries if 'INSERT INTO "audit_auditevent"' in q["sql"]]
    assert len(inserts) == 3
    downloads = AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED, reason__contains="downloaded")
    assert sorted(downloads.values_list("child_id", flat=True), key=str) == sorted((c.pk for c in many), key=str)


def test_only_the_user_who_asked_may_download_the_file(
    coordinator, csc, children, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    built = _build(client, reverse("imports:ssda903-download"), capture=django_capture_on_commit_callbacks)
    another = UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])
    sign_in(another)
    for name in ("imports:return-file", "imports:return-file-download"):
        assert client.get(reverse(name, kwargs={"file_id": built.pk})).status_code == 404
    practitioner = UserFactory.create(agency=csc, roles=[RoleCode.PRACTITIONER])
    sign_in(practitioner)
    assert client.get(reverse("imports:return-file-download", kwargs={"file_id": built.pk})).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED).exists()


def test_a_file_holding_a_child_the_user_may_no_longer_see_is_not_served(
    csc, children, sign_in, client, django_capture_on_commit_callbacks
):
    manager = UserFactory.create(agency=csc, roles=[RoleCode.MANAGER])
    sign_in(manager)
    built = _build(client, reverse("imports:ssda903-download"), capture=django_capture_on_commit_callbacks)
    assert built.children == 2
    Involvement.objects.filter(child=children[0]).update(ended_at=timezone.now())
    response = client.get(reverse("imports:return-file-download", kwargs={"file_id": built.pk}), follow=True)
    assert response.redirect_chain == [(reverse("imports:returns"), 302)]
    assert "may no longer see" in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED).exists()


def test_return_files_are_deleted_after_the_days_they_are_kept(
    coordinator, children, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    old = _build(client, reverse("imports:ssda903-download"), capture=django_capture_on_commit_callbacks)
    url = reverse("imports:return-file-download", kwargs={"file_id": old.pk})
    with time_machine.travel(timezone.now() + dt.timedelta(days=returns.RETURN_FILE_DAYS - 1)):
        sign_in(coordinator)
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=returns.RETURN_FILE_DAYS, minutes=1)):
        sign_in(coordinator)
        # Past its keeping the file is not served, even before anything has deleted it.
        assert client.get(url).status_code == 404
        assert ReturnFile.objects.filter(pk=old.pk).exists()
        fresh = _build(client, reverse("imports:ssda903-download"), capture=django_capture_on_commit_callbacks)
        # Asking for a return deleted the old file and its chunks; the new one is kept.
        assert list(ReturnFile.objects.all()) == [fresh]
        assert not ReturnFileChunk.objects.filter(return_file_id=old.pk).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=3 * returns.RETURN_FILE_DAYS)):
        call_command("delete_expired_returns")
        assert not ReturnFile.objects.exists()
        assert not ReturnFileChunk.objects.exists()


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://example.invalid","Click")', '\'=HYPERLINK("http://example.invalid","Click")'),
        ("+SUM(1)", "'+SUM(1)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\rtext", "'\rtext"),
        ("LA0001", "LA0001"),
        ("-12.5", "-12.5"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(cell, written):
    assert returns.csv_cell_safe(cell) == written


def test_a_local_authority_id_that_looks_like_a_formula_reaches_the_return_as_text(coordinator, csc):
    _child(csc, "=HYPERLINK(1)", (dt.date(2025, 3, 1), "M"))
    ssda903 = ssda903_missing_export(user=coordinator).splitlines()[1]
    assert ssda903.startswith("'=HYPERLINK(1),")
    annex = annex_a_missing_export(user=coordinator, period_end=dt.date(2025, 12, 31)).splitlines()[1]
    assert annex.startswith("'=HYPERLINK(1),")


def test_a_build_for_someone_who_may_no_longer_export_fails_with_the_reason(coordinator, children):
    built = returns.return_build_request(user=coordinator, kind=ReturnKind.SSDA903_MISSING)
    coordinator.is_active = False  # left the partnership before the worker reached the build
    coordinator.save()
    returns.return_build_run(job_id=built.job_id)
    built.refresh_from_db()
    assert built.job.status == JobStatus.FAILED and not built.is_ready
    assert "no longer export" in built.job.message
