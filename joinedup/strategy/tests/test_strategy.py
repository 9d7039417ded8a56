"""Strategy discussions from the front door to MACE, section 47 enquiries, actions as tasks, NRM referrals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import london_date, london_day_ends
from joinedup.frontdoor import services as frontdoor_services
from joinedup.frontdoor.models import Route
from joinedup.frontdoor.tests.factories import contact_make
from joinedup.mace import selectors as mace_selectors
from joinedup.mace import services as mace_services
from joinedup.oversight.figures import BY_KEY, count_figures, default_filters
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_complete

from .. import services
from ..figures import FIGURES
from ..models import (
    EnquiryOutcome,
    NRMReferral,
    Participant,
    Section47Enquiry,
    StrategyAction,
    StrategyDecision,
    StrategyDiscussion,
)
from ..services import ParticipantGiven
from .factories import discussion_make, nrm_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)


@pytest.fixture
def pol():
    return AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)


@pytest.fixture
def health():
    return AgencyFactory.create(code="NHS", kind=AgencyKind.HEALTH)


@pytest.fixture
def school():
    return AgencyFactory.create(code="SCH", kind=AgencyKind.EDUCATION)


@pytest.fixture
def social_worker(csc):
    return UserFactory.create(agency=csc, roles=[RoleCode.PRACTITIONER], first_name="Alex", last_name="Worker")


@pytest.fixture
def child(csc):
    return ChildFactory.create(owning_agency=csc, given_name="Jordan", family_name="Synthwood")


@pytest.fixture
def coordinator(csc):
    return UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])


def _everyone(csc, pol, health, school) -> list[ParticipantGiven]:
    return [
        ParticipantGiven(agency=csc, person_name="Alex Worker", role="Social worker", information_shared="Known"),
        ParticipantGiven(agency=pol, person_name="DS Synth", role="Exploitation team", information_shared="Flat"),
        ParticipantGiven(agency=health, person_name="Nurse Synth", role="Named nurse"),
        ParticipantGiven(agency=school, person_name="Sam Teacher", role="Safeguarding lead"),
    ]


def _record(user, child, participants, decision=StrategyDecision.S47_JOINT, **kwargs):
    return services.discussion_record(
        user=user,
        child=child,
        held_at=kwargs.pop("held_at", timezone.now() - dt.timedelta(hours=1)),
        chaired_by=user,
        why="Found in a flat used to sell drugs.",
        decision=decision,
        reasons="Reasonable cause to suspect criminal exploitation.",
        participants=participants,
        **kwargs,
    )


# --- The front door's routes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", Route.values)
def test_a_contacts_journey_to_each_route_offers_a_strategy_discussion_only_for_section_47_and_exploitation(
    route, csc, social_worker, child, sign_in, client
):
    contact = contact_make(child=child, recorded_by=UserFactory.create(agency=csc))
    level = contact.threshold.levels.get(code="specialist")
    frontdoor_services.contact_decide(
        user=social_worker,
        contact=contact,
        level=level,
        decision_reason="Reasonable cause to suspect significant harm",
        route=route,
        route_detail="Advice given to the school",
    )
    sign_in(social_worker)
    page = client.get(reverse("frontdoor:contact", args=[contact.pk])).content.decode()
    link = f"{reverse('strategy:create', args=[child.pk])}?contact={contact.pk}"
    offered = route in (Route.STRATEGY, Route.EXPLOITATION)
    assert ("Hold the strategy discussion" in page) is offered
    assert (link in page) is offered
    if offered:
        form = client.get(link).content.decode()
        assert "Reasonable cause to suspect significant harm" in form  # why, filled in from the decision
        assert f'name="contact" value="{contact.pk}"' in form


def test_the_front_door_routes_the_child_to_a_strategy_discussion_that_proposes_them_for_mace(
    csc, pol, health, school, social_worker, child, coordinator, sign_in, client
):
    contact = contact_make(child=child, recorded_by=UserFactory.create(agency=csc))
    frontdoor_services.contact_decide(
        user=social_worker,
        contact=contact,
        level=contact.threshold.levels.get(code="specialist"),
        decision_reason="Found in a flat used to sell drugs",
        route=Route.EXPLOITATION,
    )
    sign_in(social_worker)
    rows = [(csc, "Alex Worker", "Social worker"), (pol, "DS Synth", "Exploitation team"), (school, "Sam T", "DSL")]
    data = {
        "contact": str(contact.pk),
        "held_at": timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "chaired_by": social_worker.pk,
        "why": "Found in a flat used to sell drugs, 20 miles from home.",
        "decision": StrategyDecision.S47_JOINT,
        "reasons": "Reasonable cause to suspect criminal exploitation.",
        "participants-TOTAL_FORMS": "3",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "30",
    }
    for i, (agency, name, role) in enumerate(rows):
        data |= {f"participants-{i}-agency": agency.pk, f"participants-{i}-person_name": name}
        data |= {f"participants-{i}-role": role, f"participants-{i}-information_shared": f"{agency.code} shared"}
    response = client.post(reverse("strategy:create", args=[child.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    discussion = StrategyDiscussion.objects.get(child=child)
    assert discussion.contact == contact
    assert sorted(discussion.participants.values_list("agency__code", flat=True)) == ["CSC", "POL", "SCH"]
    assert discussion.section47.joint_with_police
    page = client.get(response["Location"]).content.decode()
    assert "Did not take part: Health" in page  # the warning for an expected agency missing
    response = client.post(
        reverse("strategy:mace", args=[discussion.pk]), {"reason": "Linked to two adults of concern at the flat"}
    )
    assert response.status_code == 302
    meeting = mace_services.meeting_create(
        user=coordinator, held_at=timezone.now() + dt.timedelta(days=7), location="Town hall"
    )
    proposals = mace_selectors.mace_agenda_next(user=coordinator, meeting=meeting)
    assert [p.child for p in proposals] == [child]
    assert "Proposed by a strategy discussion" in proposals.shown[0].reason
    # Once on a meeting's agenda, the proposal is considered: the next meeting does not propose the child again.
    mace_services.agenda_proposals_add(user=coordinator, meeting=meeting)
    later = mace_services.meeting_create(
        user=coordinator, held_at=timezone.now() + dt.timedelta(days=35), location="Town hall"
    )
    assert mace_selectors.mace_agenda_next(user=coordinator, meeting=later).shown == []


def test_a_discussion_held_in_the_minute_the_contact_arrived_is_not_before_it(
    csc, pol, health, school, social_worker, child
):
    """The form gives the time to the minute (found walking issue 13's journey in the browser): a discussion held
    in the minute the contact arrived is recorded; one the minute before is still refused."""
    received = (timezone.now() - dt.timedelta(hours=1)).replace(second=40, microsecond=0)
    contact = contact_make(child=child, recorded_by=UserFactory.create(agency=csc), received_at=received)
    everyone = _everyone(csc, pol, health, school)
    with pytest.raises(ValidationError) as refused:
        minute_before = received.replace(second=0) - dt.timedelta(minutes=1)
        _record(social_worker, child, everyone, contact=contact, held_at=minute_before)
    assert "held_at" in refused.value.message_dict
    discussion = _record(social_worker, child, everyone, contact=contact, held_at=received.replace(second=0))
    assert discussion.contact == contact


# --- Who took part ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", [StrategyDecision.S47_SINGLE, StrategyDecision.S47_JOINT])
@pytest.mark.parametrize("absent", ["police", "social_care", "both"])
def test_a_section_47_decision_is_refused_without_police_and_social_care_and_nothing_is_written(
    decision, absent, csc, pol, health, school, social_worker, child
):
    everyone = _everyone(csc, pol, health, school)
    drop = {"police": {pol}, "social_care": {csc}, "both": {pol, csc}}[absent]
    with pytest.raises(ValidationError) as refused:
        _record(social_worker, child, [p for p in everyone if p.agency not in drop], decision=decision)
    assert "decision" in refused.value.message_dict
    assert StrategyDiscussion.objects.count() == Participant.objects.count() == Section47Enquiry.objects.count() == 0
    assert not AuditEvent.objects.filter(kind=AuditKind.STRATEGY_DISCUSSION_RECORDED).exists()


def test_without_police_the_discussion_may_decide_no_section_47_enquiry(csc, health, social_worker, child):
    discussion = _record(
        social_worker,
        child,
        [
            ParticipantGiven(agency=csc, person_name="A", role="SW"),
            ParticipantGiven(agency=health, person_name="B", role="Nurse"),
        ],
        decision=StrategyDecision.OTHER_SUPPORT,
    )
    assert not Section47Enquiry.objects.filter(discussion=discussion).exists()


def test_the_page_refuses_a_section_47_decision_without_police_beside_the_decision(
    csc, social_worker, child, sign_in, client
):
    sign_in(social_worker)
    data = {
        "held_at": timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "chaired_by": social_worker.pk,
        "why": "Seen with adults",
        "decision": StrategyDecision.S47_SINGLE,
        "reasons": "Harm",
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-agency": csc.pk,
        "participants-0-person_name": "Alex Worker",
        "participants-0-role": "Social worker",
    }
    response = client.post(reverse("strategy:create", args=[child.pk]), data)
    assert response.status_code == 200
    assert "police did not" in response.content.decode()
    assert not StrategyDiscussion.objects.exists()


def test_the_section_47_enquiry_starts_with_its_conference_due_in_15_working_days(
    csc, pol, health, school, social_worker, child
):
    held = dt.datetime(2026, 3, 25, 11, 0, tzinfo=dt.UTC)
    discussion = _record(social_worker, child, _everyone(csc, pol, health, school), held_at=held)
    enquiry = discussion.section47
    assert (enquiry.started_on, enquiry.conference_due) == (dt.date(2026, 3, 25), dt.date(2026, 4, 17))
    assert enquiry.joint_with_police


def test_the_enquirys_outcome_rules(csc, pol, health, school, social_worker, child):
    discussion = _record(social_worker, child, _everyone(csc, pol, health, school))
    enquiry = discussion.section47
    today = london_date(timezone.now())
    with pytest.raises(ValidationError):  # a conference needs its date
        services.section47_outcome_record(
            user=social_worker, enquiry=enquiry, outcome=EnquiryOutcome.CONFERENCE, outcome_on=today
        )
    with pytest.raises(ValidationError):  # a conference date only with a conference
        services.section47_outcome_record(
            user=social_worker,
            enquiry=enquiry,
            outcome=EnquiryOutcome.NO_FURTHER_ACTION,
            outcome_on=today,
            conference_on=today,
        )
    with pytest.raises(ValidationError):  # not in the future
        services.section47_outcome_record(
            user=social_worker,
            enquiry=enquiry,
            outcome=EnquiryOutcome.CHILD_IN_NEED,
            outcome_on=today + dt.timedelta(days=1),
        )
    services.section47_outcome_record(
        user=social_worker, enquiry=enquiry, outcome=EnquiryOutcome.CONFERENCE, outcome_on=today, conference_on=today
    )
    enquiry.refresh_from_db()
    assert enquiry.conference_in_time is True
    with pytest.raises(ValidationError):  # once
        services.section47_outcome_record(
            user=social_worker, enquiry=enquiry, outcome=EnquiryOutcome.NO_FURTHER_ACTION, outcome_on=today
        )


def test_only_social_care_police_and_the_coordinator_hold_discussions(csc, pol, health, school, child, coordinator):
    nurse = UserFactory.create(agency=health, roles=[RoleCode.PRACTITIONER])
    Involvement.objects.create(child=child, agency=health, reason="Named nurse")
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    for user in (nurse, leader):
        with pytest.raises(PermissionDenied):
            _record(user, child, _everyone(csc, pol, health, school))
    officer = UserFactory.create(agency=pol, roles=[RoleCode.MANAGER])
    with pytest.raises(PermissionDenied):  # police who may not see the child
        _record(officer, child, _everyone(csc, pol, health, school))
    assert _record(coordinator, child, _everyone(csc, pol, health, school)).agency == csc
    assert not StrategyDiscussion.objects.filter(recorded_by__in=[nurse, leader, officer]).exists()


# --- Actions become tasks ---------------------------------------------------------------------------------------


def test_an_action_is_a_task_on_the_owners_work_list_and_marking_it_done_there_closes_both(csc, social_worker, child):
    discussion = discussion_make(child=child, recorded_by=social_worker)
    owner = UserFactory.create(agency=csc, roles=[RoleCode.PRACTITIONER])
    due = london_date(timezone.now()) + dt.timedelta(days=5)
    action = services.action_add(
        user=social_worker, discussion=discussion, description="Visit the child at school", owner=owner, due_on=due
    )
    task = Task.objects.get(kind=TaskKind.STRATEGY_ACTION, source_id=str(action.pk))
    assert (task.owner, task.child, task.due_at, task.completes_here) == (owner, child, london_day_ends(due), True)
    assert task.completed_at is None
    task_complete(user=owner, task=task)
    action.refresh_from_db()
    assert action.done_at is not None and action.done_by == owner
    assert AuditEvent.objects.filter(kind=AuditKind.STRATEGY_ACTION_DONE, child_id=child.pk).exists()


def test_an_action_done_on_the_discussion_closes_its_task(csc, social_worker, child):
    discussion = discussion_make(child=child, recorded_by=social_worker)
    action = services.action_add(
        user=social_worker,
        discussion=discussion,
        description="Share the flat's address with the police",
        owner=social_worker,
        due_on=london_date(timezone.now()),
    )
    services.action_done(user=social_worker, action=action)
    assert Task.objects.get(kind=TaskKind.STRATEGY_ACTION, source_id=str(action.pk)).completed_at is not None


def test_an_action_goes_only_to_someone_who_may_see_the_child(csc, social_worker, child):
    discussion = discussion_make(child=child, recorded_by=social_worker)
    stranger = UserFactory.create(agency=AgencyFactory.create(code="OTH"), roles=[RoleCode.PRACTITIONER])
    with pytest.raises(ValidationError):
        services.action_add(
            user=social_worker, discussion=discussion, description="Visit", owner=stranger, due_on=timezone.localdate()
        )
    assert not StrategyAction.objects.exists() and not Task.objects.exists()


def test_a_disruption_plan_names_the_adult_it_is_against(csc, social_worker, child):
    from joinedup.disruption.tests.factories import AdultOfConcernFactory

    discussion = discussion_make(child=child, recorded_by=social_worker)
    adult = AdultOfConcernFactory.create()
    services.disruption_plan_record(
        user=social_worker, discussion=discussion, plan="Child abduction warning notice", adult=adult
    )
    discussion.refresh_from_db()
    assert (discussion.disruption_adult, discussion.disruption_recorded_by) == (adult, social_worker)


# --- The National Referral Mechanism ----------------------------------------------------------------------------


def test_an_nrm_referral_and_its_decisions_in_order(csc, social_worker, child):
    today = london_date(timezone.now())
    referral = services.nrm_referral_record(
        user=social_worker,
        child=child,
        first_responder=csc,
        referred_on=today - dt.timedelta(days=30),
        exploitation_type="criminal",
    )
    assert referral.first_responder_kind == "local_authority"
    record = services.nrm_decision_record
    with pytest.raises(ValidationError):  # conclusive before any reasonable grounds decision
        record(user=social_worker, referral=referral, stage="conclusive", decision="positive", decided_on=today)
    with pytest.raises(ValidationError):  # before the referral
        record(
            user=social_worker,
            referral=referral,
            stage="reasonable",
            decision="positive",
            decided_on=today - dt.timedelta(days=31),
        )
    with pytest.raises(ValidationError):  # in the future
        record(
            user=social_worker,
            referral=referral,
            stage="reasonable",
            decision="positive",
            decided_on=today + dt.timedelta(days=1),
        )
    record(
        user=social_worker,
        referral=referral,
        stage="reasonable",
        decision="positive",
        decided_on=today - dt.timedelta(days=25),
    )
    with pytest.raises(ValidationError):  # conclusive before the reasonable grounds decision
        record(
            user=social_worker,
            referral=referral,
            stage="conclusive",
            decision="positive",
            decided_on=today - dt.timedelta(days=26),
        )
    with pytest.raises(ValidationError):  # once
        record(user=social_worker, referral=referral, stage="reasonable", decision="negative", decided_on=today)
    record(user=social_worker, referral=referral, stage="conclusive", decision="positive", decided_on=today)
    referral.refresh_from_db()
    assert (referral.reasonable_grounds, referral.conclusive_grounds) == ("positive", "positive")
    assert referral.conclusive_grounds_on == today


def test_no_conclusive_grounds_decision_after_a_negative_reasonable_grounds_decision(csc, social_worker, child):
    referral = nrm_make(child=child, agency=csc)
    today = london_date(timezone.now())
    services.nrm_decision_record(
        user=social_worker, referral=referral, stage="reasonable", decision="negative", decided_on=today
    )
    with pytest.raises(ValidationError):
        services.nrm_decision_record(
            user=social_worker, referral=referral, stage="conclusive", decision="positive", decided_on=today
        )
    referral.refresh_from_db()
    assert referral.conclusive_grounds == "" and referral.conclusive_grounds_on is None


def test_only_a_first_responder_organisation_refers_and_not_in_the_future(csc, health, social_worker, child):
    today = london_date(timezone.now())
    with pytest.raises(ValidationError):
        services.nrm_referral_record(
            user=social_worker, child=child, first_responder=health, referred_on=today, exploitation_type="sexual"
        )
    with pytest.raises(ValidationError):
        services.nrm_referral_record(
            user=social_worker,
            child=child,
            first_responder=csc,
            referred_on=today + dt.timedelta(days=1),
            exploitation_type="sexual",
        )
    assert not NRMReferral.objects.exists()


# --- The child's record and the figures ------------------------------------------------------------------------


def test_the_childs_record_shows_discussions_enquiries_and_referrals(csc, social_worker, child, sign_in, client):
    discussion = discussion_make(child=child, recorded_by=social_worker)
    referral = nrm_make(child=child, agency=csc)
    sign_in(social_worker)
    page = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert reverse("strategy:discussion", args=[discussion.pk]) in page
    assert reverse("strategy:nrm", args=[referral.pk]) in page
    assert "conference due by" in page
    assert "Record a strategy discussion" in page and "Record an NRM referral" in page


def test_the_figures_count_enquiries_conferences_in_time_and_referrals_waiting(csc, social_worker, child):
    late = discussion_make(child=child, recorded_by=social_worker, held_at=timezone.now() - dt.timedelta(days=40))
    in_time = discussion_make(child=child, recorded_by=social_worker)
    Section47Enquiry.objects.filter(pk=late.section47.pk).update(
        outcome="icpc",
        outcome_on=late.section47.conference_due,
        conference_on=late.section47.conference_due + dt.timedelta(days=7),
    )
    Section47Enquiry.objects.filter(pk=in_time.section47.pk).update(
        outcome="icpc", outcome_on=timezone.localdate(), conference_on=timezone.localdate()
    )
    nrm_make(child=child, agency=csc)
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    counts = count_figures(FIGURES, user=leader, filters=default_filters())
    assert counts["strategy-discussions"] == 2
    assert counts["strategy-section47-started"] == 2
    assert counts["strategy-conference-in-time"] == 1
    assert counts["strategy-nrm-awaiting-reasonable-grounds"] == 1
    assert [e.pk for e in BY_KEY["strategy-conference-in-time"].rows(leader, default_filters())] == [
        in_time.section47.pk
    ]


def test_the_childs_record_reads_the_section_in_the_same_number_of_queries_however_many_there_are(
    csc, social_worker, child, sign_in, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("children:detail", args=[child.pk])).status_code == 200
        return len(captured.captured_queries)

    discussion_make(child=child, recorded_by=social_worker)
    nrm_make(child=child, agency=csc)
    sign_in(social_worker)
    few = queries()
    for decision in (StrategyDecision.S47_SINGLE, StrategyDecision.NO_FURTHER_ACTION, StrategyDecision.S47_JOINT):
        discussion_make(child=child, recorded_by=social_worker, decision=decision)
        nrm_make(child=child, agency=csc)
    assert queries() == few


def test_rows_offered_for_the_expected_agencies_and_left_as_they_were_are_not_recorded(
    csc, pol, health, school, social_worker, child, sign_in, client
):
    import re

    sign_in(social_worker)
    url = reverse("strategy:create", args=[child.pk])
    form = client.get(url).content.decode()
    total = int(re.search(r'name="participants-TOTAL_FORMS" value="(\d+)"', form).group(1))  # type: ignore[union-attr]
    initial = re.search(r'name="participants-INITIAL_FORMS" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    offered = re.findall(r'<option value="(\d+)" selected>', form)
    assert offered == [str(a.pk) for a in (csc, pol, health, school)]
    data = {
        "held_at": timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "chaired_by": social_worker.pk,
        "why": "Found in a flat used to sell drugs",
        "decision": StrategyDecision.S47_JOINT,
        "reasons": "Reasonable cause to suspect criminal exploitation",
        "participants-TOTAL_FORMS": str(total),
        "participants-INITIAL_FORMS": initial,
    }
    for i, agency in enumerate(offered):  # as a browser sends the form: each offered agency stays selected
        data[f"participants-{i}-agency"] = agency
    data |= {"participants-0-person_name": "Alex Worker", "participants-0-role": "Social worker"}
    data |= {"participants-1-person_name": "DS Synth", "participants-1-role": "Exploitation team"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    discussion = StrategyDiscussion.objects.get(child=child)
    assert sorted(discussion.participants.values_list("agency__code", flat=True)) == ["CSC", "POL"]


def test_an_action_given_to_someone_else_on_the_work_list_changes_the_actions_owner(csc, social_worker, child):
    from joinedup.tasks.services import task_reassign

    discussion = discussion_make(child=child, recorded_by=social_worker)
    action = services.action_add(
        user=social_worker,
        discussion=discussion,
        description="Visit the child at school",
        owner=social_worker,
        due_on=london_date(timezone.now()),
    )
    colleague = UserFactory.create(agency=csc, roles=[RoleCode.PRACTITIONER])
    task_reassign(user=social_worker, task=Task.objects.get(kind=TaskKind.STRATEGY_ACTION), owner=colleague)
    action.refresh_from_db()
    assert action.owner == colleague
