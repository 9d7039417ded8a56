"""SSDA903 missing table: import, export, round trip, rejected rows and permissions."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import ImportBatch, RejectedRow
from joinedup.imports.parsers import ImportFileError
from joinedup.imports.services import (
    annex_a_missing_export,
    rejected_row_reimport,
    ssda903_missing_export,
    ssda903_missing_import,
)
from joinedup.missing.models import InterviewResponse, MissingEpisode, ReturnInterview

pytestmark = pytest.mark.django_db
HEADER = "CHILD,DOB,MISSING,MIS_START,MIS_END\r\n"


@pytest.fixture(autouse=True)
def early_april_2025():
    """The file's episodes are recent (their returns within six weeks), so each opens its return interview."""
    with time_machine.travel(dt.datetime(2025, 4, 3, 12, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC")


@pytest.fixture
def coordinator(csc):
    return UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])


@pytest.fixture
def children(csc):
    return {
        la_id: ChildFactory.create(owning_agency=csc, la_child_id=la_id, date_of_birth=dob, looked_after=True)
        for la_id, dob in [("LA0001", dt.date(2010, 2, 1)), ("LA0002", dt.date(2011, 5, 17))]
    }


def csv_of(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\r\n" for row in rows)).encode()


VALID = csv_of(
    "LA0001,01/02/2010,M,01/03/2025,03/03/2025",
    "LA0001,01/02/2010,A,10/03/2025,10/03/2025",
    "LA0001,01/02/2010,M,20/03/2025,",
    "LA0002,17/05/2011,M,2025-04-01,2025-04-02",
)


def test_a_valid_file_creates_episodes_with_return_interviews_due_72_hours_after_return(coordinator, children):
    batch = ssda903_missing_import(user=coordinator, name="missing.csv", content=VALID)
    assert batch.counts() == {
        "rows": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "unhandled": 0,
        "waiting": 0,
        "rejected": 0,
    }
    first = MissingEpisode.objects.get(source_key="ssda903:LA0001:2025-03-01")
    assert first.child == children["LA0001"]
    assert first.started_at == dt.datetime(2025, 3, 1, 0, 0, tzinfo=dt.UTC)
    assert first.reported_at == first.started_at
    assert first.owning_agency == coordinator.agency
    assert first.interview.due_at == dt.datetime(2025, 3, 6, 0, 0, tzinfo=dt.UTC)
    assert first.interview.owner == coordinator
    summer = MissingEpisode.objects.get(source_key="ssda903:LA0002:2025-04-01")
    assert summer.started_at == dt.datetime(2025, 3, 31, 23, 0, tzinfo=dt.UTC)  # 00:00 BST
    assert MissingEpisode.objects.get(source_key="ssda903:LA0001:2025-03-20").is_open
    assert ReturnInterview.objects.count() == 3
    audit = AuditEvent.objects.get(kind=AuditKind.IMPORT_RUN)
    assert audit.payload["created"] == 4 and audit.actor == coordinator


def test_the_interview_owner_is_the_childs_key_worker(coordinator, children):
    key_worker = UserFactory.create(agency=coordinator.agency)
    children["LA0002"].key_worker = key_worker
    children["LA0002"].save()
    ssda903_missing_import(user=coordinator, name="m.csv", content=csv_of("LA0002,17/05/2011,M,01/04/2025,02/04/2025"))
    assert ReturnInterview.objects.get().owner == key_worker


def test_the_same_file_twice_changes_nothing(coordinator, children):
    ssda903_missing_import(user=coordinator, name="missing.csv", content=VALID)
    again = ssda903_missing_import(user=coordinator, name="missing.csv", content=VALID)
    assert again.counts() == {
        "rows": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "unhandled": 0,
        "waiting": 0,
        "rejected": 0,
    }
    assert MissingEpisode.objects.count() == 4
    assert ReturnInterview.objects.count() == 3


def test_a_new_end_date_records_the_return(coordinator, children):
    ssda903_missing_import(user=coordinator, name="m.csv", content=csv_of("LA0001,01/02/2010,M,20/03/2025,"))
    batch = ssda903_missing_import(
        user=coordinator, name="m.csv", content=csv_of("LA0001,01/02/2010,M,20/03/2025,22/03/2025")
    )
    assert (batch.updated, batch.created) == (1, 0)
    episode = MissingEpisode.objects.get()
    assert episode.returned_at == dt.datetime(2025, 3, 22, tzinfo=dt.UTC)
    assert episode.interview.due_at == dt.datetime(2025, 3, 25, tzinfo=dt.UTC)


MALFORMED = [
    ("LA0001,01/02/2010,M,30/02/2025,", "MIS_START", "not a real date"),
    ("LA0001,01/02/2010,X,01/03/2025,", "MISSING", "must be M (missing) or A"),
    ("LA0001,01/02/2010,M,05/03/2025,01/03/2025", "MIS_END", "before MIS_START"),
    ("=CMD|' /C calc'!A0,01/02/2010,M,01/03/2025,", "CHILD", "spreadsheet formula"),
    ("LA9999,01/02/2010,M,01/03/2025,", "CHILD", "No child with local authority child id LA9999"),
    ("LA0001,02/02/2010,M,01/03/2025,", "DOB", "different date of birth"),
    (",01/02/2010,M,01/03/2025,", "CHILD", "blank"),
    ("LA0001,01/02/2010,M,soon,", "MIS_START", "not a date"),
    ("LA0001,01/02/2010,M,01/03/2025,,surplus", "", "cells"),
]


@pytest.mark.parametrize(("row", "column", "reason"), MALFORMED)
def test_a_bad_row_is_kept_aside_with_file_row_column_and_reason(coordinator, children, row, column, reason):
    good = "LA0002,17/05/2011,M,01/04/2025,02/04/2025"
    batch = ssda903_missing_import(user=coordinator, name="bad.csv", content=csv_of(good, row))
    assert (batch.rows, batch.created, batch.rejected) == (2, 1, 1)
    rejected = RejectedRow.objects.get()
    assert (rejected.file_name, rejected.row_number, rejected.column) == ("bad.csv", 3, column)
    assert reason in rejected.reason
    assert rejected.raw["CHILD"] == row.split(",")[0]


def test_overlapping_and_second_open_episodes_are_refused_with_the_reason(coordinator, children):
    content = csv_of(
        "LA0001,01/02/2010,M,01/03/2025,05/03/2025",
        "LA0001,01/02/2010,M,03/03/2025,04/03/2025",
        "LA0001,01/02/2010,M,10/03/2025,",
        "LA0001,01/02/2010,A,12/03/2025,",
    )
    batch = ssda903_missing_import(user=coordinator, name="m.csv", content=content)
    assert (batch.created, batch.rejected) == (2, 2)
    reasons = list(RejectedRow.objects.order_by("row_number").values_list("row_number", "reason"))
    assert reasons[0][0] == 3 and "overlaps" in reasons[0][1]
    assert reasons[1][0] == 5 and "already recorded as missing" in reasons[1][1]


def test_nothing_is_lost_and_nothing_duplicated_across_repeated_mixed_files(coordinator, children):
    content = csv_of(*[row for row, _, _ in MALFORMED], *VALID.decode().splitlines()[1:])
    for _ in range(2):
        batch = ssda903_missing_import(user=coordinator, name="mixed.csv", content=content)
        assert batch.rows == len(MALFORMED) + 4
        assert batch.created + batch.updated + batch.unchanged + batch.rejected == batch.rows
    assert MissingEpisode.objects.count() == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("CHILD,DOB,MISSING,MIS_START,MIS_END\nZoë,01/02/2010,M,01/03/2025,\n".encode("cp1252"), "UTF-8"),
        (b"CHILD,DOB,MIS_START\nLA0001,01/02/2010,01/03/2025\n", "missing the columns MISSING, MIS_END"),
        (b"CHILD,DOB,MISSING,MIS_START,MIS_END,PLACE\nLA0001,01/02/2010,M,01/03/2025,,x\n", "PLACE"),
    ],
)
def test_a_file_level_problem_is_a_clear_error_and_writes_nothing(coordinator, children, content, message):
    with pytest.raises(ImportFileError, match=message):
        ssda903_missing_import(user=coordinator, name="m.csv", content=content)
    assert not ImportBatch.objects.exists()
    assert not MissingEpisode.objects.exists()


def test_a_byte_order_mark_imports(coordinator, children):
    batch = ssda903_missing_import(user=coordinator, name="m.csv", content=b"\xef\xbb\xbf" + VALID)
    assert batch.created == 4


def test_import_then_export_gives_the_same_rows(coordinator, children):
    ssda903_missing_import(user=coordinator, name="missing.csv", content=VALID)
    exported = ssda903_missing_export(user=coordinator)
    expected = VALID.decode().replace("2025-04-01", "01/04/2025").replace("2025-04-02", "02/04/2025")
    assert exported == expected
    again = ssda903_missing_import(user=coordinator, name="exported.csv", content=exported.encode())
    assert again.unchanged == 4


def test_the_export_is_ordered_by_child_then_start_and_audits_each_child(coordinator, children):
    shuffled = csv_of(*reversed(VALID.decode().splitlines()[1:]))
    ssda903_missing_import(user=coordinator, name="m.csv", content=shuffled)
    lines = ssda903_missing_export(user=coordinator).splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == ["LA0001", "LA0001", "LA0001", "LA0002"]
    assert [line.split(",")[3] for line in lines[:3]] == ["01/03/2025", "10/03/2025", "20/03/2025"]
    exported = AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED)
    assert sorted(exported.values_list("child_id", flat=True), key=str) == sorted(
        (c.pk for c in children.values()), key=str
    )


def test_a_rejected_row_is_corrected_and_imported_alone(coordinator, children):
    batch = ssda903_missing_import(user=coordinator, name="m.csv", content=csv_of("LA0001,01/02/2010,M,30/02/2025,"))
    rejected = batch.rejected_rows.get()
    fixed = rejected_row_reimport(
        user=coordinator, rejected=rejected, values={**rejected.raw, "MIS_START": "28/02/2025"}
    )
    assert (fixed.created, fixed.rejected) == (1, 0)
    rejected.refresh_from_db()
    assert rejected.is_resolved and rejected.resolved_by_batch == fixed
    assert MissingEpisode.objects.get().source_key == "ssda903:LA0001:2025-02-28"


def test_a_correction_that_is_still_wrong_stays_aside(coordinator, children):
    batch = ssda903_missing_import(user=coordinator, name="m.csv", content=csv_of("LA0001,01/02/2010,M,30/02/2025,"))
    rejected = batch.rejected_rows.get()
    again = rejected_row_reimport(
        user=coordinator, rejected=rejected, values={**rejected.raw, "MIS_START": "31/02/2025"}
    )
    assert again.rejected == 1
    rejected.refresh_from_db()
    assert not rejected.is_resolved


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (RoleCode.COORDINATOR, True),
        (RoleCode.MANAGER, True),
        (RoleCode.PRACTITIONER, False),
        (RoleCode.LEADER, False),
        (RoleCode.ADMINISTRATOR, False),
    ],
)
def test_who_may_import(csc, children, role, allowed):
    user = UserFactory.create(agency=csc, roles=[role])
    if allowed:
        assert ssda903_missing_import(user=user, name="m.csv", content=VALID).created == 4
    else:
        with pytest.raises(PermissionDenied):
            ssda903_missing_import(user=user, name="m.csv", content=VALID)


def test_a_manager_matches_only_children_their_agency_may_see(children):
    manager = UserFactory.create(agency=AgencyFactory.create(code="POL"), roles=[RoleCode.MANAGER])
    batch = ssda903_missing_import(user=manager, name="m.csv", content=VALID)
    assert batch.rejected == 4
    assert "No child" in batch.rejected_rows.first().reason  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (RoleCode.COORDINATOR, True),
        (RoleCode.LEADER, True),
        (RoleCode.MANAGER, True),
        (RoleCode.PRACTITIONER, False),
        (RoleCode.ADMINISTRATOR, False),
    ],
)
def test_who_may_export(csc, children, role, allowed):
    user = UserFactory.create(agency=csc, roles=[role])
    for export in (ssda903_missing_export, annex_a_missing_export):
        if allowed:
            assert export(user=user)
        else:
            with pytest.raises(PermissionDenied):
                export(user=user)


def test_a_manager_exports_only_the_children_they_may_see(coordinator, children):
    ssda903_missing_import(user=coordinator, name="m.csv", content=VALID)
    manager = UserFactory.create(agency=AgencyFactory.create(code="POL"), roles=[RoleCode.MANAGER])
    assert ssda903_missing_export(user=manager).splitlines() == [HEADER.strip()]
    assert annex_a_missing_export(user=manager).count("\n") == 1


def test_annex_a_counts_the_last_12_months_and_the_interview_after_the_last_missing_episode(coordinator, children):
    ssda903_missing_import(
        user=coordinator,
        name="m.csv",
        content=csv_of(
            "LA0001,01/02/2010,M,01/03/2024,02/03/2024",
            "LA0001,01/02/2010,M,01/03/2025,03/03/2025",
            "LA0001,01/02/2010,A,10/03/2025,10/03/2025",
            "LA0001,01/02/2010,M,20/03/2025,21/03/2025",
            "LA0002,17/05/2011,A,01/04/2025,02/04/2025",
        ),
    )
    last = MissingEpisode.objects.get(source_key="ssda903:LA0001:2025-03-20").interview
    last.response = InterviewResponse.ACCEPTED
    last.offered_at = last.due_at
    last.save()
    rows = annex_a_missing_export(user=coordinator, period_end=dt.date(2025, 12, 31)).splitlines()
    assert rows[1:] == ["LA0001,2,1,Y,Y", "LA0002,0,1,,"]
    earlier = annex_a_missing_export(user=coordinator, period_end=dt.date(2025, 3, 15)).splitlines()
    assert earlier[1] == "LA0001,1,1,N,N"  # 01/03/2024 is more than 12 months before


def test_reimporting_the_export_of_episodes_recorded_in_the_app_changes_nothing(coordinator, children):
    child = children["LA0001"]
    london = dt.timezone(dt.timedelta(hours=0))
    # Recorded in the app to the minute: one same-day episode and one across two days.
    for start, end in [
        (dt.datetime(2025, 6, 10, 9, 30, tzinfo=london), dt.datetime(2025, 6, 10, 21, 0, tzinfo=london)),
        (dt.datetime(2025, 7, 1, 22, 0, tzinfo=london), dt.datetime(2025, 7, 2, 8, 0, tzinfo=london)),
    ]:
        MissingEpisode.objects.create(
            child=child, started_at=start, reported_at=start, returned_at=end, owning_agency=coordinator.agency
        )
    exported = ssda903_missing_export(user=coordinator)
    batch = ssda903_missing_import(user=coordinator, name="export.csv", content=exported.encode())
    assert (batch.created, batch.rejected, batch.unchanged) == (0, 0, 2)
    assert MissingEpisode.objects.filter(child=child).count() == 2


def test_a_day_granular_episode_overlapping_one_recorded_in_the_app_is_refused(coordinator, children):
    child = children["LA0001"]
    start = dt.datetime(2025, 6, 10, 9, 30, tzinfo=dt.UTC)
    MissingEpisode.objects.create(
        child=child,
        started_at=start,
        reported_at=start,
        returned_at=start + dt.timedelta(hours=5),
        owning_agency=coordinator.agency,
    )
    batch = ssda903_missing_import(
        user=coordinator, name="x.csv", content=csv_of("LA0001,01/02/2010,M,09/06/2025,10/06/2025")
    )
    assert (batch.created, batch.rejected) == (0, 1)
    assert "overlaps" in RejectedRow.objects.get(batch=batch).reason
