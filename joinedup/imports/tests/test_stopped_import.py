"""An import the worker stopped half way (killed between two chunks): its batch counts exactly the rows it
committed and its pages say it did not finish; importing the same file again finishes it."""

import pytest
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.imports import queued
from joinedup.imports.models import ImportBatch, PersonRecord, RejectedRow
from joinedup.imports.services import agency_extract_import

pytestmark = pytest.mark.django_db

HEADER = "record_id,agency,person_type,given_name,family_name,date_of_birth\n"


class WorkerKilled(Exception):
    """Stands for the worker's process ending between two chunks (as ``kill -9`` does)."""


def _people(rows: int) -> dict[str, bytes]:
    lines = [f"A-{n},POL,adult_of_concern,Adult{n},Example,1990-01-01\n" for n in range(rows)]
    lines[3] = "A-3,POL,alien,Bad,Row,1990-01-01\n"  # kept aside: an unknown person type
    return {"people.csv": (HEADER + "".join(lines)).encode()}


@pytest.fixture
def coordinator():
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    return UserFactory.create(agency=police, roles=[RoleCode.COORDINATOR])


def _stopped_after_first_chunk(coordinator, files: dict[str, bytes]) -> ImportBatch:
    def progress(done: int, total: int) -> None:
        raise WorkerKilled  # after the first chunk committed

    with pytest.raises(WorkerKilled):
        agency_extract_import(user=coordinator, path_or_files=files, refresh=False, progress=progress)
    return ImportBatch.objects.get()


def test_a_stopped_import_counts_what_it_committed_and_shows_it_did_not_finish(coordinator, sign_in, monkeypatch):
    monkeypatch.setattr("joinedup.imports.extract.PROGRESS_CHUNK", 10)
    files = _people(25)

    batch = _stopped_after_first_chunk(coordinator, files)

    committed = PersonRecord.objects.filter(batch=batch).count()
    kept_aside = RejectedRow.objects.filter(batch=batch).count()
    assert (committed, kept_aside) == (9, 1)
    assert batch.finished_at is None
    assert (batch.rows, batch.created, batch.rejected) == (10, committed, kept_aside)

    client = sign_in(coordinator)
    page = client.get(reverse("imports:batch-detail", args=[batch.pk])).content.decode()
    assert "Not finished" in page and "Rows imported so far" in page
    listing = client.get(reverse("imports:list")).content.decode()
    assert "Not finished" in listing


def test_importing_a_stopped_import_again_finishes_it(coordinator, sign_in, monkeypatch):
    monkeypatch.setattr("joinedup.imports.extract.PROGRESS_CHUNK", 10)
    files = _people(25)
    _stopped_after_first_chunk(coordinator, files)

    again = agency_extract_import(user=coordinator, path_or_files=files, refresh=False, progress=lambda d, t: None)

    assert again.finished_at is not None
    assert (again.rows, again.created, again.unchanged, again.rejected) == (25, 15, 9, 1)
    assert PersonRecord.objects.count() == 24
    client = sign_in(coordinator)
    page = client.get(reverse("imports:batch-detail", args=[again.pk])).content.decode()
    assert "Not finished" not in page


def test_each_chunk_commits_the_counts_inside_its_own_transaction():
    seen: list[int] = []
    for chunk in queued.chunks_committed(list(range(7)), lambda d, t: None, chunk=3, committed=seen.append):
        assert chunk
    assert seen == [3, 6, 7]
