"""The import and returns pages, and the management commands."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import ImportBatch, RejectedRow
from joinedup.missing.models import MissingEpisode

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).parent / "agency-extract-example"
HEADER = "CHILD,DOB,MISSING,MIS_START,MIS_END\r\n"


@pytest.fixture
def coordinator():
    AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    csc = AgencyFactory.create(code="CSC")
    ChildFactory.create(owning_agency=csc, la_child_id="LA0001", date_of_birth=dt.date(2010, 2, 1), looked_after=True)
    return UserFactory.create(username="coord", agency=csc, roles=[RoleCode.COORDINATOR])


def test_uploading_a_table_shows_the_counts_and_the_rows_kept_aside(coordinator, sign_in, client):
    sign_in(coordinator)
    content = (HEADER + "LA0001,01/02/2010,M,01/03/2025,02/03/2025\r\nLA0001,01/02/2010,M,30/02/2025,\r\n").encode()
    response = client.post(
        reverse("imports:ssda903-upload"), {"file": SimpleUploadedFile("m.csv", content)}, follow=True
    )
    assert response.status_code == 200
    assert b"not a real date" in response.content
    row = RejectedRow.objects.get()
    page = client.get(reverse("imports:rejected-fix", kwargs={"row_id": row.pk}))
    assert b"30/02/2025" in page.content
    fixed = client.post(
        reverse("imports:rejected-fix", kwargs={"row_id": row.pk}), {**row.raw, "MIS_START": "20/03/2025"}, follow=True
    )
    assert fixed.status_code == 200
    row.refresh_from_db()
    assert row.is_resolved
    assert MissingEpisode.objects.count() == 2


def test_a_file_in_the_wrong_encoding_is_answered_with_the_reason_on_the_page(coordinator, sign_in, client):
    sign_in(coordinator)
    content = (HEADER + "Zoë,01/02/2010,M,01/03/2025,\r\n").encode("cp1252")
    response = client.post(reverse("imports:ssda903-upload"), {"file": SimpleUploadedFile("m.csv", content)})
    assert response.status_code == 200
    assert b"not saved as UTF-8" in response.content
    assert not ImportBatch.objects.exists()


def test_uploading_an_extract(coordinator, sign_in, client):
    sign_in(coordinator)
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in (EXAMPLE / "police").iterdir()]
    response = client.post(reverse("imports:extract-upload"), {"extract": files})
    assert response.status_code == 302
    assert ImportBatch.objects.get().rows == 6


def test_a_large_extract_is_imported_by_the_worker_with_progress_and_a_link_to_the_batch(
    coordinator, sign_in, client, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from joinedup.imports import extract, services
    from joinedup.jobs.models import Job, JobStatus

    settings.LARGE_IMPORT_BYTES = 100
    settings.IMPORT_SPOOL_DIR = str(tmp_path / "spool")
    sign_in(coordinator)
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in (EXAMPLE / "police").iterdir()]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:extract-upload"), {"extract": files})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert not ImportBatch.objects.exists(), "nothing imported until the worker runs"
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("agency_extract_import_task")
    assert sorted(p.name for p in (tmp_path / "spool" / str(job.pk)).iterdir()) == sorted(str(f.name) for f in files)

    seen: list[tuple[int, int, str]] = []
    importing = services.agency_extract_import

    def watched(**kwargs: Any) -> ImportBatch:  # what the job's page reads after each chunk
        report = kwargs["progress"]

        def progress(done: int, total: int) -> None:
            report(done, total)
            row = Job.objects.get(pk=job.pk)
            seen.append((row.progress_done, row.progress_total, row.status))

        return importing(**{**kwargs, "progress": progress})

    # The worker runs the import and counts its chunks in the extract module, so the watch goes there.
    monkeypatch.setattr(extract, "agency_extract_import", watched)
    monkeypatch.setattr(extract, "PROGRESS_CHUNK", 2)
    services.agency_extract_import_job_run(job_id=job.pk)
    job.refresh_from_db()
    batch = ImportBatch.objects.get()
    assert job.status == JobStatus.DONE
    assert seen == [(2, 6, "running"), (4, 6, "running"), (6, 6, "running")]
    assert job.result_url == reverse("imports:batch-detail", args=[batch.pk])
    assert batch.rows == 6
    assert not (tmp_path / "spool" / str(job.pk)).exists(), "the spooled files are removed once read"
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "See what was imported" in page and job.result_url in page


def test_a_large_upload_that_is_not_an_extract_is_refused_at_once(coordinator, sign_in, client, settings, tmp_path):
    from joinedup.jobs.models import Job

    settings.LARGE_IMPORT_BYTES = 10
    settings.IMPORT_SPOOL_DIR = str(tmp_path / "spool")
    sign_in(coordinator)
    response = client.post(
        reverse("imports:extract-upload"), {"extract": [SimpleUploadedFile("notes.txt", b"not an extract at all")]}
    )
    assert response.status_code == 200
    assert not Job.objects.exists()


_counter = iter(range(1000))


def _write(folder: Path, text: str, encoding: str = "utf-8") -> str:
    """A file for the import commands, in the test's own folder (removed with it, apart from any other run's)."""
    path = folder / f"import-{next(_counter)}.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_import_command_prints_counts_and_each_rejected_row(coordinator, capsys, tmp_path):
    path = _write(tmp_path, HEADER + "LA0001,01/02/2010,M,01/03/2025,\r\nLA0009,01/02/2010,M,01/03/2025,\r\n")
    call_command("import_ssda903_missing", path, "--as", "coord")
    out = capsys.readouterr().out
    assert "created 1" in out and "rejected 1" in out
    assert "row 3, column CHILD: No child with local authority child id LA0009" in out


def test_the_import_command_fails_with_a_clear_message_on_a_bad_file(coordinator, tmp_path):
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_ssda903_missing", _write(tmp_path, HEADER + "Zoë,,,,\r\n", "cp1252"), "--as", "coord")
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_ssda903_missing", _write(tmp_path, HEADER), "--as", "nobody")


def test_the_extract_command_imports_the_example_clean(coordinator, capsys):
    call_command("import_extract", str(EXAMPLE / "police"), str(EXAMPLE / "social-care"), "--as", "coord")
    out = capsys.readouterr().out
    assert "rejected 0" in out and "1 sighting" in out


def test_the_extract_command_without_as_imports_as_a_system_actor_naming_the_operator(coordinator, capsys):
    import getpass

    from joinedup.audit.models import AuditEvent, AuditKind

    call_command("import_extract", str(EXAMPLE / "police"), str(EXAMPLE / "social-care"), "--register-agencies")
    assert "rejected 0" in capsys.readouterr().out
    audit = AuditEvent.objects.get(kind=AuditKind.IMPORT_RUN)
    assert audit.actor_username == f"system.{getpass.getuser()}"
    # The system actor cannot sign in.
    assert audit.actor is not None and not audit.actor.has_usable_password()


def test_agency_add_registers_an_agency_for_a_first_install_and_refuses_bad_input(db, capsys):
    from joinedup.agencies.models import Agency

    call_command("agency_add", "pol", "Wealdbridge Police", "--kind", "police")
    assert "Registered POL" in capsys.readouterr().out
    assert Agency.objects.get(code="POL").kind == "police"
    with pytest.raises(CommandError, match="already exists"):
        call_command("agency_add", "POL", "Another Police", "--kind", "police")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("agency_add", "HEA", "Health", "--kind", "hospital")
    assert Agency.objects.count() == 1


def test_the_extract_command_without_as_on_an_empty_install_says_what_to_do_first(db, tmp_path):
    with pytest.raises(CommandError, match="agency_add"):
        call_command("import_extract", str(EXAMPLE / "police"))


def test_the_export_commands_write_the_returns(coordinator, tmp_path):
    call_command(
        "import_ssda903_missing",
        _write(tmp_path, HEADER + "LA0001,01/02/2010,A,01/03/2025,02/03/2025\r\n"),
        "--as",
        "coord",
    )
    call_command("export_ssda903_missing", str(tmp_path / "s.csv"), "--as", "coord")
    assert (tmp_path / "s.csv").read_text().splitlines()[1] == "LA0001,01/02/2010,A,01/03/2025,02/03/2025"
    call_command("export_annex_a", str(tmp_path / "a.csv"), "--as", "coord", "--period-end", "2025-06-30")
    assert (tmp_path / "a.csv").read_text().splitlines()[1] == "LA0001,0,1,,"
    practitioner = UserFactory.create(username="prac", agency=coordinator.agency)
    with pytest.raises(CommandError, match="may not export"):
        call_command("export_annex_a", str(tmp_path / "b.csv"), "--as", practitioner.username)


def test_a_queued_import_whose_files_are_gone_fails_with_the_reason_on_its_page(coordinator, settings, tmp_path):
    import shutil

    from joinedup.imports import services
    from joinedup.jobs.models import JobStatus

    settings.IMPORT_SPOOL_DIR = str(tmp_path / "spool")
    files = {p.name: p.read_bytes() for p in (EXAMPLE / "police").iterdir()}
    job = services.agency_extract_import_request(user=coordinator, files=files)
    shutil.rmtree(tmp_path / "spool" / str(job.pk))
    job = services.agency_extract_import_job_run(job_id=job.pk)
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("The import failed:")
    assert not ImportBatch.objects.exists()


def test_a_large_ssda903_table_is_imported_by_the_worker_a_chunk_at_a_time(
    coordinator, sign_in, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from joinedup.jobs.models import Job, JobKind, JobStatus
    from joinedup.jobs.tests.running import queued_tasks_run

    settings.LARGE_IMPORT_BYTES = 100
    settings.IMPORT_SPOOL_DIR = str(tmp_path / "spool")
    rows = "".join(f"LA0001,01/02/2010,M,{day:02d}/03/2025,{day:02d}/03/2025\r\n" for day in range(1, 8, 2))
    sign_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:ssda903-upload"), {"file": SimpleUploadedFile("m.csv", (HEADER + rows).encode())}
        )
    job = Job.objects.get()
    assert (job.kind, response["Location"]) == (JobKind.SSDA903_IMPORT, reverse("jobs:detail", args=[job.pk]))
    assert not MissingEpisode.objects.exists(), "nothing imported in the request"

    assert queued_tasks_run() == 1

    job.refresh_from_db()
    batch = ImportBatch.objects.get()
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.DONE, 4, 4)
    assert job.result_url == reverse("imports:batch-detail", args=[batch.pk])
    assert (batch.rows, batch.created, MissingEpisode.objects.count()) == (4, 4, 4)
    assert not (tmp_path / "spool" / str(job.pk)).exists()


@pytest.mark.parametrize("upload", ["imports:ssda903-upload", "imports:extract-upload"])
def test_a_file_over_the_row_cap_is_refused_as_a_whole_and_nothing_is_written(
    coordinator, sign_in, client, settings, upload
):
    from joinedup.jobs.models import Job

    settings.IMPORT_MAX_ROWS = 2
    sign_in(coordinator)
    if upload == "imports:ssda903-upload":
        rows = "".join(f"LA0001,01/02/2010,M,{day:02d}/03/2025,{day:02d}/03/2025\r\n" for day in (1, 3, 5))
        data: dict[str, Any] = {"file": SimpleUploadedFile("m.csv", (HEADER + rows).encode())}
    else:
        data = {"extract": [SimpleUploadedFile(p.name, p.read_bytes()) for p in (EXAMPLE / "police").iterdir()]}

    response = client.post(reverse(upload), data)

    assert response.status_code == 200
    assert "the platform takes at most 2 in one file" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not MissingEpisode.objects.exists()
    assert not Job.objects.exists()


def test_seeing_rows_kept_aside_is_audited_a_row_each(coordinator, sign_in, client):
    from joinedup.audit.models import AuditEvent, AuditKind

    sign_in(coordinator)
    content = (HEADER + "LA0009,01/02/2010,M,01/03/2025,\r\nLA0001,01/02/2010,M,30/02/2025,\r\n").encode()
    client.post(reverse("imports:ssda903-upload"), {"file": SimpleUploadedFile("m.csv", content)})
    batch = ImportBatch.objects.get()
    kept = sorted(str(pk) for pk in RejectedRow.objects.values_list("pk", flat=True))
    assert len(kept) == 2

    def seen() -> list[str]:
        return sorted(
            AuditEvent.objects.filter(kind=AuditKind.REJECTED_ROWS_VIEWED, actor=coordinator).values_list(
                "object_id", flat=True
            )
        )

    client.get(reverse("imports:batch-detail", kwargs={"batch_id": batch.pk}))
    assert seen() == kept
    client.get(reverse("imports:list"))
    assert seen() == sorted(kept * 2)
    client.get(reverse("imports:rejected-fix", kwargs={"row_id": int(kept[0])}))
    assert seen() == sorted([*kept * 2, kept[0]])
