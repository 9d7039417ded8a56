"""Reads of the child's relationship with the service: who has tried to reach the child, and how often.

The child is fetched by the caller through child_get, which authorises and audits the read;
these selectors take the user too and answer nothing about a child the user may not see.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.voice.selectors import professionals_limit_of

from .models import ContactAttempt, ContactOutcome


@dataclass(frozen=True)
class AttemptShown:
    """An attempt as one user sees it: its note only within the recording agency and to cross-agency roles."""

    attempt: ContactAttempt
    note_shown: bool

    @property
    def note(self) -> str:
        return self.attempt.note if self.note_shown else ""


@dataclass(frozen=True)
class Professional:
    name: str
    agency: str
    attempts: int


@dataclass(frozen=True)
class ManyProfessionals:
    """More different professionals than the partnership's limit contacted the child in the window."""

    count: int
    days: int
    limit: int
    professionals: tuple[Professional, ...]
    childs_own: bool = False  # the limit is the number the child said they can manage (joinedup.voice)


@dataclass(frozen=True)
class ContactSummary:
    days: int
    key_worker: User | None
    key_worker_attempts: tuple[AttemptShown, ...]
    key_worker_successful: int
    key_worker_unsuccessful: int
    many_professionals: ManyProfessionals | None


def _shown(user: User, attempts: list[ContactAttempt]) -> tuple[AttemptShown, ...]:
    sees_all = policy.sees_all_children(user)
    return tuple(
        AttemptShown(attempt, sees_all or (user.agency_id is not None and attempt.agency_id == user.agency_id))
        for attempt in attempts
    )


def contact_attempts_for(*, user: User, child: Child, limit: int = 50) -> tuple[AttemptShown, ...]:
    """A child's most recent contact attempts by every agency, the failed ones included."""
    if not policy.can_view_child(user, child):
        return ()
    attempts = child.contact_attempts.select_related("practitioner", "agency")[:limit]
    return _shown(user, list(attempts))


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def many_professionals(*, child: Child, now: datetime | None = None) -> ManyProfessionals | None:
    """Who contacted, or tried to contact, the child in the window, when they are more than the limit."""
    now = now or timezone.now()
    days = settings.JOINEDUP_MANY_PROFESSIONALS_DAYS
    # What the child said they can manage, when their say records it; the partnership's limit otherwise.
    childs_limit = professionals_limit_of(child)
    limit = childs_limit if childs_limit is not None else settings.JOINEDUP_MANY_PROFESSIONALS
    recent = child.contact_attempts.filter(
        attempted_at__gt=now - timedelta(days=days), attempted_at__lte=now
    ).select_related("practitioner", "agency")
    people: dict[int, tuple[User, str, int]] = {}
    for attempt in recent.order_by("attempted_at"):
        _, _, count = people.get(attempt.practitioner_id, (attempt.practitioner, "", 0))
        # Someone who moved agency within the window is one person, named with their latest agency.
        people[attempt.practitioner_id] = (attempt.practitioner, attempt.agency.name, count + 1)
    if len(people) <= limit:
        return None
    professionals = sorted(
        (Professional(_name(person), agency, count) for person, agency, count in people.values()),
        key=lambda professional: (professional.agency, professional.name),
    )
    return ManyProfessionals(
        count=len(people),
        days=days,
        limit=limit,
        professionals=tuple(professionals),
        childs_own=childs_limit is not None,
    )


def contact_summary(*, user: User, child: Child, days: int = 30, now: datetime | None = None) -> ContactSummary:
    """The key worker's attempts in the last ``days`` (successful and not) and the many-professionals warning."""
    if not policy.can_view_child(user, child):
        return ContactSummary(days, None, (), 0, 0, None)
    now = now or timezone.now()
    key_worker = child.key_worker
    attempts: list[ContactAttempt] = []
    if key_worker is not None:
        attempts = list(
            child.contact_attempts.filter(
                practitioner=key_worker, attempted_at__gt=now - timedelta(days=days), attempted_at__lte=now
            ).select_related("practitioner", "agency")
        )
    successful = sum(1 for attempt in attempts if attempt.outcome == ContactOutcome.SPOKE)
    return ContactSummary(
        days=days,
        key_worker=key_worker,
        key_worker_attempts=_shown(user, attempts),
        key_worker_successful=successful,
        key_worker_unsuccessful=len(attempts) - successful,
        many_professionals=many_professionals(child=child, now=now),
    )
