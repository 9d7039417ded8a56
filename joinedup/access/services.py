from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child

from . import policy
from .models import BreakGlassGrant, ReviewOutcome

NO_SINGLE_MATCH = (
    "No single child record matches those details. Check the name and date of birth, "
    "or ask the exploitation and missing coordinator."
)
TOO_MANY_TRIES = (
    "You have tried emergency access too many times without a match. Wait an hour, or ask the exploitation "
    "and missing coordinator."
)
NO_REVIEWER = (
    "Emergency access needs a reviewer, and neither your agency nor the partnership has one on the platform. "
    "Ask the administrator to name a manager or the coordinator."
)


def break_glass_reviewer(user: User) -> User | None:
    """Who reviews this user's emergency access: a manager of their agency, or else the partnership's designated
    reviewer (a coordinator); of several, the one with the fewest reviews waiting, then by username."""
    waiting = Count("break_glass_to_review", filter=Q(break_glass_to_review__reviewed_at__isnull=True))
    # People only: an agency system's or a command's account cannot sign in, so cannot review.
    people = (
        User.objects.filter(is_active=True)
        .exclude(pk=user.pk)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .annotate(waiting=waiting)
    )
    for candidates in (
        people.filter(agency=user.agency, roles__code=RoleCode.MANAGER),
        people.filter(roles__code=RoleCode.COORDINATOR),
    ):
        reviewer = candidates.order_by("waiting", "username").first()
        if reviewer is not None:
            return reviewer
    return None


def _lookup_refused(user: User, reason: str, looked_for: dict[str, str], why: str) -> ValidationError:
    """Audit a refused lookup (it names who was looked for: probing shows in the trail) and return the error.
    Written in its own transaction, so it stays when the caller's request ends in the refusal."""
    with transaction.atomic():
        audit_record(
            actor=user,
            kind=AuditKind.BREAK_GLASS_REFUSED,
            object_type="break_glass_lookup",
            reason=reason,
            payload={**looked_for, "why": why},
        )
    return ValidationError(NO_SINGLE_MATCH if why == "no_single_match" else TOO_MANY_TRIES)


def break_glass_grant(
    *, user: User, given_name: str, family_name: str, date_of_birth: date, reason: str
) -> BreakGlassGrant:
    """Grant time-limited emergency access to the one child matching the details given, under review by a
    named reviewer. A lookup that matches no single child is audited; after
    ``JOINEDUP_BREAK_GLASS_FAILURES_PER_HOUR`` of them in an hour every lookup is refused for a while."""
    if not policy.can_request_break_glass(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you need emergency access."})
    looked_for = {
        "given_name": given_name.strip(),
        "family_name": family_name.strip(),
        "date_of_birth": date_of_birth.isoformat(),
    }
    now = timezone.now()
    failures = AuditEvent.objects.filter(
        actor=user, kind=AuditKind.BREAK_GLASS_REFUSED, occurred_at__gte=now - timedelta(hours=1)
    ).count()
    if failures >= settings.JOINEDUP_BREAK_GLASS_FAILURES_PER_HOUR:
        raise _lookup_refused(user, reason.strip(), looked_for, "too_many_tries")
    matches = list(
        Child.objects.filter(
            given_name__iexact=looked_for["given_name"],
            family_name__iexact=looked_for["family_name"],
            date_of_birth=date_of_birth,
            joined_into__isnull=True,
        )[:2]
    )
    if len(matches) != 1:
        raise _lookup_refused(user, reason.strip(), looked_for, "no_single_match")
    reviewer = break_glass_reviewer(user)
    if reviewer is None:
        raise ValidationError(NO_REVIEWER)
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            child=matches[0],
            reason=reason.strip(),
            granted_at=now,
            expires_at=now + settings.JOINEDUP_BREAK_GLASS_DURATION,
            reviewer=reviewer,
        )
        audit_record(
            actor=user,
            kind=AuditKind.BREAK_GLASS_GRANTED,
            child_id=grant.child_id,
            object_type="break_glass_grant",
            object_id=str(grant.pk),
            reason=grant.reason,
            payload={"expires_at": grant.expires_at.isoformat(), "reviewer": reviewer.username},
        )
    return grant


def break_glass_review(*, manager: User, grant: BreakGlassGrant, outcome: str, note: str) -> BreakGlassGrant:
    if not policy.break_glass_reviewable_by(manager).filter(pk=grant.pk).exists():
        raise PermissionDenied
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose whether the access was justified."})
    if grant.reviewed_at is not None:
        raise ValidationError("This emergency access has already been reviewed.")
    with transaction.atomic():
        grant.reviewed_by = manager
        grant.reviewed_at = timezone.now()
        grant.review_outcome = outcome
        grant.review_note = note.strip()
        if outcome == ReviewOutcome.NOT_JUSTIFIED:
            # Access found unjustified ends now, if it had not already.
            grant.expires_at = min(grant.expires_at, grant.reviewed_at)
        grant.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note", "expires_at"])
        audit_record(
            actor=manager,
            kind=AuditKind.BREAK_GLASS_REVIEWED,
            child_id=grant.child_id,
            object_type="break_glass_grant",
            object_id=str(grant.pk),
            reason=note.strip(),
            payload={"outcome": outcome},
        )
    return grant
