"""Writes about missing episodes, return home interviews and Philomena profiles.

Each checks permission, writes and audits in one transaction; alerts are pushed
to the people who need them as the episode is reported and when the child is found.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency, AgencyKind, Team
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child, CorrectionKind, ItemCorrection, ItemKind
from joinedup.children.services import correction_require, item_changes, item_correction_apply, item_correction_record
from joinedup.deadlines import is_historical_return, london_day_ends, return_interview_due
from joinedup.places.models import Place
from joinedup.places.selectors import place_now
from joinedup.places.services import place_resolve_text
from joinedup.sharing.models import ShareDecision
from joinedup.sharing.services import share_under_agreement
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_close_for, task_open

from .grades import episode_grades_refresh
from .models import (
    Alert,
    EpisodeKind,
    Factor,
    InterviewAction,
    InterviewResponse,
    MissingEpisode,
    PhilomenaProfile,
    PoliceAttendance,
    ReturnInterview,
    RiskGrade,
    RiskGrading,
)

logger = logging.getLogger(__name__)


ALERT_EMAIL_SUBJECT = "joinedup: you have a new alert"
ALERT_EMAIL_BODY = (
    "There is a new alert for you in joinedup about a child you work with.\n\n"
    "Sign in to see it: {url}\n\nDo not reply to this email."
)
NOT_POLICE_GRADE = (
    "Only the police grade a missing child's risk: leave the grade to them and give your reasons for concern."
)
REPORTED_GRADE_RATIONALE = (
    "Reported by {agency} without a police risk grade: graded medium until the police grade it. "
    "Reasons for concern: {reasons}"
)


def _london(moment: datetime) -> str:
    return dates.when(moment)


def episode_clash(
    *, child: Child, started_at: datetime, returned_at: datetime | None, exclude: MissingEpisode | None = None
) -> str | None:
    """Why an episode over this period cannot be recorded for the child, or None if it can.

    Refused: a second open episode, and any episode overlapping another (SSDA903 validation rules).
    """
    others = MissingEpisode.objects.filter(child=child)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if returned_at is not None and returned_at < started_at:
        return "The return must be after the child went missing."
    open_episode = others.filter(returned_at__isnull=True).first()
    if open_episode is not None and (returned_at is None or returned_at > open_episode.started_at):
        return (
            f"{child.full_name} is already recorded as missing since {_london(open_episode.started_at)}. "
            "Record their return on that episode first."
        )
    ends_after_start = Q(returned_at__gt=started_at) | Q(returned_at__isnull=True)
    overlapping = others.filter(ends_after_start)
    if returned_at is not None:
        overlapping = overlapping.filter(started_at__lt=returned_at)
    clash = overlapping.first()
    if clash is not None:
        until = _london(clash.returned_at) if clash.returned_at else "now"
        return (
            f"This overlaps the episode from {_london(clash.started_at)} to {until}. "
            "Check the dates: one child cannot be missing twice at once."
        )
    return None


def _audit(user: User | None, episode: MissingEpisode, kind: AuditKind, **payload: object) -> None:
    audit_record(
        actor=user,
        kind=kind,
        child_id=episode.child_id,
        object_type="missing_episode",
        object_id=str(episode.pk),
        payload={key: str(value) for key, value in payload.items()},
    )


def alert_recipients(child: Child) -> list[User]:
    """The child's key worker and the duty teams of every agency with an open involvement."""
    agencies = child.involvements.filter(ended_at__isnull=True).values("agency")
    # Only staff who work with children: an administrator or leader sitting in a duty team is not alerted.
    duty = User.objects.filter(
        is_active=True,
        team__is_duty_team=True,
        team__agency__in=agencies,
        roles__code__in=[RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.COORDINATOR],
    ).distinct()
    people = {user.pk: user for user in duty}
    if child.key_worker is not None and child.key_worker.is_active:
        people[child.key_worker.pk] = child.key_worker
    return list(people.values())


def _push_alerts(child: Child, episode: MissingEpisode, message: str) -> int:
    """In-app alerts now (the page polls for them) and email once the transaction commits."""
    recipients = alert_recipients(child)
    Alert.objects.bulk_create(
        [Alert(recipient=user, child=child, episode=episode, message=message) for user in recipients]
    )
    # Asked of the teams themselves: an exclude() across involvements -> teams would drop an agency's duty
    # team whenever any other team of that agency has no email address.
    involved = child.involvements.filter(ended_at__isnull=True).values("agency")
    team_emails = set(
        Team.objects.filter(agency__in=involved, is_duty_team=True).exclude(email="").values_list("email", flat=True)
    )
    emails = sorted({user.email for user in recipients if user.email} | team_emails)

    def send() -> None:
        try:
            # Nothing personal leaves by email: no name, no grade, no place; only that there is an alert.
            send_mail(
                subject=ALERT_EMAIL_SUBJECT,
                message=ALERT_EMAIL_BODY.format(url=settings.JOINEDUP_SITE_URL + reverse("missing:alerts")),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=emails,
            )
        except Exception:  # an unreachable mail server must not undo the report
            logger.exception("Could not email the missing alert for episode %s", episode.pk)

    if emails:
        transaction.on_commit(send)
    return len(recipients)


def _episode_places_resolve(actor: User | None, episode: MissingEpisode) -> None:
    """Point the episode's last-seen and found places at place records (joinedup.places); the text stays."""
    refs = {
        "last_seen_place_ref": place_resolve_text(actor=actor, text=episode.last_seen_place),
        "found_place_ref": place_resolve_text(actor=actor, text=episode.found_place),
    }
    changed = [name for name, place in refs.items() if getattr(episode, f"{name}_id") != (place and place.pk)]
    for name in changed:
        setattr(episode, name, refs[name])
    if changed:
        episode.save(update_fields=changed)


def missing_episode_report(
    *,
    user: User,
    child: Child,
    started_at: datetime,
    rationale: str,
    grade: str = "",
    kind: str = EpisodeKind.MISSING,
    reported_at: datetime | None = None,
    reported_by_name: str = "",
    last_seen_place: str = "",
    last_seen_with: str = "",
    information_from: str = "",
    returned_at: datetime | None = None,
) -> MissingEpisode:
    """Record that a child is missing (or away from placement), with the first risk grading, and alert.

    The grade is the police's (``policy.can_grade_missing``): another agency leaves ``grade`` empty and gives
    its reasons for concern as ``rationale``; the episode is graded medium until the police grade it.
    ``returned_at`` records an episode that is already over (a past one, which may come before a later
    episode): it opens the return interview instead of alerting."""
    if not policy.can_record_about_child(user, child) or user.agency is None:
        raise PermissionDenied
    if kind not in EpisodeKind.values:
        raise ValidationError({"kind": "Choose missing or away from placement."})
    grader = policy.can_grade_missing(user, child)
    if grader and grade not in RiskGrade.values:
        raise ValidationError({"grade": "Choose the risk grade."})
    if not grader and grade:
        raise ValidationError({"grade": NOT_POLICE_GRADE})
    if not rationale.strip():
        raise ValidationError(
            {"rationale": "Enter the reasons for the risk grade." if grader else "Enter your reasons for concern."}
        )
    if not grader:
        grade = RiskGrade.MEDIUM
        rationale = REPORTED_GRADE_RATIONALE.format(agency=user.agency.name, reasons=rationale.strip())
    now = timezone.now()
    if started_at > now:
        raise ValidationError({"started_at": "The time the child went missing must be in the past."})
    if returned_at is not None and not started_at <= returned_at <= now:
        raise ValidationError({"returned_at": "The return must be after the child went missing and not in the future."})
    if reported_at is not None and not started_at <= reported_at <= now:
        raise ValidationError(
            {"reported_at": "The report must be after the child was last seen, and not in the future."}
        )
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()
        clash = episode_clash(child=child, started_at=started_at, returned_at=returned_at)
        if clash:
            raise ValidationError(clash)
        episode = MissingEpisode.objects.create(
            child=child,
            kind=kind,
            started_at=started_at,
            reported_at=reported_at or now,
            reported_by=user,
            reported_by_name=reported_by_name.strip(),
            owning_agency=user.agency,
            last_seen_place=last_seen_place.strip(),
            last_seen_with=last_seen_with.strip(),
            found_at=returned_at,
            returned_at=returned_at,
        )
        _episode_places_resolve(user, episode)
        RiskGrading.objects.create(
            episode=episode,
            grade=grade,
            rationale=rationale.strip(),
            information_from=information_from.strip(),
            graded_by=user,
            graded_at=min(reported_at or now, now),
        )
        _grades_refresh(episode)
        _audit(user, episode, AuditKind.MISSING_REPORTED, grade=grade)
        if returned_at is not None:
            _interview_open(episode=episode, owner=user)
            return episode
        _push_alerts(
            child,
            episode,
            f"{child.full_name} has been reported {EpisodeKind(kind).label.lower()} "
            f"(risk: {RiskGrade(grade).label.lower()}), last seen {_london(started_at)}",
        )
    return episode


def _grades_refresh(episode: MissingEpisode) -> None:
    """After a grading is written: the episode's summary of its gradings, in the database and on this object."""
    episode_grades_refresh([episode.pk])
    episode.refresh_from_db(fields=["grade_now", "police_grade", "police_first_graded_at"])


def _require_recorder(user: User, episode: MissingEpisode) -> None:
    if not policy.can_record_about_child(user, episode.child):
        raise PermissionDenied


def missing_episode_regrade(
    *,
    user: User,
    episode: MissingEpisode,
    grade: str,
    rationale: str,
    information_from: str = "",
    graded_at: datetime | None = None,
) -> RiskGrading:
    """Grade the risk again as the case goes on; every earlier grading is kept.

    ``graded_at`` records a grading made earlier (e.g. by phone) when it is entered later.
    """
    if not policy.can_grade_missing(user, episode.child):
        raise PermissionDenied
    if grade not in RiskGrade.values:
        raise ValidationError({"grade": "Choose the risk grade."})
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the reasons for the new grade."})
    now = timezone.now()
    graded_at = graded_at or now
    if not episode.started_at <= graded_at <= now:
        raise ValidationError({"graded_at": "The grading must be after the child went missing and not in the future."})
    with transaction.atomic():
        grading = RiskGrading.objects.create(
            episode=episode,
            grade=grade,
            rationale=rationale.strip(),
            information_from=information_from.strip(),
            graded_by=user,
            graded_at=graded_at,
        )
        _grades_refresh(episode)
        _audit(user, episode, AuditKind.MISSING_REGRADED, grade=grade)
        _push_alerts(
            episode.child,
            episode,
            f"{episode.child.full_name}'s missing episode has been graded again: "
            f"risk now {RiskGrade(grade).label.lower()}",
        )
    return grading


def police_attendance_record(
    *, user: User, episode: MissingEpisode, attended_at: datetime, attended_by: str, place: str = ""
) -> PoliceAttendance:
    """Record the police's first attendance on the report (the first visit to the home or placement): by the
    police or the coordinator, once an episode. It cannot be before the report nor in the future."""
    if not policy.can_record_police_attendance(user, episode.child):
        raise PermissionDenied
    if not attended_by.strip():
        raise ValidationError({"attended_by": "Enter who attended: officers' names or collar numbers."})
    if attended_at < episode.reported_at:
        raise ValidationError({"attended_at": "The police cannot attend before the child was reported missing."})
    if attended_at > timezone.now():
        raise ValidationError({"attended_at": "The time the police attended must be in the past."})
    with transaction.atomic():
        if PoliceAttendance.objects.select_for_update().filter(episode=episode).exists():
            raise ValidationError("The police's first attendance is already recorded for this episode.")
        attendance = PoliceAttendance.objects.create(
            episode=episode,
            attended_at=attended_at,
            attended_by=attended_by.strip(),
            place=place.strip(),
            recorded_by=user,
        )
        _audit(user, episode, AuditKind.POLICE_ATTENDANCE_RECORDED, attended_at=attended_at.isoformat())
    return attendance


def missing_episode_found(
    *, user: User, episode: MissingEpisode, found_at: datetime, found_place: str = "", found_with: str = ""
) -> MissingEpisode:
    """Record where and with whom the child was found, and alert the same people as the report."""
    _require_recorder(user, episode)
    if episode.returned_at is not None:
        raise ValidationError("This episode is closed: the child has returned.")
    if found_at < episode.started_at:
        raise ValidationError({"found_at": "The child must be found after they went missing."})
    if found_at < episode.reported_at:
        raise ValidationError(
            {
                "found_at": f"The child was reported missing on {_london(episode.reported_at)} (UK time); the time "
                "found must be after the report."
            }
        )
    if found_at > timezone.now():
        raise ValidationError({"found_at": "The time found must be in the past."})
    with transaction.atomic():
        episode.found_at = found_at
        episode.found_place = found_place.strip()
        episode.found_with = found_with.strip()
        episode.save(update_fields=["found_at", "found_place", "found_with"])
        _episode_places_resolve(user, episode)
        _audit(user, episode, AuditKind.MISSING_FOUND)
        _push_alerts(episode.child, episode, f"{episode.child.full_name} has been found ({_london(found_at)})")
    return episode


def missing_episode_return(
    *, user: User, episode: MissingEpisode, returned_at: datetime, interview_owner: User | None = None
) -> ReturnInterview:
    """Close the episode when the child is back, and open the return home interview due 72 hours later."""
    _require_recorder(user, episode)
    if episode.returned_at is not None:
        raise ValidationError("The return is already recorded for this episode.")
    if returned_at > timezone.now():
        raise ValidationError({"returned_at": "The time of return must be in the past."})
    if interview_owner is not None and not policy.can_own_work(interview_owner):
        raise ValidationError(
            {"interview_owner": "Choose someone who does the work: a practitioner, a team manager or the coordinator."}
        )
    if episode.found_at is not None and returned_at < episode.found_at:
        raise ValidationError(
            {
                "returned_at": f"The child was found on {_london(episode.found_at)} (UK time); the time of return "
                "cannot be before they were found."
            }
        )
    owner = interview_owner or episode.child.key_worker or user
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=episode.child_id).first()
        clash = episode_clash(
            child=episode.child, started_at=episode.started_at, returned_at=returned_at, exclude=episode
        )
        if clash:
            raise ValidationError({"returned_at": clash})
        episode.returned_at = returned_at
        if episode.found_at is None:
            episode.found_at = returned_at
        episode.save(update_fields=["returned_at", "found_at"])
        interview = ReturnInterview.objects.create(
            episode=episode, owner=owner, due_at=return_interview_due(returned_at)
        )
        _interview_task(user, interview)
        _audit(user, episode, AuditKind.MISSING_RETURNED, due_at=interview.due_at.isoformat())
    return interview


def _require_interview_recorder(user: User, interview: ReturnInterview) -> None:
    _require_recorder(user, interview.episode)


def return_interview_offer(
    *, user: User, interview: ReturnInterview, offered_at: datetime, response: str, declined_reason: str = ""
) -> ReturnInterview:
    """Record the offer (by someone independent of the placement) and the child's answer."""
    _require_interview_recorder(user, interview)
    if response not in {InterviewResponse.OFFERED, InterviewResponse.ACCEPTED, InterviewResponse.DECLINED}:
        raise ValidationError({"response": "Choose whether the interview was accepted or declined."})
    if response == InterviewResponse.DECLINED and not declined_reason.strip():
        raise ValidationError({"declined_reason": "Enter why the child declined, in their words where possible."})
    returned_at = interview.episode.returned_at
    if returned_at is not None and offered_at < returned_at:
        raise ValidationError({"offered_at": "The offer must be after the child returned."})
    if offered_at > timezone.now():
        raise ValidationError({"offered_at": "The time of the offer must be in the past."})
    with transaction.atomic():
        interview.offered_by = user
        interview.offered_at = offered_at
        interview.response = response
        interview.declined_reason = declined_reason.strip()
        interview.save(update_fields=["offered_by", "offered_at", "response", "declined_reason"])
        _interview_task(user, interview)
        _audit(user, interview.episode, AuditKind.INTERVIEW_OFFERED, response=response)
    return interview


def return_interview_complete(
    *,
    user: User,
    interview: ReturnInterview,
    completed_at: datetime,
    childs_words: str,
    factors: Iterable[str] = (),
    factors_other: str = "",
    where_they_were: str = "",
    who_they_were_with: str = "",
    harm_disclosed: str = "",
    next_steps: str = "",
    place_name: str = "",
) -> ReturnInterview:
    """Record the interview, with what the child said in their own words. ``place_name`` is the place where the
    child was, if it was one ("Station Hotel, WB1 1AA"): it points the interview at a place record (found or made
    by ``places.services.place_resolve_text``), as an episode's last-seen place does; ``where_they_were`` stays the
    child's own words."""
    _require_interview_recorder(user, interview)
    if interview.response != InterviewResponse.ACCEPTED:
        raise ValidationError("Record that the child accepted the interview first.")
    if not childs_words.strip():
        raise ValidationError({"childs_words": "Enter what the child said, in their own words."})
    unknown = sorted(set(factors) - set(Factor.values))
    if unknown:
        raise ValidationError({"factors": f"Unknown factors: {', '.join(unknown)}"})
    if interview.offered_at is not None and completed_at < interview.offered_at:
        raise ValidationError({"completed_at": "The interview must be after it was offered."})
    if completed_at > timezone.now():
        raise ValidationError({"completed_at": "The time of the interview must be in the past."})
    with transaction.atomic():
        interview.completed_at = completed_at
        interview.childs_words = childs_words.strip()
        interview.factors = sorted(set(factors))
        interview.factors_other = factors_other.strip()
        interview.where_they_were = where_they_were.strip()
        interview.who_they_were_with = who_they_were_with.strip()
        interview.harm_disclosed = harm_disclosed.strip()
        interview.next_steps = next_steps.strip()
        interview.place_name = " ".join(place_name.split())[:300]
        interview.place = place_resolve_text(actor=user, text=interview.place_name)
        interview.save()
        _interview_task(user, interview)
        _audit(user, interview.episode, AuditKind.INTERVIEW_COMPLETED)
    return interview


def interview_action_add(
    *, user: User, interview: ReturnInterview, description: str, owner: User, referral_to: str = "", due_on=None
) -> InterviewAction:
    _require_interview_recorder(user, interview)
    if not description.strip():
        raise ValidationError({"description": "Enter the action."})
    if not policy.can_own_work(owner):
        raise ValidationError(
            {
                "owner": "Give the action to someone who does the work: a practitioner, a team manager or the "
                "coordinator."
            }
        )
    with transaction.atomic():
        action = InterviewAction.objects.create(
            interview=interview,
            description=description.strip(),
            owner=owner,
            referral_to=referral_to.strip(),
            due_on=due_on,
        )
        _audit(user, interview.episode, AuditKind.INTERVIEW_ACTION_ADDED, owner=owner.username)
        task_open(
            actor=user,
            kind=TaskKind.INTERVIEW_ACTION,
            source_id=str(action.pk),
            title=action.description,
            link=reverse("missing:episode", args=[interview.episode_id]),
            due_at=london_day_ends(due_on) if due_on is not None else None,
            child=interview.episode.child,
            owner=owner,
            completes_here=True,
        )
    return action


def interview_action_done(*, user: User, action: InterviewAction) -> InterviewAction:
    """The owner (or whoever may reassign it) marks a return interview's action done."""
    if action.done_at is not None:
        return action
    with transaction.atomic():
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        _audit(user, action.interview.episode, AuditKind.INTERVIEW_ACTION_DONE, action=action.pk)
        task_close_for(actor=user, kind=TaskKind.INTERVIEW_ACTION, source_id=str(action.pk))
    return action


def interview_action_done_from_task(task: Task, user: User) -> None:
    interview_action_done(user=user, action=InterviewAction.objects.get(pk=int(task.source_id)))


def interview_action_reassigned_from_task(task: Task, user: User) -> None:
    if task.owner is None:
        raise ValidationError({"owner": "Give the action to a person."})
    InterviewAction.objects.filter(pk=int(task.source_id)).update(owner=task.owner)


def interview_reassigned_from_task(task: Task, user: User) -> None:
    """Given to someone else on the work list: the interview's owner follows (a team keeps the owner)."""
    if task.owner is not None:
        ReturnInterview.objects.filter(pk=task.source_id).update(owner=task.owner)


def _interview_team() -> Team | None:
    """The area's return home interview service, whose work list holds every open interview."""
    return Team.objects.filter(return_interviews=True).order_by("pk").first()


def _interview_task(actor: User | None, interview: ReturnInterview) -> None:
    """The interview's task: open on its owner's and the return interview service's work lists until it is
    recorded or the child declines; then closed."""
    if interview.completed_at is not None or interview.response == InterviewResponse.DECLINED:
        task_close_for(actor=actor, kind=TaskKind.RETURN_INTERVIEW, source_id=str(interview.pk))
        return
    task_open(
        actor=actor,
        kind=TaskKind.RETURN_INTERVIEW,
        source_id=str(interview.pk),
        title="Return home interview",
        link=reverse("missing:episode", args=[interview.episode_id]),
        due_at=interview.due_at,
        child=interview.episode.child,
        owner=interview.owner,
        owner_team=_interview_team(),
    )


def can_keep_philomena_profile(user: User, child: Child) -> bool:
    """The carer's agency keeps the profile (or, with no carer's agency recorded, the owning agency)."""
    keeper = child.placement_agency_id or child.owning_agency_id
    return child.looked_after and policy.can_record_about_child(user, child) and user.agency_id == keeper


def philomena_profile_save(*, user: User, child: Child, **fields: object) -> PhilomenaProfile:
    if not can_keep_philomena_profile(user, child) or user.agency is None:
        raise PermissionDenied
    allowed = {"description", "photo", "associates", "addresses_and_places", "phone_and_social_media", "medical_needs"}
    if set(fields) - allowed:
        raise ValueError(f"Unknown fields {sorted(set(fields) - allowed)}")
    with transaction.atomic():
        profile, _ = PhilomenaProfile.objects.get_or_create(
            child=child, defaults={"owning_agency": user.agency, "updated_by": user}
        )
        for name, value in fields.items():
            if name == "photo" and not value:
                continue
            setattr(profile, name, value)
        profile.updated_by = user
        profile.updated_at = timezone.now()
        profile.save()
        audit_record(
            actor=user,
            kind=AuditKind.PHILOMENA_UPDATED,
            child_id=child.pk,
            object_type="philomena_profile",
            object_id=str(profile.pk),
        )
    return profile


def philomena_share_with_police(*, user: User, episode: MissingEpisode) -> list[ShareDecision]:
    """Share the child's record, with the Philomena profile, with police: one action, recorded as a decision.

    The Philomena protocol is agreed in advance by the partnership (a standing agreement, as data): the
    decision names the agreement as what approved it, not the sharer.
    """
    child = episode.child
    if not episode.is_open or not policy.can_share_philomena(user, child) or user.agency is None:
        raise PermissionDenied
    if not PhilomenaProfile.objects.filter(child=child).exists():
        raise ValidationError("There is no Philomena profile to share. The carer's agency completes it in advance.")
    police = Agency.objects.filter(kind=AgencyKind.POLICE).exclude(pk=user.agency.pk)
    if not police.exists():
        raise ValidationError("No police agency is registered on the platform.")
    decisions = []
    with transaction.atomic():
        for agency in police:
            if (
                ShareDecision.objects.filter(
                    child=child, shared_with_agency=agency, entry__isnull=True, purpose__startswith="Philomena protocol"
                )
                .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
                .exists()
            ):
                continue  # already shared under the protocol: one decision is enough
            decision = share_under_agreement(
                user=user,
                child=child,
                agreement_code="philomena",
                shared_with_agency=agency,
                purpose=(
                    f"Philomena protocol: {child.full_name} is missing; the profile is shared so police can find them."
                ),
                payload={"episode": episode.pk},
            )
            decisions.append(decision)
    return decisions


def alert_mark_read(*, user: User, alert: Alert) -> None:
    if alert.recipient_id != user.pk:
        raise PermissionDenied
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])


# --- Episodes from an agency's extract or an SSDA903 return ----------------------------------------

IMPORTED_GRADE_RATIONALE = (
    "Imported from {agency}'s records without a police risk grade: graded medium until the police grade it."
)


def _interview_open(*, episode: MissingEpisode, owner: User) -> None:
    """The return interview of a returned episode, unless the return is history (see deadlines)."""
    if episode.returned_at is None or hasattr(episode, "interview"):
        return
    if is_historical_return(episode.returned_at, now=timezone.now()):
        return
    interview = ReturnInterview.objects.create(
        episode=episode, owner=episode.child.key_worker or owner, due_at=return_interview_due(episode.returned_at)
    )
    _interview_task(owner, interview)


def missing_episode_import(
    *,
    actor: User,
    child: Child,
    agency: Agency,
    source_key: str,
    kind: str,
    started_at: datetime,
    returned_at: datetime | None,
    reported_by_name: str,
    extra: Mapping[str, str] | None = None,
) -> tuple[str, MissingEpisode]:
    """Record the episode an agency's imported row describes, or bring the one it created before up to date.

    Returns ("created" | "updated" | "unchanged", episode). Raises ValidationError keyed "started_at" or
    "returned_at" for a row that breaks a rule. An episode still open is graded and alerts, as a reported one
    does; a returned one opens its return interview unless the return is history; a past episode may be
    recorded for a child who has a later one. Each change is audited on the child's record.
    """
    if not policy.can_record_children(actor):
        raise PermissionDenied
    if kind not in EpisodeKind.values:
        raise ValidationError({"started_at": "Choose missing or away from placement."})
    Child.objects.select_for_update().filter(pk=child.pk).first()
    existing = MissingEpisode.objects.filter(owning_agency=agency, source_key=source_key).first()
    extra = dict(extra or {})
    if existing is not None:
        if existing.child_id != child.pk:
            raise ValidationError({"started_at": f"This row was imported before for a different child ({source_key})."})
        if existing.returned_at is not None and returned_at is None:
            raise ValidationError(
                {"returned_at": "The episode already has a return recorded; the file has none. Correct the episode."}
            )
        changed = {
            name: value
            for name, value in {"kind": kind, "started_at": started_at, "returned_at": returned_at, **extra}.items()
            if getattr(existing, name) != value
        }
        if not changed:
            return "unchanged", existing
        clash = episode_clash(child=child, started_at=started_at, returned_at=returned_at, exclude=existing)
        if clash:
            raise ValidationError({"started_at": clash})
        for name, value in changed.items():
            setattr(existing, name, value)
        if existing.returned_at is not None and existing.found_at is None:
            existing.found_at = existing.returned_at
            changed["found_at"] = existing.found_at
        # The columns this import sets, and no others: the gradings' summary is the gradings' to keep.
        existing.save(update_fields=list(changed))
        _episode_places_resolve(actor, existing)
        if "returned_at" in changed and hasattr(existing, "interview") and existing.interview.completed_at is None:
            existing.interview.due_at = return_interview_due(returned_at)  # type: ignore[arg-type]
            existing.interview.save(update_fields=["due_at"])
        _interview_open(episode=existing, owner=actor)
        _audit(
            actor,
            existing,
            AuditKind.MISSING_RETURNED if "returned_at" in changed else AuditKind.MISSING_REPORTED,
            imported_from=source_key,
            changed=",".join(sorted(changed)),
        )
        return "updated", existing
    clash = episode_clash(child=child, started_at=started_at, returned_at=returned_at)
    if clash:
        raise ValidationError({"started_at": clash})
    episode = MissingEpisode.objects.create(
        child=child,
        kind=kind,
        started_at=started_at,
        reported_at=started_at,
        reported_by=actor,
        reported_by_name=reported_by_name,
        owning_agency=agency,
        found_at=returned_at,
        returned_at=returned_at,
        source_key=source_key,
        **extra,
    )
    _episode_places_resolve(actor, episode)
    _audit(actor, episode, AuditKind.MISSING_REPORTED, imported_from=source_key)
    if returned_at is None:
        RiskGrading.objects.create(
            episode=episode,
            grade=RiskGrade.MEDIUM,
            rationale=IMPORTED_GRADE_RATIONALE.format(agency=agency.name),
            graded_by=actor,
            graded_at=min(started_at, timezone.now()),
        )
        _grades_refresh(episode)
        _push_alerts(
            child,
            episode,
            f"{child.full_name} is recorded {EpisodeKind(kind).label.lower()} in {agency.name}'s records, "
            f"last seen {_london(started_at)}",
        )
    else:
        _interview_open(episode=episode, owner=actor)
    return "created", episode


class NoEpisodeYet(Exception):
    """No episode of the child covers the moment: another agency's record of the child may hold it (the caller
    keeps the event waiting until linkage joins the records)."""


def missing_found_import(
    *, actor: User, child: Child, found_at: datetime, found_place: str, found_with: str, source_key: str
) -> str:
    """Where and with whom a child was found, from an agency's imported record, on the episode covering that
    moment. Returns "updated" or "unchanged"; raises NoEpisodeYet when no episode of the child covers it."""
    if not policy.can_record_children(actor):
        raise PermissionDenied
    episode = (
        MissingEpisode.objects.filter(child=child, started_at__lte=found_at)
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=found_at))
        .order_by("-started_at")
        .first()
    )
    if episode is None:
        raise NoEpisodeYet(f"No missing episode of this child covers {dates.when(found_at)}.")
    found = {"found_at": found_at, "found_place": found_place, "found_with": found_with}
    if all(getattr(episode, name) == value for name, value in found.items()):
        return "unchanged"
    for name, value in found.items():
        setattr(episode, name, value)
    episode.save(update_fields=list(found))
    _episode_places_resolve(actor, episode)
    _audit(actor, episode, AuditKind.MISSING_FOUND, imported_from=source_key)
    return "updated"


def return_interview_import(
    *,
    actor: User,
    child: Child,
    held_at: datetime,
    childs_words: str,
    source_key: str,
    place: Place | None = None,
    place_name: str = "",
) -> str:
    """A return home interview an agency's imported record holds, on the child's last episode before it.
    Returns "updated" or "unchanged"; raises NoEpisodeYet when the child has no episode before it, and
    ValidationError keyed "held_at" when the child had not returned by then.

    ``place`` is the place record where the child was, as the importer resolved the row's place columns
    (``places.services.place_resolve``, as for every event), and ``place_name`` those columns as written. Like the
    child's words, they are the agency's record: a later file saying otherwise (a place, another place, none)
    updates the interview, and the same file again changes nothing."""
    if not policy.can_record_children(actor):
        raise PermissionDenied
    if not childs_words.strip():
        raise ValidationError({"childs_words": "A return interview needs what the child said."})
    episode = MissingEpisode.objects.filter(child=child, started_at__lte=held_at).order_by("-started_at").first()
    if episode is None:
        raise NoEpisodeYet("The child has no missing episode before this return interview.")
    if episode.returned_at is None or episode.returned_at > held_at:
        raise ValidationError(
            {"held_at": "The child had not returned from their last episode at the time of this interview."}
        )
    interview = ReturnInterview.objects.filter(episode=episode).first()
    if interview is None:
        interview = ReturnInterview(
            episode=episode, owner=child.key_worker or actor, due_at=return_interview_due(episode.returned_at)
        )
    wanted = {
        "response": InterviewResponse.ACCEPTED,
        "offered_at": interview.offered_at or held_at,
        "completed_at": held_at,
        "childs_words": childs_words,
        "place_name": " ".join(place_name.split())[:300],
        "place_id": place.pk if place is not None else None,
    }
    changed = sorted(name for name, value in wanted.items() if getattr(interview, name) != value)
    if interview.pk and not changed:
        return "unchanged"
    for name, value in wanted.items():
        setattr(interview, name, value)
    interview.save()
    _interview_task(actor, interview)
    _audit(
        actor,
        episode,
        AuditKind.INTERVIEW_COMPLETED,
        imported_from=source_key,
        changed=",".join(name.removesuffix("_id") for name in changed),
    )
    return "updated"


# --- Corrections by the agency that recorded an episode or an interview ----------------------------------

EPISODE_EDITABLE = ("reported_by_name", "last_seen_place", "last_seen_with", "found_place", "found_with")
INTERVIEW_EDITABLE = (
    "childs_words",
    "where_they_were",
    "place",
    "place_name",
    "who_they_were_with",
    "harm_disclosed",
    "next_steps",
    "factors_other",
)
# The interview's place where the child was: chosen (``place``, a place record) or written (``place_name``).
INTERVIEW_PLACE = ("place", "place_name")


def missing_episode_correct(
    *, user: User, episode: MissingEpisode, changes: Mapping[str, Any], reason: str
) -> ItemCorrection | None:
    """Correct an episode's details (who reported it, where and with whom the child was last seen and found);
    the agency that recorded it does, and the earlier version is kept. Times are changed by re-grading, the
    return and the found pages, which keep their own history."""
    reason = correction_require(
        user=user, child=episode.child, owning_agency_id=episode.owning_agency_id, item=episode, reason=reason
    )

    def save(fields: list[str]) -> None:
        episode.save(update_fields=fields)
        _episode_places_resolve(user, episode)

    return item_correction_apply(
        user=user,
        child=episode.child,
        item=episode,
        item_kind=ItemKind.MISSING_EPISODE,
        owning_agency_id=episode.owning_agency_id,
        changes={k: str(v).strip() for k, v in changes.items()},
        editable=EPISODE_EDITABLE,
        reason=reason,
        save=save,
    )


def interview_owning_agency_id(interview: ReturnInterview) -> int | None:
    """The agency that keeps a return interview: its owner's."""
    return interview.owner.agency_id


def return_interview_correct(
    *, user: User, interview: ReturnInterview, changes: Mapping[str, Any], reason: str
) -> ItemCorrection | None:
    """Correct what a return interview records (the child's words stay the child's: a correction is for what
    was written down wrongly), by the agency that keeps it; the earlier version is kept. None when nothing changed.

    The place where the child was is corrected by choosing a place record (``changes["place"]``: one the user may
    see in full, or None for no place) or by writing it (``changes["place_name"]``), which is matched with the places
    already recorded (``places.services.place_resolve_text``), as when the interview was recorded. A place chosen is
    written as the user wrote it, or else as the place is named. The history keeps the place as written and as named
    before and after the correction."""
    agency_id = interview_owning_agency_id(interview)
    child = interview.episode.child
    if agency_id is None:
        raise PermissionDenied
    reason = correction_require(user=user, child=child, owning_agency_id=agency_id, item=interview, reason=reason)
    if interview.completed_at is None:
        raise ValidationError("The interview has not been recorded yet: record it instead.")
    text = {k: str(v).strip() for k, v in changes.items() if k not in INTERVIEW_PLACE}
    chosen = interview.place
    if "place" in changes:
        if changes["place"] is not None and not isinstance(changes["place"], Place):
            raise ValidationError({"place": "Choose a place from the list."})
        chosen = place_now(changes["place"]) if changes["place"] is not None else None
        # Only a place the user may see in full is chosen: a private address, only where they see its children.
        if chosen is not None and chosen.pk != interview.place_id and not policy.can_see_place(user, chosen):
            raise PermissionDenied
    with transaction.atomic():
        before, after = item_changes(
            interview, text, tuple(name for name in INTERVIEW_EDITABLE if name not in INTERVIEW_PLACE)
        )
        place_before, place_after = _interview_place_change(
            user=user, interview=interview, chosen=chosen, written=changes.get("place_name")
        )
        before.update(place_before)
        after.update(place_after)
        if not after:
            return None
        interview.save(update_fields=list(after))
        return item_correction_record(
            user=user,
            child=child,
            item_kind=ItemKind.RETURN_INTERVIEW,
            item_id=interview.pk,
            owning_agency_id=agency_id,
            kind=CorrectionKind.CORRECTED,
            before=before,
            after=after,
            reason=reason,
        )


def _place_label(place: Place | None) -> str:
    return str(place) if place is not None else ""


def _interview_place_change(
    *, user: User, interview: ReturnInterview, chosen: Place | None, written: object
) -> tuple[dict[str, str], dict[str, str]]:
    """Set the interview's place from a correction and say what changed, as (before, after) for the history: a
    place chosen (another record, or none) or the place written anew (matched). Nothing is saved here."""
    now_written = " ".join(str(written).split())[:300] if written is not None else interview.place_name
    chosen_changed = (chosen.pk if chosen is not None else None) != interview.place_id
    written_changed = now_written != interview.place_name
    place: Place | None
    if chosen_changed and chosen is not None:
        place, place_name = chosen, (now_written if written_changed and now_written else _place_label(chosen)[:300])
    elif chosen_changed or written_changed:
        # No place chosen, or the place written anew: the writing decides (nothing written, no place).
        place_name = now_written if written_changed else ""
        try:
            place = place_resolve_text(actor=user, text=place_name)
        except ValidationError as error:
            raise ValidationError({"place_name": error.messages}) from None
    else:
        return {}, {}
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    if place_name != interview.place_name:
        before["place_name"], after["place_name"] = interview.place_name, place_name
    if (place.pk if place is not None else None) != interview.place_id:
        before["place"], after["place"] = _place_label(interview.place), _place_label(place)
    interview.place_name, interview.place = place_name, place
    return before, after
