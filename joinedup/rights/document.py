"""Everything held about one child, assembled into one structured document (a subject access export).

The child's records are the child's own and every record joined into it (a join moves rows under the kept child;
a row still under a joined record belongs to the child as well). Each kind of item is a section (``SECTIONS``),
each item with its owning agency, its dates, its content (field by field, each marked for redaction or not by
``redaction.field_mark``) and its correction history (``ItemCorrection``: every earlier version, oldest first).
Items marked "entered in error" are included and say so: they are still held.

Only reads: the service that calls this checks permission and audits.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup.access.models import BreakGlassGrant
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.assessments.models import AssessmentIndicator, RiskAssessment
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.caseaudits.models import CaseAudit
from joinedup.children.models import (
    Address,
    Child,
    ChildJoin,
    ChronologyEntry,
    ConnectionRequest,
    DetailChange,
    Involvement,
    ItemCorrection,
    ItemKind,
    Relative,
)
from joinedup.concerns.models import Concern, HandlingCode
from joinedup.contacts.models import ContactAttempt
from joinedup.contextual.models import PeerGroupMember
from joinedup.disruption.models import DisruptionAction
from joinedup.documents.models import Document
from joinedup.education.models import CmeCheck, EducationRecord
from joinedup.frontdoor.models import Contact as FrontDoorContact
from joinedup.frontdoor.models import InformationRequest
from joinedup.imports.models import PersonRecord
from joinedup.mace.models import Action, AgendaItem, Decision
from joinedup.missing.models import (
    Alert,
    InterviewAction,
    MissingEpisode,
    PhilomenaProfile,
    PoliceAttendance,
    ReturnInterview,
    RiskGrading,
)
from joinedup.plans.models import Closure, Plan, PlanAction, PlanOutcome, PlanReview, SafetySection
from joinedup.screening.models import ScreeningResponse
from joinedup.sharing.models import ShareDecision
from joinedup.strategy.models import NRMReferral, Section47Enquiry, StrategyDiscussion
from joinedup.supervision.models import Challenge, OversightNote
from joinedup.victims.models import Investigation, NeedsAssessment, SupportOffer, VictimContact
from joinedup.voice.models import ChildMessage, ChildSay

from .redaction import MARK_LABELS, field_mark

Rows = Callable[[list[UUID]], QuerySet[Any]]


@dataclass(frozen=True)
class Computed:
    """A field worked out from the row, e.g. a list of labels, rather than read from one column."""

    name: str
    label: str
    value: Callable[[Any], str]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    model: type[models.Model]
    rows: Rows
    fields: tuple[str | Computed, ...]
    agency: str  # attribute path to the owning agency (an Agency, or an agency code), "" where none
    dates: tuple[str, ...] = ()
    item_kind: str = ""  # ItemKind of the correction history
    caution: Callable[[Any], str] | None = None
    # Further rows the computed fields read, joined or prefetched with the section's rows.
    joined: tuple[str, ...] = ()
    prefetched: tuple[str, ...] = ()


@dataclass
class MarkedField:
    name: str
    label: str
    value: str
    mark: str = ""

    @property
    def mark_label(self) -> str:
        return MARK_LABELS.get(self.mark, "")


@dataclass
class CorrectionShown:
    kind: str
    corrected_at: str
    corrected_by: MarkedField
    owning_agency: str
    reason: str
    changes: list[dict[str, str]]


@dataclass
class ExportItem:
    id: str
    agency: str
    dates: list[MarkedField]
    fields: list[MarkedField]
    corrections: list[CorrectionShown] = field(default_factory=list)
    entered_in_error: bool = False
    caution: str = ""


@dataclass
class ExportSection:
    key: str
    title: str
    items: list[ExportItem]


@dataclass
class SubjectAccessDocument:
    child_id: str
    child_name: str
    record_ids: list[str]
    generated_at: str
    sections: list[ExportSection]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    @property
    def marked_count(self) -> int:
        count = 0
        for section in self.sections:
            for item in section.items:
                count += sum(1 for f in [*item.dates, *item.fields] if f.mark)
                for correction in item.corrections:
                    count += (1 if correction.corrected_by.mark else 0) + sum(
                        1 for change in correction.changes if change["mark"]
                    )
        return count

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "joinedup subject access export, version 1",
            "child_id": self.child_id,
            "child_name": self.child_name,
            "record_ids": self.record_ids,
            "generated_at": self.generated_at,
            # What each mark means; the reviewer decides what to withhold.
            "marks": dict(MARK_LABELS),
            "sections": [
                {"key": s.key, "title": s.title, "items": [asdict(item) for item in s.items]} for s in self.sections
            ],
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=1, cls=DjangoJSONEncoder)


def _by_child(model: type[models.Model], path: str = "child_id", manager: str = "_base_manager") -> Rows:
    """Rows whose child (through ``path``) is one of the records; ``_base_manager`` keeps entered-in-error rows."""

    def rows(ids: list[UUID]) -> QuerySet[Any]:
        return getattr(model, manager).filter(**{f"{path}__in": ids})

    return rows


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder) if value else ""


def _screening_answers(response: ScreeningResponse) -> str:
    questions = {q.code: q.text for q in response.question_set.questions.all()}
    return "; ".join(
        f"{questions.get(code, code)}: {answer}" for code, answer in response.answers.items() if answer is not None
    )


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "child",
        "The child's details (and every record joined into them)",
        Child,
        lambda ids: Child.objects.filter(pk__in=ids),
        (
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "date_of_birth_precision",
            "sex",
            Computed("ethnicity", "Ethnicity", lambda child: child.ethnicity_shown),
            "nhs_number",
            "upn",
            "police_ids",
            "la_child_id",
            "postcode",
            "looked_after",
            "legal_status",
            "placement_type",
            "placement",
            "placement_agency",
            "placement_started",
            "placement_ended",
            "key_worker",
            "key_worker_chosen_by_child",
            "joined_into",
            "created_by",
        ),
        "owning_agency",
        ("created_at",),
    ),
    SectionSpec(
        "addresses",
        "Addresses",
        Address,
        _by_child(Address),
        ("address", "postcode", "restricted"),
        "recorded_by_agency",
        ("lived_from", "lived_to"),
    ),
    SectionSpec(
        "relatives",
        "Parents, carers, brothers and sisters",
        Relative,
        _by_child(Relative),
        ("kind", "name", "relationship", "parental_responsibility", "phone", "email", "address", "sibling"),
        "recorded_by_agency",
        ("recorded_at", "ended_at"),
    ),
    SectionSpec(
        "detail_changes",
        "Changes to the child's details",
        DetailChange,
        _by_child(DetailChange),
        (
            Computed("field", "Detail", lambda change: change.field_label),
            "old_value",
            "new_value",
            "reason",
            "settled_disagreement",
            "changed_by",
        ),
        "changed_by.agency",
        ("changed_at",),
    ),
    SectionSpec(
        "involvements",
        "Agencies' involvement",
        Involvement,
        _by_child(Involvement),
        ("team", "service", "reason", "opened_by", "end_reason", "ended_by"),
        "agency",
        ("started_at", "ended_at"),
    ),
    SectionSpec(
        "chronology",
        "Chronology entries",
        ChronologyEntry,
        _by_child(ChronologyEntry),
        ("category", "summary", "recorded_by", "entered_in_error"),
        "owning_agency",
        ("occurred_at", "recorded_at"),
        ItemKind.CHRONOLOGY_ENTRY,
    ),
    SectionSpec(
        "missing_episodes",
        "Missing episodes",
        MissingEpisode,
        _by_child(MissingEpisode),
        (
            "kind",
            "reported_by",
            "reported_by_name",
            "last_seen_place",
            "last_seen_with",
            "found_place",
            "found_with",
            "source_key",
        ),
        "owning_agency",
        ("started_at", "reported_at", "found_at", "returned_at"),
        ItemKind.MISSING_EPISODE,
    ),
    SectionSpec(
        "risk_gradings",
        "Police risk gradings of missing episodes",
        RiskGrading,
        _by_child(RiskGrading, "episode__child_id"),
        (
            Computed("episode", "Missing episode", lambda grading: str(grading.episode_id)),
            "grade",
            "rationale",
            "information_from",
            "graded_by",
        ),
        "graded_by.agency",
        ("graded_at",),
    ),
    SectionSpec(
        "return_interviews",
        "Return home interviews",
        ReturnInterview,
        _by_child(ReturnInterview, "episode__child_id"),
        (
            Computed("episode", "Missing episode", lambda interview: str(interview.episode_id)),
            "owner",
            "response",
            "offered_by",
            "declined_reason",
            "childs_words",
            Computed("factors", "Push and pull factors", lambda interview: "; ".join(interview.factor_labels)),
            "factors_other",
            "where_they_were",
            "place_name",
            "who_they_were_with",
            "harm_disclosed",
            "next_steps",
        ),
        "owner.agency",
        ("due_at", "offered_at", "completed_at"),
        ItemKind.RETURN_INTERVIEW,
    ),
    SectionSpec(
        "interview_actions",
        "Actions after return home interviews",
        InterviewAction,
        _by_child(InterviewAction, "interview__episode__child_id"),
        (
            Computed("interview", "Return home interview", lambda action: str(action.interview_id)),
            "description",
            "owner",
            "referral_to",
        ),
        "owner.agency",
        ("due_on", "done_at"),
    ),
    SectionSpec(
        "philomena",
        "Philomena profile",
        PhilomenaProfile,
        _by_child(PhilomenaProfile),
        (
            "description",
            Computed("photo", "Photo", lambda profile: "A photo is held" if profile.photo else ""),
            "associates",
            "addresses_and_places",
            "phone_and_social_media",
            "medical_needs",
            "updated_by",
        ),
        "owning_agency",
        ("updated_at",),
    ),
    SectionSpec(
        "concerns",
        "Concerns",
        Concern,
        _by_child(Concern),
        (
            "category",
            "what_happened",
            "from_community",
            "place_name",
            "place_postcode",
            "adults",
            "vehicles",
            "phones",
            "online_handles",
            Computed("grading", "3x5x2 grading", lambda concern: concern.grading),
            "handling_conditions",
            "sanitised_summary",
            "recorded_by",
            "entered_in_error",
        ),
        "owning_agency",
        ("occurred_at", "recorded_at"),
        ItemKind.CONCERN,
        lambda concern: (
            "Handling code C: ask the owning agency before anything of it is released."
            if concern.handling_code == HandlingCode.CONDITIONS
            else ""
        ),
    ),
    SectionSpec(
        "risk_assessments",
        "Risk assessments",
        RiskAssessment,
        _by_child(RiskAssessment),
        (
            "catalogue",
            "childs_views",
            "family_views",
            "day_to_day",
            "wider_needs",
            "score",
            "scored_band",
            "band",
            "override_reason",
            "assessor",
        ),
        "owning_agency",
        ("started_at", "completed_at", "review_due"),
    ),
    SectionSpec(
        "assessment_indicators",
        "Indicators selected in risk assessments",
        AssessmentIndicator,
        _by_child(AssessmentIndicator, "assessment__child_id"),
        (
            Computed("assessment", "Risk assessment", lambda selected: str(selected.assessment_id)),
            "indicator",
            "evidence",
        ),
        "assessment.owning_agency",
    ),
    SectionSpec(
        "screenings",
        "Sexual health screenings",
        ScreeningResponse,
        _by_child(ScreeningResponse),
        (
            "question_set",
            Computed("answers", "Answers", _screening_answers),
            "score",
            "flagged",
            Computed("findings", "Findings", lambda response: "; ".join(response.findings)),
            "referral_made",
            Computed("concern", "Concern opened", lambda response: str(response.concern_id or "")),
            "practitioner",
        ),
        "agency",
        ("screened_at", "recorded_at"),
        prefetched=("question_set__questions",),
    ),
    SectionSpec(
        "contact_attempts",
        "Contact attempts",
        ContactAttempt,
        _by_child(ContactAttempt),
        ("method", "outcome", "note", "practitioner", "entered_in_error"),
        "agency",
        ("attempted_at", "recorded_at"),
        ItemKind.CONTACT_ATTEMPT,
    ),
    SectionSpec(
        "mace_agenda",
        "MACE meetings that considered the child",
        AgendaItem,
        _by_child(AgendaItem),
        (
            "meeting",
            Computed("location", "Where", lambda item: item.meeting.location),
            "reason",
            "added_by",
        ),
        "meeting.owning_agency",
        ("added_at",),
        joined=("meeting",),
    ),
    SectionSpec(
        "mace_decisions",
        "MACE decisions",
        Decision,
        _by_child(Decision, "agenda_item__child_id"),
        (Computed("meeting", "Meeting", lambda decision: str(decision.agenda_item.meeting)), "text", "recorded_by"),
        "agenda_item.meeting.owning_agency",
        ("recorded_at",),
        joined=("agenda_item__meeting",),
    ),
    SectionSpec(
        "mace_actions",
        "MACE actions",
        Action,
        _by_child(Action, "agenda_item__child_id"),
        ("meeting", "description", "owner", "done_by", "created_by"),
        "meeting.owning_agency",
        ("created_at", "due_on", "done_at"),
    ),
    SectionSpec(
        "disruption",
        "Disruption of adults of concern that names the child",
        DisruptionAction,
        lambda ids: DisruptionAction.objects.filter(children__in=ids).distinct(),
        ("adult", "tactic", "outcome", "recorded_by"),
        "owning_agency",
        ("taken_on", "recorded_at"),
    ),
    SectionSpec(
        "documents",
        "Documents (listed; the files themselves are opened from the child's documents page)",
        Document,
        _by_child(Document),
        (
            "title",
            "kind",
            "item_type",
            "item_id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "handling_code",
            "uploaded_by",
            "entered_in_error",
        ),
        "owning_agency",
        ("uploaded_at",),
    ),
    SectionSpec(
        "shares",
        "Decisions to share the child's information",
        ShareDecision,
        _by_child(ShareDecision),
        (
            Computed("entry", "Chronology entry shared", lambda share: str(share.entry_id or "The whole record")),
            "shared_with_agency",
            "shared_with_user",
            "lawful_basis",
            "purpose",
            "agreement",
            "decided_by",
            "approved_by",
        ),
        "shared_by_agency",
        ("decided_at", "expires_at"),
    ),
    SectionSpec(
        "person_records",
        "Agencies' own records of the child, as their extracts last said",
        PersonRecord,
        _by_child(PersonRecord),
        (
            "record_id",
            "person_type",
            Computed("data", "As the extract said", lambda record: _as_json(record.data)),
            Computed("history", "Earlier versions", lambda record: _as_json(record.history)),
        ),
        "agency",
    ),
    SectionSpec(
        "alerts",
        "Alerts sent to staff about the child",
        Alert,
        _by_child(Alert),
        ("recipient", "message"),
        "recipient.agency",
        ("created_at", "read_at"),
    ),
    SectionSpec(
        "emergency_access",
        "Emergency (break-glass) access to the record",
        BreakGlassGrant,
        _by_child(BreakGlassGrant),
        ("user", "reason", "reviewer", "reviewed_by", "review_outcome", "review_note"),
        "user.agency",
        ("granted_at", "expires_at", "reviewed_at"),
    ),
    SectionSpec(
        "connection_requests",
        "Requests to be connected to the child",
        ConnectionRequest,
        _by_child(ConnectionRequest),
        ("reason", "status", "decision_reason", "requested_by", "decided_by"),
        "agency",
        ("requested_at", "decided_at"),
    ),
    SectionSpec(
        "oversight_notes",
        "Management oversight of the child's case",
        OversightNote,
        _by_child(OversightNote),
        ("manager", "reviewed", "decided", "next_due"),
        "agency",
        ("written_at",),
    ),
    SectionSpec(
        "challenges",
        "Challenges and escalations between agencies about the child's case",
        Challenge,
        _by_child(Challenge),
        (
            "raised_by",
            "to_agency",
            "about",
            "what",
            "stage",
            "outcome",
            "resolved_by",
            Computed(
                "steps",
                "Each stage: asked, why, answered",
                lambda challenge: "; ".join(
                    f"{step.get_stage_display()}: asked {_when(step.asked_at)} by {_person(step.asked_by)}"
                    f"{f' ({step.why})' if step.why else ''}"
                    f"{f', answered {_when(step.responded_at)}: {step.response}' if step.responded_at else ''}"
                    for step in challenge.steps.all()
                ),
            ),
        ),
        "raising_agency",
        ("raised_at", "response_due", "first_responded_at", "resolved_at"),
        prefetched=("steps__asked_by",),
    ),
    SectionSpec(
        "case_audits",
        "Multi-agency audits of the child's case",
        CaseAudit,
        _by_child(CaseAudit),
        (
            Computed("round", "Audit round", lambda audit: audit.round.theme),
            "tool",
            Computed("auditors", "Auditors", lambda audit: "; ".join(_person(a) for a in audit.auditors.all())),
            "overall_grade",
            "child_experience",
            "child_spoken_to",
            "family_spoken_to",
            Computed(
                "grades",
                "Grade for each question",
                lambda audit: "; ".join(
                    f"{g.question.text} {g.get_grade_display()}{f' ({g.comment})' if g.comment else ''}"
                    for g in audit.grades.all()
                ),
            ),
            Computed(
                "learning_points",
                "Learning points",
                lambda audit: "; ".join(
                    f"{p.text} [{', '.join(t.name for t in p.themes.all())}]" for p in audit.learning_points.all()
                ),
            ),
            Computed(
                "actions",
                "Actions",
                lambda audit: "; ".join(
                    f"{a.what} ({a.owner_agency.name}, by {_when(a.due)}{', done' if a.done_at else ''})"
                    for a in audit.actions.all()
                ),
            ),
            "completed_by",
        ),
        "round.opened_by.agency",
        ("completed_at", "audited_on"),
        joined=("round",),
        prefetched=("auditors", "grades__question", "learning_points__themes", "actions__owner_agency"),
    ),
    SectionSpec(
        "frontdoor_contacts",
        "Contacts and referrals to the front door, and its decisions",
        FrontDoorContact,
        _by_child(FrontDoorContact),
        (
            "recorded_by",
            "worries",
            "child_aware",
            "family_aware",
            "consent",
            "consent_reason",
            "referrer_kind",
            "referrer_name",
            "referrer_role",
            "referrer_agency",
            "referrer_contact",
            "threshold",
            "level",
            "decision_reason",
            "route",
            "route_detail",
            "decided_by",
            "referrer_told_how",
            "referrer_told_by",
        ),
        "agency",
        ("received_at", "decision_due", "decided_at", "referrer_told_at"),
    ),
    SectionSpec(
        "frontdoor_information_requests",
        "The front door's requests for information to agencies, and their answers",
        InformationRequest,
        _by_child(InformationRequest),
        ("asked_by", "question", "respond_by", "answer", "answered_by"),
        "to_agency",
        ("asked_at", "answered_at"),
    ),
    # Police timeliness and victim care (joinedup.missing attendance, joinedup.victims).
    SectionSpec(
        "police_attendances",
        "The police's first attendance on missing reports",
        PoliceAttendance,
        _by_child(PoliceAttendance, "episode__child_id"),
        (
            Computed("episode", "Missing episode", lambda attendance: str(attendance.episode_id)),
            "attended_by",
            "place",
            "recorded_by",
        ),
        "recorded_by.agency",
        ("attended_at", "recorded_at"),
    ),
    SectionSpec(
        "crime_investigations",
        "Crimes against the child and their investigation",
        Investigation,
        _by_child(Investigation),
        (
            "crime_reference",
            "offence",
            "concern",
            "recorded_by",
            "supports_prosecution",
            "supports_prosecution_on",
            "outcome",
            "outcome_on",
            "evidence_led",
            "outcome_note",
        ),
        "owning_agency",
        ("reported_at", "recorded_at"),
    ),
    SectionSpec(
        "victim_needs_assessments",
        "The child's needs assessments as a victim",
        NeedsAssessment,
        _by_child(NeedsAssessment, "investigation__child_id"),
        (Computed("investigation", "Crime", lambda row: str(row.investigation_id)), "needs_found", "assessed_by"),
        "assessed_by.agency",
        ("assessed_at",),
    ),
    SectionSpec(
        "victim_support_offers",
        "Support offered to the child as a victim",
        SupportOffer,
        _by_child(SupportOffer, "investigation__child_id"),
        (
            Computed("investigation", "Crime", lambda row: str(row.investigation_id)),
            "service",
            "response",
            "note",
            "offered_by",
        ),
        "offered_by.agency",
        ("offered_at",),
    ),
    SectionSpec(
        "victim_contacts",
        "Contact kept with the child about a crime against them",
        VictimContact,
        _by_child(VictimContact, "investigation__child_id"),
        (
            Computed("investigation", "Crime", lambda row: str(row.investigation_id)),
            "method",
            "update_given",
            "contacted_by",
        ),
        "contacted_by.agency",
        ("contacted_at",),
    ),
    # The child's say and speaking out (joinedup.voice).
    SectionSpec(
        "childs_say",
        "The child's say: what matters to them, who they want to work with, how to contact them (each version)",
        ChildSay,
        _by_child(ChildSay),
        (
            "version",
            "what_matters",
            "who_with",
            "who_not",
            Computed(
                "not_with_staff",
                "Staff I don't want to work with",
                lambda say: "; ".join(_person(person) for person in say.not_with_staff.all()),
            ),
            "contact_how",
            "trusted_adult",
            "wants",
            "professionals_limit",
            "spoken_how",
            "recorded_by",
        ),
        "owning_agency",
        ("spoken_on", "recorded_at"),
        prefetched=("not_with_staff",),
    ),
    SectionSpec(
        "child_messages",
        "Messages the child sent through their speaking-out link",
        ChildMessage,
        _by_child(ChildMessage),
        ("kind", "text", "feeling", "wants_contact", "contact_when", "read_by"),
        "token.issued_by.agency",
        ("received_at", "read_at"),
        joined=("token__issued_by__agency",),
    ),
    # Children missing education (joinedup.education).
    SectionSpec(
        "education_records",
        "What schools recorded about the child's education: missing education, part-time timetables, suspensions, "
        "exclusions and elective home education",
        EducationRecord,
        _by_child(EducationRecord),
        (
            "kind",
            "school",
            "ends_on",
            "hours_per_week",
            "days",
            "reason",
            "last_known_address",
            "last_known_postcode",
            "destination",
            "note",
            "recorded_by",
            "outcome",
            "outcome_detail",
            "closed_on",
            "closed_by",
        ),
        "owning_agency",
        ("starts_on", "recorded_at"),
    ),
    SectionSpec(
        "cme_checks",
        "The local authority's checks while the child was missing education",
        CmeCheck,
        _by_child(CmeCheck, "record__child_id"),
        (
            Computed("record", "Case", lambda row: str(row.record_id)),
            "kind",
            "result",
            "note",
            "checked_by",
        ),
        "checked_by.agency",
        ("checked_on", "recorded_at"),
    ),
    # The child's plans and closures (joinedup.plans).
    SectionSpec(
        "plans",
        "The child's plans",
        Plan,
        _by_child(Plan),
        ("kind", "lead_professional", "review_every_weeks", "next_review_on", "status", "end_reason", "created_by"),
        "lead_agency",
        ("started_on", "ended_on", "created_at"),
    ),
    SectionSpec(
        "plan_outcomes",
        "The outcomes wanted in the child's plans, in the child's words",
        PlanOutcome,
        _by_child(PlanOutcome, "plan__child_id"),
        (Computed("plan", "Plan", lambda row: str(row.plan_id)), "wording", "written_by", "recorded_by"),
        "plan.lead_agency",
        ("recorded_at",),
    ),
    SectionSpec(
        "plan_actions",
        "The actions in the child's plans",
        PlanAction,
        _by_child(PlanAction, "plan__child_id"),
        (Computed("plan", "Plan", lambda row: str(row.plan_id)), "description", "owner", "done_by", "recorded_by"),
        "plan.lead_agency",
        ("due_on", "done_at", "recorded_at"),
    ),
    SectionSpec(
        "plan_safety",
        "Keeping safe: the safety sections of the child's exploitation safety plans",
        SafetySection,
        _by_child(SafetySection, "plan__child_id"),
        (
            Computed("plan", "Plan", lambda row: str(row.plan_id)),
            Computed("places", "Places to avoid", lambda row: "; ".join(p.name for p in row.places.all())),
            "places_text",
            Computed("adults", "Adults of concern to avoid", lambda row: "; ".join(a.name for a in row.adults.all())),
            "people_text",
            "safe_adults",
            "how_to_get_help",
            "updated_by",
        ),
        "plan.lead_agency",
        ("updated_at",),
        prefetched=("places", "adults"),
    ),
    SectionSpec(
        "plan_reviews",
        "Reviews of the child's plans, with the child's views",
        PlanReview,
        _by_child(PlanReview, "plan__child_id"),
        (
            Computed("plan", "Plan", lambda row: str(row.plan_id)),
            "childs_views",
            "what_changed",
            "next_review_on",
            "recorded_by",
        ),
        "plan.lead_agency",
        ("held_on", "recorded_at"),
    ),
    SectionSpec(
        "closures",
        "Agencies' involvements closed, with the reason and the outcome (step-down or ending)",
        Closure,
        _by_child(Closure),
        (
            Computed("involvement", "Involvement", lambda row: str(row.involvement_id)),
            "reason",
            "outcome",
            "step_down_level",
            "step_down_agency",
            "step_down_service",
            "note",
            "record_closed",
            "recorded_by",
        ),
        "involvement.agency",
        ("closed_on", "recorded_at"),
    ),
    # Strategy discussions, section 47 enquiries and NRM referrals (joinedup.strategy).
    SectionSpec(
        "strategy_discussions",
        "Strategy discussions about the child",
        StrategyDiscussion,
        _by_child(StrategyDiscussion),
        (
            "chaired_by",
            "recorded_by",
            "why",
            "decision",
            "reasons",
            Computed(
                "participants",
                "Who took part and what each agency shared",
                lambda d: "; ".join(
                    f"{p.name}, {p.role} ({p.agency.name}){f': {p.information_shared}' if p.information_shared else ''}"
                    for p in d.participants.all()
                ),
            ),
            Computed(
                "actions",
                "Actions",
                lambda d: "; ".join(
                    f"{a.description} ({_person(a.owner)}, by {_when(a.due_on)}{', done' if a.done_at else ''})"
                    for a in d.actions.all()
                ),
            ),
            "mace_reason",
            "mace_proposed_by",
            "disruption_plan",
            "disruption_adult",
            "disruption_recorded_by",
        ),
        "agency",
        ("held_at", "recorded_at", "mace_proposed_at", "disruption_recorded_at"),
        prefetched=("participants__agency", "participants__user", "actions__owner"),
    ),
    SectionSpec(
        "section47_enquiries",
        "Section 47 enquiries",
        Section47Enquiry,
        _by_child(Section47Enquiry),
        ("joint_with_police", "outcome", "outcome_recorded_by"),
        "discussion.agency",
        ("started_on", "conference_due", "outcome_on", "conference_on"),
        joined=("discussion__agency",),
    ),
    SectionSpec(
        "nrm_referrals",
        "Referrals to the National Referral Mechanism",
        NRMReferral,
        _by_child(NRMReferral),
        (
            "first_responder_kind",
            "exploitation_type",
            "recorded_by",
            "reasonable_grounds",
            "conclusive_grounds",
        ),
        "first_responder",
        ("referred_on", "reasonable_grounds_on", "conclusive_grounds_on", "recorded_at"),
    ),
    SectionSpec(
        "joins",
        "Records found to be the child's and joined",
        ChildJoin,
        lambda ids: ChildJoin.objects.filter(Q(child_id__in=ids) | Q(joined_id__in=ids)),
        (
            Computed("kept", "Record kept", lambda join: str(join.child_id)),
            Computed("joined", "Record joined into it", lambda join: str(join.joined_id)),
            "source",
            "reason",
            "undo_reason",
            "joined_by",
            "undone_by",
        ),
        "joined_by.agency",
        ("joined_at", "undone_at"),
    ),
    # Contextual safeguarding (joinedup.contextual): the peer groups the child was in.
    SectionSpec(
        "peer_groups",
        "The peer groups the child was seen in, for work on the places and groups where children are exposed to risk",
        PeerGroupMember,
        _by_child(PeerGroupMember),
        (Computed("group", "Group", lambda row: str(row.group.name)), "added_by", "removed_by"),
        "added_by.agency",
        ("added_at", "removed_at"),
        joined=("group", "added_by__agency"),
    ),
    SectionSpec(
        "audit",
        "Who has seen or changed the record (the audit trail)",
        AuditEvent,
        lambda ids: AuditEvent.objects.filter(child_id__in=ids),
        (
            Computed(
                "kind",
                "What",
                lambda event: str(AuditKind(event.kind).label) if event.kind in AuditKind.values else event.kind,
            ),
            "reason",
            "actor_username",
        ),
        "actor_agency_code",
        ("occurred_at",),
    ),
)

# Links to a child ("app.Model.field") that no section reads, and why (a test keeps this list whole).
NOT_EXPORTED = {
    "voice.SpeakToken.child": "A speaking-out link holds nothing the child said (only a hash); its messages are above.",
    "children.ItemCorrection.child": "Each item's corrections are shown with the item, oldest first.",
    "children.Relative.sibling": "Another child's record of their family, naming this child: that child's information.",
    "mapping.MappingNodeChild.child": "Derived from the items above (the mapping) and rebuilt from them.",
    "linkage.SearchKey.child": "Derived search keys (name sounds, date parts) for finding the child.",
    "disruption.DisruptionAction_children.child": "The many-to-many table behind the disruption section.",
    "rights.SubjectAccessExport.child": "An earlier export: a copy of the items above, its making in the audit trail.",
    "tasks.Task.child": "A work list's task: work on an item above (its title is the item's own), and who has it.",
}
# Links to a child that the sections read other than through a ``child`` field.
READ_OTHERWISE = {
    "children.Child.joined_into": "child",
    "children.ChildJoin.joined": "joins",
    "disruption.DisruptionAction.children": "disruption",
    "contextual.PeerGroup.children": "peer_groups",
}


def _field_label(model: type[models.Model], name: str) -> str:
    verbose = str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    return verbose[:1].upper() + verbose[1:]


def _value(row: models.Model, name: str) -> str:
    model_field = row._meta.get_field(name)
    if model_field.many_to_many:
        return "; ".join(str(related) for related in getattr(row, name).all())
    value = getattr(row, name)
    if value is None or value == "":
        return ""
    if getattr(model_field, "choices", None):
        return str(getattr(row, f"get_{name}_display")())
    if isinstance(value, User):
        return _person(value)
    if isinstance(value, datetime | date):
        return _when(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return _as_json(value)
    return str(value)


def _resolve(row: Any, path: str) -> Any:
    for part in path.split("."):
        if row is None:
            return None
        row = getattr(row, part)
    return row


def _agency(row: Any, path: str) -> str:
    agency = _resolve(row, path) if path else None
    if isinstance(agency, Agency):
        return f"{agency.name} ({agency.code})"
    return str(agency or "")


def _related_paths(spec: SectionSpec) -> tuple[list[str], list[str]]:
    """The joins to read with the rows (foreign keys shown, the agency's path) and the many-to-many to prefetch."""
    select: set[str] = set()
    prefetch: list[str] = []
    for name in spec.fields:
        if isinstance(name, Computed):
            continue
        model_field = spec.model._meta.get_field(name)
        if model_field.many_to_many:
            prefetch.append(name)
        elif model_field.is_relation:
            select.add(name)
    agency_path = spec.agency.split(".")
    if len(agency_path) > 1 or spec.model._meta.get_field(agency_path[0]).is_relation:
        select.add("__".join(agency_path))
    return sorted(select | set(spec.joined)), [*prefetch, *spec.prefetched]


def _correction_shown(section: str, correction: ItemCorrection) -> CorrectionShown:
    changes = []
    for name in sorted(set(correction.before) | set(correction.after)):
        mark = field_mark(section, name)
        changes.append(
            {
                "field": name,
                "before": _plain(correction.before.get(name)),
                "after": _plain(correction.after.get(name)),
                "mark": mark,
            }
        )
    return CorrectionShown(
        kind=correction.get_kind_display(),
        corrected_at=_when(correction.corrected_at),
        corrected_by=MarkedField("corrected_by", "Corrected by", _person(correction.corrected_by), "third_party"),
        owning_agency=_agency(correction, "owning_agency"),
        reason=correction.reason,
        changes=changes,
    )


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return _as_json(value)


def child_record_ids(child: Child) -> list[UUID]:
    """The child's record and every record joined into it, however deep (a joined record may have had its own)."""
    ids = [child.pk]
    frontier = [child.pk]
    while frontier:
        frontier = list(Child.objects.filter(joined_into_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]
        ids.extend(frontier)
    return ids


def _section_rows(spec: SectionSpec, ids: list[UUID]) -> Iterable[models.Model]:
    select, prefetch = _related_paths(spec)
    rows = spec.rows(ids).select_related(*select).prefetch_related(*prefetch)
    order = [spec.dates[0]] if spec.dates else []
    return rows.order_by(*order, "pk")


def subject_access_document(
    *, child: Child, progress: Callable[[int, int], None] | None = None
) -> SubjectAccessDocument:
    """Everything held about the child, section by section; ``progress(done, total)`` is told after each section."""
    ids = child_record_ids(child)
    corrections: dict[tuple[str, str], list[ItemCorrection]] = {}
    for correction in ItemCorrection.objects.filter(child_id__in=ids).select_related("corrected_by", "owning_agency"):
        corrections.setdefault((correction.item_kind, correction.item_id), []).append(correction)
    sections = []
    for number, spec in enumerate(SECTIONS, start=1):
        items = []
        for row in _section_rows(spec, ids):
            fields = []
            for name in spec.fields:
                if isinstance(name, Computed):
                    key, label, text = name.name, name.label, name.value(row)
                else:
                    key, label, text = name, _field_label(spec.model, name), _value(row, name)
                if text:
                    fields.append(MarkedField(key, label, text, field_mark(spec.key, key, row)))
            dates = [
                MarkedField(name, _field_label(spec.model, name), _when(getattr(row, name)))
                for name in spec.dates
                if getattr(row, name) is not None
            ]
            item_corrections = corrections.get((spec.item_kind, str(row.pk)), []) if spec.item_kind else []
            items.append(
                ExportItem(
                    id=str(row.pk),
                    agency=_agency(row, spec.agency),
                    dates=dates,
                    fields=fields,
                    corrections=[_correction_shown(spec.key, correction) for correction in item_corrections],
                    entered_in_error=bool(getattr(row, "entered_in_error", False)),
                    caution=spec.caution(row) if spec.caution else "",
                )
            )
        sections.append(ExportSection(spec.key, spec.title, items))
        if progress is not None:
            progress(number, len(SECTIONS))
    return SubjectAccessDocument(
        child_id=str(child.pk),
        child_name=child.full_name,
        record_ids=[str(pk) for pk in ids],
        generated_at=_when(timezone.now()),
        sections=sections,
    )
