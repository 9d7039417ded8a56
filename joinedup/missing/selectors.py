"""Reads of missing episodes and return interviews: each takes the user and answers only what they may see."""

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.children.models import Child
from joinedup.children.selectors import TimelineItem, child_get
from joinedup.places.models import Place
from joinedup.sharing.models import ShareDecision

from .models import Alert, MissingEpisode, ReturnInterview


def episodes_of(*, child: Child) -> QuerySet[MissingEpisode]:
    """A child's episodes; the caller has already fetched the child through child_get (audited)."""
    return child.missing_episodes.select_related("owning_agency", "reported_by").prefetch_related("gradings")


def timeline_items(*, child: Child, limit: int | None = None) -> list[TimelineItem]:
    """A child's episodes as chronology lines, newest first; every agency that may see the child sees them.
    ``limit`` reads only the newest that many episodes (each gives up to four lines)."""
    items = []
    episodes = episodes_of(child=child).select_related("interview").order_by("-started_at", "-pk")
    for episode in episodes if limit is None else episodes[:limit]:
        url = reverse("missing:episode", kwargs={"episode_id": episode.pk})
        code = episode.owning_agency.code
        where = f" from {episode.last_seen_place}" if episode.last_seen_place else ""
        items.append(TimelineItem(episode.started_at, code, episode.get_kind_display(), f"Last seen{where}.", url))
        if episode.found_at and episode.found_at != episode.returned_at:
            place = f" at {episode.found_place}" if episode.found_place else ""
            items.append(TimelineItem(episode.found_at, code, "Found", f"Found{place}.", url))
        if episode.returned_at:
            items.append(
                TimelineItem(episode.returned_at, code, "Returned", "Return home interview due in 72 hours.", url)
            )
        interview = getattr(episode, "interview", None)
        if interview is not None and interview.completed_at:
            items.append(
                TimelineItem(interview.completed_at, "RHI", "Return home interview", interview.childs_words, url)
            )
    return items


def episode_get(*, user: User, episode_id: UUID, reason: str = "Viewed a missing episode") -> MissingEpisode:
    """Fetch and authorise an episode through its child (the read is audited), or "not found".

    One query asks for the episode among those of children the user may see, so an episode that exists but is
    hidden takes the same path, and the same time, as one that does not exist."""
    try:
        episode = MissingEpisode.objects.select_related("child").get(
            pk=episode_id, child__in=policy.children_visible_to(user)
        )
    except MissingEpisode.DoesNotExist:
        raise Http404("No episode found") from None
    episode.child = child_get(user=user, child_id=episode.child_id, reason=reason)
    return episode


def repeat_missing(*, child: Child, now: datetime | None = None) -> int | None:
    """How many times the child went missing in the window if that makes them repeat missing, else None."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.JOINEDUP_REPEAT_MISSING_DAYS)
    count = child.missing_episodes.filter(started_at__gte=since, started_at__lte=now).count()
    return count if count >= settings.JOINEDUP_REPEAT_MISSING_COUNT else None


def interviews_for_worklist(*, user: User) -> QuerySet[ReturnInterview]:
    """Open return interviews on a user's work list: their own, and for a manager, their agency's staff's.

    Only interviews of children the user may see.
    """
    owners = Q(owner=user)
    if user.has_role(RoleCode.MANAGER) and user.agency_id is not None:
        owners |= Q(owner__agency=user.agency)
    return (
        ReturnInterview.objects.filter(owners, completed_at__isnull=True)
        .exclude(response="declined")
        .filter(episode__child__in=policy.children_visible_to(user))
        .select_related("episode__child", "owner")
        .order_by("due_at")
    )


def alerts_unread(*, user: User) -> QuerySet[Alert]:
    return Alert.objects.filter(recipient=user, read_at__isnull=True)


def alerts_for(*, user: User) -> QuerySet[Alert]:
    return Alert.objects.filter(recipient=user).select_related("child", "episode")[:50]  # type: ignore[return-value]


def philomena_shares(*, child: Child) -> QuerySet[ShareDecision]:
    """The child's record shared with police under the Philomena protocol and still in force (the episode page
    says so, and does not offer to share it again)."""
    return (
        ShareDecision.objects.filter(
            child=child, entry__isnull=True, purpose__startswith="Philomena protocol", shared_with_agency__isnull=False
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .select_related("shared_with_agency", "decided_by", "agreement")
        .order_by("decided_at", "pk")
    )


def philomena_forces_to_share_with(*, user: User, child: Child) -> list[Agency]:
    """The police forces the user could still share the child's Philomena profile with: every force but the
    user's own, less those it is shared with already (none: the page offers no share)."""
    shared = philomena_shares(child=child).values("shared_with_agency")
    forces = Agency.objects.filter(kind=AgencyKind.POLICE).exclude(pk__in=shared)
    if user.agency_id is not None:
        forces = forces.exclude(pk=user.agency_id)
    return list(forces.order_by("name"))


def interview_places_to_choose(*, user: User, interview: ReturnInterview) -> QuerySet[Place]:
    """The places a correction of an interview's place offers to choose from: those the child's record already
    points at (its episodes' last-seen and found places, its concerns, its interviews), less any private address
    the user may not see in full (``places.selectors.places_seen_by``). Any other place is written, and matched."""
    from joinedup.places.pointers import child_pointers
    from joinedup.places.selectors import places_seen_by

    child_id = interview.episode.child_id
    ids: set[UUID] = set()
    for model, field, path in child_pointers():
        rows = model._default_manager.filter(**{path: child_id, f"{field}__isnull": False})
        ids.update(rows.values_list(field, flat=True))
    places = list(Place.objects.filter(pk__in=ids, merged_into__isnull=True))
    return Place.objects.filter(pk__in=places_seen_by(user, places)).order_by("name", "postcode")
