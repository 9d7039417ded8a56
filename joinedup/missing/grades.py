"""What an episode's gradings say, kept on the episode: the grade now, the police's grade now and when the police
first graded. The gradings (``RiskGrading``) are the record and are never changed; these columns are a summary of
them, refreshed in the same transaction as every grading written, so that the figures count episodes by their
grade in one pass rather than asking the gradings once an episode."""

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import AgencyKind

from .models import MissingEpisode, RiskGrading


def police_graders() -> QuerySet[User, Any]:
    """Who grades as the police: the police's staff and the coordinator (a grading by whoever reported the episode
    holds until one of them grades it)."""
    return User.objects.filter(Q(agency__kind=AgencyKind.POLICE) | Q(roles__code=RoleCode.COORDINATOR)).values("pk")


def episode_grades_refresh(episodes: QuerySet[MissingEpisode] | Iterable[Any]) -> int:
    """Set the summary columns of the episodes (a query of them, or their pks) from their gradings, in one UPDATE;
    returns how many."""
    gradings = RiskGrading.objects.filter(episode=OuterRef("pk"))
    police = gradings.filter(graded_by__in=police_graders())
    latest = ("-graded_at", "-pk")
    rows = episodes if isinstance(episodes, QuerySet) else MissingEpisode.objects.filter(pk__in=list(episodes))
    return rows.update(
        grade_now=Coalesce(Subquery(gradings.order_by(*latest).values("grade")[:1]), Value("")),
        police_grade=Coalesce(Subquery(police.order_by(*latest).values("grade")[:1]), Value("")),
        police_first_graded_at=Subquery(police.order_by("graded_at", "pk").values("graded_at")[:1]),
    )
