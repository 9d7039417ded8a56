"""Generating, publishing, reading and scheduling local problem profiles (writes; see content.py for what a
profile says and check.py for the sanitised check).

Generation always runs in the worker: ``profile_generate_request`` queues a job (one per version asked for), and
``profile_build_run`` assembles the content as the user who asked, renders the HTML and PDF and, for the sanitised
version, checks both hold no personal data the platform holds before storing them as published. A profile that
fails the check is stored as failed with the reason and nothing to download.
"""

from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

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


def _audit_read(*, user: User, profile: ProblemProfile, kind: AuditKind, child_kind: AuditKind, how: str) -> None:
    """One row for the profile read, and for the restricted version one row per child it names, in one
    statement, in the same transaction."""
    period = f"{profile.period_start:%d %b %Y} to {profile.period_end:%d %b %Y}"
    reason = f"Local problem profile ({profile.get_version_display()}, {period}) {how}"
    with transaction.atomic():
        audit_record(
            actor=user,
            kind=kind,
            object_type="problem_profile",
            object_id=str(profile.pk),
            payload={"version": profile.version},
        )
        if profile.version == ProfileVersion.RESTRICTED:
            audit_record_children(actor=user, kind=child_kind, child_ids=profile.named_child_ids(), reason=reason)


def profile_viewed_record(*, user: User, profile: ProblemProfile) -> None:
    _audit_read(
        user=user, profile=profile, kind=AuditKind.PROFILE_VIEWED, child_kind=AuditKind.CHILD_LISTED, how="read"
    )


def profile_downloaded_record(*, user: User, profile: ProblemProfile) -> None:
    _audit_read(
        user=user,
        profile=profile,
        kind=AuditKind.PROFILE_DOWNLOADED,
        child_kind=AuditKind.CHILD_EXPORTED,
        how="downloaded",
    )


# --- The schedule --------------------------------------------------------------------------------------------


def _last_finished_period(frequency: str, today: date) -> tuple[date, date]:
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
    for schedule in ProfileSchedule.objects.filter(active=True).select_related("owner"):
        start, end = _last_finished_period(schedule.frequency, today)
        if ProblemProfile.objects.filter(schedule=schedule, period_start=start, period_end=end).exists():
            continue
        if not policy.can_generate_problem_profile(schedule.owner):
            continue
        queued += profile_generate_request(
            user=schedule.owner, start=start, end=end, versions=schedule.versions, schedule=schedule
        )
    return queued
