"""Reading problem profiles: the list a user may see, and one profile, fetched and authorised in one call (a
profile the user may not read is "not found", as one that does not exist)."""

from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.deadlines import london_date

from .models import ProblemProfile, ProfileFrequency, ProfileSchedule, ProfileVersion
from .services import last_finished_period, quarter_of


def profiles_for(*, user: User) -> QuerySet[ProblemProfile]:
    """The profiles this user may read, newest first: the sanitised ones for the coordinator and leaders, the
    restricted ones too for those who may see every child."""
    if not policy.can_read_problem_profiles(user):
        raise PermissionDenied
    profiles = ProblemProfile.objects.select_related("job", "generated_by").defer("html", "pdf")
    if not policy.can_read_restricted_problem_profile(user):
        profiles = profiles.exclude(version=ProfileVersion.RESTRICTED)
    return profiles


def profile_get(*, user: User, profile_id: UUID) -> ProblemProfile:
    try:
        return profiles_for(user=user).defer(None).get(pk=profile_id)
    except ProblemProfile.DoesNotExist:
        raise Http404("No problem profile found") from None


def schedules_for(*, user: User) -> QuerySet[ProfileSchedule]:
    """Every schedule, running ones first, for those who manage them."""
    if not policy.can_manage_profile_schedules(user):
        raise PermissionDenied
    return ProfileSchedule.objects.select_related("owner").order_by(
        F("stopped_at").desc(nulls_first=True), "-created_at"
    )


def schedule_get(*, user: User, schedule_id: int) -> ProfileSchedule:
    try:
        return schedules_for(user=user).get(pk=schedule_id)
    except ProfileSchedule.DoesNotExist:
        raise Http404("No schedule found") from None


def schedule_next_period(schedule: ProfileSchedule, *, today: date | None = None) -> tuple[date, date, date]:
    """The next period an active schedule makes a profile for, and the first day ``profiles_due`` queues it: the
    last period that has ended, if not made yet (queued at the next run), otherwise the one running now (queued the
    day after it ends)."""
    today = today or london_date(timezone.now())
    start, end = last_finished_period(schedule.frequency, today)
    if not ProblemProfile.objects.filter(schedule=schedule, period_start=start, period_end=end).exists():
        return start, end, today
    following = end + timedelta(days=1)
    if schedule.frequency == ProfileFrequency.MONTHLY:
        after = (following.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following, after - timedelta(days=1), after
    start, end = quarter_of(following)
    return start, end, end + timedelta(days=1)
