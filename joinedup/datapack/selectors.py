"""Reads for the inspection data pack: the period of a date, the children with each CIN census assessment factor,
and a user's own packs. Each takes the user and returns only what that user may see."""

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.concerns.models import Concern, ConcernCategory
from joinedup.missing.models import EpisodeKind, MissingEpisode
from joinedup.oversight.figures import Filters

from .models import DataPack

# How long a built pack's file is kept for its requester, counted from when they asked for it (as the returns).
DATA_PACK_FILE_DAYS = 7


def period_for(as_at: date) -> Filters:
    """The 12 months to ``as_at``, as Annex A counts them: from the day after the same date a year earlier up to
    and including ``as_at``, in UK dates (29 February's year before ends on 28 February)."""
    try:
        year_before = as_at.replace(year=as_at.year - 1)
    except ValueError:
        year_before = as_at.replace(year=as_at.year - 1, day=28)
    return Filters(start=year_before + timedelta(days=1), end=as_at)


@dataclass(frozen=True)
class CinFactor:
    code: str
    label: str
    derived: str  # how the platform's records give it, written to cin_factors.csv and the README


_CONCERN = "a concern recorded by the date, not entered in error, about something that happened in the period"
CIN_FACTORS = (
    CinFactor(
        "10A",
        "Going missing",
        f"a missing episode (coded M, not away from placement) that started in the period, or {_CONCERN} "
        "in the category going missing (10A)",
    ),
    CinFactor("11A", "Child sexual exploitation", f"{_CONCERN} in the category child sexual exploitation (11A)"),
    CinFactor("12A", "Trafficking", f"{_CONCERN} in the category trafficking (12A)"),
    CinFactor("13A", "Gangs", f"{_CONCERN} in the category gangs (13A)"),
    CinFactor("24A", "Child criminal exploitation", f"{_CONCERN} in the category child criminal exploitation (24A)"),
)
FACTORS_BY_CODE = {factor.code: factor for factor in CIN_FACTORS}


def factor_children(*, user: User, code: str, as_at: date) -> QuerySet[Child]:
    """The children the user may see who had the CIN factor ``code`` in the 12 months to ``as_at``, each once,
    by name. Its ``count()`` is the pack's count and its rows the drill-down, so the two agree."""
    if code not in FACTORS_BY_CODE:
        raise Http404("No such assessment factor")
    period = period_for(as_at)
    concerns = Concern.objects.filter(
        child=OuterRef("pk"),
        category=ConcernCategory(code),
        occurred_at__gte=period.start_at,
        occurred_at__lt=period.end_before,
        recorded_at__lt=period.end_before,
    )
    has_factor = Q(Exists(concerns))
    if code == ConcernCategory.MISSING:
        episodes = MissingEpisode.objects.filter(
            child=OuterRef("pk"),
            kind=EpisodeKind.MISSING,
            started_at__gte=period.start_at,
            started_at__lt=period.end_before,
        )
        has_factor |= Q(Exists(episodes))
    return policy.children_visible_to(user).filter(has_factor).order_by("family_name", "given_name", "pk")


def factor_counts(*, user: User, as_at: date) -> dict[str, int]:
    """The children with each CIN factor, one COUNT each."""
    return {factor.code: factor_children(user=user, code=factor.code, as_at=as_at).count() for factor in CIN_FACTORS}


def data_packs_for(*, user: User) -> QuerySet[DataPack]:
    """The packs this user asked for, newest first; none for a user who may not use the data pack."""
    if not policy.can_use_data_pack(user):
        return DataPack.objects.none()
    return DataPack.objects.filter(requested_by=user).select_related("job").defer("zip_data")


def data_pack_get(*, user: User, pack_id: UUID) -> DataPack:
    """One of the user's own packs; anyone else's is not found."""
    if not policy.can_use_data_pack(user):
        raise PermissionDenied
    try:
        return data_packs_for(user=user).get(pk=pack_id)
    except DataPack.DoesNotExist:
        raise Http404("No data pack found") from None


def file_kept_until(pack: DataPack) -> date:
    return timezone.localtime(pack.created_at + timedelta(days=DATA_PACK_FILE_DAYS)).date()
