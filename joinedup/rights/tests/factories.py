"""A child with one of every kind of item the partnership records, for the subject access export's tests."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from joinedup.access.models import BreakGlassGrant
from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments.models import AssessmentIndicator, Catalogue, RiskAssessment
from joinedup.children.joins import children_join
from joinedup.children.models import Address, Child, ConnectionRequest, JoinSource, Relative, RelativeKind
from joinedup.children.services import child_details_change, chronology_entry_correct
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.concerns.services import concern_correct
from joinedup.contacts.tests.factories import ContactAttemptFactory
from joinedup.disruption.tests.factories import AdultOfConcernFactory, ConcernFactory, DisruptionActionFactory
from joinedup.documents.tests.factories import document_attach
from joinedup.linkage.tests.factories import PersonRecordFactory
from joinedup.mace.models import Decision
from joinedup.mace.tests.factories import ActionFactory, AgendaItemFactory
from joinedup.missing.models import Alert, InterviewAction, PhilomenaProfile
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory, RiskGradingFactory
from joinedup.screening.models import QuestionSet, ScreeningResponse
from joinedup.sharing.tests.factories import ShareDecisionFactory

ADULT_NAME = "Dale Synthadult"
RELATIVE_NAME = "Jo Synthparent"
RELATIVE_PHONE = "07700 900456"
SAFE_ADDRESS = "Refuge House, 1 Hidden Lane"


@dataclass
class RichChild:
    child: Child
    joined: Child
    coordinator: User
    agency: Agency
    ids: dict[str, set[str]] = field(default_factory=dict)

    def add(self, section: str, pk: object) -> None:
        self.ids.setdefault(section, set()).add(str(pk))


def rich_child() -> RichChild:
    """A child recorded by social care with one of each item (and a correction of some), and a second record of
    the same child joined into it, with an entry moved by the join and a contact attempt left under it."""
    agency = AgencyFactory.create(code="CSC")
    police = AgencyFactory.create(code="POL", kind="police")
    coordinator = UserFactory.create(agency=agency, roles=[RoleCode.COORDINATOR])
    worker = UserFactory.create(agency=agency, first_name="Kim", last_name="Keyworker")
    child = ChildFactory.create(
        owning_agency=agency, given_name="Robin", family_name="Synthchild", nhs_number="", key_worker=worker
    )
    rich = RichChild(child=child, joined=child, coordinator=coordinator, agency=agency)
    rich.add("child", child.pk)
    now = timezone.now()

    rich.add("addresses", Address.objects.create(child=child, address="2 Own Road", recorded_by_agency=agency).pk)
    rich.add(
        "addresses",
        Address.objects.create(child=child, address=SAFE_ADDRESS, restricted=True, recorded_by_agency=agency).pk,
    )
    relative = Relative.objects.create(
        child=child, kind=RelativeKind.PARENT, name=RELATIVE_NAME, phone=RELATIVE_PHONE, recorded_by_agency=agency
    )
    rich.add("relatives", relative.pk)
    for change in child_details_change(
        user=coordinator, child=child, changes={"postcode": "WB9 9ZZ"}, reason="Moved house"
    ):
        rich.add("detail_changes", change.pk)
    rich.add("involvements", child.involvements.get().pk)

    entry = ChronologyEntryFactory.create(child=child, summary="Met at school")
    chronology_entry_correct(user=coordinator, entry=entry, changes={"summary": "Met at college"}, reason="Wrong")
    rich.add("chronology", entry.pk)

    episode = MissingEpisodeFactory.create(
        child=child,
        started_at=now - dt.timedelta(days=3),
        returned_at=now - dt.timedelta(days=2),
        last_seen_with=ADULT_NAME,
    )
    rich.add("missing_episodes", episode.pk)
    rich.add("risk_gradings", RiskGradingFactory.create(episode=episode).pk)
    interview = ReturnInterviewFactory.create(episode=episode, who_they_were_with=ADULT_NAME, childs_words="I was ok")
    rich.add("return_interviews", interview.pk)
    rich.add(
        "interview_actions",
        InterviewAction.objects.create(interview=interview, description="Refer to the youth service", owner=worker).pk,
    )
    rich.add(
        "philomena",
        PhilomenaProfile.objects.create(
            child=child, owning_agency=agency, updated_by=worker, associates=ADULT_NAME, description="Tall"
        ).pk,
    )

    adult = AdultOfConcernFactory.create(name=ADULT_NAME, owning_agency=police)
    concern = ConcernFactory.create(child=child, adults=[adult], phones="07700 900999")
    concern_correct(user=coordinator, concern=concern, changes={"what_happened": "Seen with him twice"}, reason="x")
    rich.add("concerns", concern.pk)

    catalogue = Catalogue.objects.get(is_current=True)
    assessment = RiskAssessment.objects.create(
        child=child, catalogue=catalogue, owning_agency=agency, assessor=worker, family_views="Mum is worried"
    )
    rich.add("risk_assessments", assessment.pk)
    rich.add(
        "assessment_indicators",
        AssessmentIndicator.objects.create(
            assessment=assessment, indicator=catalogue.indicators.all()[0], evidence="Late nights"
        ).pk,
    )
    question_set = QuestionSet.objects.get(is_current=True)
    rich.add(
        "screenings",
        ScreeningResponse.objects.create(
            child=child,
            question_set=question_set,
            practitioner=worker,
            agency=agency,
            screened_at=now - dt.timedelta(days=1),
            answers={question_set.questions.first().code: "no"},  # type: ignore[union-attr]
        ).pk,
    )
    rich.add("contact_attempts", ContactAttemptFactory.create(child=child, note="Spoke at home").pk)

    agenda_item = AgendaItemFactory.create(child=child, place_name="", place_postcode="", reason="Repeat missing")
    rich.add("mace_agenda", agenda_item.pk)
    rich.add(
        "mace_decisions",
        Decision.objects.create(agenda_item=agenda_item, text="Safety plan", recorded_by=agenda_item.added_by).pk,
    )
    rich.add("mace_actions", ActionFactory.create(meeting=agenda_item.meeting, agenda_item=agenda_item).pk)
    disruption = DisruptionActionFactory.create(adult=adult)
    disruption.children.add(child)
    rich.add("disruption", disruption.pk)
    rich.add("documents", document_attach(user=worker, child=child).pk)
    rich.add("shares", ShareDecisionFactory.create(child=child, shared_with_agency=police).pk)
    rich.add("person_records", PersonRecordFactory.create(agency=police, child=child).pk)
    rich.add("alerts", Alert.objects.create(recipient=worker, child=child, message="A child is missing").pk)
    rich.add(
        "emergency_access",
        BreakGlassGrant.objects.create(
            user=UserFactory.create(agency=police),
            child=child,
            reason="Found at night",
            granted_at=now,
            expires_at=now + dt.timedelta(hours=1),
        ).pk,
    )
    rich.add(
        "connection_requests",
        ConnectionRequest.objects.create(
            requested_by=worker, agency=agency, details={}, candidates=[], reason="New pupil", child=child
        ).pk,
    )

    from joinedup.supervision.models import Challenge, ChallengeAbout, OversightNote

    rich.add(
        "oversight_notes",
        OversightNote.objects.create(
            child=child,
            agency=agency,
            manager=coordinator,
            reviewed="The chronology and the plan",
            decided="Visit weekly",
            next_due=now.date() + dt.timedelta(days=28),
        ).pk,
    )
    rich.add(
        "challenges",
        Challenge.objects.create(
            child=child,
            raised_by=worker,
            raising_agency=agency,
            to_agency=police,
            about=ChallengeAbout.values[0],
            what="The referral has waited three weeks",
            response_due=now.date() + dt.timedelta(days=7),
        ).pk,
    )

    from joinedup.caseaudits.tests.factories import case_audit_make

    rich.add("case_audits", case_audit_make(child=child, auditors=[coordinator], completed=True).pk)

    from joinedup.frontdoor.tests.factories import contact_make, information_request_make

    front_door_contact = contact_make(child=child, recorded_by=worker, decided=True)
    rich.add("frontdoor_contacts", front_door_contact.pk)
    rich.add("frontdoor_information_requests", information_request_make(contact=front_door_contact, to=police).pk)

    from joinedup.missing.models import PoliceAttendance
    from joinedup.victims.models import NeedsAssessment, SupportOffer, SupportService, VictimContact
    from joinedup.victims.tests.factories import investigation_make

    officer = UserFactory.create(agency=police)
    rich.add(
        "police_attendances",
        PoliceAttendance.objects.create(
            episode=episode, attended_at=episode.reported_at, attended_by="PC 1 Synthofficer", recorded_by=officer
        ).pk,
    )
    crime = investigation_make(child=child, agency=police, recorded_by=officer)
    rich.add("crime_investigations", crime.pk)
    rich.add(
        "victim_needs_assessments",
        NeedsAssessment.objects.create(
            investigation=crime, assessed_at=crime.reported_at, needs_found="A female officer", assessed_by=officer
        ).pk,
    )
    rich.add(
        "victim_support_offers",
        SupportOffer.objects.create(
            investigation=crime, service=SupportService.ISVA, offered_at=crime.reported_at, offered_by=officer
        ).pk,
    )
    rich.add(
        "victim_contacts",
        VictimContact.objects.create(
            investigation=crime,
            contacted_at=crime.reported_at,
            contacted_by=officer,
            method="phone",
            update_given="The adult is on bail",
        ).pk,
    )

    # Children missing education (joinedup.education).
    from joinedup.education.tests.factories import cme_check_make, education_record_make

    cme = education_record_make(child=child)
    rich.add("education_records", cme.pk)
    rich.add("cme_checks", cme_check_make(record=cme).pk)

    # The child's plans and closures (joinedup.plans).
    from joinedup.plans.tests.factories import closure_make, plan_make

    plan = plan_make(child=child, lead=worker, safety=True, reviewed=True)
    rich.add("plans", plan.pk)
    rich.add("plan_outcomes", plan.outcomes.get().pk)
    rich.add("plan_actions", plan.actions.get().pk)
    rich.add("plan_safety", plan.safety.pk)
    rich.add("plan_reviews", plan.reviews.get().pk)
    rich.add("closures", closure_make(child=child, agency=police, by=officer).pk)

    from joinedup.voice.tests.factories import child_message_make, child_say_make

    rich.add("childs_say", child_say_make(child=child, recorded_by=worker).pk)
    rich.add("child_messages", child_message_make(child=child, issued_by=worker).pk)

    # Strategy discussions, section 47 enquiries and NRM referrals (joinedup.strategy).
    from joinedup.strategy.tests.factories import discussion_make, nrm_make

    discussion = discussion_make(child=child, recorded_by=worker)
    rich.add("strategy_discussions", discussion.pk)
    rich.add("section47_enquiries", discussion.section47.pk)
    rich.add("nrm_referrals", nrm_make(child=child, agency=agency).pk)

    # The peer groups the child was seen in (joinedup.contextual).
    from joinedup.contextual.tests.factories import group_make

    group = group_make(children=[child], by=coordinator)
    rich.add("peer_groups", group.memberships.get().pk)

    # A second record of the same child: its entry moves with the join; an attempt recorded under the joined
    # record afterwards (an old link) stays there, and is the child's all the same.
    joined = ChildFactory.create(owning_agency=police, given_name="Robyn", family_name="Synthchild")
    moved = ChronologyEntryFactory.create(child=joined, summary="Seen by police")
    join = children_join(actor=coordinator, keep=child, joined=joined, source=JoinSource.DECISION, reason="Same")
    rich.joined = joined
    rich.add("child", joined.pk)
    rich.add("chronology", moved.pk)
    rich.add("joins", join.pk)
    rich.add("contact_attempts", ContactAttemptFactory.create(child=joined, note="Left under the old record").pk)
    return rich
