"""Writes about children. Each checks permission, writes and audits in one transaction."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID, uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency, Team
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.bulk import rows_insert, rows_update
from joinedup.linkage import api as linkage
from joinedup.tasks.services import tasks_close_for_child

from .closure import record_closed_refresh
from .identifiers import (
    known_as_with,
    nhs_number_normalise,
    police_ids_with,
    validate_nhs_number,
    validate_upn_check_letter,
)
from .models import (
    DETAIL_LABELS,
    Address,
    Child,
    ChronologyEntry,
    CorrectionKind,
    DatePrecision,
    DetailChange,
    Ethnicity,
    Involvement,
    ItemCorrection,
    ItemKind,
    LegalStatus,
    NoteCategory,
    PlacementType,
    Relative,
    RelativeKind,
    Sex,
)


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
        Involvement.objects.create(
            child=child, agency=user.agency, team=user.team, reason=involvement_reason, opened_by=user
        )
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
    reason: str = "",
) -> Child:
    """Correct a child's names, date of birth or postcode (None leaves one as it is); find before you
    create then finds the child by what the record says now. Each change keeps its history."""
    given = {
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "date_of_birth_precision": DatePrecision.DAY if date_of_birth is not None else None,
        "other_names": other_names,
        "postcode": postcode,
    }
    child_details_change(
        user=user, child=child, changes={k: v for k, v in given.items() if v is not None}, reason=reason
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


def involvement_open(
    *,
    user: User,
    child: Child,
    agency_code: str | None = None,
    agency: Agency | None = None,
    team: Team | None = None,
    service: str = "",
    reason: str = "",
) -> Involvement:
    """Open an agency's involvement with a child, so that its staff may see the record: a need-to-know
    decision the policy takes (a practitioner or manager for their own agency, the coordinator for any).

    An agency already involved keeps its open involvement, which is returned as it is.
    """
    if agency is None:
        if agency_code is None:
            raise TypeError("Name the agency: agency or agency_code")
        agency = Agency.objects.get(code=agency_code)
    if not policy.can_open_involvement(user, child, agency.pk):
        raise PermissionDenied
    if team is not None and team.agency_id != agency.pk:
        raise ValidationError({"team": f"Choose a team of {agency.name}"})
    with transaction.atomic():
        involvement, created = Involvement.objects.get_or_create(
            child=child,
            agency=agency,
            ended_at=None,
            defaults={"reason": reason.strip()[:300], "team": team, "service": service.strip(), "opened_by": user},
        )
        if created:
            record_closed_refresh([child.pk])
            audit_record(
                actor=user,
                kind=AuditKind.INVOLVEMENT_OPENED,
                child_id=child.pk,
                object_type="involvement",
                object_id=str(involvement.pk),
                reason=reason.strip(),
                payload={"agency": agency.code, "team": team.name if team else "", "service": service.strip()},
            )
    return involvement


def involvement_end(*, user: User, involvement: Involvement, reason: str, ended_on: date) -> Involvement:
    """End an agency's involvement with a child. Its staff no longer see the record, unless a share or
    a break-glass grant of theirs remains; a key worker from that agency stops being the key worker."""
    child = involvement.child
    if not policy.can_end_involvement(user, child, involvement.agency_id):
        raise PermissionDenied
    if not involvement.is_open:
        raise ValidationError("This involvement has already ended")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the involvement is ending"})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The date the involvement ended must be today or in the past"})
    if ended_on < timezone.localdate(involvement.started_at):
        raise ValidationError({"ended_on": "The date the involvement ended must be on or after the date it started"})
    # Today's ending takes effect now; an earlier one at the start of that day (UK time).
    ended_at = (
        timezone.now()
        if ended_on == timezone.localdate()
        else max(timezone.make_aware(datetime.combine(ended_on, time.min)), involvement.started_at)
    )
    with transaction.atomic():
        involvement.ended_at = ended_at
        involvement.end_reason = reason.strip()
        involvement.ended_by = user
        involvement.save(update_fields=["ended_at", "end_reason", "ended_by"])
        record_closed_refresh([child.pk])
        key_worker = child.key_worker
        still_involved = child.involvements.filter(ended_at__isnull=True)
        record_closed = not still_involved.exists()
        # A closed record is read-only, so work about the child left open would stay overdue on every list.
        tasks_closed = tasks_close_for_child(actor=user, child=child, why=reason.strip()) if record_closed else 0
        key_worker_left = key_worker is not None and (
            key_worker.agency_id is None or not still_involved.filter(agency_id=key_worker.agency_id).exists()
        )
        audit_record(
            actor=user,
            kind=AuditKind.INVOLVEMENT_ENDED,
            child_id=child.pk,
            object_type="involvement",
            object_id=str(involvement.pk),
            reason=reason.strip(),
            payload={
                "agency": involvement.agency.code,
                "ended_on": ended_on.isoformat(),
                "key_worker_cleared": key_worker_left,
                "record_closed": record_closed,
                "tasks_closed": tasks_closed,
            },
        )
        if key_worker_left:
            _details_apply(
                user=user,
                child=child,
                values={"key_worker": None, "key_worker_chosen_by_child": False},
                reason=f"The key worker's agency, {involvement.agency.name}, ended its involvement: {reason.strip()}",
            )
    return involvement


EDITABLE = frozenset(DETAIL_LABELS) - {"address", "relative"} | {"date_of_birth_precision"}
# A change to these changes what find before you create and linkage search by.
SEARCHED = frozenset(
    {"given_name", "family_name", "other_names", "date_of_birth", "date_of_birth_precision", "postcode"}
)


def detail_shown(child: Child, name: str) -> str:
    """A detail of the child as the record page and the history show it."""
    if name == "date_of_birth":
        return child.date_of_birth_shown if child.date_of_birth else ""
    if name == "ethnicity":
        return child.ethnicity_shown
    if name == "key_worker":
        worker = child.key_worker
        if worker is None:
            return ""
        agency = f" ({worker.agency.name})" if worker.agency else ""
        return f"{worker.get_full_name() or worker.get_username()}{agency}"
    if name == "placement_agency":
        return child.placement_agency.name if child.placement_agency else ""
    value = getattr(child, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return dates.day(value)
    display = getattr(child, f"get_{name}_display", None)
    return str(display()) if display and value else str(value or "")


def detail_normalise(name: str, value: Any) -> Any:
    """A detail as the record holds it: spaces trimmed, postcode and UPN in capitals, NHS number digits."""
    if isinstance(value, str):
        value = value.strip()
        if name in {"postcode", "upn"}:
            value = value.upper()
        elif name == "nhs_number":
            value = nhs_number_normalise(value)
        elif name in {"other_names", "police_ids"}:
            value = ";".join(part.strip() for part in value.split(";") if part.strip())
    return value


def _details_check(child: Child, values: dict[str, Any]) -> None:
    """The rules for the details a person enters; errors name the field they are about."""
    errors: dict[str, str] = {}
    for name in ("given_name", "family_name"):
        if name in values and not values[name]:
            errors[name] = f"Enter the child's {DETAIL_LABELS[name].lower()}"
    if values.get("date_of_birth") and values["date_of_birth"] > timezone.localdate():
        errors["date_of_birth"] = "The date of birth must be today or in the past"
    if values.get("date_of_birth_precision", DatePrecision.DAY) not in DatePrecision.values:
        errors["date_of_birth"] = "Say whether the day, the month or only the year of birth is known"
    for name, choices in (
        ("sex", Sex.values),
        ("legal_status", LegalStatus.values),
        ("placement_type", PlacementType.values),
    ):
        if values.get(name) and values[name] not in choices:
            errors[name] = f"Choose one of the {DETAIL_LABELS[name].lower()} options"
    if (
        values.get("ethnicity")
        and values["ethnicity"] != child.ethnicity
        and values["ethnicity"] not in Ethnicity.values
    ):
        errors["ethnicity"] = "Choose one of the census ethnic groups"
    checks = (("nhs_number", validate_nhs_number), ("upn", validate_upn_check_letter))
    for name, check in checks:
        if values.get(name) and values[name] != getattr(child, name):
            try:
                check(values[name])
            except ValidationError as error:
                errors[name] = error.messages[0]
    started = values.get("placement_started", child.placement_started)
    ended = values.get("placement_ended", child.placement_ended)
    if started and ended and ended < started:
        errors["placement_ended"] = "The placement must end on or after the day it started"
    if "key_worker" in values and values["key_worker"] is not None:
        worker = values["key_worker"]
        involved = child.involvements.filter(agency_id=worker.agency_id, ended_at__isnull=True).exists()
        if not worker.is_active or worker.agency_id is None or not involved:
            errors["key_worker"] = "Choose a member of staff of an agency involved with the child"
    if errors:
        raise ValidationError(errors)


def _details_apply(
    *, user: User, child: Child, values: dict[str, Any], reason: str, settled_disagreement: bool = False
) -> list[DetailChange]:
    """Write the changed details, a history row for each and one audit row; the caller holds the
    transaction and has checked permission."""
    changed = [name for name, value in values.items() if value != getattr(child, name)]
    shown = sorted({"date_of_birth" if name == "date_of_birth_precision" else name for name in changed})
    if settled_disagreement and not shown:
        # Settling on the value the record already holds is a decision too, kept in the history.
        shown = [name for name in values if name != "date_of_birth_precision"]
    if not shown:
        return []
    old = {name: detail_shown(child, name) for name in shown}
    for name in changed:
        setattr(child, name, values[name])
    if changed:
        child.save(update_fields=changed)
    now = timezone.now()
    rows = DetailChange.objects.bulk_create(
        DetailChange(
            child=child,
            field=name,
            old_value=old[name],
            new_value=detail_shown(child, name),
            reason=reason.strip(),
            settled_disagreement=settled_disagreement,
            changed_by=user,
            changed_at=now,
        )
        for name in shown
    )
    if SEARCHED & set(changed):
        linkage.search_keys_refresh(children=[child])
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_UPDATED,
        child_id=child.pk,
        object_type="child",
        object_id=str(child.pk),
        reason=reason.strip(),
        payload={"fields": shown, "settled_disagreement": settled_disagreement},
    )
    return rows


def child_details_change(
    *, user: User, child: Child, changes: Mapping[str, Any], reason: str = "", settled_disagreement: bool = False
) -> list[DetailChange]:
    """Change details of a child's record (``changes``: field name to new value, see ``EDITABLE``).

    Each changed detail writes a history row with its old and new value and the reason, and the
    change one audit row, in one transaction; nothing is lost by editing. Returns the history rows.
    """
    if not policy.can_change_child_details(user, child):
        raise PermissionDenied
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"Not a detail kept on these pages: {sorted(unknown)}")
    values = {name: detail_normalise(name, value) for name, value in changes.items()}
    _details_check(child, values)
    with transaction.atomic():
        return _details_apply(
            user=user, child=child, values=values, reason=reason, settled_disagreement=settled_disagreement
        )


def disagreement_settle(*, user: User, child: Child, field: str, value: str, reason: str) -> list[DetailChange]:
    """Settle which of the values agencies' records give for a detail the record holds (``value`` as
    ``details.detail_options`` offers it); the history row says it settled a disagreement."""
    from .details import SETTLEABLE, detail_options, detail_rows

    if not policy.can_change_child_details(user, child):
        raise PermissionDenied
    if field not in SETTLEABLE:
        raise ValueError(f"{field!r} is not a detail agencies' records disagree about")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this value is the right one"})
    options = dict(detail_options(child, field))
    if value not in options:
        raise ValidationError({"value": "Choose one of the values the records give"})
    disagreed = any(row.field == field and row.settleable for row in detail_rows(child))
    if field == "date_of_birth":
        values: dict[str, Any] = dict(
            zip(("date_of_birth", "date_of_birth_precision"), _partial_date(value), strict=True)
        )
    else:
        values = {field: detail_normalise(field, value)}
    # An agency's own value (a UPN as the school holds it, an ethnicity in its words) may be chosen as it is.
    _details_check(child, {k: v for k, v in values.items() if k not in {"nhs_number", "upn", "ethnicity"}})
    with transaction.atomic():
        return _details_apply(user=user, child=child, values=values, reason=reason, settled_disagreement=disagreed)


def _partial_date(text: str) -> tuple[date | None, str]:
    from joinedup.imports.parsers import partial_date_parse

    if not text:
        return None, DatePrecision.DAY
    return partial_date_parse(text)


def _address_shown(address: Address) -> str:
    parts = [address.address, address.postcode]
    if address.lived_from:
        parts.append(f"from {dates.day(address.lived_from)}")
    if address.lived_to:
        parts.append(f"to {dates.day(address.lived_to)}")
    return ", ".join(part for part in parts if part)


def _address_check(lived_from: date | None, lived_to: date | None) -> None:
    today = timezone.localdate()
    if lived_from and lived_from > today:
        raise ValidationError({"lived_from": "The date the child moved in must be today or in the past"})
    if lived_from and lived_to and lived_to < lived_from:
        raise ValidationError({"lived_to": "The date the child moved out must be on or after the date they moved in"})


def address_record(
    *,
    user: User,
    child: Child,
    address_text: str,
    postcode: str = "",
    lived_from: date | None = None,
    lived_to: date | None = None,
    reason: str = "",
    restricted: bool = False,
) -> Address:
    """Record where a child lives or lived. A move (no end date) ends the current address the day the
    child moved, and the record's postcode follows the child; the history keeps both. A ``restricted`` address
    (a safe address, a refuge) stays with the recording agency and those it shares the record with: the
    record's postcode does not follow it and the history says only that one was recorded."""
    if not policy.can_change_child_details(user, child) or user.agency is None:
        raise PermissionDenied
    if not address_text.strip():
        raise ValidationError({"address_text": "Enter the address"})
    _address_check(lived_from, lived_to)
    postcode = detail_normalise("postcode", postcode)
    with transaction.atomic():
        moved_out = []
        if lived_to is None:
            for current in child.addresses.filter(lived_to__isnull=True):
                before = _address_shown(current)
                current.lived_to = lived_from or timezone.localdate()
                current.save(update_fields=["lived_to"])
                moved_out.append((before, _address_shown(current)))
        address = Address.objects.create(
            child=child,
            address=address_text.strip(),
            postcode=postcode,
            lived_from=lived_from,
            lived_to=lived_to,
            recorded_by_agency=user.agency,
            restricted=restricted,
        )
        history = [
            DetailChange(child=child, field="address", old_value=old, new_value=new, reason=reason, changed_by=user)
            for old, new in moved_out
        ]
        shown = f"A restricted address, held by {user.agency.name}" if restricted else _address_shown(address)
        history.append(
            DetailChange(
                child=child,
                field="address",
                new_value=shown,
                reason="" if restricted else reason,
                changed_by=user,
            )
        )
        DetailChange.objects.bulk_create(history)
        audit_record(
            actor=user,
            kind=AuditKind.ADDRESS_RECORDED,
            child_id=child.pk,
            object_type="address",
            object_id=str(address.pk),
            reason=reason.strip(),
            payload={"moved_out_of": len(moved_out)},
        )
        if lived_to is None and postcode and postcode != child.postcode and not restricted:
            _details_apply(user=user, child=child, values={"postcode": postcode}, reason=reason or "The child moved")
    return address


def address_update(
    *,
    user: User,
    address: Address,
    address_text: str,
    postcode: str,
    lived_from: date | None,
    lived_to: date | None,
    reason: str,
) -> Address:
    """Change an address the record holds (a mistake, or the dates of a move); the history keeps the old one."""
    child = address.child
    if not policy.can_change_child_details(user, child):
        raise PermissionDenied
    if address.restricted and user.agency_id != address.recorded_by_agency_id:
        raise PermissionDenied
    if not address_text.strip():
        raise ValidationError({"address_text": "Enter the address"})
    _address_check(lived_from, lived_to)
    before = _address_shown(address)
    address.address = address_text.strip()
    address.postcode = detail_normalise("postcode", postcode)
    address.lived_from, address.lived_to = lived_from, lived_to
    after = _address_shown(address)
    if after == before:
        return address
    with transaction.atomic():
        address.save(update_fields=["address", "postcode", "lived_from", "lived_to"])
        if address.restricted:
            before = after = f"A restricted address, held by {address.recorded_by_agency.name}"
        DetailChange.objects.create(
            child=child,
            field="address",
            old_value=before,
            new_value=after,
            reason="" if address.restricted else reason.strip(),
            changed_by=user,
        )
        audit_record(
            actor=user,
            kind=AuditKind.ADDRESS_UPDATED,
            child_id=child.pk,
            object_type="address",
            object_id=str(address.pk),
            reason=reason.strip(),
        )
    return address


RELATIVE_FIELDS = ("kind", "name", "relationship", "parental_responsibility", "phone", "email", "address", "sibling")


def _relative_shown(relative: Relative) -> str:
    parts = [f"{relative.get_kind_display()}: {relative.name}", relative.relationship]
    if relative.parental_responsibility:
        parts.append("has parental responsibility")
    parts += [relative.phone, relative.email, relative.address]
    if relative.ended_at:
        parts.append(f"ended {dates.day(relative.ended_at)}")
    return ", ".join(part for part in parts if part)


def _relative_check(user: User, values: Mapping[str, Any]) -> None:
    errors = {}
    if "kind" in values and values["kind"] not in RelativeKind.values:
        errors["kind"] = "Choose parent, carer, brother or sister, or other"
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = "Enter their name"
    sibling = values.get("sibling")
    if sibling is not None and not policy.can_view_child(user, sibling):
        errors["sibling"] = "Choose a child whose record you may see"
    if errors:
        raise ValidationError(errors)


def relative_record(
    *,
    user: User,
    child: Child,
    kind: str,
    name: str,
    relationship: str = "",
    parental_responsibility: bool = False,
    phone: str = "",
    email: str = "",
    address: str = "",
    sibling: Child | None = None,
    reason: str = "",
) -> Relative:
    """Record a parent, carer or brother or sister of a child, with how to reach them."""
    if not policy.can_change_child_details(user, child) or user.agency is None:
        raise PermissionDenied
    values = {"kind": kind, "name": name, "sibling": sibling}
    _relative_check(user, values)
    with transaction.atomic():
        relative = Relative.objects.create(
            child=child,
            kind=kind,
            name=name.strip(),
            relationship=relationship.strip(),
            parental_responsibility=parental_responsibility,
            phone=phone.strip(),
            email=email.strip(),
            address=address.strip(),
            sibling=sibling,
            recorded_by_agency=user.agency,
        )
        DetailChange.objects.create(
            child=child, field="relative", new_value=_relative_shown(relative), reason=reason.strip(), changed_by=user
        )
        audit_record(
            actor=user,
            kind=AuditKind.RELATIVE_RECORDED,
            child_id=child.pk,
            object_type="relative",
            object_id=str(relative.pk),
            reason=reason.strip(),
            payload={"kind": kind},
        )
    return relative


def relative_update(*, user: User, relative: Relative, changes: Mapping[str, Any], reason: str) -> Relative:
    """Change a relative's details (``changes``: any of ``RELATIVE_FIELDS``); the history keeps the old ones."""
    child = relative.child
    if not policy.can_change_child_details(user, child):
        raise PermissionDenied
    unknown = set(changes) - set(RELATIVE_FIELDS)
    if unknown:
        raise ValueError(f"Not a relative's detail: {sorted(unknown)}")
    _relative_check(user, changes)
    before = _relative_shown(relative)
    changed = [name for name, value in changes.items() if value != getattr(relative, name)]
    if not changed:
        return relative
    with transaction.atomic():
        for name in changed:
            value = changes[name]
            setattr(relative, name, value.strip() if isinstance(value, str) else value)
        relative.save(update_fields=changed)
        _relative_changed(
            user=user, relative=relative, before=before, reason=reason, payload={"fields": sorted(changed)}
        )
    return relative


def _relative_changed(*, user: User, relative: Relative, before: str, reason: str, payload: dict[str, Any]) -> None:
    """The history row and the audit row of a change to a parent, carer or brother or sister."""
    DetailChange.objects.create(
        child=relative.child,
        field="relative",
        old_value=before,
        new_value=_relative_shown(relative),
        reason=reason.strip(),
        changed_by=user,
    )
    audit_record(
        actor=user,
        kind=AuditKind.RELATIVE_UPDATED,
        child_id=relative.child_id,
        object_type="relative",
        object_id=str(relative.pk),
        reason=reason.strip(),
        payload=payload,
    )


def relative_end(*, user: User, relative: Relative, reason: str) -> Relative:
    """A parent, carer or relative who is no longer part of the child's life: kept, marked ended."""
    child = relative.child
    if not policy.can_change_child_details(user, child):
        raise PermissionDenied
    if relative.ended_at is not None:
        raise ValidationError("This has already ended")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this has ended"})
    before = _relative_shown(relative)
    with transaction.atomic():
        relative.ended_at = timezone.now()
        relative.save(update_fields=["ended_at"])
        _relative_changed(user=user, relative=relative, before=before, reason=reason, payload={"ended": True})
    return relative


# --- Children as agencies' records describe them (an extract import) ---------------------------------------


@dataclass(frozen=True)
class NewChild:
    """A child ``children_record_from_agencies`` is about to record, as the import's identifier index and the
    search keys read them (the child itself is written as a plain row, not built as a Child)."""

    id: UUID
    given_name: str
    family_name: str
    date_of_birth: date | None
    date_of_birth_precision: str
    nhs_number: str
    upn: str
    police_ids: str
    la_child_id: str
    postcode: str

    @property
    def pk(self) -> UUID:
        return self.id


@dataclass
class AgencyChild:
    """A child as one agency's record describes them: what ``children_record_from_agencies`` records."""

    agency: Agency
    record_id: str
    given_name: str
    family_name: str
    other_names: str = ""
    date_of_birth: date | None = None
    date_of_birth_precision: str = DatePrecision.DAY
    sex: str = Sex.UNKNOWN
    ethnicity: str = ""
    nhs_number: str = ""
    upn: str = ""
    police_ids: str = ""
    la_child_id: str = ""
    postcode: str = ""

    def new_child(self) -> NewChild:
        """The child this record describes, with a new id, as their record will hold them."""
        return NewChild(
            id=uuid4(),
            given_name=self.given_name[:100] or "Not known",
            family_name=self.family_name[:100] or "Not known",
            date_of_birth=self.date_of_birth,
            date_of_birth_precision=self.date_of_birth_precision,
            nhs_number=self.nhs_number,
            upn=self.upn,
            police_ids=self.police_ids[:200],
            la_child_id=self.la_child_id[:20],
            postcode=self.postcode.upper()[:10],
        )

    def _child_row(self, child: NewChild, created_by: User) -> dict[str, Any]:
        return {
            "id": child.id,
            "given_name": child.given_name,
            "family_name": child.family_name,
            "other_names": self.other_names[:300],
            "date_of_birth": child.date_of_birth,
            "date_of_birth_precision": child.date_of_birth_precision,
            "sex": self.sex or Sex.UNKNOWN,
            "ethnicity": self.ethnicity[:100],
            "nhs_number": child.nhs_number,
            "upn": child.upn,
            "police_ids": child.police_ids,
            "la_child_id": child.la_child_id,
            "postcode": child.postcode,
            "owning_agency_id": self.agency.pk,
            "created_by_id": created_by.pk,
        }


def _importer_require(actor: User) -> None:
    if not policy.can_record_children(actor):
        raise PermissionDenied


def children_record_from_agencies(*, actor: User, described: list[AgencyChild], children: list[NewChild]) -> None:
    """Record, in bulk, the children agencies' records describe (``children[i]`` made by
    ``described[i].new_child``): each with its agency's involvement (the agency holds a record of the child, so
    it works with them), its search keys and one audit row. Written as plain rows: building a Child, an
    Involvement and an AuditEvent for each was a large part of an import's time."""
    _importer_require(actor)
    with transaction.atomic():
        rows_insert(Child, [d._child_row(child, actor) for d, child in zip(described, children, strict=True)])
        rows_insert(
            Involvement,
            [
                {"child_id": child.id, "agency_id": d.agency.pk, "reason": f"Record {d.record_id} in its extract"[:300]}
                for d, child in zip(described, children, strict=True)
            ],
        )
        linkage.search_keys_refresh(new_children=children)
        audit_record_many(
            actor=actor,
            kind=AuditKind.CHILD_CREATED,
            rows=[
                (child.id, "child", str(child.id), f"From record {d.record_id} of {d.agency.code}'s extract", None)
                for d, child in zip(described, children, strict=True)
            ],
        )


def children_attach_agency_records(*, actor: User, attached: list[tuple[Child, AgencyChild]]) -> None:
    """Another agency's record of a known child (a hard identifier agrees): fill the identifiers the child's
    record lacks, open the agency's involvement, and audit the change on the child's record."""
    _importer_require(actor)
    if not attached:
        return
    with transaction.atomic():
        open_involvements = set(
            Involvement.objects.filter(
                child__in={child.pk for child, _ in attached}, ended_at__isnull=True
            ).values_list("child_id", "agency_id")
        )
        involvements: list[dict[str, Any]] = []
        filled: dict[Any, Child] = {}
        for child, described in attached:
            changed = []
            for name in ("nhs_number", "upn", "la_child_id"):
                value = getattr(described, name)
                if value and not getattr(child, name):
                    setattr(child, name, value)
                    changed.append(name)
            police_ids = police_ids_with(child.police_ids, [described.police_ids])
            if police_ids is not None:
                child.police_ids = police_ids
                changed.append("police_ids")
            # The name this agency knows the child by, when it differs, is a known-as name on the record.
            name = f"{described.given_name} {described.family_name}"
            known_as = known_as_with(child.other_names, child.full_name, [name])
            if known_as is not None:
                child.other_names = known_as
                changed.append("other_names")
            if changed:
                filled[child.pk] = child
            if (child.pk, described.agency.pk) not in open_involvements:
                open_involvements.add((child.pk, described.agency.pk))
                involvements.append(
                    {
                        "child_id": child.pk,
                        "agency_id": described.agency.pk,
                        "reason": f"Record {described.record_id} in its extract"[:300],
                    }
                )
        if filled:
            rows_update(Child, list(filled.values()), ["nhs_number", "upn", "la_child_id", "police_ids", "other_names"])
        rows_insert(Involvement, involvements)
        record_closed_refresh({row["child_id"] for row in involvements})
        audit_record_many(
            actor=actor,
            kind=AuditKind.CHILD_UPDATED,
            rows=[
                (
                    child.pk,
                    "child",
                    str(child.pk),
                    f"Record {d.record_id} of {d.agency.code}'s extract attached: a hard identifier agrees",
                    None,
                )
                for child, d in attached
            ],
        )


# --- Corrections of items an agency recorded ------------------------------------------------------------


def item_changes(item: Any, changes: Mapping[str, Any], editable: tuple[str, ...]) -> tuple[dict, dict]:
    """The fields of ``item`` that ``changes`` would change, as (before, after); sets them on ``item``.
    Only ``editable`` fields may change. Pure: the caller saves the item (its own app's model)."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError(f"These cannot be corrected here: {', '.join(sorted(unknown))}.")
    before, after = {}, {}
    for name, value in changes.items():
        if getattr(item, name) != value:
            before[name], after[name] = getattr(item, name), value
            setattr(item, name, value)
    return before, after


def correction_require(*, user: User, child: Child, owning_agency_id: int, item: Any, reason: str) -> str:
    """Who may correct an item (its owning agency, or the coordinator) and the reason, for every app's
    correction service; an item already marked entered in error is not corrected."""
    if not policy.can_correct_item(user, child, owning_agency_id):
        raise PermissionDenied
    if getattr(item, "entered_in_error", False):
        raise ValidationError("This item was marked entered in error; it cannot be corrected.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the correction."})
    return reason


def item_correction_record(
    *,
    user: User,
    child: Child,
    item_kind: str,
    item_id: Any,
    owning_agency_id: int,
    kind: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    reason: str,
) -> ItemCorrection:
    """Keep the earlier version of a corrected item and audit the correction on the child's record. The owning
    app's service calls this inside its transaction, after checking the policy and writing its item."""
    correction = ItemCorrection.objects.create(
        child=child,
        item_kind=item_kind,
        item_id=str(item_id),
        owning_agency_id=owning_agency_id,
        kind=kind,
        before=dict(before),
        after=dict(after),
        reason=reason,
        corrected_by=user,
    )
    audit_record(
        actor=user,
        kind=AuditKind.ITEM_ENTERED_IN_ERROR if kind == CorrectionKind.ENTERED_IN_ERROR else AuditKind.ITEM_CORRECTED,
        child_id=child.pk,
        object_type=item_kind,
        object_id=str(item_id),
        reason=reason,
        payload={"fields": sorted(after)},
    )
    return correction


def item_correction_apply(
    *,
    user: User,
    child: Child,
    item: Any,
    item_kind: str,
    owning_agency_id: int,
    changes: Mapping[str, Any],
    editable: tuple[str, ...],
    reason: str,
    save: Callable[[list[str]], None],
) -> ItemCorrection | None:
    """Correct an item after ``correction_require``: set the changed fields, have the owning app save them
    (``save(fields)``: the app writes its own model) and keep the earlier version. None when nothing changed."""
    with transaction.atomic():
        before, after = item_changes(item, changes, editable)
        if not after:
            return None
        save(list(after))
        return item_correction_record(
            user=user,
            child=child,
            item_kind=item_kind,
            item_id=item.pk,
            owning_agency_id=owning_agency_id,
            kind=CorrectionKind.CORRECTED,
            before=before,
            after=after,
            reason=reason,
        )


def item_entered_in_error_apply(
    *,
    user: User,
    child: Child,
    item: Any,
    item_kind: str,
    owning_agency_id: int,
    reason: str,
    save: Callable[[list[str]], None],
) -> ItemCorrection:
    """Mark an item entered in error after ``correction_require``: it leaves the child's pages and is kept."""
    with transaction.atomic():
        item.entered_in_error = True
        save(["entered_in_error"])
        return item_correction_record(
            user=user,
            child=child,
            item_kind=item_kind,
            item_id=item.pk,
            owning_agency_id=owning_agency_id,
            kind=CorrectionKind.ENTERED_IN_ERROR,
            before={"entered_in_error": False},
            after={"entered_in_error": True},
            reason=reason,
        )


CHRONOLOGY_EDITABLE = ("occurred_at", "category", "summary")


def _entry_save(entry: ChronologyEntry) -> Callable[[list[str]], None]:
    return lambda fields: entry.save(update_fields=fields)


def chronology_entry_correct(
    *, user: User, entry: ChronologyEntry, changes: Mapping[str, Any], reason: str
) -> ItemCorrection | None:
    """Correct a chronology entry its agency recorded; the earlier version is kept. None when nothing changed."""
    reason = correction_require(
        user=user, child=entry.child, owning_agency_id=entry.owning_agency_id, item=entry, reason=reason
    )
    if "category" in changes and changes["category"] not in NoteCategory.values:
        raise ValidationError({"category": "Choose what kind of entry this is."})
    if "summary" in changes and not str(changes["summary"]).strip():
        raise ValidationError({"summary": "Say what happened."})
    return item_correction_apply(
        user=user,
        child=entry.child,
        item=entry,
        item_kind=ItemKind.CHRONOLOGY_ENTRY,
        owning_agency_id=entry.owning_agency_id,
        changes=changes,
        editable=CHRONOLOGY_EDITABLE,
        reason=reason,
        save=_entry_save(entry),
    )


def chronology_entry_mark_in_error(*, user: User, entry: ChronologyEntry, reason: str) -> ItemCorrection:
    """Take an entry off the child's pages as entered in error; it is kept, with why."""
    reason = correction_require(
        user=user, child=entry.child, owning_agency_id=entry.owning_agency_id, item=entry, reason=reason
    )
    return item_entered_in_error_apply(
        user=user,
        child=entry.child,
        item=entry,
        item_kind=ItemKind.CHRONOLOGY_ENTRY,
        owning_agency_id=entry.owning_agency_id,
        reason=reason,
        save=_entry_save(entry),
    )
