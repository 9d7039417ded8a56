"""Writes about children. Each checks permission, writes and audits in one transaction."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.linkage import api as linkage

from .models import Child, ChronologyEntry, Involvement, NoteCategory, Sex


def child_create(
    *,
    user: User,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
    sex: str = Sex.UNKNOWN,
    other_names: str = "",
    postcode: str = "",
    la_child_id: str = "",
    involvement_reason: str = "",
) -> Child:
    """Record a child; the recording agency's involvement opens with it, so they can see the record."""
    if not policy.can_record_children(user) or user.agency is None:
        raise PermissionDenied
    with transaction.atomic():
        child = Child.objects.create(
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            sex=sex,
            other_names=other_names.strip(),
            postcode=postcode.strip().upper(),
            la_child_id=la_child_id.strip(),
            owning_agency=user.agency,
            created_by=user,
        )
        Involvement.objects.create(child=child, agency=user.agency, team=user.team, reason=involvement_reason)
        linkage.search_keys_refresh(children=[child])
        audit_record(
            actor=user,
            kind=AuditKind.CHILD_CREATED,
            child_id=child.pk,
            object_type="child",
            object_id=str(child.pk),
        )
    return child


def child_details_update(
    *,
    user: User,
    child: Child,
    given_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: date | None = None,
    other_names: str | None = None,
    postcode: str | None = None,
) -> Child:
    """Correct a child's names, date of birth or postcode (None leaves one as it is); find before you
    create then finds the child by what the record says now."""
    if not policy.can_record_about_child(user, child):
        raise PermissionDenied
    values = {
        "given_name": given_name.strip() if given_name is not None else None,
        "family_name": family_name.strip() if family_name is not None else None,
        "date_of_birth": date_of_birth,
        "other_names": other_names.strip() if other_names is not None else None,
        "postcode": postcode.strip().upper() if postcode is not None else None,
    }
    changed = [name for name, value in values.items() if value is not None and value != getattr(child, name)]
    if not changed:
        return child
    with transaction.atomic():
        for name in changed:
            setattr(child, name, values[name])
        child.save(update_fields=changed)
        linkage.search_keys_refresh(children=[child])
        audit_record(
            actor=user,
            kind=AuditKind.CHILD_UPDATED,
            child_id=child.pk,
            object_type="child",
            object_id=str(child.pk),
            payload={"fields": changed},
        )
    return child


def chronology_entry_record(
    *, user: User, child: Child, occurred_at: datetime, category: str, summary: str
) -> ChronologyEntry:
    if not policy.can_record_about_child(user, child) or user.agency is None:
        raise PermissionDenied
    if category not in NoteCategory.values:
        raise ValueError(f"Unknown category {category!r}")
    with transaction.atomic():
        entry = ChronologyEntry.objects.create(
            child=child,
            owning_agency=user.agency,
            recorded_by=user,
            occurred_at=occurred_at,
            category=category,
            summary=summary.strip(),
        )
        audit_record(
            actor=user,
            kind=AuditKind.NOTE_CREATED,
            child_id=child.pk,
            object_type="chronology_entry",
            object_id=str(entry.pk),
        )
    return entry


def involvement_open(*, user: User, child: Child, agency_code: str, reason: str = "") -> Involvement:
    """Open an agency's involvement with a child (the coordinator, or a member of that agency)."""
    from joinedup.accounts.models import RoleCode
    from joinedup.agencies.models import Agency

    agency = Agency.objects.get(code=agency_code)
    allowed = policy.can_record_children(user) and (user.has_role(RoleCode.COORDINATOR) or user.agency_id == agency.pk)
    if not allowed:
        raise PermissionDenied
    with transaction.atomic():
        involvement, _ = Involvement.objects.get_or_create(
            child=child, agency=agency, ended_at=None, defaults={"reason": reason}
        )
        audit_record(
            actor=user,
            kind=AuditKind.INVOLVEMENT_OPENED,
            child_id=child.pk,
            object_type="involvement",
            object_id=str(involvement.pk),
            reason=reason,
        )
    return involvement
