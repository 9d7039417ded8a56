"""The networks table follows any period: a period no refresh stored is worked out once by the worker, stored like
a latest period's, and read from then on; a refresh makes it stale; need-to-know as for the stored periods."""

import json
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.jobs.tests.running import queued_tasks_run
from joinedup.mapping import selectors, services
from joinedup.mapping.internals import analysis
from joinedup.mapping.internals.build import graph_data_build
from joinedup.mapping.models import MappingNodeChild, MappingPeriodNetworks, MappingResult, ResultKind
from joinedup.mapping.periods import latest_periods, period_key
from joinedup.mapping.services import mapping_snapshot_refresh, period_networks_request
from joinedup.mapping.summaries import network_summary
from joinedup.sharing.tests.factories import ShareDecisionFactory

from .planted import SINCE, UNTIL, plant
from .test_stored import _queries, grow

pytestmark = pytest.mark.django_db

OCTOBER = analysis.Period(SINCE, UNTIL)
QUERY = urlencode({"since": SINCE.isoformat(), "until": UNTIL.isoformat()})


def _roundtrip(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _pages() -> dict[str, str]:
    return {
        "hotspots": f"{reverse('mapping:hotspots')}?{QUERY}",
        "slider fragment": f"{reverse('mapping:hotspot-list')}?{QUERY}",
        "network view": f"{reverse('mapping:network')}?{QUERY}",
        "polling fragment": f"{reverse('mapping:period-networks')}?{QUERY}",
    }


def _jobs() -> list[Job]:
    return list(Job.objects.filter(kind=JobKind.MAPPING_PERIOD_NETWORKS))


def _tasks() -> list[DBTaskResult]:
    return [t for t in DBTaskResult.objects.all() if t.task_path.endswith("mapping_period_networks_task")]


@pytest.fixture
def area():
    planted = plant()
    grow(planted, 9)
    mapping_snapshot_refresh()
    return planted


def test_a_period_with_no_stored_networks_asks_the_worker_once_and_says_they_are_being_worked_out(
    area, sign_in, client, django_capture_on_commit_callbacks
):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(coordinator)
        pages = {name: client.get(url) for name, url in _pages().items()}
        again = client.get(_pages()["hotspots"])
        sign_in(leader)
        by_leader = client.get(_pages()["hotspots"])
    # Asked for six times by two people on four pages: one job, one task for the worker, one row of work.
    [job] = _jobs()
    [task] = _tasks()
    assert task.args_kwargs["args"] == [str(job.pk)]
    assert (job.requested_by, job.status, job.progress_total) == (coordinator, JobStatus.QUEUED, 3)
    work = MappingPeriodNetworks.objects.get()
    assert (work.period, work.job_id, work.complete) == (period_key(OCTOBER), job.pk, False)
    assert not MappingResult.objects.filter(kind=ResultKind.NETWORK, period=period_key(OCTOBER)).exists()
    for response in [*pages.values(), again, by_leader]:
        assert response.status_code == 200
        assert response.context["networks"] is None
        html = response.content.decode()
        assert 'id="networks-working"' in html
        assert "are being worked out by the background worker" in html
        assert "Waiting for the worker" in html
        # The fragment polls itself until they are stored.
        assert f'hx-get="{reverse("mapping:period-networks")}?{QUERY.replace("&", "&amp;")}' in html
        assert 'hx-trigger="every 2s"' in html


def test_the_latest_period_and_a_viewer_of_part_of_the_map_ask_the_worker_for_nothing(
    area, sign_in, client, django_capture_on_commit_callbacks
):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    ShareDecisionFactory.create(child=area.children["A1"], shared_with_agency=practitioner.agency)
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(coordinator)
        latest = client.get(f"{reverse('mapping:hotspots')}?days=28&back=0")
        sign_in(practitioner)
        theirs = {name: client.get(url) for name, url in _pages().items()}
    assert latest.context["networks"].rows  # stored by the refresh
    for response in theirs.values():
        assert response.context["networks"] is not None  # their own part of the map, worked out for them
        assert 'id="networks-working"' not in response.content.decode()
    assert not _jobs() and not _tasks() and not MappingPeriodNetworks.objects.exists()
    with pytest.raises(PermissionDenied):
        period_networks_request(user=practitioner, period=OCTOBER)
    # A latest period's networks are the refresh's: the worker is not asked for them, nor for over a year's.
    snapshot = selectors.snapshot_latest()
    assert snapshot is not None
    as_of = snapshot.as_of
    assert all(period_networks_request(user=coordinator, period=p) is None for p in latest_periods(as_of))
    assert period_networks_request(user=coordinator, period=analysis.Period(date(2025, 1, 1), UNTIL)) is None
    assert not _jobs() and not MappingPeriodNetworks.objects.exists()


def test_running_the_job_stores_the_networks_a_fresh_computation_finds_and_the_pages_then_show_them(
    area, sign_in, client, django_capture_on_commit_callbacks
):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_pages()["hotspots"])
    assert queued_tasks_run() == 1  # as the worker runs it
    [job] = _jobs()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (JobStatus.DONE, 3, 3, 100)
    assert "networks from 1 October 2026 to 31 October 2026 worked out" in job.message
    work = MappingPeriodNetworks.objects.get()
    data = graph_data_build()
    fresh = analysis.networks(data, OCTOBER)
    stored = MappingResult.objects.filter(kind=ResultKind.NETWORK, period=period_key(OCTOBER)).order_by("rank")
    assert work.complete and work.networks == len(fresh) >= 2  # the two planted networks at least
    assert [row.data for row in stored] == _roundtrip(fresh)
    assert [row.summary for row in stored] == _roundtrip([network_summary(data, row) for row in fresh])
    assert {row.snapshot_id for row in stored} == {work.snapshot_id}

    with django_capture_on_commit_callbacks(execute=True):
        shown = {name: client.get(url) for name, url in _pages().items()}
    for response in shown.values():
        listing = response.context["networks"]
        assert [row["members"] for row in listing.rows] == [row.summary["members"] for row in stored]
        html = response.content.decode()
        assert 'id="network-table"' in html and "Network 1" in html and "Station Hotel" in html
        assert 'id="networks-working"' not in html and "hx-trigger" not in html.split('id="period-networks"')[1][:200]
    assert len(_jobs()) == 1 and len(_tasks()) == 1  # read, not asked for again


def test_a_job_that_failed_is_asked_for_again_when_a_page_is_opened_not_while_polling(
    area, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_pages()["hotspots"])
    [job] = _jobs()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="The worker stopped")
    polled = client.get(_pages()["polling fragment"])
    assert 'id="networks-failed"' in polled.content.decode() and "The worker stopped" in polled.content.decode()
    assert "hx-trigger" not in polled.content.decode()  # stops polling
    assert len(_jobs()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        reopened = client.get(_pages()["hotspots"])
    assert 'id="networks-working"' in reopened.content.decode()
    assert len(_jobs()) == 2 and len(_tasks()) == 2
    assert MappingPeriodNetworks.objects.get().job_id != job.pk
    queued_tasks_run()
    assert MappingPeriodNetworks.objects.get().complete


def test_a_refresh_makes_the_stored_period_stale_and_the_page_asks_again(
    area, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_pages()["hotspots"])
    queued_tasks_run()
    old = MappingPeriodNetworks.objects.get()
    assert old.complete
    new = mapping_snapshot_refresh()
    # Nothing of the older mapping's period is left, or read.
    assert not MappingPeriodNetworks.objects.exists()
    assert not MappingResult.objects.filter(snapshot_id=old.snapshot_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(_pages()["hotspots"])
    assert page.context["networks"] is None
    assert 'id="networks-working"' in page.content.decode()
    work = MappingPeriodNetworks.objects.get()
    assert work.snapshot_id == new.pk and not work.complete and len(_jobs()) == 2


def test_a_job_for_a_mapping_replaced_before_or_while_it_runs_stores_nothing(
    area, sign_in, client, django_capture_on_commit_callbacks, monkeypatch
):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    with django_capture_on_commit_callbacks(execute=True):
        first = period_networks_request(user=coordinator, period=OCTOBER)
    assert first is not None and first.job_id is not None
    mapping_snapshot_refresh()  # before the worker reached it
    queued_tasks_run()
    job = Job.objects.get(pk=first.job_id)
    assert job.status == JobStatus.DONE and job.message.startswith("Not needed")
    assert not MappingResult.objects.filter(snapshot_id=first.snapshot_id).exists()

    with django_capture_on_commit_callbacks(execute=True):
        second = period_networks_request(user=coordinator, period=OCTOBER)
    assert second is not None and second.job_id is not None
    write = services._networks_write
    refreshed: list[bool] = []

    def write_then_refresh(*args: Any, **kwargs: Any) -> None:
        write(*args, **kwargs)
        if not refreshed:  # a refresh finishes while the job stores its rows (the refresh writes networks too)
            refreshed.append(True)
            mapping_snapshot_refresh()

    monkeypatch.setattr(services, "_networks_write", write_then_refresh)
    queued_tasks_run()
    job = Job.objects.get(pk=second.job_id)
    assert refreshed and job.status == JobStatus.DONE and job.message.startswith("Not kept")
    assert not MappingResult.objects.filter(snapshot_id=second.snapshot_id).exists()
    assert not MappingPeriodNetworks.objects.exists()


def test_a_viewer_who_may_not_see_a_child_never_sees_them_in_the_networks_table(
    area, sign_in, client, django_capture_on_commit_callbacks
):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_pages()["hotspots"])
    queued_tasks_run()
    whole = client.get(_pages()["hotspots"]).content.decode()
    # The stored table, read by the coordinator, has the network around the hotel and the grill A2 went to alone.
    assert "Station Hotel" in whole and "Mill Lane Grill" in whole

    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    ShareDecisionFactory.create(child=area.children["A1"], shared_with_agency=practitioner.agency)
    sign_in(practitioner)
    hidden = [area.children[k] for k in ("A2", "A3", "B1", "B2")]
    hidden_keys = set(
        MappingNodeChild.objects.filter(child_id__in=[c.pk for c in hidden]).values_list("node__key", flat=True)
    )
    assert hidden_keys
    for name, url in _pages().items():
        response = client.get(url)
        listing = response.context["networks"]
        html = response.content.decode()
        table = html.split('id="period-networks"')[1]
        for child in hidden:
            assert child.given_name not in html and str(child.pk) not in html, name
        for key in hidden_keys:
            assert key not in table and quote(key) not in table and quote(key, safe="") not in table, name
        assert "Mill Lane Grill" not in table, name  # only a hidden child was there
        assert sum(row["children"] for row in listing.rows) <= 1, name
    assert len(_jobs()) == 1


@pytest.mark.parametrize("role", [RoleCode.COORDINATOR, RoleCode.PRACTITIONER])
def test_the_pages_of_a_period_worked_out_on_request_make_as_many_queries_whatever_the_size(
    sign_in, client, role, django_capture_on_commit_callbacks
):
    planted = plant()
    user = UserFactory.create(roles=[role])
    ShareDecisionFactory.create(child=planted.children["A1"], shared_with_agency=user.agency)
    sign_in(user)
    counts: list[dict[str, int]] = []
    networks: list[int] = []
    for size, prefix in ((4, "G"), (40, "H")):
        for child in grow(planted, size, prefix):
            ShareDecisionFactory.create(child=child, shared_with_agency=user.agency)
        mapping_snapshot_refresh()
        count: dict[str, int] = {}
        with django_capture_on_commit_callbacks(execute=True):
            count["asked"] = _queries(client, _pages()["hotspots"])[0]
            count["asked again"] = _queries(client, _pages()["hotspots"])[0]
            count["polled"] = _queries(client, _pages()["polling fragment"])[0]
        queued_tasks_run()
        for name, url in _pages().items():
            count[f"stored: {name}"] = _queries(client, url)[0]
        counts.append(count)
        networks.append(len(client.get(_pages()["hotspots"]).context["networks"].rows))
    assert counts[0] == counts[1]
    if role == RoleCode.COORDINATOR:
        assert networks[1] > networks[0]  # the area grew: more networks read, in as many queries
