"""Linkage joins children: a match in the review queue makes one child, its undo makes two again for good, and
find before you create says a child may already be known without saying anything more."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.access import policy
from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child, ChildJoin, ConnectionRequest, ConnectionStatus, Involvement
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.linkage.api import link_records
from joinedup.linkage.models import LinkDecision, ReviewItem

from .factories import PersonRecordFactory, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair_in_queue():
    """Two agencies' records of one child, each its own child, waiting in the review queue."""
    police, education = AgencyFactory.create(code="POL"), AgencyFactory.create(code="EDU")
    first = ChildFactory.create(owning_agency=police, given_name="Kayleigh", family_name="Brackenbury")
    second = ChildFactory.create(owning_agency=education, given_name="Kayleigh", family_name="Brackenburyy")
    ChronologyEntryFactory.create(child=first)
    ChronologyEntryFactory.create(child=second)
    a = PersonRecordFactory.create(agency=police, record_id="P1", child=first)
    b = PersonRecordFactory.create(
        agency=education, record_id="E1", child=second, data=person_data(family_name="Brackenburyy", phones="")
    )
    item = ReviewItem.objects.create(record_a=a, record_b=b, match_probability=0.7, match_weight=1.2)
    return first, second, item


def test_a_match_in_the_review_queue_joins_one_child_and_undo_on_the_pairs_page_separates_them_for_good(
    sign_in, pair_in_queue
):
    first, second, item = pair_in_queue
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR], agency=first.owning_agency)
    client: Client = sign_in(coordinator)

    response = client.post(
        reverse("linkage:review-item", args=[item.pk]), {"decision": "match", "reason": "Same school, same address"}
    )
    assert response.status_code == 302
    assert list(policy.children_visible_to(coordinator)) == [first]
    assert first.chronology.count() == 2
    listed = client.get(reverse("children:list")).content.decode()
    assert listed.count("Kayleigh") == 1
    # Old links to the joined record lead to the one child.
    assert client.get(reverse("children:detail", args=[second.pk]))["Location"] == reverse(
        "children:detail", args=[first.pk]
    )
    page = client.get(reverse("linkage:review-item", args=[item.pk])).content.decode()
    assert "These records are joined as one child" in page
    record = client.get(reverse("children:detail", args=[first.pk])).content.decode()
    join = ChildJoin.objects.get(undone_at__isnull=True)
    assert reverse("linkage:join-undo", args=[join.pk]) in record
    assert "P1" in record and "E1" in record  # both agencies' records, under one child
    # The joined record's access trail shows on the one child's access log.
    log = client.get(reverse("children:access-log", args=[first.pk])).content.decode()
    assert log.count("Joined two records of one child") >= 2

    response = client.post(
        reverse("linkage:review-item-separate", args=[item.pk]), {"reason": "Different children: twins' records"}
    )
    assert response.status_code == 302
    assert set(policy.children_visible_to(coordinator)) == {first, second}
    assert (first.chronology.count(), second.chronology.count()) == (1, 1)
    assert LinkDecision.objects.filter(decision="not_a_match", undone_at__isnull=True).count() == 1

    # A later run never joins what a person separated.
    link_records()
    assert set(policy.children_visible_to(coordinator)) == {first, second}
    assert not ChildJoin.objects.filter(undone_at__isnull=True).exists()


def test_undo_on_the_childs_page_separates_the_records_and_a_later_run_keeps_them_apart(sign_in, pair_in_queue):
    first, second, item = pair_in_queue
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR], agency=first.owning_agency)
    client: Client = sign_in(coordinator)
    client.post(reverse("linkage:review-item", args=[item.pk]), {"decision": "match", "reason": "Same child"})
    join = ChildJoin.objects.get(undone_at__isnull=True)

    response = client.post(reverse("linkage:join-undo", args=[join.pk]), {"reason": "Not the same child"})

    assert response["Location"] == reverse("children:detail", args=[first.pk])
    assert set(policy.children_visible_to(coordinator)) == {first, second}
    link_records()
    assert set(policy.children_visible_to(coordinator)) == {first, second}


def test_separating_is_offered_only_for_a_joined_pair_and_writes_nothing_for_another(sign_in, pair_in_queue):
    first, _second, item = pair_in_queue
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR], agency=first.owning_agency)
    client: Client = sign_in(coordinator)
    page = client.get(reverse("linkage:review-item", args=[item.pk])).content.decode()
    assert reverse("linkage:review-item-separate", args=[item.pk]) not in page

    for send in (client.get, client.post):
        response = send(reverse("linkage:review-item-separate", args=[item.pk]), {"reason": "Not the same child"})
        assert response["Location"] == reverse("linkage:review-item", args=[item.pk])

    assert not LinkDecision.objects.exists()
    item.refresh_from_db()
    assert item.status == "open"
    shown = client.get(reverse("linkage:review-item", args=[item.pk])).content.decode()
    assert "there is nothing to separate" in shown


def _typed(child: Child) -> dict[str, str]:
    assert child.date_of_birth is not None
    return {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "postcode": child.postcode,
    }


def test_may_already_be_known_says_nothing_more_the_same_for_one_agency_or_five(sign_in):
    social_care = AgencyFactory.create(code="CSC", name="Wealdbridge Children's Social Care")
    known = ChildFactory.create(
        owning_agency=social_care, given_name="Tamsin", family_name="Oakhurst", postcode="WB9 9ZZ"
    )
    school = AgencyFactory.create(code="EDU")
    teacher = UserFactory.create(roles=[RoleCode.PRACTITIONER], agency=school)
    client: Client = sign_in(teacher)
    url = reverse("linkage:candidates")

    one = client.get(url, _typed(known)).content.decode()
    for code in ("POL", "HEA", "YJS", "VOL"):
        Involvement.objects.create(child=known, agency=AgencyFactory.create(code=code))
    five = client.get(url, _typed(known)).content.decode()

    assert "may already be known to the partnership" in one
    assert one == five
    for secret in ("Tamsin", "Oakhurst", "Social Care", "CSC", str(known.pk)):
        assert secret not in one.replace("given_name=Tamsin", "").replace("family_name=Oakhurst", "")
    # Someone nobody knows: no such answer.
    nobody = client.get(url, {**_typed(known), "given_name": "Zebedee", "family_name": "Quillfeather"})
    assert "may already be known" not in nobody.content.decode()


def test_a_connection_request_creates_no_child_until_the_coordinator_attaches_the_agency(sign_in):
    social_care = AgencyFactory.create(code="CSC")
    known = ChildFactory.create(owning_agency=social_care, given_name="Tamsin", family_name="Oakhurst")
    school = AgencyFactory.create(code="EDU")
    teacher = UserFactory.create(roles=[RoleCode.PRACTITIONER], agency=school)
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR], agency=social_care)
    children_before = Child.objects.count()

    teacher_client: Client = sign_in(teacher)
    response = teacher_client.post(
        reverse("linkage:connect"),
        {**_typed(known), "sex": "F", "reason": "She has joined our school and missed ten days."},
    )
    request = ConnectionRequest.objects.get()
    assert response["Location"] == reverse("linkage:connection", args=[request.pk])
    assert Child.objects.count() == children_before
    assert request.candidates == [str(known.pk)]
    mine = teacher_client.get(response["Location"]).content.decode()
    assert str(known.pk) not in mine and "Waiting for the coordinator" in mine
    assert teacher_client.get(reverse("children:detail", args=[known.pk])).status_code == 404

    coordinator_client = Client()
    sign_in(coordinator, coordinator_client)
    assert "Tamsin" in coordinator_client.get(reverse("linkage:connections")).content.decode()
    coordinator_client.post(
        reverse("linkage:connection", args=[request.pk]),
        {"answer": str(known.pk), "reason": "Same child: same date of birth and address"},
    )

    request.refresh_from_db()
    assert request.status == ConnectionStatus.ATTACHED and request.child == known
    assert known.involvements.filter(agency=school, ended_at__isnull=True).exists()
    assert teacher_client.get(reverse("children:detail", args=[known.pk])).status_code == 200
    assert Child.objects.count() == children_before


def test_a_connection_the_coordinator_lets_stand_records_the_new_child_as_asked(sign_in):
    social_care, school = AgencyFactory.create(code="CSC"), AgencyFactory.create(code="EDU")
    known = ChildFactory.create(owning_agency=social_care, given_name="Tamsin", family_name="Oakhurst")
    teacher = UserFactory.create(roles=[RoleCode.PRACTITIONER], agency=school)
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR], agency=social_care)
    sign_in(teacher).post(reverse("linkage:connect"), {**_typed(known), "sex": "F", "reason": "New pupil"})
    request = ConnectionRequest.objects.get()
    other = Client()
    sign_in(coordinator, other)
    other.post(reverse("linkage:connection", args=[request.pk]), {"answer": "new", "reason": "A different Tamsin"})

    request.refresh_from_db()
    assert request.status == ConnectionStatus.STANDS
    assert request.child is not None and request.child != known
    assert request.child.owning_agency == school and request.child.date_of_birth == dt.date(2011, 4, 5)


def test_a_decision_made_while_a_run_is_scoring_is_never_overwritten_by_that_run(monkeypatch):
    from joinedup.linkage.internals import run as linkage_run
    from joinedup.linkage.models import DecisionKind

    police, health = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    a = PersonRecordFactory.create(agency=police, record_id="P1", child=ChildFactory.create(owning_agency=police))
    b = PersonRecordFactory.create(agency=health, record_id="H1", child=ChildFactory.create(owning_agency=health))
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR], agency=police)
    real_cluster = linkage_run.cluster
    calls = []

    def cluster_while_a_person_decides(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            # After the run read the decisions and before it writes, the coordinator separates the pair.
            LinkDecision.objects.create(
                record_a=a, record_b=b, decision=DecisionKind.NOT_A_MATCH, reason="Twins", decided_by=coordinator
            )
        return real_cluster(*args, **kwargs)

    monkeypatch.setattr(linkage_run, "cluster", cluster_while_a_person_decides)
    link_records()

    assert len(calls) == 2  # the run saw the new decision under its lock and clustered again
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.child_id != b.child_id
    assert not ChildJoin.objects.exists()


def test_linkage_runs_one_at_a_time():
    from joinedup.linkage.internals.run import LinkageBusy
    from joinedup.linkage.models import LinkRun

    PersonRecordFactory.create(agency=AgencyFactory.create(code="POL"), record_id="P1")
    LinkRun.objects.create(auto_threshold=0.95, review_threshold=0.5)  # another run, under way
    with pytest.raises(LinkageBusy):
        link_records()
    assert LinkRun.objects.count() == 1


def test_a_run_whose_worker_was_killed_does_not_hold_linkage_up():
    import socket
    import subprocess
    import sys

    from joinedup.linkage.models import LinkRun

    PersonRecordFactory.create(agency=AgencyFactory.create(code="POL"), record_id="P1")
    # A process that has ended, as a worker killed mid-run has.
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    LinkRun.objects.create(
        auto_threshold=0.95, review_threshold=0.5, worker=f"{socket.gethostname()}:{ended.stdout.strip()}"
    )
    link_records()
    assert LinkRun.objects.filter(finished_at__isnull=False).count() == 1
    # One still running elsewhere (another host) is waited for.
    LinkRun.objects.create(auto_threshold=0.95, review_threshold=0.5, worker="another-host:1")
    with pytest.raises(Exception, match="under way"):
        link_records()
