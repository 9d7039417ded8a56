from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.mapping.models import MappingSnapshot
from joinedup.mapping.services import mapping_refresh_run, mapping_snapshot_refresh
from joinedup.sharing.tests.factories import ShareDecisionFactory

from .planted import Planted, plant

pytestmark = pytest.mark.django_db


def plant_and_refresh() -> Planted:
    planted = plant()
    mapping_snapshot_refresh()
    return planted


def _neighbours(client, node: str, drawn: list[str] = ()):  # type: ignore[assignment]
    query = urlencode([("node", node), *(("drawn", d) for d in drawn)])
    return client.get(f"{reverse('mapping:neighbours')}?{query}")


def test_a_coordinator_expands_a_child_to_their_places_people_and_things_and_it_is_audited(sign_in, client):
    planted = plant_and_refresh()
    coordinator = UserFactory.create(agency=planted.agency, roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    response = _neighbours(client, f"child:{planted.children['A1'].pk}")
    assert response.status_code == 200
    step = response.json()
    labels = {node["label"] for node in step["nodes"]}
    assert labels == {"AdultAA Planted", "Station Hotel, NB1 1AA"}
    hotel = next(n for n in step["nodes"] if n["kind"] == "place")
    second = _neighbours(client, hotel["id"], [step["node"], *(n["id"] for n in step["nodes"])]).json()
    assert {n["label"] for n in second["nodes"]} == {"ChildA2 Planted", "ChildA3 Planted", "YX19KLM", "07700900456"}
    assert all(edge["evidence_url"] for edge in second["edges"])
    listed = set(
        AuditEvent.objects.filter(actor=coordinator, kind=AuditKind.CHILD_LISTED).values_list("child_id", flat=True)
    )
    assert {planted.children["A2"].pk, planted.children["A3"].pk} <= listed


def test_a_practitioner_sees_only_children_they_may_see_on_the_network(sign_in, client):
    planted = plant_and_refresh()
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    ShareDecisionFactory.create(child=planted.children["A1"], shared_with_agency=practitioner.agency)
    sign_in(practitioner)
    step = _neighbours(client, f"child:{planted.children['A1'].pk}").json()
    hotel = next(n for n in step["nodes"] if n["kind"] == "place")
    second = _neighbours(client, hotel["id"], [step["node"], *(n["id"] for n in step["nodes"])]).json()
    # A2 and A3 were at the hotel too, but this practitioner may not see them: they are left out.
    assert {n["kind"] for n in second["nodes"]} <= {"vehicle", "phone", "adult", "place"}
    assert "Planted" not in str([n["label"] for n in second["nodes"] if n["kind"] == "child"])
    hidden = _neighbours(client, f"child:{planted.children['A2'].pk}")
    assert hidden.status_code == 404
    page = client.get(f"{reverse('mapping:hotspots')}?since=2026-10-01&until=2026-10-31")
    assert page.status_code == 200
    row = next(r for r in page.context["rows"] if r["place_name"] == "Station Hotel")
    assert row["children"] == 1
    assert "ChildA2" not in page.content.decode()


def test_administrators_are_refused_and_only_coordinators_refresh(sign_in, client):
    admin = UserFactory.create(roles=[RoleCode.ADMINISTRATOR])
    sign_in(admin)
    for name in ["mapping:network", "mapping:hotspots", "mapping:hotspot-list", "mapping:neighbours"]:
        assert client.get(reverse(name)).status_code == 403
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    sign_in(leader)
    assert client.post(reverse("mapping:refresh")).status_code == 403


def test_the_coordinators_refresh_runs_as_a_job_and_the_views_show_when_it_ran(sign_in, client):
    plant()
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    response = client.post(reverse("mapping:refresh"))
    job = Job.objects.get(kind=JobKind.MAPPING_REFRESH)
    assert response.status_code == 302
    mapping_refresh_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    snapshot = MappingSnapshot.objects.get()
    assert snapshot.job == job and snapshot.event_count == 9  # eight events and the phone on the adult's own record
    page = client.get(reverse("mapping:hotspots"))
    assert b"data-refreshed-at" in page.content


def test_every_hotspot_links_to_the_records_behind_it(sign_in, client):
    planted = plant_and_refresh()
    coordinator = UserFactory.create(agency=planted.agency, roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    fragment = client.get(f"{reverse('mapping:hotspot-list')}?since=2026-10-01&until=2026-10-31")
    hotel = fragment.context["rows"][0]
    assert (hotel["place_name"], hotel["change"]) == ("Station Hotel", "growing")
    behind = client.get(hotel["evidence_url"])
    assert behind.status_code == 200
    assert [event.record for event in behind.context["events"]] == ["E6", "E5", "E4"]


def test_a_childs_panel_lists_their_places_and_people(sign_in, client):
    planted = plant_and_refresh()
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    response = client.get(reverse("mapping:child-panel", kwargs={"child_id": planted.children["A2"].pk}))
    assert response.status_code == 200
    panel = response.context["panel"]
    assert {p["label"] for p in panel["places"]} == {"Station Hotel, NB1 1AA", "Mill Lane Grill, NB2 6TR"}
    assert {t["label"] for t in panel["things"]} == {"YX19KLM"}


def test_a_search_finds_where_the_network_view_can_start(sign_in, client):
    plant_and_refresh()
    sign_in(UserFactory.create(roles=[RoleCode.LEADER]))
    response = client.get(f"{reverse('mapping:network')}?q=yx19")
    assert [node["label"] for node in response.context["found"]] == ["YX19KLM"]
    start = client.get(f"{reverse('mapping:network')}?node=vehicle:YX19KLM")
    assert start.status_code == 200 and b'id="network-start"' in start.content


def test_the_coordinator_opens_work_on_a_networks_children_from_the_network_view(sign_in, client):
    planted = plant_and_refresh()
    coordinator = UserFactory.create(agency=planted.agency, roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    # The networks of the latest quarter (stored by the refresh): each row offers work on its children.
    networks = client.get(reverse("mapping:network"), {"days": 91, "back": 0})
    rows = networks.context["networks"].rows
    assert rows
    for row in rows:
        assert f"{reverse('contextual:group-open')}?network={quote(row['start'])}" in networks.content.decode()
    hotel_network = max(rows, key=lambda row: row["children"])
    # The network view started from that network offers it too, for the network it starts from.
    page = client.get(hotel_network["network_url"]).content.decode()
    link = f"{reverse('contextual:group-open')}?network={quote(hotel_network['start'])}"
    assert f'id="network-group-open" href="{link}"' in page
    assert "Open work on this group of children" in page
    # Following it opens the form for a peer group with the network's children ticked.
    form = client.get(link)
    assert form.status_code == 200
    ticked = set(form.context["form"].initial["children"])
    assert ticked == {planted.children[c] for c in ["A1", "A2", "A3"]}
    # Started from a child, it is that child's group to choose (the child ticked).
    a1 = planted.children["A1"]
    from_child = client.get(reverse("mapping:network"), {"node": f"child:{a1.pk}"}).content.decode()
    child_link = f"{reverse('contextual:group-open')}?network=child%3A{a1.pk}"
    assert f'href="{child_link}"' in from_child
    assert a1 in client.get(child_link).context["form"].initial["children"]


def test_a_practitioner_is_not_offered_work_on_a_network(sign_in, client):
    planted = plant_and_refresh()
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    ShareDecisionFactory.create(child=planted.children["A1"], shared_with_agency=practitioner.agency)
    sign_in(practitioner)
    page = client.get(reverse("mapping:network"), {"node": f"child:{planted.children['A1'].pk}"})
    assert page.status_code == 200 and b'id="network-start"' in page.content
    assert b"Open work on this group of children" not in page.content
    assert reverse("contextual:group-open").encode() not in page.content
    networks = client.get(reverse("mapping:network"), {"since": "2026-10-01", "until": "2026-10-31"})
    assert b"Open work on this group of children" not in networks.content
    assert client.get(reverse("contextual:group-open")).status_code in (403, 404)
