"""The refresh stores the mapping and its analyses; the pages read those rows, for each viewer as before."""

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import EventRecord, PersonRecord, PersonType
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.mapping import selectors
from joinedup.mapping.internals import analysis
from joinedup.mapping.internals.build import graph_data_build
from joinedup.mapping.models import (
    MappingEvent,
    MappingEventNode,
    MappingNode,
    MappingNodeChild,
    MappingResult,
    MappingSnapshot,
    ResultKind,
)
from joinedup.mapping.periods import latest_periods, period_back, period_key, standard_periods
from joinedup.mapping.services import mapping_refresh_run, mapping_snapshot_refresh
from joinedup.mapping.summaries import network_summary
from joinedup.sharing.tests.factories import ShareDecisionFactory

from .planted import Planted, plant

pytestmark = pytest.mark.django_db

SCHOOL = {"place_name": "Northbridge Academy", "place_postcode": "NB4 4SC", "place_type": "school"}


def _event(agency: Agency, event_id: str, when: str, subject: str, others: str, place: dict[str, str]) -> None:
    EventRecord.objects.create(
        agency=agency,
        event_id=event_id,
        event_type="sighting",
        data={
            "event_id": event_id,
            "agency": agency.code,
            "event_type": "sighting",
            "occurred_at": when,
            "subject_record_id": subject,
            "other_record_ids": others,
            **place,
        },
    )


def grow(planted: Planted, size: int, prefix: str = "G") -> list[Child]:
    """``size`` more children, each seen at one of a few places over the last months, some with each other,
    some with an adult, some at a school a year before the periods."""
    children = []
    for i in range(size):
        record_id = f"{prefix}{i}"
        child = ChildFactory.create(given_name=f"Grown{i}", family_name="Area", owning_agency=planted.agency)
        children.append(child)
        PersonRecord.objects.create(
            agency=planted.agency,
            record_id=record_id,
            person_type=PersonType.CHILD,
            child=child,
            data={"given_name": f"Grown{i}", "family_name": "Area"},
        )
        day = timezone.localdate() - timedelta(days=3 * i % 120)
        place = {"place_name": f"Corner {i % 5}", "place_postcode": f"NB{i % 5 + 1} 7QQ", "place_type": "shop"}
        others = f"{prefix}{i - 1}" if i % 3 else ("AA" if i % 2 else "")
        _event(planted.agency, f"{prefix}E{i}", f"{day.isoformat()}T21:30:00", record_id, others, place)
        year_before = (day - timedelta(days=400)).isoformat()
        _event(planted.agency, f"{prefix}S{i}", f"{year_before}T09:00:00", record_id, "", SCHOOL)
        if i % 4 == 0:
            _event(planted.agency, f"{prefix}T{i}", f"{day.isoformat()}T10:00:00", record_id, "A1", SCHOOL)
    return children


def _roundtrip(value: Any) -> Any:
    return json.loads(json.dumps(value))


def test_the_stored_analyses_equal_a_fresh_computation_on_a_planted_area():
    planted = plant()
    grow(planted, 12)
    snapshot = mapping_snapshot_refresh()
    data = graph_data_build()
    periods = standard_periods(snapshot.as_of)
    assert len(periods) == 52
    latest = latest_periods(snapshot.as_of)
    assert len(latest) == 4 and set(latest) <= set(periods)
    compared = 0
    for period in periods:
        stored = MappingResult.objects.filter(snapshot_id=snapshot.pk, period=period_key(period)).order_by("rank")
        by_kind = {kind: [row for row in stored if row.kind == kind] for kind in ResultKind}
        fresh_spots = analysis.hotspots(data, period)
        # Networks are stored for the latest period of each length only.
        fresh_networks = analysis.networks(data, period) if period in latest else []
        fresh_adults = analysis.adults_ranked(data, period)
        # Stored without their reasons, which a page adds from the stored figures: the same words.
        assert all("why" not in row.data for row in by_kind[ResultKind.HOTSPOT])
        assert [row.data | {"why": analysis.hotspot_why(row.data)} for row in by_kind[ResultKind.HOTSPOT]] == (
            _roundtrip(fresh_spots)
        )
        assert [row.data for row in by_kind[ResultKind.NETWORK]] == _roundtrip(fresh_networks)
        assert [row.summary for row in by_kind[ResultKind.NETWORK]] == _roundtrip(
            [network_summary(data, r) for r in fresh_networks]
        )
        assert [row.data for row in by_kind[ResultKind.ADULT]] == _roundtrip(fresh_adults)
        compared += len(stored)
    # Not a comparison of empty lists: the periods hold the planted hotspots, networks and adults.
    assert compared > 50
    assert MappingResult.objects.filter(kind=ResultKind.NETWORK).exists()
    assert MappingResult.objects.filter(kind=ResultKind.ADULT).exists()


def test_the_stored_nodes_and_events_are_the_graph_the_build_made():
    planted = plant()
    grow(planted, 5)
    snapshot = mapping_snapshot_refresh()
    data = graph_data_build()
    nodes = dict(MappingNode.objects.filter(snapshot_id=snapshot.pk).values_list("key", "data"))
    assert nodes == _roundtrip(data.nodes)
    loaded = selectors._graph_load(MappingEvent.objects.filter(snapshot_id=snapshot.pk).values("id"))
    assert loaded.events == _roundtrip(data.events)
    primary = MappingNodeChild.objects.filter(snapshot_id=snapshot.pk, primary=True)
    assert {str(pk): key for pk, key in primary.values_list("child_id", "node__key")} == data.child_nodes


def test_a_viewer_who_sees_part_of_the_map_gets_exactly_the_filtered_graph():
    planted = plant()
    grow(planted, 6)
    mapping_snapshot_refresh()
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    ShareDecisionFactory.create(child=planted.children["A1"], shared_with_agency=practitioner.agency)
    ShareDecisionFactory.create(child=planted.children["B2"], shared_with_agency=practitioner.agency)
    visible = {str(pk) for pk in policy.children_visible_to(practitioner).values_list("pk", flat=True)}
    expected = selectors._filtered(graph_data_build(), visible)
    got = selectors._Map(practitioner).visible
    assert got.nodes == _roundtrip(expected.nodes)
    assert got.events == _roundtrip(expected.events)
    assert got.child_nodes == expected.child_nodes
    assert len(got.events) < MappingEvent.objects.count()  # others' events are left out


def test_a_refresh_replaces_the_last_generation_and_leaves_none_of_its_rows():
    plant()
    first = mapping_snapshot_refresh()
    second = mapping_snapshot_refresh()
    assert list(MappingSnapshot.objects.all()) == [second]
    assert selectors.snapshot_latest() == second
    assert not MappingNode.objects.filter(snapshot_id=first.pk).exists()
    assert not MappingEvent.objects.filter(snapshot_id=first.pk).exists()
    assert not MappingNodeChild.objects.filter(snapshot_id=first.pk).exists()
    assert not MappingResult.objects.filter(snapshot_id=first.pk).exists()
    assert MappingNode.objects.count() == second.node_count
    assert MappingEventNode.objects.filter(event__snapshot_id=second.pk).count() == MappingEventNode.objects.count()


def test_pages_read_nothing_of_a_refresh_that_has_not_finished(sign_in, client):
    planted = plant()
    mapping_snapshot_refresh()
    unfinished = MappingSnapshot.objects.create(complete=False)
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    assert selectors.snapshot_latest() != unfinished
    step = client.get(f"{reverse('mapping:neighbours')}?node=child:{planted.children['A1'].pk}").json()
    assert step["nodes"]


def test_the_refresh_reports_its_progress_on_the_job(sign_in, client):
    plant()
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    job = Job.objects.create(kind=JobKind.MAPPING_REFRESH, requested_by=coordinator)
    seen: list[tuple[int, int, str]] = []

    def watch(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))

    mapping_snapshot_refresh(progress=watch)
    # Building, the nodes, the events; each period's hotspots and adults of concern, each latest period's networks;
    # the last rows.
    steps = 3 + 52 * 2 + 4 + 1
    assert {total for _, total, _ in seen} == {steps}
    assert [done for done, _, _ in seen] == list(range(len(seen))) and len(seen) == steps
    messages = [message for _, _, message in seen]
    for what in ("Hotspots", "Adults of concern"):
        assert [m for m in messages if m.startswith(f"{what} for ")] == [
            m for m in messages if m.startswith(what) and "(period" in m
        ]
        assert len([m for m in messages if m.startswith(f"{what} for ")]) == 52
    assert len([m for m in messages if m.startswith("Networks for ")]) == 4
    assert "period 52 of 52" in seen[-2][2] and seen[-1][2] == "Storing the last of the results"

    mapping_refresh_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (JobStatus.DONE, steps, steps, 100)
    sign_in(coordinator)
    assert client.get(reverse("jobs:detail", kwargs={"job_id": job.pk})).status_code == 200


def test_the_hotspots_page_offers_the_periods_the_refresh_stored_and_pages_long_lists(sign_in, client, monkeypatch):
    planted = plant()
    grow(planted, 15)
    snapshot = mapping_snapshot_refresh()
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    monkeypatch.setattr(selectors, "HOTSPOTS_PER_PAGE", 3)
    period = period_back(snapshot.as_of, 28, 1)
    # What the page shows is what the refresh stored, not a computation of its own.
    top = MappingResult.objects.get(kind=ResultKind.HOTSPOT, period=period_key(period), rank=0)
    top.data["place_name"] = "As stored"
    top.save()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        sign_in(coordinator)
        first = client.get(f"{reverse('mapping:hotspot-list')}?days=28&back=1")
        second = client.get(f"{reverse('mapping:hotspots')}?days=28&back=1&page=2")
    # Two days on, the periods still end on the day of the refresh, whose analyses it stored.
    assert first.context["period"] == period
    assert first.context["rows"][0]["place_name"] == "As stored"
    # Each ranking says why, in words made from the stored figures (the rows are stored without them).
    why = first.context["rows"][0]["why"]
    assert why == analysis.hotspot_why(top.data) and why
    assert "; ".join(why) in first.content.decode()
    listing = first.context["listing"]
    assert listing.count > 3 and len(first.context["rows"]) == 3 and listing.pages == -(-listing.count // 3)
    names = [r["node"] for r in first.context["rows"]] + [r["node"] for r in second.context["rows"]]
    assert len(set(names)) == 6
    # The networks follow the period on the slider: an earlier period's are not stored by the refresh, so the page
    # and the fragment the slider reloads ask the worker for them (test_period_networks.py), under the period's
    # heading.
    for response in (first, second):
        assert response.context["networks"] is None
        html = response.content.decode()
        assert f"Networks from {period.since.day} {period.since:%B %Y}" in html
        assert f"since={period.since.isoformat()}&amp;until={period.until.isoformat()}" in html
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        latest = client.get(f"{reverse('mapping:hotspot-list')}?days=28&back=0")
    stored = selectors.networks_for(user=coordinator, period=period_back(snapshot.as_of, 28, 0))
    assert [r["members"] for r in latest.context["networks"].rows] == [r["members"] for r in stored.rows]
    assert stored.rows
    assert 'rel="next"' in first.content.decode()


def test_a_period_no_refresh_stored_is_computed_from_the_indexed_rows(sign_in, client):
    planted = plant()
    grow(planted, 8)
    mapping_snapshot_refresh()
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    page = client.get(f"{reverse('mapping:hotspots')}?since=2026-10-01&until=2026-10-31")
    period = analysis.Period(date(2026, 10, 1), date(2026, 10, 31))
    expected = [r["node"] for r in analysis.hotspots(graph_data_build(), period)]
    assert [r["node"] for r in page.context["rows"]] == expected[: selectors.HOTSPOTS_PER_PAGE]
    # Its networks are asked of the worker (test_period_networks.py), the network view showing the same work.
    assert page.context["networks"] is None
    networks = client.get(f"{reverse('mapping:network')}?since=2026-10-01&until=2026-10-31")
    assert networks.context["networks"] is None
    assert networks.context["networks_work"].job_id == page.context["networks_work"].job_id is not None


def _queries(client, url: str) -> tuple[int, list[str]]:
    connection.queries_log.clear()  # a full log (9,000 queries: the refresh's) would capture nothing
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured) > 0
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _urls(planted: Planted) -> dict[str, str]:
    child = planted.children["A1"]
    hotel = MappingNode.objects.get(key__startswith="place:", label__startswith="Station Hotel").key
    return {
        "hotspots": f"{reverse('mapping:hotspots')}?days=91",
        "hotspot list": f"{reverse('mapping:hotspot-list')}?days=28&back=1",
        "expansion": f"{reverse('mapping:neighbours')}?{urlencode([('node', hotel), ('drawn', f'child:{child.pk}')])}",
        "expansion of a child": f"{reverse('mapping:neighbours')}?node=child:{child.pk}",
        "evidence": f"{reverse('mapping:evidence')}?{urlencode({'node': hotel})}",
        "child panel": reverse("mapping:child-panel", kwargs={"child_id": child.pk}),
        "search": f"{reverse('mapping:network')}?q=planted",
    }


@pytest.mark.parametrize("role", [RoleCode.COORDINATOR, RoleCode.PRACTITIONER])
def test_the_mapping_pages_make_as_many_queries_whatever_the_size_of_the_area(sign_in, client, role):
    planted = plant()
    user = UserFactory.create(roles=[role])
    ShareDecisionFactory.create(child=planted.children["A1"], shared_with_agency=user.agency)
    sign_in(user)
    counts: list[dict[str, int]] = []
    for size, prefix in ((4, "G"), (40, "H")):
        for child in grow(planted, size, prefix):
            ShareDecisionFactory.create(child=child, shared_with_agency=user.agency)
        mapping_snapshot_refresh()
        counts.append({name: _queries(client, url)[0] for name, url in _urls(planted).items()})
    assert counts[0] == counts[1]


def test_one_expansion_of_the_network_view_reads_only_indexed_rows(sign_in, client):
    planted = plant()
    grow(planted, 10)
    mapping_snapshot_refresh()
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    _, queries = _queries(client, _urls(planted)["expansion"])
    mapping = [sql for sql in queries if "mapping_mapping" in sql]
    assert mapping
    events = [sql for sql in mapping if '"mapping_mappingevent"' in sql or "mapping_mappingevent " in sql]
    # Every read of events goes through a node's (or event's) index: none reads the table whole.
    assert all("node_id" in sql or "event_id" in sql for sql in events), events
    assert not any('"mapping_mappingresult"' in sql for sql in mapping)
    assert not any("graph" in sql for sql in queries)
