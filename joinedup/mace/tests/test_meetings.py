"""MACE meetings: the agenda's subjects, the next agenda's proposals, actions on work lists, need-to-know, minutes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments.models import Band, Catalogue, RiskAssessment
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory, InvolvementFactory
from joinedup.concerns.models import HandlingCode
from joinedup.disruption.tests.factories import AdultOfConcernFactory
from joinedup.mace import selectors, services
from joinedup.mace.models import Action, AgendaItem, Meeting
from joinedup.mace.tests.factories import ActionFactory, AgendaItemFactory, MeetingFactory
from joinedup.missing.tests.factories import MissingEpisodeFactory


@pytest.fixture
def csc(db):
    return AgencyFactory.create(code="CSC", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)


@pytest.fixture
def coordinator(csc):
    return UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])


@pytest.fixture
def meeting(coordinator) -> Meeting:
    return MeetingFactory.create(chair=coordinator)


def _assessed(child: Child, band: str, *, days_ago: int = 10) -> RiskAssessment:
    completed = timezone.now() - dt.timedelta(days=days_ago)
    return RiskAssessment.objects.create(
        child=child,
        catalogue=Catalogue.objects.get(is_current=True),
        owning_agency=child.owning_agency,
        assessor=child.created_by,
        started_at=completed - dt.timedelta(days=1),
        completed_at=completed,
        scored_band=band,
        band=band,
    )


def _repeat_missing(child: Child) -> None:
    for days in (60, 30, 5):
        started = timezone.now() - dt.timedelta(days=days)
        MissingEpisodeFactory.create(child=child, started_at=started, returned_at=started + dt.timedelta(hours=6))


# The agenda's subjects


@pytest.mark.parametrize(
    "subjects",
    [
        {},
        {"child": True, "adult": True},
        {"child": True, "place": True},
        {"adult": True, "place": True},
        {"child": True, "adult": True, "place": True},
    ],
)
def test_the_database_refuses_an_agenda_item_without_exactly_one_subject(meeting, coordinator, subjects):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            meeting=meeting,
            child=ChildFactory.create() if subjects.get("child") else None,
            adult=AdultOfConcernFactory.create() if subjects.get("adult") else None,
            place_name="Station Hotel" if subjects.get("place") else "",
            added_by=coordinator,
        )


def test_the_database_takes_each_single_subject(meeting, coordinator):
    AgendaItem.objects.create(meeting=meeting, child=ChildFactory.create(), added_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, adult=AdultOfConcernFactory.create(), added_by=coordinator)
    AgendaItem.objects.create(
        meeting=meeting, place_name="Station Hotel", place_postcode="WB1 1AA", added_by=coordinator
    )
    assert [item.kind for item in meeting.agenda.all()] == ["child", "adult", "place"]


@pytest.mark.parametrize("subjects", [{}, {"child": True, "adult": True}, {"adult": True, "place": True}])
def test_the_service_refuses_an_agenda_item_without_exactly_one_subject(meeting, coordinator, subjects):
    with pytest.raises(ValidationError):
        services.agenda_item_add(
            user=coordinator,
            meeting=meeting,
            child=ChildFactory.create() if subjects.get("child") else None,
            adult=AdultOfConcernFactory.create() if subjects.get("adult") else None,
            place_name="Station Hotel" if subjects.get("place") else "",
        )
    assert not meeting.agenda.exists()


def test_a_child_is_on_an_agenda_once(meeting, coordinator):
    child = ChildFactory.create()
    services.agenda_item_add(user=coordinator, meeting=meeting, child=child)
    with pytest.raises(ValidationError):
        services.agenda_item_add(user=coordinator, meeting=meeting, child=child)


def test_adding_a_place_records_its_postcode_and_the_audit(meeting, coordinator):
    item = services.agenda_item_add(
        user=coordinator, meeting=meeting, place_name="Station Hotel", place_postcode="wb1 1aa"
    )
    assert str(item) == "Place: Station Hotel, WB1 1AA"
    assert AuditEvent.objects.filter(kind=AuditKind.MACE_AGENDA_ITEM_ADDED, object_id=str(meeting.pk)).count() == 1


# The next agenda


def test_the_next_agenda_proposes_medium_and_high_band_and_repeat_missing_children_only(meeting, coordinator):
    high, medium, low, unassessed = (ChildFactory.create() for _ in range(4))
    _assessed(high, Band.HIGH)
    _assessed(medium, Band.MEDIUM)
    _assessed(low, Band.LOW)
    was_high_now_low = ChildFactory.create()
    _assessed(was_high_now_low, Band.HIGH, days_ago=100)
    _assessed(was_high_now_low, Band.LOW, days_ago=5)
    in_progress_high = ChildFactory.create()
    RiskAssessment.objects.create(
        child=in_progress_high,
        catalogue=Catalogue.objects.get(is_current=True),
        owning_agency=in_progress_high.owning_agency,
        assessor=in_progress_high.created_by,
        scored_band=Band.HIGH,
        band=Band.HIGH,
    )
    repeat = ChildFactory.create()
    _repeat_missing(repeat)
    missing_once = ChildFactory.create()
    MissingEpisodeFactory.create(child=missing_once)
    already_on = ChildFactory.create()
    _assessed(already_on, Band.HIGH)
    AgendaItemFactory.create(meeting=meeting, child=already_on, place_name="", place_postcode="")

    proposals = selectors.mace_agenda_next(user=coordinator, meeting=meeting)

    by_child = {p.child.pk: p.reason for p in proposals}
    assert set(by_child) == {high.pk, medium.pk, repeat.pk}
    assert by_child[high.pk] == "Latest risk assessment: high"
    assert by_child[repeat.pk] == "Repeat missing: 3 times in 90 days"
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=coordinator)
    assert {e.child_id for e in listed} == set(by_child)
    assert unassessed.pk not in by_child and low.pk not in by_child


def test_the_next_agenda_is_offered_only_to_coordinators(meeting):
    _assessed(ChildFactory.create(), Band.HIGH)
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    assert selectors.mace_agenda_next(user=leader, meeting=meeting).shown == []


def test_the_coordinator_adds_every_proposed_child_with_one_action(meeting, coordinator, sign_in, client):
    high, repeat, low = ChildFactory.create(), ChildFactory.create(), ChildFactory.create()
    _assessed(high, Band.HIGH)
    _repeat_missing(repeat)
    _assessed(low, Band.LOW)
    sign_in(coordinator)
    page = client.get(reverse("mace:meeting-detail", kwargs={"meeting_id": meeting.pk}))
    assert high.full_name in page.content.decode() and low.full_name not in page.content.decode()

    response = client.post(reverse("mace:agenda-proposals-add", kwargs={"meeting_id": meeting.pk}))

    assert response.status_code == 302
    assert set(meeting.agenda.values_list("child_id", flat=True)) == {high.pk, repeat.pk}
    assert selectors.mace_agenda_next(user=coordinator, meeting=meeting).shown == []
    assert AuditEvent.objects.filter(kind=AuditKind.MACE_AGENDA_ITEM_ADDED).count() == 2


# Actions on work lists


def test_an_action_appears_on_its_owners_work_list_and_leaves_it_when_done(meeting, coordinator, sign_in, client):
    child = ChildFactory.create()
    owner = UserFactory.create(agency=child.owning_agency, roles=[RoleCode.PRACTITIONER])
    item = services.agenda_item_add(user=coordinator, meeting=meeting, child=child)
    action = services.action_add(
        user=coordinator,
        meeting=meeting,
        agenda_item=item,
        description="Arrange a joint visit with the school",
        owner=owner,
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    someone_else = UserFactory.create(agency=child.owning_agency)
    sign_in(owner)

    page = client.get(reverse("missing:worklist")).content.decode()
    assert "Arrange a joint visit with the school" in page
    assert child.full_name in page
    assert "Overdue" in page
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=owner, child_id=child.pk).exists()

    response = client.post(reverse("mace:action-done", kwargs={"action_id": action.pk}))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None and action.done_by == owner
    assert "Arrange a joint visit with the school" not in client.get(reverse("missing:worklist")).content.decode()
    assert selectors.mace_actions_for_worklist(user=someone_else) == []


def test_an_action_is_not_on_anyone_elses_work_list(meeting, coordinator):
    action = ActionFactory.create(meeting=meeting)
    colleague = UserFactory.create(agency=action.owner.agency, roles=[RoleCode.MANAGER])
    assert [row.action for row in selectors.mace_actions_for_worklist(user=action.owner)] == [action]
    assert selectors.mace_actions_for_worklist(user=colleague) == []


def test_the_work_list_does_not_name_a_child_the_owner_may_not_see(meeting, coordinator):
    hidden = ChildFactory.create()
    item = AgendaItemFactory.create(meeting=meeting, child=hidden, place_name="", place_postcode="")
    owner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    ActionFactory.create(meeting=meeting, agenda_item=item, owner=owner)
    [row] = selectors.mace_actions_for_worklist(user=owner)
    assert row.child is None and not row.meeting_visible
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, child_id=hidden.pk).exists()


def test_only_the_owner_or_a_coordinator_marks_an_action_done(meeting, coordinator, sign_in, client):
    action = ActionFactory.create(meeting=meeting)
    other = UserFactory.create(agency=action.owner.agency, roles=[RoleCode.MANAGER])
    with pytest.raises(PermissionDenied):
        services.action_done(user=other, action=action)
    sign_in(other)
    assert client.post(reverse("mace:action-done", kwargs={"action_id": action.pk})).status_code == 404
    services.action_done(user=coordinator, action=action)
    assert Action.objects.get(pk=action.pk).done_at is not None


# Need-to-know


def test_a_practitioner_sees_only_agenda_items_about_children_they_may_see(meeting, coordinator, sign_in, client):
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    theirs = ChildFactory.create(owning_agency=police)
    hidden = ChildFactory.create()
    adult = AdultOfConcernFactory.create(name="Dean Hidden-Adult")
    visible_item = services.agenda_item_add(user=coordinator, meeting=meeting, child=theirs)
    hidden_item = services.agenda_item_add(user=coordinator, meeting=meeting, child=hidden)
    services.agenda_item_add(user=coordinator, meeting=meeting, adult=adult)
    services.agenda_item_add(user=coordinator, meeting=meeting, place_name="Station Hotel", place_postcode="WB1 1AA")
    services.decision_record(user=coordinator, agenda_item=visible_item, text="Refer to the NRM")
    services.decision_record(user=coordinator, agenda_item=hidden_item, text="Hidden decision text")
    practitioner = UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER])
    services.action_add(
        user=coordinator,
        meeting=meeting,
        agenda_item=hidden_item,
        description="Hidden action text",
        owner=coordinator,
        due_on=timezone.localdate(),
    )
    sign_in(practitioner)

    page = client.get(reverse("mace:meeting-detail", kwargs={"meeting_id": meeting.pk})).content.decode()

    assert theirs.full_name in page and "Refer to the NRM" in page
    for withheld in (hidden.full_name, adult.name, "Station Hotel", "Hidden decision text", "Hidden action text"):
        assert withheld not in page
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=practitioner)
    assert [e.child_id for e in listed] == [theirs.pk]
    assert list(selectors.meetings_visible_to(practitioner)) == [meeting]


def test_a_meeting_about_no_child_they_may_see_is_not_found_for_a_practitioner(meeting, coordinator, sign_in, client):
    services.agenda_item_add(user=coordinator, meeting=meeting, child=ChildFactory.create())
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    sign_in(practitioner)
    assert client.get(reverse("mace:meeting-detail", kwargs={"meeting_id": meeting.pk})).status_code == 404
    assert selectors.meeting_page(user=practitioner).count() == 0


def test_coordinators_and_leaders_see_every_item_and_each_child_read_is_audited(meeting, coordinator, sign_in, client):
    children = [ChildFactory.create() for _ in range(2)]
    for child in children:
        services.agenda_item_add(user=coordinator, meeting=meeting, child=child)
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    sign_in(leader)
    page = client.get(reverse("mace:meeting-detail", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert all(child.full_name in page for child in children)
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=leader)
    assert sorted(str(e.child_id) for e in listed) == sorted(str(c.pk) for c in children)


# Minutes with handling restrictions


def test_minutes_under_code_c_are_shown_in_full_only_within_the_conditions(meeting, coordinator, sign_in, client):
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    health = AgencyFactory.create(code="HEA", kind=AgencyKind.HEALTH)
    child = ChildFactory.create(owning_agency=police)
    services.agenda_item_add(user=coordinator, meeting=meeting, child=child)
    services.minutes_record(
        user=coordinator,
        meeting=meeting,
        minutes="Intelligence from an informant about the flat on Mill Lane.",
        handling_code=HandlingCode.CONDITIONS,
        conditions="Police and social care only; not to be disclosed to the family.",
        condition_agencies=[police],
    )
    InvolvementFactory.create(child=child, agency=health)
    nurse = UserFactory.create(agency=health, roles=[RoleCode.PRACTITIONER])
    officer = UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER])
    url = reverse("mace:meeting-detail", kwargs={"meeting_id": meeting.pk})

    sign_in(officer)
    assert "Mill Lane" in client.get(url).content.decode()
    client.logout()
    sign_in(nurse)
    seen_by_nurse = client.get(url).content.decode()
    assert "Mill Lane" not in seen_by_nurse
    assert selectors.MINUTES_WITHHELD.replace("'", "&#x27;") in seen_by_nurse
    assert selectors.minutes_in_full_for(coordinator, meeting)


def test_minutes_under_code_p_are_shown_to_everyone_who_sees_the_meeting(meeting, coordinator):
    services.minutes_record(user=coordinator, meeting=meeting, minutes="Agreed a safety plan.")
    outsider = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    assert selectors.minutes_in_full_for(outsider, meeting)


def test_code_c_minutes_need_their_conditions(meeting, coordinator):
    with pytest.raises(ValidationError):
        services.minutes_record(user=coordinator, meeting=meeting, minutes="x", handling_code=HandlingCode.CONDITIONS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes_handling_code=HandlingCode.CONDITIONS)


# Refusals


def test_only_coordinators_arrange_and_run_meetings(meeting, csc):
    for role in (RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.LEADER, RoleCode.ADMINISTRATOR):
        user = UserFactory.create(agency=csc, roles=[role])
        with pytest.raises(PermissionDenied):
            services.meeting_create(user=user, held_at=timezone.now(), location="Civic Centre")
        with pytest.raises(PermissionDenied):
            services.agenda_item_add(user=user, meeting=meeting, place_name="Station Hotel")
        with pytest.raises(PermissionDenied):
            services.minutes_record(user=user, meeting=meeting, minutes="x")


def test_a_leader_sees_the_meeting_but_may_not_change_it(meeting, sign_in, client):
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    sign_in(leader)
    assert client.get(reverse("mace:meeting-detail", kwargs={"meeting_id": meeting.pk})).status_code == 200
    response = client.post(
        reverse("mace:agenda-add", kwargs={"meeting_id": meeting.pk}), {"place_name": "Station Hotel"}
    )
    assert response.status_code == 403
    assert not meeting.agenda.exists()


def test_administrators_see_no_meetings(meeting, sign_in, client):
    admin = UserFactory.create(roles=[RoleCode.ADMINISTRATOR])
    sign_in(admin)
    assert client.get(reverse("mace:meeting-list")).status_code == 403
    assert client.get(reverse("mace:meeting-detail", kwargs={"meeting_id": meeting.pk})).status_code == 404


def test_the_coordinator_arranges_a_meeting_and_adds_a_child_by_reference(coordinator, sign_in, client):
    child = ChildFactory.create(la_child_id="WB100077")
    sign_in(coordinator)
    response = client.post(
        reverse("mace:meeting-create"), {"held_at": "2030-03-04T10:00", "location": "Civic Centre, room 2"}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.chair == coordinator
    url = reverse("mace:agenda-add", kwargs={"meeting_id": meeting.pk})
    assert client.post(url, {"child_reference": "wb100077", "reason": "Seen at the hotel"}).status_code == 302
    assert client.post(url, {"child_reference": "WB999999"}).status_code == 200
    two = client.post(url, {"place_name": "Station Hotel", "adult": AdultOfConcernFactory.create().pk})
    assert "Choose one subject" in two.content.decode()
    assert list(meeting.agenda.values_list("child_id", flat=True)) == [child.pk]


def test_the_coordinator_adds_a_child_to_the_agenda_by_name_choosing_among_those_who_match(
    coordinator, sign_in, client
):
    from joinedup.audit.models import AuditEvent, AuditKind

    amira = ChildFactory.create(given_name="Amira", family_name="Khan")
    amir = ChildFactory.create(given_name="Amir", family_name="Khan")
    jordan = ChildFactory.create(given_name="Jordan", family_name="Ashdown")
    sign_in(coordinator)
    client.post(reverse("mace:meeting-create"), {"held_at": "2030-03-04T10:00", "location": "Civic Centre"})
    meeting = Meeting.objects.get()
    url = reverse("mace:agenda-add", kwargs={"meeting_id": meeting.pk})

    several = client.post(url, {"child_reference": "khan", "reason": "Seen at the hotel"})
    page = several.content.decode()
    assert several.status_code == 200
    assert "2 children match “khan”" in page
    assert f"{amira.full_name}</td>" in page and f"{amir.full_name}</td>" in page
    assert jordan.full_name not in page
    assert not meeting.agenda.exists()  # nothing added until one is chosen
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, reason__startswith="MACE agenda")
    assert listed.count() == 2

    chosen = client.get(f"{url}?child={amira.pk}")
    assert f'value="{amira.pk}"' in chosen.content.decode()
    assert client.post(url, {"child_reference": str(amira.pk), "reason": "Seen at the hotel"}).status_code == 302
    assert client.post(url, {"child_reference": "Jordan Ashdown", "reason": "Missing twice"}).status_code == 302
    assert sorted(meeting.agenda.values_list("child__given_name", flat=True)) == ["Amira", "Jordan"]
    nobody = client.post(url, {"child_reference": "Nobody Here"})
    assert "No child you may see has that name or id" in nobody.content.decode()


def test_an_action_is_offered_and_given_only_to_those_who_do_the_work(meeting, coordinator, sign_in, client):
    from django.core.exceptions import ValidationError

    from joinedup.mace.models import Action

    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    administrator = UserFactory.create(roles=[RoleCode.ADMINISTRATOR])
    sign_in(coordinator)
    page = client.get(reverse("mace:action", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert f'value="{practitioner.pk}"' in page and f'value="{coordinator.pk}"' in page
    assert f'value="{leader.pk}"' not in page and f'value="{administrator.pk}"' not in page

    for owner in (leader, administrator):
        with pytest.raises(ValidationError) as refused:
            services.action_add(
                user=coordinator, meeting=meeting, description="Visit", owner=owner, due_on=timezone.localdate()
            )
        assert "someone who does the work" in str(refused.value)
    assert not Action.objects.exists()  # nothing written
