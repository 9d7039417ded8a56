"""Contextual safeguarding: work on a place and on a peer group, need-to-know on the group's children, refusals
that write nothing, actions and reviews on the work list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.contextual import selectors, services
from joinedup.contextual.models import (
    ContextAction,
    ContextAssessment,
    ContextReview,
    ContextWork,
    Partner,
    PartnerKind,
    PeerGroup,
    PeerGroupMember,
    ReviewDecision,
    WorkStatus,
)
from joinedup.deadlines import context_first_review_due, london_day_ends
from joinedup.disruption.tests.factories import ConcernFactory
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_complete

from .factories import group_make, place_make, work_make


@pytest.fixture
def agencies(db):
    return AgencyFactory.create(code="CSC"), AgencyFactory.create(code="POL")


@pytest.fixture
def coordinator(agencies):
    return UserFactory.create(agency=agencies[0], roles=[RoleCode.COORDINATOR], first_name="Casey", last_name="Coord")


@pytest.fixture
def children(agencies):
    own, other = agencies
    return [
        ChildFactory.create(owning_agency=own, given_name="Amira", family_name="Shaw"),
        ChildFactory.create(owning_agency=own, given_name="Bilal", family_name="Hart"),
        ChildFactory.create(owning_agency=other, given_name="Cerys", family_name="Lowe"),
    ]


def _today() -> dt.date:
    return timezone.localdate()


def test_the_coordinator_opens_work_on_a_place_with_licensing_as_a_partner(coordinator, client, sign_in):
    place = place_make()
    sign_in(coordinator)
    opened = client.post(
        reverse("contextual:place-open"), {"place": place.pk, "why": "Children seen in the bar late at night"}
    )
    work = ContextWork.objects.get(place=place)
    assert opened.status_code == 302 and opened["Location"] == reverse("contextual:work", kwargs={"work_id": work.pk})
    added = client.post(
        reverse("contextual:partner", kwargs={"work_id": work.pk}),
        {"name": "Wealdbridge Council licensing team", "kind": PartnerKind.LICENSING, "contact": "01632 960 100"},
    )
    assert added.status_code == 302
    assert list(work.partners.values_list("name", "kind")) == [
        ("Wealdbridge Council licensing team", PartnerKind.LICENSING)
    ]
    page = client.get(reverse("contextual:work", kwargs={"work_id": work.pk})).content.decode()
    assert "Wealdbridge Council licensing team (Licensing)" in page
    # The first review is due six weeks after opening, on the coordinator's work list.
    review_task = Task.objects.get(kind=TaskKind.PLACE_ACTION, source_id=f"review-{work.pk}-0")
    assert review_task.owner == coordinator
    assert review_task.due_at == london_day_ends(context_first_review_due(work.opened_at))
    assert AuditEvent.objects.filter(kind=AuditKind.CONTEXT_WORK_OPENED, object_id=str(work.pk)).count() == 1
    assert AuditEvent.objects.filter(kind=AuditKind.CONTEXT_PARTNER_ADDED, object_id=str(work.pk)).count() == 1


def test_the_whole_journey_of_work_on_a_peer_group(agencies, coordinator, children, client, sign_in):
    practitioner = UserFactory.create(agency=agencies[0], roles=[RoleCode.PRACTITIONER])
    sign_in(coordinator)
    opened = client.post(
        reverse("contextual:group-open"),
        {"name": "Mill Lane group", "children": [c.pk for c in children], "why": "Seen together at the park"},
    )
    assert opened.status_code == 302
    work = ContextWork.objects.get(group__name="Mill Lane group")
    assert set(work.group.memberships.values_list("child_id", flat=True)) == {c.pk for c in children}  # type: ignore[union-attr]
    work_url = reverse("contextual:work", kwargs={"work_id": work.pk})

    answers = {
        "who_is_there": "Older young people and two adults who give out vapes",
        "when": "After school, 3pm to 6pm, most weekdays",
        "what_makes_it_unsafe": "No lighting at the back of the park; adults offering lifts",
        "what_makes_it_safe": "The youth club opposite is open until 8pm",
    }
    assert client.post(reverse("contextual:assessment", kwargs={"work_id": work.pk}), answers).status_code == 302
    changed = {**answers, "when": "After school and on Saturday afternoons"}
    assert client.post(reverse("contextual:assessment", kwargs={"work_id": work.pk}), changed).status_code == 302
    assert list(work.assessments.values_list("version", "when")) == [
        (2, "After school and on Saturday afternoons"),
        (1, "After school, 3pm to 6pm, most weekdays"),
    ]

    client.post(
        reverse("contextual:partner", kwargs={"work_id": work.pk}),
        {"name": "Community safety partnership", "kind": PartnerKind.COMMUNITY_SAFETY, "contact": ""},
    )
    partner = Partner.objects.get(name="Community safety partnership")
    due = _today() + dt.timedelta(days=14)
    client.post(
        reverse("contextual:action", kwargs={"work_id": work.pk}),
        {"description": "Visit the park with the youth workers", "owner": practitioner.pk, "due": due.isoformat()},
    )
    client.post(
        reverse("contextual:action", kwargs={"work_id": work.pk}),
        {"description": "Ask for better lighting", "owner_partner": partner.pk, "due": due.isoformat()},
    )
    person_action = ContextAction.objects.get(owner=practitioner)
    partner_action = ContextAction.objects.get(owner_partner=partner)
    task = Task.objects.get(kind=TaskKind.PLACE_ACTION, source_id=str(person_action.pk))
    assert (task.owner, task.completes_here, task.due_at) == (practitioner, True, london_day_ends(due))
    assert task.link == work_url
    assert not Task.objects.filter(source_id=str(partner_action.pk)).exists()

    next_review = _today() + dt.timedelta(days=42)
    reviewed = client.post(
        reverse("contextual:review", kwargs={"work_id": work.pk}),
        {
            "reviewed_on": _today().isoformat(),
            "what_changed": "The lights are fixed; the children are seen there less often",
            "decision": ReviewDecision.CONTINUE,
            "next_review": next_review.isoformat(),
        },
    )
    assert reviewed.status_code == 302
    first = Task.objects.get(source_id=f"review-{work.pk}-0")
    second = Task.objects.get(source_id=f"review-{work.pk}-1")
    assert first.completed_at is not None
    assert second.completed_at is None and second.due_at == london_day_ends(next_review)

    page = client.get(work_url).content.decode()
    assert "After school and on Saturday afternoons" in page
    assert "Visit the park with the youth workers" in page and "Ask for better lighting" in page
    assert "The lights are fixed" in page

    group_page = client.get(reverse("contextual:group", kwargs={"group_id": work.group_id})).content.decode()
    for child in children:
        assert f"{child.given_name} {child.family_name}" in group_page

    closed = client.post(
        reverse("contextual:review", kwargs={"work_id": work.pk}),
        {
            "reviewed_on": _today().isoformat(),
            "what_changed": "No sightings for six weeks",
            "decision": "close",
            "closing_reason": "The group is no longer seen together at the park",
        },
    )
    assert closed.status_code == 302
    work.refresh_from_db()
    assert work.status == WorkStatus.CLOSED and work.closing_reason.startswith("The group is no longer")
    # Nothing of the work is left on anyone's work list once it closes.
    assert not Task.objects.filter(kind=TaskKind.PLACE_ACTION, completed_at__isnull=True).exists()


def test_a_viewer_who_may_not_see_a_group_member_sees_a_count_not_their_name(
    agencies, coordinator, children, client, sign_in
):
    own, _ = agencies
    practitioner = UserFactory.create(agency=own, roles=[RoleCode.PRACTITIONER])
    group = group_make(children=children, by=coordinator)
    work_make(group=group, by=coordinator)
    ConcernFactory.create(child=children[2], place_name="Park Cafe")
    sign_in(practitioner)
    page = client.get(reverse("contextual:group", kwargs={"group_id": group.pk})).content.decode()
    assert "Amira Shaw" in page and "Bilal Hart" in page
    assert "Cerys" not in page and "Lowe" not in page
    assert "1 other child you may not see is not named" in page
    assert "1 concern about children you may not see is not shown" in page
    listed = set(
        AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=practitioner).values_list("child_id", flat=True)
    )
    assert listed == {children[0].pk, children[1].pk}


def test_a_practitioner_who_sees_none_of_the_children_is_told_the_work_is_not_found(
    coordinator, children, client, sign_in
):
    outsider = UserFactory.create(agency=AgencyFactory.create(code="EDU"), roles=[RoleCode.PRACTITIONER])
    group = group_make(children=children[:2], by=coordinator)
    work = work_make(group=group, by=coordinator)
    sign_in(outsider)
    assert client.get(reverse("contextual:group", kwargs={"group_id": group.pk})).status_code == 404
    assert client.get(reverse("contextual:work", kwargs={"work_id": work.pk})).status_code == 404
    assert "Mill Lane group" not in client.get(reverse("contextual:index")).content.decode()


def test_refused_writes_write_nothing(agencies, coordinator, children):
    practitioner = UserFactory.create(agency=agencies[0], roles=[RoleCode.PRACTITIONER])
    leader = UserFactory.create(agency=agencies[0], roles=[RoleCode.LEADER])
    place = place_make()
    before = (ContextWork.objects.count(), Task.objects.count(), AuditEvent.objects.count())
    for user in (practitioner, leader):
        with pytest.raises(PermissionDenied):
            services.context_work_open(user=user, place=place, why="Seen there")
        with pytest.raises(PermissionDenied):
            services.peer_group_work_open(user=user, name="Group", children=children, why="Seen together")
    with pytest.raises(ValidationError):
        services.context_work_open(user=coordinator, place=place, why="   ")
    with pytest.raises(ValidationError):
        services.peer_group_work_open(user=coordinator, name="Group", children=children[:1], why="Seen together")
    assert (ContextWork.objects.count(), Task.objects.count(), AuditEvent.objects.count()) == before
    assert not PeerGroup.objects.exists() and not PeerGroupMember.objects.exists()

    work = services.context_work_open(user=coordinator, place=place, why="Seen there")
    counts = (Partner.objects.count(), ContextAction.objects.count(), ContextReview.objects.count())
    audits = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.context_partner_add(user=practitioner, work=work, name="Licensing", kind=PartnerKind.LICENSING)
    with pytest.raises(PermissionDenied):
        services.context_assessment_record(
            user=leader, work=work, who_is_there="a", when="b", what_makes_it_unsafe="c", what_makes_it_safe="d"
        )
    with pytest.raises(ValidationError):
        services.context_action_record(
            user=coordinator, work=work, description="Visit", due=_today() - dt.timedelta(days=1), owner=coordinator
        )
    with pytest.raises(ValidationError):  # a partner not in the plan
        services.context_action_record(
            user=coordinator,
            work=work,
            description="Visit",
            due=_today(),
            owner_partner=Partner.objects.create(name="Bus company", kind=PartnerKind.TRANSPORT),
        )
    with pytest.raises(ValidationError):  # a leader oversees, and is given no work
        services.context_action_record(user=coordinator, work=work, description="Visit", due=_today(), owner=leader)
    with pytest.raises(ValidationError):
        services.context_review_record(
            user=coordinator, work=work, reviewed_on=_today(), what_changed="Less", decision="continue"
        )
    assert (Partner.objects.count() - 1, ContextAction.objects.count(), ContextReview.objects.count()) == counts
    assert not ContextAssessment.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_the_http_refusal_of_a_practitioner_writes_nothing(agencies, coordinator, client, sign_in):
    practitioner = UserFactory.create(agency=agencies[0], roles=[RoleCode.PRACTITIONER])
    place = place_make()
    sign_in(practitioner)
    assert client.post(reverse("contextual:place-open"), {"place": place.pk, "why": "Seen"}).status_code == 403
    assert not ContextWork.objects.exists()


def test_an_action_marked_done_on_the_work_list_is_done_on_the_work(agencies, coordinator):
    practitioner = UserFactory.create(agency=agencies[0], roles=[RoleCode.PRACTITIONER])
    work = services.context_work_open(user=coordinator, place=place_make(), why="Seen there")
    action = services.context_action_record(
        user=coordinator, work=work, description="Talk to the hotel's manager", due=_today(), owner=practitioner
    )
    task = Task.objects.get(kind=TaskKind.PLACE_ACTION, source_id=str(action.pk))
    task_complete(user=practitioner, task=task)
    action.refresh_from_db()
    assert action.done_by == practitioner and action.done_at is not None
    assert AuditEvent.objects.filter(kind=AuditKind.CONTEXT_ACTION_DONE, object_id=str(action.pk)).count() == 1


def test_an_action_marked_done_on_the_work_closes_its_task(agencies, coordinator, client, sign_in):
    practitioner = UserFactory.create(agency=agencies[0], roles=[RoleCode.PRACTITIONER])
    work = services.context_work_open(user=coordinator, place=place_make(), why="Seen there")
    action = services.context_action_record(
        user=coordinator, work=work, description="Talk to the hotel's manager", due=_today(), owner=practitioner
    )
    other = UserFactory.create(agency=agencies[0], roles=[RoleCode.PRACTITIONER])
    sign_in(other)
    assert client.post(reverse("contextual:action-done", kwargs={"action_id": action.pk})).status_code == 404
    sign_in(practitioner)
    # The owner reads the work's page (it names no child) and marks the action done there.
    assert client.get(reverse("contextual:work", kwargs={"work_id": work.pk})).status_code == 200
    assert client.post(reverse("contextual:action-done", kwargs={"action_id": action.pk})).status_code == 302
    assert Task.objects.get(source_id=str(action.pk)).completed_at is not None


def test_a_place_page_names_the_children_of_its_concerns_the_viewer_may_see(
    agencies, coordinator, children, client, sign_in
):
    place = place_make()
    for child in children:
        ConcernFactory.create(child=child, place_name="Station Hotel", place_postcode="WB1 1AA")
    ConcernFactory.create(child=children[0], place_name="Somewhere else")
    practitioner = UserFactory.create(agency=agencies[1], roles=[RoleCode.PRACTITIONER])
    sign_in(practitioner)
    page = client.get(reverse("contextual:place", kwargs={"place_id": place.pk})).content.decode()
    assert "Cerys Lowe" in page and "Amira" not in page and "Bilal" not in page
    assert "2 other children you may not see are not named" in page
    assert set(selectors.place_concerns(place).values_list("child_id", flat=True)) == {c.pk for c in children}


def test_a_group_from_a_network_ticks_the_childs_network_members(coordinator, children, client, sign_in):
    sign_in(coordinator)
    page = client.get(reverse("contextual:group-open"), {"network": f"child:{children[0].pk}"}).content.decode()
    assert "1 child you may see is ticked" in page
    assert selectors.network_children(user=coordinator, network=f"child:{children[0].pk}") == [children[0]]
    assert selectors.network_children(user=coordinator, network="nonsense") == []
    network = f"child:{children[0].pk}"
    made = client.post(
        f"{reverse('contextual:group-open')}?network={network}",
        {"name": "Station group", "children": [children[0].pk, children[1].pk], "why": "Seen together"},
    )
    assert made.status_code == 302
    assert PeerGroup.objects.get(name="Station group").network == network


def test_a_member_removed_from_a_group_keeps_the_dates(coordinator, children):
    group = services.peer_group_create(user=coordinator, name="Mill Lane group", children=children)
    services.peer_group_member_remove(user=coordinator, group=group, child=children[2])
    member = PeerGroupMember.objects.get(group=group, child=children[2])
    assert member.removed_at is not None and member.removed_by == coordinator
    assert set(selectors.group_child_ids(group).values_list("child_id", flat=True)) == {
        children[0].pk,
        children[1].pk,
    }
    services.peer_group_member_add(user=coordinator, group=group, child=children[2])
    assert PeerGroupMember.objects.filter(group=group, child=children[2]).count() == 2


def test_where_a_code_c_concern_happened_is_kept_to_the_agencies_its_conditions_name(
    agencies, coordinator, children, client, sign_in
):
    own, police = agencies
    group = group_make(children=children[:2], by=coordinator)
    ConcernFactory.create(
        child=children[0],
        owning_agency=police,
        recorded_by=UserFactory.create(agency=police),
        place_name="Flat 3 Canal Street",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="C",
        handling_conditions="Police only until the warrant is executed",
    )
    sign_in(UserFactory.create(agency=own, roles=[RoleCode.PRACTITIONER]))
    page = client.get(reverse("contextual:group", kwargs={"group_id": group.pk})).content.decode()
    assert "Amira Shaw" in page and "Concern: Child sexual exploitation" in page
    assert "Flat 3 Canal Street" not in page
    Involvement.objects.create(child=children[0], agency=police)  # the police work with the child too
    sign_in(UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER]))
    page = client.get(reverse("contextual:group", kwargs={"group_id": group.pk})).content.decode()
    assert "Flat 3 Canal Street" in page
