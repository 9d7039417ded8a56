"""The inspection data pack: asked for by a leader or the coordinator for a date, built by the worker into one ZIP
(the missing returns for that date, the CIN assessment factor counts, the oversight figures, a README), each
count equal to its drill-down list, downloaded by its requester with every child audited."""

import csv
import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import Concern, ConcernCategory
from joinedup.datapack import selectors, services
from joinedup.datapack.models import DataPack
from joinedup.datapack.tasks import data_pack_build_task
from joinedup.imports.models import ReturnKind
from joinedup.imports.returns import return_plan
from joinedup.imports.services import annex_a_missing_export
from joinedup.jobs.models import Job, JobStatus
from joinedup.missing.models import EpisodeKind
from joinedup.missing.tests.factories import MissingEpisodeFactory
from joinedup.oversight import figures

pytestmark = pytest.mark.django_db
UTC = dt.UTC
AS_AT = dt.date(2026, 10, 25)  # the clocks went back on 26 Oct 2025 and go back on 25 Oct 2026


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC")


@pytest.fixture
def coordinator(csc):
    return UserFactory.create(username="coord", agency=csc, roles=[RoleCode.COORDINATOR])


@pytest.fixture
def leader(csc):
    return UserFactory.create(username="leader", agency=csc, roles=[RoleCode.LEADER])


def _child(csc, la_child_id: str, **fields):
    return ChildFactory.create(
        owning_agency=csc, la_child_id=la_child_id, date_of_birth=dt.date(2010, 2, 1), looked_after=True, **fields
    )


def _episode(child, started_at: dt.datetime, kind: str = EpisodeKind.MISSING):
    return MissingEpisodeFactory.create(
        child=child, kind=kind, started_at=started_at, returned_at=started_at + dt.timedelta(hours=5)
    )


def _concern(child, category: str, occurred_at: dt.datetime, *, recorded_at: dt.datetime | None = None, **fields):
    recorder = UserFactory.create(agency=child.owning_agency)
    return Concern.objects.create(
        child=child,
        category=category,
        owning_agency=child.owning_agency,
        recorded_by=recorder,
        occurred_at=occurred_at,
        recorded_at=recorded_at or occurred_at,
        what_happened="Seen getting into a car with an adult of concern",
        **fields,
    )


def _at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def area(csc):
    """A small known area: which children have which factor in the 12 months to AS_AT is stated here."""
    ada, ben, cal, dee, eve = (_child(csc, f"LA000{n}") for n in range(1, 6))
    # Ada: two missing episodes and a CSE concern: once under 10A, once under 11A.
    _episode(ada, _at(2026, 3, 1))
    _episode(ada, _at(2026, 4, 1))
    _concern(ada, ConcernCategory.CSE, _at(2026, 5, 1))
    _concern(ada, ConcernCategory.CSE, _at(2026, 6, 1))
    # Ben: away from placement only (not 10A), criminal exploitation and gangs.
    _episode(ben, _at(2026, 2, 1), kind=EpisodeKind.AWAY)
    _concern(ben, ConcernCategory.CCE, _at(2026, 7, 1))
    _concern(ben, ConcernCategory.GANGS, _at(2026, 7, 2))
    # Cal: trafficking, and a missing concern with no episode: 10A and 12A.
    _concern(cal, ConcernCategory.TRAFFICKING, _at(2026, 1, 5))
    _concern(cal, ConcernCategory.MISSING, _at(2026, 1, 6))
    # Dee: only outside the period, an entry in error, and one recorded after the date: nothing.
    _episode(dee, _at(2025, 6, 1))
    _concern(dee, ConcernCategory.CSE, _at(2026, 11, 1))
    _concern(dee, ConcernCategory.CCE, _at(2026, 8, 1), entered_in_error=True)
    _concern(dee, ConcernCategory.GANGS, _at(2026, 8, 1), recorded_at=_at(2026, 10, 30))
    # Eve: nothing at all.
    return {"ada": ada, "ben": ben, "cal": cal, "dee": dee, "eve": eve}


EXPECTED = {"10A": {"ada", "cal"}, "11A": {"ada"}, "12A": {"cal"}, "13A": {"ben"}, "24A": {"ben"}}


def _names(area, children) -> set[str]:
    by_pk = {child.pk: name for name, child in area.items()}
    return {by_pk[child.pk] for child in children}


def test_each_cin_factor_counts_each_child_once_and_equals_its_list(coordinator, area):
    counts = selectors.factor_counts(user=coordinator, as_at=AS_AT)
    for code, expected in EXPECTED.items():
        listed = list(selectors.factor_children(user=coordinator, code=code, as_at=AS_AT))
        assert _names(area, listed) == expected, code
        assert counts[code] == len(listed) == len(expected), code


def test_a_factors_drill_down_lists_its_children_and_audits_them_in_one_statement(leader, area, sign_in, client):
    sign_in(leader)
    url = reverse("datapack:factor", kwargs={"code": "10A"})
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"as_at": AS_AT.isoformat()})
    assert page.status_code == 200
    shown = list(page.context["page"].object_list)
    assert _names(area, shown) == EXPECTED["10A"]
    assert page.context["page"].paginator.count == 2
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=leader)
    assert {event.child_id for event in listed} == {child.pk for child in shown}
    inserts = [q for q in queries.captured_queries if 'INSERT INTO "audit_auditevent"' in q["sql"]]
    assert len(inserts) == 1
    assert client.get(reverse("datapack:factor", kwargs={"code": "99Z"})).status_code == 404


def _request_and_build(client, data, capture) -> DataPack:
    with capture(execute=True):
        response = client.post(reverse("datapack:request"), data)
    assert response.status_code == 302, response.content[:500]
    pack = DataPack.objects.get()
    assert response["Location"] == reverse("datapack:detail", kwargs={"pack_id": pack.pk})
    queued = DBTaskResult.objects.get(task_path__endswith="data_pack_build_task")
    data_pack_build_task.call(*queued.args_kwargs["args"])
    pack.refresh_from_db()
    return pack


def _csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode())))


def test_the_pack_is_built_in_the_worker_with_progress_and_downloaded_by_its_requester_with_each_child_audited(
    coordinator, area, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    pack = _request_and_build(client, {"as_at": AS_AT.isoformat()}, django_capture_on_commit_callbacks)
    assert AuditEvent.objects.filter(kind=AuditKind.DATA_PACK_REQUESTED, object_id=str(pack.pk)).count() == 1
    assert (pack.as_at, pack.period_start) == (AS_AT, dt.date(2025, 10, 26))
    job = Job.objects.get(pk=pack.job_id)
    # Five looked-after children through each return, then the factors and the figures.
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.DONE, 12, 12)
    assert pack.factor_counts == {code: len(names) for code, names in EXPECTED.items()}
    page = client.get(reverse("datapack:detail", kwargs={"pack_id": pack.pk})).content.decode()
    assert "12 of 12 done (100%)" in page and "Download inspection-data-pack-20261025.zip" in page
    # Building names nobody's child in the audit: nobody has seen the file yet.
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED).exists()

    download = client.get(reverse("datapack:download", kwargs={"pack_id": pack.pk}))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="inspection-data-pack-20261025.zip"'
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == sorted(
        ["annex_a_list_8.csv", "ssda903_missing.csv", "cin_factors.csv", "figures.csv", "README.txt"]
    )
    exported = AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED, actor=coordinator)
    assert {e.child_id for e in exported} == {child.pk for child in area.values()}
    assert exported.count() == len(area)
    assert AuditEvent.objects.filter(kind=AuditKind.DATA_PACK_DOWNLOADED, object_id=str(pack.pk)).count() == 1
    listed = client.get(reverse("datapack:list")).content.decode()
    assert "Download inspection-data-pack-20261025.zip" in listed


def test_the_zip_holds_each_file_with_its_header_and_the_annex_a_rows_the_returns_build(
    coordinator, area, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    pack = _request_and_build(client, {"as_at": AS_AT.isoformat()}, django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(io.BytesIO(services.data_pack_download(user=coordinator, pack=pack)))
    annex_a = archive.read("annex_a_list_8.csv").decode()
    assert annex_a == annex_a_missing_export(user=coordinator, period_end=AS_AT)
    assert annex_a.splitlines()[0].startswith("Child unique ID,Number of missing episodes in the last 12 months")
    assert annex_a.splitlines()[1:] == [
        "LA0001,2,0,N,N",
        "LA0002,0,1,,",
        "LA0003,0,0,,",
        "LA0004,0,0,,",
        "LA0005,0,0,,",
    ]
    ssda903 = _csv(archive, "ssda903_missing.csv")
    assert ssda903[0] == ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
    assert [row[0] for row in ssda903[1:]] == ["LA0001", "LA0001", "LA0002", "LA0004"]
    factors = _csv(archive, "cin_factors.csv")
    assert factors[0] == services.CIN_FACTOR_COLUMNS
    assert {row[0]: int(row[2]) for row in factors[1:]} == {code: len(names) for code, names in EXPECTED.items()}
    rows = _csv(archive, "figures.csv")
    assert rows[0] == services.FIGURE_COLUMNS
    period = figures.Filters(start=pack.period_start, end=AS_AT)
    expected = [
        [section, item.figure.label, str(item.count)]
        for section, counted in figures.figure_counts(user=coordinator, filters=period)
        for item in counted
    ]
    assert [[row[0], row[1], row[3]] for row in rows[1:]] == expected
    assert {row[4] for row in rows[1:]} == {"2025-10-26"} and {row[5] for row in rows[1:]} == {"2026-10-25"}
    episodes = next(row for row in rows[1:] if row[1] == figures.BY_KEY["missing-episodes"].label)
    assert episodes[3] == "3"  # Ada's two missing and Ben's away episode
    readme = archive.read("README.txt").decode()
    assert "as at 25 October 2026" in readme and "26 October 2025 to 25 October 2026" in readme
    for name in archive.namelist():
        assert name == "README.txt" or name in readme


def test_the_ssda903_table_as_at_the_date_leaves_out_later_episodes_and_a_later_return(coordinator, csc):
    child = _child(csc, "LA0009")
    MissingEpisodeFactory.create(
        child=child, started_at=_at(2026, 10, 25, 20), returned_at=_at(2026, 10, 26, 9)
    )  # still missing at the end of the date
    _episode(child, _at(2026, 10, 27))
    plan = return_plan(user=coordinator, kind=ReturnKind.SSDA903_MISSING, period_end=AS_AT)
    text = "".join(chunk.text for chunk in plan.chunks)
    assert text.splitlines() == ["LA0009,01/02/2010,M,25/10/2026,"]
    every = return_plan(user=coordinator, kind=ReturnKind.SSDA903_MISSING)
    assert len("".join(chunk.text for chunk in every.chunks).splitlines()) == 2


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        # The start: 00:00 on 26 Oct 2025 in London was still summer time, 23:00 UTC the day before.
        (_at(2025, 10, 25, 22, 59), False),
        (_at(2025, 10, 25, 23, 0), True),
        # The end: the clocks went back on 25 Oct 2026, so the day ends at 00:00 UTC.
        (_at(2026, 10, 25, 23, 59), True),
        (_at(2026, 10, 26, 0, 0), False),
    ],
)
def test_the_as_at_dates_are_uk_days_across_a_clock_change(coordinator, csc, moment, inside):
    child = _child(csc, "LA0007")
    _episode(child, moment)
    _concern(child, ConcernCategory.CSE, moment)
    annex_a = annex_a_missing_export(user=coordinator, period_end=AS_AT).splitlines()[1]
    assert annex_a.startswith("LA0007,1,") is inside
    for code in ("10A", "11A"):
        assert selectors.factor_counts(user=coordinator, as_at=AS_AT)[code] == int(inside)


def test_a_leap_day_is_as_at_the_12_months_from_1_march():
    assert selectors.period_for(dt.date(2028, 2, 29)).start == dt.date(2027, 3, 1)
    assert selectors.period_for(dt.date(2026, 3, 31)).start == dt.date(2025, 4, 1)


@pytest.mark.parametrize("role", [RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.ADMINISTRATOR])
def test_a_user_without_the_right_is_refused_and_nothing_is_written(role, csc, area, sign_in, client):
    user = UserFactory.create(agency=csc, roles=[role])
    sign_in(user)
    before = AuditEvent.objects.count()
    assert client.post(reverse("datapack:request"), {"as_at": AS_AT.isoformat()}).status_code == 403
    assert client.get(reverse("datapack:list")).status_code == 403
    assert client.get(reverse("datapack:factor", kwargs={"code": "11A"})).status_code == 403
    assert not DataPack.objects.exists() and not Job.objects.exists()
    assert AuditEvent.objects.count() == before


def test_another_users_pack_is_not_found_and_a_user_who_lost_the_right_cannot_download(
    coordinator, leader, area, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    pack = _request_and_build(client, {}, django_capture_on_commit_callbacks)
    sign_in(leader)
    assert client.get(reverse("datapack:detail", kwargs={"pack_id": pack.pk})).status_code == 404
    assert client.get(reverse("datapack:download", kwargs={"pack_id": pack.pk})).status_code == 404
    coordinator.roles.set([])
    with pytest.raises(services.PermissionDenied):
        services.data_pack_download(user=coordinator, pack=pack)
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED).exists()


@time_machine.travel(dt.datetime(2026, 6, 30, 23, 30, tzinfo=UTC), tick=False)
def test_the_date_defaults_to_today_in_london_and_a_future_or_too_early_date_is_refused(
    coordinator, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    form = client.get(reverse("datapack:list")).context["form"]
    assert form.fields["as_at"].initial == dt.date(2026, 7, 1)  # 00:30 on 1 July in London
    for day, message in (("2026-07-02", "today or in the past"), ("1999-12-31", "1 January 2000 or later")):
        refused = client.post(reverse("datapack:request"), {"as_at": day})
        assert refused.status_code == 400
        assert message in refused.context["form"].errors["as_at"][0]
    assert not DataPack.objects.exists()
    pack = _request_and_build(client, {"as_at": ""}, django_capture_on_commit_callbacks)
    assert pack.as_at == dt.date(2026, 7, 1)


def test_a_packs_file_is_deleted_after_its_days_and_its_record_stays(
    coordinator, area, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(coordinator)
    pack = _request_and_build(client, {"as_at": AS_AT.isoformat()}, django_capture_on_commit_callbacks)
    later = pack.created_at + dt.timedelta(days=selectors.DATA_PACK_FILE_DAYS, minutes=1)
    assert services.data_packs_delete_expired(now=later) == 1
    pack.refresh_from_db()
    assert (pack.zip_data, pack.file_size, pack.child_ids, pack.is_ready) == (None, 0, "", False)
    assert client.get(reverse("datapack:download", kwargs={"pack_id": pack.pk})).status_code == 404
    assert pack.factor_counts  # the counts, which name no child, stay


def test_the_oversight_dashboard_links_to_the_pack_for_those_who_may_use_it(coordinator, csc, sign_in, client):
    sign_in(coordinator)
    assert reverse("datapack:list") in client.get(reverse("oversight:dashboard")).content.decode()
    manager = UserFactory.create(agency=csc, roles=[RoleCode.MANAGER])
    sign_in(manager)
    assert reverse("datapack:list") not in client.get(reverse("oversight:dashboard")).content.decode()
