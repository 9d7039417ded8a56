"""Need-to-know, decided in one place.

Every view and selector that touches a child's information asks this module.
The rules:

- a practitioner or manager sees a child while their agency has an open
  involvement with the child, or while the record is shared with their agency
  or with them, or during a break-glass grant of their own;
- coordinators and partnership leaders see children across every agency;
- administrators manage agencies and accounts and see no child's information
  through that role;
- within a visible record, a chronology entry is shown to the agency that owns
  it, to those it (or the whole record) was shared with, and to cross-agency roles.

Anyone without a right is answered "not found", exactly as for a record that
does not exist.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import CROSS_AGENCY_ROLES, RoleCode, User
from joinedup.agencies.models import AgencyKind
from joinedup.children.models import Child, ChronologyEntry

from .models import BreakGlassGrant

if TYPE_CHECKING:
    from joinedup.caseaudits.models import CaseAudit
    from joinedup.supervision.models import Challenge
    from joinedup.tasks.models import Task

CASE_ROLES = (RoleCode.PRACTITIONER, RoleCode.MANAGER)

# The decisions of one request, asked once each (see ``decisions_for_request``).
_decisions: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("policy_decisions", default=None)
_T = TypeVar("_T")


@contextmanager
def decisions_for_request() -> Iterator[None]:
    """Within this block, who may see which child is decided once per (user, child) and reused: a page asks
    whether the user may see the child for each section it shows, and each asking was a query. Only for a
    request that changes nothing (GET, HEAD: ``web.middleware.policy_decisions``), so no write in the same
    request can make a kept decision stale."""
    token = _decisions.set({})
    try:
        yield
    finally:
        _decisions.reset(token)


def _decided(key: tuple[Any, ...], decide: Callable[[], _T]) -> _T:
    kept = _decisions.get()
    if kept is None:
        return decide()
    if key not in kept:
        kept[key] = decide()
    return kept[key]  # type: ignore[no-any-return]


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def sees_all_children(user: User) -> bool:
    return _signed_in(user) and user.has_role(*CROSS_AGENCY_ROLES)


def works_with_children(user: User) -> bool:
    """Roles that may open children's records at all."""
    return _signed_in(user) and user.has_role(*CASE_ROLES, *CROSS_AGENCY_ROLES)


def _active_share(user: User, now: datetime) -> Q:
    recipient = Q(shared_with_user=user)
    if user.agency_id is not None:
        recipient |= Q(shared_with_agency_id=user.agency_id)
    return recipient & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def children_visible_to(user: User, *, now: datetime | None = None) -> QuerySet[Child]:
    if now is None:
        return _decided(("visible", user.pk, user.agency_id), lambda: _children_visible_to(user, None))
    return _children_visible_to(user, now)


def _children_visible_to(user: User, now: datetime | None) -> QuerySet[Child]:
    if not works_with_children(user):
        return Child.objects.none()
    if sees_all_children(user):
        return Child.objects.filter(joined_into__isnull=True)
    now = now or timezone.now()
    from joinedup.children.models import Involvement
    from joinedup.sharing.models import ShareDecision

    # Three uncorrelated id lists, each read from an index that matches it (an agency's open involvements, the
    # user's shares, their grants), instead of a correlated EXISTS over every child.
    involvements = Involvement.objects.filter(ended_at__isnull=True)
    involved = (
        (involvements.filter(agency_id=user.agency_id) if user.agency_id is not None else involvements.none())
        .order_by()
        .values("child_id")
    )
    shared = ShareDecision.objects.filter(_active_share(user, now), entry__isnull=True).order_by().values("child_id")
    break_glass = BreakGlassGrant.objects.filter(user=user, expires_at__gt=now).order_by().values("child_id")
    return Child.objects.filter(pk__in=involved.union(shared, break_glass), joined_into__isnull=True)


def children_hidden_from(user: User) -> QuerySet[Child] | None:
    """Where a user sees every child but a few (cross-agency roles: all but records joined into another), those
    few, so a count over nearly every child can ask "not one of these" rather than "one of all the rest"; None
    where the user sees only some children (ask ``children_visible_to``)."""
    if works_with_children(user) and sees_all_children(user):
        return Child.objects.filter(joined_into__isnull=False)
    return None


def child_visible_condition(user: User, field: str = "pk") -> Q:
    """Rows whose child (``field``: the path to the child's id, ``pk`` for children) this user may see, as a
    condition: "not one of the few hidden" where the user sees nearly every child (``children_hidden_from``), which
    reads a short list, else "one of those visible", which reads every child the user may see."""
    hidden = children_hidden_from(user)
    if hidden is not None:
        return ~Q(**{f"{field}__in": hidden.values("pk")})
    return Q(**{f"{field}__in": children_visible_to(user).values("pk")})


def can_view_child(user: User, child: Child) -> bool:
    return _decided(
        ("view", user.pk, user.agency_id, child.pk), lambda: children_visible_to(user).filter(pk=child.pk).exists()
    )


def chronology_visible_to(user: User, child: Child, *, now: datetime | None = None) -> QuerySet[ChronologyEntry]:
    """Entries of a child's chronology this user may read; assumes the child is visible to them."""
    entries = ChronologyEntry.objects.filter(child=child)
    if not can_view_child(user, child):
        return entries.none()
    now = now or timezone.now()
    if sees_whole_record(user, child, now=now):
        return entries
    from joinedup.sharing.models import ShareDecision

    shares = ShareDecision.objects.filter(_active_share(user, now), child=child)
    return entries.filter(Q(owning_agency_id=user.agency_id) | Q(pk__in=shares.values("entry_id")))


def sees_whole_record(user: User, child: Child, *, now: datetime | None = None) -> bool:
    """Beyond their own agency's items, a user reads every agency's items of a child they may see (chronology
    entries, documents) as a cross-agency role, during a break-glass grant, or when the whole record is shared
    with them or their agency; assumes the child is visible to them."""
    now = now or timezone.now()
    if sees_all_children(user) or BreakGlassGrant.objects.filter(user=user, child=child, expires_at__gt=now).exists():
        return True
    from joinedup.sharing.models import ShareDecision

    return ShareDecision.objects.filter(_active_share(user, now), child=child, entry__isnull=True).exists()


def can_record_children(user: User) -> bool:
    """Practitioners, managers and coordinators record; leaders oversee and do not."""
    return _signed_in(user) and user.agency_id is not None and user.has_role(*CASE_ROLES, RoleCode.COORDINATOR)


def can_record_about_child(user: User, child: Child) -> bool:
    """Recording about a child the user may see, while the record is open: once every agency's involvement has
    closed it is kept read-only (``record_is_closed``) until an agency opens an involvement again."""
    return can_record_children(user) and can_view_child(user, child) and not record_is_closed(child)


def is_police(user: User) -> bool:
    return user.agency is not None and user.agency.kind == AgencyKind.POLICE


def can_grade_missing(user: User, child: Child) -> bool:
    """A missing child's risk grade is the police's (College of Policing APP): police practitioners and managers
    grade and re-grade it, and the coordinator. Another agency reports the child missing with its reasons for
    concern; the episode is graded medium until the police grade it."""
    if not can_record_about_child(user, child):
        return False
    return user.has_role(RoleCode.COORDINATOR) or is_police(user)


def agency_is_involved(user: User, child: Child) -> bool:
    return _decided(
        ("involved", user.agency_id, child.pk),
        lambda: child.involvements.filter(agency=user.agency, ended_at__isnull=True).exists(),
    )


def can_change_child_details(user: User, child: Child) -> bool:
    """Keeping the record (names, date of birth, identifiers, addresses, placement, key worker, family):
    practitioners and managers of an involved agency, and the coordinator."""
    if not can_record_about_child(user, child):
        return False
    return user.has_role(RoleCode.COORDINATOR) or agency_is_involved(user, child)


def can_open_involvement(user: User, child: Child, agency_id: int) -> bool:
    """Opening an agency's involvement is a need-to-know decision: a practitioner or manager opens their
    own agency's, on a child they may already see (a share or break-glass grant); the coordinator any
    agency's. Anyone else reaches a child they cannot see through a connection request. A closed record opens
    again this way, so this alone does not ask whether the record is closed."""
    if not (can_record_children(user) and can_view_child(user, child)):
        return False
    return user.has_role(RoleCode.COORDINATOR) or user.agency_id == agency_id


def can_end_involvement(user: User, child: Child, agency_id: int) -> bool:
    """A practitioner or manager ends their own agency's involvement; the coordinator any agency's."""
    return can_open_involvement(user, child, agency_id)


def can_correct_item(user: User, child: Child, owning_agency_id: int) -> bool:
    """The owning agency corrects (or marks entered in error) what it recorded; the coordinator too."""
    if not can_record_about_child(user, child):
        return False
    return user.has_role(RoleCode.COORDINATOR) or user.agency_id == owning_agency_id


def can_change_draft(user: User, child: Child, owning_agency_id: int) -> bool:
    """A draft (an assessment in progress, the child's views in it) belongs to its author's agency until it
    is completed: only that agency's practitioners and managers write to it. Once complete it is corrected
    like any item, or reassessed."""
    return can_record_about_child(user, child) and user.agency_id == owning_agency_id


def can_join_children(user: User) -> bool:
    """Joining two children's records as one person, and undoing it: the coordinator."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR)


def can_see_restricted_detail(user: User, child: Child, agency_id: int, *, now: datetime | None = None) -> bool:
    """A detail an agency marked restricted (a safe address, a refuge) is seen by that agency and by those it
    shares the whole record with; nobody else, whatever their role, joined records or not."""
    if not can_view_child(user, child):
        return False
    if user.agency_id == agency_id:
        return True
    from joinedup.sharing.models import ShareDecision

    now = now or timezone.now()
    return ShareDecision.objects.filter(
        _active_share(user, now), child=child, shared_by_agency_id=agency_id, entry__isnull=True
    ).exists()


def can_share_child(user: User, child: Child) -> bool:
    """An involved agency's practitioners and managers, or the coordinator, decide to share."""
    if not can_record_about_child(user, child):
        return False
    return user.has_role(RoleCode.COORDINATOR) or agency_is_involved(user, child)


def is_a_person(user: User) -> bool:
    """An account a person signs in with, not an agency system's or a command's (they cannot sign in): only a
    person approves a share or reviews emergency access."""
    return user.has_usable_password()


def can_approve_shares(user: User) -> bool:
    return _signed_in(user) and is_a_person(user) and user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR)


def can_approve_share_of(approver: User, *, sharer: User) -> bool:
    """Nobody approves their own share: a manager of the sharer's agency, or a coordinator, does."""
    if approver.pk == sharer.pk or not can_approve_shares(approver):
        return False
    return approver.has_role(RoleCode.COORDINATOR) or approver.agency_id == sharer.agency_id


def can_view_access_log(user: User, child: Child) -> bool:
    """Managers of an agency that can see the child, and cross-agency roles."""
    if not can_view_child(user, child):
        return False
    return user.has_role(RoleCode.MANAGER, *CROSS_AGENCY_ROLES)


def can_request_break_glass(user: User) -> bool:
    return _signed_in(user) and user.agency_id is not None and user.has_role(*CASE_ROLES)


def can_review_break_glass(user: User) -> bool:
    """Managers review their staff's emergency access; the coordinator is the partnership's designated
    reviewer for an agency with no manager."""
    return _signed_in(user) and is_a_person(user) and user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR)


def break_glass_reviewable_by(user: User) -> QuerySet[BreakGlassGrant]:
    """Grants this user reviews: those naming them as reviewer (and, for grants made before reviewers were
    named, a manager's own agency's staff's), never their own."""
    if not can_review_break_glass(user):
        return BreakGlassGrant.objects.none()
    named = Q(reviewer=user)
    if user.has_role(RoleCode.MANAGER):
        named |= Q(reviewer__isnull=True, user__agency=user.agency)
    return BreakGlassGrant.objects.filter(named).exclude(user=user)


def can_export_children(user: User) -> bool:
    """The bulk export of every child: the coordinator, who maps the partnership's children. Partnership leaders
    see the partnership through the oversight figures, not through every record."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR)


def can_view_oversight(user: User) -> bool:
    """The oversight dashboard: team managers (their agency's figures), the coordinator and partnership leaders."""
    return _signed_in(user) and user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR, RoleCode.LEADER)


def can_set_goals(user: User) -> bool:
    """The partnership's strategic goals are set (and retired) by its leaders and the coordinator."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.LEADER)


# Why a partnership leader opens a named child's record; the audit trail keeps the purpose.
LEADER_PURPOSES = {"oversight": "Management oversight", "case_audit": "Case audit"}


def must_give_purpose(user: User) -> bool:
    """A partnership leader who does not also work the case (as coordinator or practitioner) says why they open a
    named child's record."""
    return (
        _signed_in(user)
        and user.has_role(RoleCode.LEADER)
        and not user.has_role(RoleCode.COORDINATOR, RoleCode.PRACTITIONER, RoleCode.MANAGER)
    )


def can_administer(user: User) -> bool:
    return _signed_in(user) and user.has_role(RoleCode.ADMINISTRATOR)


def can_answer_subject_access(user: User) -> bool:
    """A subject access export of everything held about a child (and the retention review): the coordinator,
    as the partnership's data protection route; the export holds every agency's items, marked for redaction."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR)


# Training (joinedup.training): not about any child, so no need-to-know; the partnership's coordinator runs it.


def can_manage_training(user: User) -> bool:
    """Courses, who needs them, and the trainees without an account (elected members): the coordinator."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR)


def can_record_training(user: User) -> bool:
    """Recording attendance at all: the coordinator (anyone the partnership trains) and team managers (their own
    agency's staff: ``can_record_training_of``)."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.MANAGER)


def can_record_training_of(user: User, *, staff: User | None = None, trainee: bool = False) -> bool:
    """Whether ``user`` may record that this member of staff (or a trainee, who has no account) did a course."""
    if not _signed_in(user):
        return False
    if user.has_role(RoleCode.COORDINATOR):
        return True
    if trainee or staff is None:
        return False
    return user.has_role(RoleCode.MANAGER) and user.agency_id is not None and staff.agency_id == user.agency_id


def can_view_training_coverage(user: User) -> bool:
    """Who is trained and who is missing or expired: team managers (their own agency's staff), the coordinator
    and partnership leaders (every agency, and the elected members)."""
    return _signed_in(user) and user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR, RoleCode.LEADER)


def training_coverage_agency(user: User) -> int | None:
    """The agency a viewer's training coverage is fixed to: a team manager's own; none for the coordinator and
    partnership leaders."""
    if user.has_role(RoleCode.COORDINATOR, RoleCode.LEADER):
        return None
    return user.agency_id or 0  # a manager with no agency sees no one's


# Management oversight and challenge between agencies (joinedup.supervision) ----------------------------------------


def can_record_oversight(user: User, child: Child) -> bool:
    """A team manager records management oversight of their own agency's open work with the child."""
    return (
        _signed_in(user)
        and user.agency_id is not None
        and user.has_role(RoleCode.MANAGER)
        and can_view_child(user, child)
        and agency_is_involved(user, child)
    )


def can_raise_challenge(user: User, child: Child) -> bool:
    """A practitioner or manager of an agency working with the child challenges another agency working with them."""
    return (
        _signed_in(user)
        and user.agency_id is not None
        and user.has_role(*CASE_ROLES)
        and can_view_child(user, child)
        and agency_is_involved(user, child)
    )


def _stage_roles(stage: str) -> tuple[str, ...]:
    # At the practitioner stage practitioners (and their managers) act; from the manager stage on, managers.
    return CASE_ROLES if stage == "practitioner" else (RoleCode.MANAGER,)


def can_respond_to_challenge(user: User, challenge: "Challenge") -> bool:
    """The challenged agency answers an open challenge: at the practitioner stage a practitioner or manager, at the
    manager and senior stages a manager (recording the senior manager's answer at the senior stage)."""
    return (
        _signed_in(user)
        and challenge.resolved_at is None
        and user.agency_id == challenge.to_agency_id
        and user.has_role(*_stage_roles(challenge.stage))
        and can_view_child(user, challenge.child)
    )


def can_escalate_challenge(user: User, challenge: "Challenge") -> bool:
    """The raising agency escalates an open challenge to the next stage: to managers by a practitioner or manager,
    to senior managers by a manager. There is no stage after the senior managers'."""
    if challenge.resolved_at is not None or challenge.stage == "senior":
        return False
    return (
        _signed_in(user)
        and user.agency_id == challenge.raising_agency_id
        and user.has_role(*_stage_roles(challenge.stage))
        and can_view_child(user, challenge.child)
    )


def can_resolve_challenge(user: User, challenge: "Challenge") -> bool:
    """The raising agency records the resolution of its open challenge, at the roles that act at its stage."""
    return (
        _signed_in(user)
        and challenge.resolved_at is None
        and user.agency_id == challenge.raising_agency_id
        and user.has_role(*_stage_roles(challenge.stage))
        and can_view_child(user, challenge.child)
    )


# The inspection data pack (joinedup.datapack) ----------------------------------------------------------------------


def can_use_data_pack(user: User) -> bool:
    """The inspection data pack (the missing returns, the CIN factor counts and the oversight figures for one date)
    is requested and downloaded by the partnership's leaders and the coordinator, each holding the children they
    may see."""
    return works_with_children(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.LEADER)


# --- end of the inspection data pack


# Police timeliness and victim care (joinedup.missing attendance, joinedup.victims) ---------------------------------


def can_record_police_attendance(user: User, child: Child) -> bool:
    """The police's first attendance on a missing report is recorded by the police and the coordinator."""
    return can_record_about_child(user, child) and (user.has_role(RoleCode.COORDINATOR) or is_police(user))


def can_record_victim_care(user: User, child: Child) -> bool:
    """A crime against a child, the child's needs assessment, support offered, contact kept and the investigation's
    outcome (the Victims' Code duties fall on the police) are recorded by the police and the coordinator."""
    return can_record_about_child(user, child) and (user.has_role(RoleCode.COORDINATOR) or is_police(user))


def can_view_victim_care(user: User, child: Child) -> bool:
    """The child's victim care is read on the child's need-to-know, as the rest of their record."""
    return can_view_child(user, child)


# Case audits (joinedup.caseaudits) --------------------------------------------------------------------------------


def can_run_case_audits(user: User) -> bool:
    """Opening an audit round (which draws its sample of cases) and naming each audit's auditors: the coordinator
    and partnership leaders."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.LEADER)


def can_view_case_audits(user: User) -> bool:
    """The rounds, the audits and the themes across them: team managers, the coordinator and partnership leaders;
    always only about children the user may see."""
    return _signed_in(user) and user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR, RoleCode.LEADER)


def can_be_case_auditor(user: User, child: Child) -> bool:
    """Who may be named an auditor of a child's case: a person who works with children and may see the child."""
    return works_with_children(user) and is_a_person(user) and can_view_child(user, child)


def is_case_auditor(user: User, audit: "CaseAudit") -> bool:
    return _signed_in(user) and audit.auditors.filter(pk=user.pk).exists()


def can_view_case_audit(user: User, audit: "CaseAudit") -> bool:
    """One audit: those who see case audits, and its auditors; only while the user may see the child."""
    return (can_view_case_audits(user) or is_case_auditor(user, audit)) and can_view_child(user, audit.child)


def can_audit_case(user: User, audit: "CaseAudit") -> bool:
    """Grading the case, adding learning points and actions: the auditors named on it, while they may see the
    child."""
    return is_case_auditor(user, audit) and can_view_child(user, audit.child)


def can_name_case_auditors(user: User, audit: "CaseAudit") -> bool:
    return can_run_case_audits(user) and can_view_child(user, audit.child)


def can_mark_audit_action_done(user: User, audit: "CaseAudit") -> bool:
    """An audit's action is marked done by its auditors or by those who run case audits."""
    return can_audit_case(user, audit) or can_name_case_auditors(user, audit)


# The front door (joinedup.frontdoor) -------------------------------------------------------------------------------
# The front door (the MASH) is children's social care: its practitioners and managers triage contacts, ask partner
# agencies for information and decide. Anyone who may record about children records a contact.

if TYPE_CHECKING:
    from joinedup.frontdoor.models import Contact, InformationRequest


def is_front_door(user: User) -> bool:
    """A practitioner or manager of a children's social care agency: the front door's staff."""
    return (
        _signed_in(user)
        and user.agency is not None
        and user.agency.kind == AgencyKind.CHILDRENS_SOCIAL_CARE
        and user.has_role(*CASE_ROLES)
    )


def can_record_contact(user: User, child: Child) -> bool:
    """A contact about a child the user may see and record about (a new child is recorded first); a closed record
    too, since a new contact is how a closed case comes back to the front door."""
    return can_record_children(user) and can_view_child(user, child)


def can_view_contact(user: User, contact: "Contact") -> bool:
    """The front door sees every contact (it decides them, whether or not it works with the child yet); anyone
    else a contact about a child they may see."""
    return is_front_door(user) or can_view_child(user, contact.child)


def can_decide_contact(user: User, contact: "Contact") -> bool:
    """The front door decides a contact once; asking partners for information comes before the decision."""
    return is_front_door(user) and contact.decided_at is None


def can_tell_referrer(user: User, contact: "Contact") -> bool:
    """The front door records that the referrer was told the outcome of a decided contact, once."""
    return is_front_door(user) and contact.decided_at is not None and contact.referrer_told_at is None


def can_view_information_request(user: User, request: "InformationRequest") -> bool:
    """The front door, and the practitioners and managers of the agency asked."""
    if is_front_door(user):
        return True
    return _signed_in(user) and user.has_role(*CASE_ROLES) and user.agency_id == request.to_agency_id


def can_answer_information_request(user: User, request: "InformationRequest") -> bool:
    """Only the agency asked answers, once, by a practitioner or manager."""
    return (
        _signed_in(user)
        and request.answered_at is None
        and user.has_role(*CASE_ROLES)
        and user.agency_id == request.to_agency_id
    )


# The local problem profile (joinedup.profiles) ---------------------------------------------------------------------


def can_generate_problem_profile(user: User) -> bool:
    """The coordinator, the partnership's analyst, generates the local problem profile (and sets its schedule)."""
    return sees_all_children(user) and user.has_role(RoleCode.COORDINATOR)


def can_read_problem_profiles(user: User) -> bool:
    """The sanitised profile (counts only): the coordinator and the partnership's leaders, who pass it to local
    areas and elected members."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.LEADER)


def can_read_restricted_problem_profile(user: User) -> bool:
    """The restricted profile names children and adults of concern from across the partnership, for the MACE: only
    those who may see every child (the coordinator and the leaders, who chair and sit on the MACE)."""
    return can_read_problem_profiles(user) and sees_all_children(user)


# --- end of the local problem profile


def answers_information_requests(user: User) -> bool:
    """Practitioners and managers of a partner agency answer the front door's requests for information."""
    return _signed_in(user) and user.agency_id is not None and user.has_role(*CASE_ROLES)


# The Philomena protocol (joinedup.missing) --------------------------------------------------------------------------


def can_share_philomena(user: User, child: Child) -> bool:
    """Sharing a missing child's Philomena profile with police: anyone who records about the child (a police
    force shares it with the other forces)."""
    return can_record_about_child(user, child) and user.agency is not None


# Who may be given a piece of work (a return interview to make sure happens, an action): those who do the work, not
# a partnership leader who oversees it or an administrator (unless they also hold one of these roles).
WORK_OWNER_ROLES = (RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.COORDINATOR)


def can_own_work(user: User) -> bool:
    return user.is_active and user.has_role(*WORK_OWNER_ROLES)


# --- One work list (joinedup.tasks) ---------------------------------------------------------------------------
def _task_is_theirs(user: User, task: "Task") -> bool:
    if task.owner_id == user.pk:
        return True
    if task.owner_team_id is not None and task.owner_team_id == user.team_id:
        return True
    # A request for information to the agency as a whole: any of its staff who answer them may take it.
    return (
        task.owner_id is None
        and task.owner_team_id is None
        and task.kind == "information_request"
        and task.agency_id == user.agency_id
        and answers_information_requests(user)
    )


def _manages_task(user: User, task: "Task") -> bool:
    return (
        user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR)
        and task.agency_id is not None
        and task.agency_id == user.agency_id
    )


def can_reassign_task(user: User, task: "Task") -> bool:
    """The owner, a member of the owning team, or a manager (or coordinator) of the agency whose work it is;
    never for a child the user may not see."""
    if not (user.is_active and can_own_work(user)):
        return False
    if task.child is not None and not can_view_child(user, task.child):
        return False
    return _task_is_theirs(user, task) or _manages_task(user, task)


def can_complete_task(user: User, task: "Task") -> bool:
    return can_reassign_task(user, task)


# --- Places as records (joinedup.places) -----------------------------------------------------------------------
def can_use_places(user: User) -> bool:
    """The place list and place pages: those who work with children (as for the mapping)."""
    return works_with_children(user)


def can_record_places(user: User) -> bool:
    """Writing a place (as part of recording a concern, an episode, an import): anyone who records about children."""
    return can_record_children(user) or (_signed_in(user) and user.has_role(*CROSS_AGENCY_ROLES))


def can_review_places(user: User) -> bool:
    """The place review queue (merge, keep apart, undo): the coordinator, as for linking people's records."""
    return sees_all_children(user) and user.has_role(RoleCode.COORDINATOR)


def can_see_place(user: User, place: Any) -> bool:
    """A place's name, address and postcode. A private address only to those who may see at least one child
    linked to it (a concern, an episode at it); any other place to those who use places."""
    if not can_use_places(user):
        return False
    if not place.is_private:
        return True
    if sees_all_children(user):
        return True
    from joinedup.places.selectors import children_linked_to

    return _decided(
        ("place", user.pk, user.agency_id, place.pk),
        lambda: children_visible_to(user).filter(pk__in=children_linked_to([place.pk])).exists(),
    )


# --- end of places


# --- Contextual safeguarding: work on places and peer groups (joinedup.contextual) ---------------------------------
def can_run_context_work(user: User) -> bool:
    """The coordinator opens work on a place or a peer group, makes peer groups and writes the work's assessment,
    partners, actions, reviews and closing."""
    return works_with_children(user) and user.has_role(RoleCode.COORDINATOR)


def can_view_context_works(user: User) -> bool:
    """The list of work on places and peer groups: those who work with children, each item only where
    ``can_view_context_work``."""
    return works_with_children(user)


def can_view_context_work(user: User, child_ids: Any, *, owns_an_action: bool = False) -> bool:
    """A piece of work (its place or group, assessment, plan, actions, reviews), given its children's ids (a group's
    members, the children linked to a place): the coordinator and leaders read all of it; a practitioner or manager
    while they may see at least one of its children, or while they own one of its actions (the work's page names
    no child). Children they may not see are counted, never named."""
    if not works_with_children(user):
        return False
    if sees_all_children(user) or owns_an_action:
        return True
    return children_visible_to(user).filter(pk__in=child_ids).exists()


# --- end of contextual safeguarding


# Children missing education (joinedup.education) --------------------------------------------------------------------
# Schools (an education agency's practitioners and managers) record; the local authority's children missing
# education officer (a manager of an education agency, or the coordinator) works the queue. A role, not a team's
# name or a setting: the officer is whoever holds the education service's manager role.


def can_record_education(user: User, child: Child) -> bool:
    """A child missing education, a part-time timetable, a suspension, an exclusion or an elective home education
    notification: recorded by an education agency's staff about a child they may record about."""
    return (
        can_record_about_child(user, child)
        and user.agency is not None
        and user.agency.kind == AgencyKind.EDUCATION
        and user.has_role(*CASE_ROLES)
    )


def is_cme_officer(user: User) -> bool:
    """The local authority's children missing education officer: a manager of an education agency, or the
    coordinator."""
    if not _signed_in(user):
        return False
    if user.has_role(RoleCode.COORDINATOR):
        return True
    return user.agency is not None and user.agency.kind == AgencyKind.EDUCATION and user.has_role(RoleCode.MANAGER)


def can_work_cme_case(user: User, child: Child) -> bool:
    """Recording the checks and closing a child missing education case: the officer, about a child they see."""
    return is_cme_officer(user) and can_view_child(user, child)


# --- end of children missing education


# The child's say and speaking out (joinedup.voice) -----------------------------------------------------------------


def can_view_childs_say(user: User, child: Child) -> bool:
    """The child's say is shown to everyone who plans work with the child: their need-to-know, as the record."""
    return can_view_child(user, child)


def can_record_childs_say(user: User, child: Child) -> bool:
    return can_record_about_child(user, child)


def can_manage_speak_links(user: User, child: Child) -> bool:
    """A child's speaking-out link is issued and revoked by those who keep the record: practitioners and managers
    of an involved agency (the key worker among them), and the coordinator."""
    return can_change_child_details(user, child) and can_own_work(user)


def can_read_child_messages(user: User, child: Child) -> bool:
    """What a child sent their key worker is read by those who do the work with the child (practitioners,
    managers, the coordinator) on the child's need-to-know; partnership leaders see only the counts."""
    return can_record_about_child(user, child)


# --- end of the child's say and speaking out


# The child's plan, closure and step-down (joinedup.plans) -----------------------------------------------------------
def record_is_closed(child: Child) -> bool:
    """Every agency's involvement with the child has closed (and there was at least one): the record leaves the
    active lists and is kept read-only under the retention period. A child with no involvement recorded at all
    is not closed. Read from the database (``Child.record_closed``, kept by the children app's services), not from
    the instance, which may predate the closure."""
    return _decided(
        ("closed", child.pk),
        lambda: Child.objects.filter(pk=child.pk, record_closed=True).exists(),
    )


def can_record_plan(user: User, child: Child) -> bool:
    """Those who may record about the child start, add to, review and end the child's plans."""
    return can_record_about_child(user, child)


def can_own_plan_action(owner: User, child: Child) -> bool:
    """An action in a child's plan goes only to someone who does the work and may see the child."""
    return can_own_work(owner) and can_view_child(owner, child)


# --- end of plans


# Strategy discussions, section 47 enquiries and NRM referrals (joinedup.strategy) ---------------------------------
# Children's social care leads a strategy discussion with police; their practitioners and managers, and the
# coordinator, hold and record them about a child they may see. The same record NRM referrals (the local authority
# and police are first responders). Everyone who may see the child reads them.


def _social_care_or_police(user: User) -> bool:
    return (
        user.agency is not None
        and user.agency.kind in (AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.POLICE)
        and user.has_role(*CASE_ROLES)
    )


def can_hold_strategy_discussion(user: User, child: Child) -> bool:
    return can_record_about_child(user, child) and (user.has_role(RoleCode.COORDINATOR) or _social_care_or_police(user))


def can_record_nrm(user: User, child: Child) -> bool:
    return can_record_about_child(user, child) and (user.has_role(RoleCode.COORDINATOR) or _social_care_or_police(user))


# --- end of strategy discussions


# Registered businesses and community reporting (joinedup.community): the coordinator registers businesses, issues
# and revokes their reporting links and triages the reports; a report names no child until it is turned into a
# concern (through concerns.services, under the need-to-know rules above).


def can_manage_businesses(user: User) -> bool:
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR)


def can_triage_community_reports(user: User) -> bool:
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR)


# --- end of community reporting


# --- Awareness campaigns (joinedup.campaigns) --------------------------------------------------------------------
def can_manage_campaigns(user: User) -> bool:
    """Recording and changing awareness campaigns: the coordinator."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR)


def can_view_campaigns(user: User) -> bool:
    """The campaigns and their reach beside the hotspots: the coordinator and partnership leaders. Nothing in a
    campaign is about a child."""
    return _signed_in(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.LEADER)


# --- Issue 12 leftovers (problem profile purpose, profile schedules, audit tool versions) ---------------------------


def must_give_purpose_for_profile(user: User, version: str) -> bool:
    """The restricted problem profile names children and adults of concern: a partnership leader who does not work
    the cases says why they read or download it, as for a named child's record (``must_give_purpose``). The
    sanitised version names no one."""
    return version == "restricted" and must_give_purpose(user)


def can_manage_profile_schedules(user: User) -> bool:
    """The problem profile's schedules (list, add, change, stop): whoever generates profiles, the coordinator, as a
    schedule builds them as its owner."""
    return can_generate_problem_profile(user)


def can_view_audit_tools(user: User) -> bool:
    """The versions of the case audit tool and their questions: whoever sees case audits."""
    return can_view_case_audits(user)


def can_publish_audit_tool(user: User) -> bool:
    """Drafting and publishing a new version of the case audit tool: those who run case audits (the coordinator
    and partnership leaders)."""
    return can_run_case_audits(user)


# --- end of issue 12 leftovers
