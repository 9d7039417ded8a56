"""Generating, publishing, reading and scheduling local problem profiles (writes; see content.py for what a
profile says and check.py for the sanitised check).

Generation always runs in the worker: ``profile_generate_request`` queues a job (one per version asked for), and
``profile_build_run`` assembles the content as the user who asked, renders the HTML and PDF and, for the sanitised
version, checks both hold no personal data the platform holds before storing them as published. A profile that
fails the check is stored as failed with the reason and nothing to download.
"""

from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.deadlines import london_date
from joinedup.jobs.models import Job, JobKind, JobStatus

from .check import describe, sanitised_check
from .content import profile_content
from .models import ProblemProfile, ProfileFrequency, ProfileSchedule, ProfileStatus, ProfileVersion, ScheduleVersions
from .render import profile_html, profile_pdf

# The build's steps, as the job's progress shows them.
STEPS = ["Counting the children at risk", "Drawing the map and tables", "Writing the PDF", "Checking and storing"]


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter holding ``day``: its first and last days."""
    start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    next_start = (start + timedelta(days=95)).replace(day=1)
    return start, next_start - timedelta(days=1)


def this_quarter() -> tuple[date, date]:
    """This quarter in Europe/London dates: the generate form's default period."""
    return quarter_of(london_date(timezone.now()))


def _versions(choice: str) -> list[ProfileVersion]:
    if choice == ScheduleVersions.BOTH:
        return [ProfileVersion.RESTRICTED, ProfileVersion.SANITISED]
    return [ProfileVersion(choice)]


def profile_generate_request(
    *,
    user: User,
    start: date,
    end: date,
    versions: str,
    analysis: str = "",
    schedule: ProfileSchedule | None = None,
    queue: bool = True,
) -> list[ProblemProfile]:
    """Queue a profile for each version asked for (``versions``: restricted, sanitised or both); the worker builds
    each. Audited ``profile_requested`` in the same transaction. ``queue=False`` (the demo) leaves the building to
    the caller (``profile_build``)."""
    from .tasks import profile_build_task

    if not policy.can_generate_problem_profile(user):
        raise PermissionDenied
    if end < start:
        raise ValueError("The period ends before it starts")
    made = []
    with transaction.atomic():
        for version in _versions(versions):
            job = Job.objects.create(
                kind=JobKind.PROBLEM_PROFILE_BUILD,
                requested_by=user,
                message="Waiting for the worker",
                progress_total=len(STEPS),
            )
            profile = ProblemProfile.objects.create(
                period_start=start,
                period_end=end,
                version=version,
                analysis=analysis,
                generated_by=user,
                job=job,
                schedule=schedule,
            )
            audit_record(
                actor=user,
                kind=AuditKind.PROFILE_REQUESTED,
                object_type="problem_profile",
                object_id=str(profile.pk),
                payload={"version": version.value, "start": start.isoformat(), "end": end.isoformat()},
            )
            if queue:
                transaction.on_commit(lambda job_id=str(job.pk): profile_build_task.enqueue(job_id))  # type: ignore[misc]
            made.append(profile)
    return made


def _job_update(job_id: UUID | None, **fields: object) -> None:
    if job_id is not None:
        Job.objects.filter(pk=job_id).update(**fields)


def profile_build(profile: ProblemProfile) -> ProblemProfile:
    """Build one queued profile (the worker's half of ``profile_generate_request``; the demo calls it directly)."""
    user = profile.generated_by
    job_id = profile.job_id

    def step(number: int) -> None:
        _job_update(job_id, status=JobStatus.RUNNING, progress_done=number, message=STEPS[number])
        ProblemProfile.objects.filter(pk=profile.pk).update(status=ProfileStatus.BUILDING)

    def fail(reason: str) -> ProblemProfile:
        ProblemProfile.objects.filter(pk=profile.pk).update(
            status=ProfileStatus.FAILED, failure=reason[:2000], html="", pdf=b"", child_ids=""
        )
        _job_update(job_id, status=JobStatus.FAILED, message=reason[:500], finished_at=timezone.now())
        profile.refresh_from_db()
        return profile

    if not policy.can_generate_problem_profile(user):
        return fail("Not built: whoever asked for it may no longer generate problem profiles.")
    try:
        step(0)
        content = profile_content(
            user=user,
            start=profile.period_start,
            end=profile.period_end,
            version=profile.version,
            analysis=profile.analysis,
        )
        step(1)
        html = profile_html(content)
        step(2)
        pdf = profile_pdf(html)
        step(3)
        if profile.version == ProfileVersion.SANITISED:
            findings = sanitised_check(html=html, pdf=pdf)
            if findings:
                return fail(describe(findings))
    except Exception as error:
        fail(f"The profile stopped: {type(error).__name__}")
        raise
    with transaction.atomic():
        ProblemProfile.objects.filter(pk=profile.pk).update(
            status=ProfileStatus.PUBLISHED,
            html=html,
            pdf=pdf,
            child_ids=" ".join(child_id.hex for child_id in content.named_ids),
            published_at=timezone.now(),
            failure="",
        )
        _job_update(
            job_id,
            status=JobStatus.DONE,
            progress_done=len(STEPS),
            message="Ready to read and download",
            finished_at=timezone.now(),
            result_name=f"{profile.file_stem}.pdf",
        )
    profile.refresh_from_db()
    return profile


def profile_build_run(*, job_id: UUID | str) -> ProblemProfile:
    profile = ProblemProfile.objects.select_related("generated_by__agency").get(job_id=job_id)
    return profile_build(profile)


def _audit_read(
    *, user: User, profile: ProblemProfile, kind: AuditKind, child_kind: AuditKind, how: str, purpose: str = ""
) -> None:
    """One row for the profile read, and for the restricted version one row per child it names, in one
    statement, in the same transaction. ``purpose``: why a partnership leader read it (``policy.LEADER_PURPOSES``),
    kept in every row."""
    if purpose and purpose not in policy.LEADER_PURPOSES:
        raise ValueError(f"Not a purpose: {purpose!r}")
    if not purpose and policy.must_give_purpose_for_profile(user, profile.version):
        raise PermissionDenied("A partnership leader gives a purpose to read the restricted profile")
    period = f"{dates.day(profile.period_start)} to {dates.day(profile.period_end)}"
    reason = f"Local problem profile ({profile.get_version_display()}, {period}) {how}"
    payload: dict[str, object] = {"version": profile.version}
    if purpose:
        reason = f"{reason} for {policy.LEADER_PURPOSES[purpose].lower()}"
        payload["purpose"] = purpose
    with transaction.atomic():
        audit_record(
            actor=user,
            kind=kind,
            object_type="problem_profile",
            object_id=str(profile.pk),
            reason=reason,
            payload=payload,
        )
        if profile.version == ProfileVersion.RESTRICTED:
            audit_record_children(actor=user, kind=child_kind, child_ids=profile.named_child_ids(), reason=reason)


def profile_viewed_record(*, user: User, profile: ProblemProfile, purpose: str = "") -> None:
    _audit_read(
        user=user,
        profile=profile,
        kind=AuditKind.PROFILE_VIEWED,
        child_kind=AuditKind.CHILD_LISTED,
        how="read",
        purpose=purpose,
    )


def profile_downloaded_record(*, user: User, profile: ProblemProfile, purpose: str = "") -> None:
    _audit_read(
        user=user,
        profile=profile,
        kind=AuditKind.PROFILE_DOWNLOADED,
        child_kind=AuditKind.CHILD_EXPORTED,
        how="downloaded",
        purpose=purpose,
    )


# --- The schedule --------------------------------------------------------------------------------------------


def last_finished_period(frequency: str, today: date) -> tuple[date, date]:
    if frequency == ProfileFrequency.MONTHLY:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    start, _ = quarter_of(today)
    return quarter_of(start - timedelta(days=1))


def profiles_due_enqueue(*, today: date | None = None) -> list[ProblemProfile]:
    """For each active schedule, queue the profile of the last period that has ended, once: a schedule's period
    already queued, built or refused is not queued again (the coordinator generates it again by hand)."""
    today = today or london_date(timezone.now())
    queued: list[ProblemProfile] = []
    for schedule in ProfileSchedule.objects.filter(stopped_at__isnull=True).select_related("owner"):
        start, end = last_finished_period(schedule.frequency, today)
        if ProblemProfile.objects.filter(schedule=schedule, period_start=start, period_end=end).exists():
            continue
        if not policy.can_generate_problem_profile(schedule.owner):
            continue
        queued += profile_generate_request(
            user=schedule.owner, start=start, end=end, versions=schedule.versions, schedule=schedule
        )
    return queued


def _schedule_described(schedule: ProfileSchedule) -> dict[str, object]:
    return {
        "frequency": schedule.frequency,
        "versions": schedule.versions,
        "owner": schedule.owner_id,
        "active": schedule.active,
    }


def profile_schedule_create(*, user: User, frequency: str, versions: str) -> ProfileSchedule:
    """A new schedule, run as ``user`` (its owner): from the next ``profiles_due``, the profile of the last period
    that has ended, then one for each period as it ends. Audited as an administration change."""
    if not policy.can_manage_profile_schedules(user):
        raise PermissionDenied
    frequency, versions = ProfileFrequency(frequency), ScheduleVersions(versions)
    with transaction.atomic():
        schedule = ProfileSchedule.objects.create(frequency=frequency, versions=versions, owner=user)
        audit_record(
            actor=user,
            kind=AuditKind.ADMIN_CHANGE,
            object_type="profile_schedule",
            object_id=str(schedule.pk),
            reason=f"Set a problem profile schedule: {schedule}",
            payload=_schedule_described(schedule),
        )
    return schedule


def profile_schedule_change(*, user: User, schedule: ProfileSchedule, frequency: str, versions: str) -> ProfileSchedule:
    """Change how often a schedule makes profiles and which versions. Whoever changes it becomes its owner: the
    profiles it makes from now are built as them. A stopped schedule is not changed (set a new one)."""
    if not policy.can_manage_profile_schedules(user):
        raise PermissionDenied
    frequency, versions = ProfileFrequency(frequency), ScheduleVersions(versions)
    with transaction.atomic():
        locked = ProfileSchedule.objects.select_for_update().get(pk=schedule.pk)
        if not locked.active:
            raise ValidationError("This schedule is stopped: set a new one instead.")
        before = _schedule_described(locked)
        locked.frequency, locked.versions, locked.owner = frequency, versions, user
        locked.save(update_fields=["frequency", "versions", "owner"])
        audit_record(
            actor=user,
            kind=AuditKind.ADMIN_CHANGE,
            object_type="profile_schedule",
            object_id=str(locked.pk),
            reason=f"Changed a problem profile schedule: {locked}",
            payload={"before": before, "after": _schedule_described(locked)},
        )
    return locked


def profile_schedule_stop(*, user: User, schedule: ProfileSchedule) -> ProfileSchedule:
    """Stop a schedule: ``profiles_due`` queues nothing more for it; it is kept, with the profiles it made."""
    if not policy.can_manage_profile_schedules(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = ProfileSchedule.objects.select_for_update().get(pk=schedule.pk)
        if not locked.active:
            raise ValidationError("This schedule is already stopped.")
        locked.stopped_at = timezone.now()
        locked.save(update_fields=["stopped_at"])
        audit_record(
            actor=user,
            kind=AuditKind.ADMIN_CHANGE,
            object_type="profile_schedule",
            object_id=str(locked.pk),
            reason=f"Stopped a problem profile schedule: {locked}",
            payload=_schedule_described(locked),
        )
    return locked
