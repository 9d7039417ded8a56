"""Writing places: the one door every app uses to turn a place as written into a place record, and the
coordinator's decisions on places that may be one (merge, keep apart, undo)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from .matching import place_judge
from .models import CandidateStatus, Place, PlaceKind, PlaceMatchCandidate, PlaceMerge, PlaceName
from .normalise import POSTCODE, name_key, postcode_normalise, split_name_and_postcode
from .pointers import place_pointers, pointer_label, pointer_manager

# The fields a merge may fill in on the kept place from the merged one, where the kept place has none.
FILLABLE = ("postcode", "address", "kind", "latitude", "longitude")


def _may_write(actor: User | None) -> None:
    # No actor: the platform itself (an import's worker, the backfill command), which has already checked its user.
    if actor is not None and not policy.can_record_places(actor):
        raise PermissionDenied


def _spelling_record(
    *, place: Place, actor: User | None, agency: Agency | None, name: str, postcode: str, address: str
) -> None:
    agency_id = agency.pk if agency is not None else (actor.agency_id if actor is not None else None)
    spelling = {"name": name[:200], "postcode": postcode, "address": address[:300], "agency_id": agency_id}
    updated = PlaceName.objects.filter(place=place, **spelling).update(times_seen=F("times_seen") + 1)
    if not updated:
        try:
            with transaction.atomic():
                PlaceName.objects.create(place=place, name_key=name_key(name), written_by=actor, **spelling)
        except IntegrityError:  # written at the same moment by another request
            PlaceName.objects.filter(place=place, **spelling).update(times_seen=F("times_seen") + 1)


def place_resolve(
    *,
    actor: User | None,
    name: str,
    postcode: str = "",
    address: str = "",
    kind: str = "",
    agency: Agency | None = None,
) -> Place:
    """The place this writing names: the existing place it certainly is, or a new one. Where a new place is likely
    (not certainly) one already recorded, the pair waits in the review queue. Every spelling is kept, with who wrote
    it, so the place page shows how each agency writes it.

    ``name`` may carry the postcode (``Station Hotel, WB1 1AA``); a postcode alone names a place by its postcode.
    ``agency`` is the agency whose writing it is, where that is not the actor's own (an agency's extract imported by
    the coordinator).
    """
    _may_write(actor)
    name = " ".join((name or "").split())
    postcode = postcode_normalise(postcode) or postcode_normalise(name)
    address = " ".join((address or "").split())
    if kind and kind not in PlaceKind.values:
        raise ValidationError({"kind": "Choose the kind of place."})
    shown_name = " ".join(POSTCODE.sub(" ", name).split()).strip(" ,") or postcode
    if not shown_name:
        raise ValidationError({"name": "Enter the place's name or postcode."})
    with transaction.atomic():
        judged = place_judge(name=name, postcode=postcode, address=address, kind=kind)
        if judged.verdict == "certain" and judged.place is not None:
            place = judged.place
            fill = {
                "postcode": postcode if postcode and not place.postcode else None,
                "address": address if address and not place.address else None,
                "kind": kind if kind and place.kind == PlaceKind.OTHER and kind != PlaceKind.OTHER else None,
            }
            changed = [field for field, value in fill.items() if value is not None]
            for field in changed:
                setattr(place, field, fill[field])
            if changed:
                place.save(update_fields=changed)
        else:
            place = Place.objects.create(
                name=shown_name[:200],
                name_key=name_key(shown_name),
                kind=kind or PlaceKind.OTHER,
                address=address[:300],
                postcode=postcode,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                kind=AuditKind.PLACE_RECORDED,
                object_type="place",
                object_id=str(place.pk),
                payload={"kind": place.kind, "private": place.is_private},
            )
            if judged.verdict == "likely" and judged.place is not None:
                PlaceMatchCandidate.objects.get_or_create(
                    place_a=judged.place,
                    place_b=place,
                    defaults={"score": judged.score, "evidence": judged.evidence},
                )
        _spelling_record(place=place, actor=actor, agency=agency, name=shown_name, postcode=postcode, address=address)
    return place


def place_resolve_text(*, actor: User | None, text: str, kind: str = "", agency: Agency | None = None) -> Place | None:
    """A place written as one piece of free text (an episode's "last seen at": ``Station Hotel, 2 Station
    Approach, WB1 1AA``): the name before the first comma, the postcode wherever it is, the rest as the address.
    None for empty text."""
    if not (text or "").strip():
        return None
    name, postcode = split_name_and_postcode(text)
    rest = (POSTCODE.sub(" ", part).strip() for part in text.split(",")[1:])
    address = ", ".join(part for part in rest if part)
    return place_resolve(actor=actor, name=name, postcode=postcode, address=address, kind=kind, agency=agency)


def _require_reviewer(user: User) -> None:
    if not policy.can_review_places(user):
        raise PermissionDenied


def _live(place: Place) -> Place:
    return Place.objects.select_for_update().get(pk=place.pk)


def place_merge(*, user: User, candidate: PlaceMatchCandidate, reason: str = "") -> PlaceMerge:
    """The two places are one: everything that pointed at the later one (``place_b``) now points at the earlier
    one, which keeps both spellings. Reversible with ``place_merge_undo``."""
    _require_reviewer(user)
    with transaction.atomic():
        candidate = PlaceMatchCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status != CandidateStatus.OPEN:
            raise ValidationError("This pair has already been decided.")
        kept, merged = _live(candidate.place_a), _live(candidate.place_b)
        if kept.merged_into_id is not None or merged.merged_into_id is not None:
            raise ValidationError("One of these places has since been merged into another; decide that one.")
        moved: dict[str, list[Any]] = {}
        for model, field in place_pointers():
            rows = pointer_manager(model).filter(**{field: merged})
            if model is PlaceName:
                # A spelling both places hold stays with the merged place (the kept place already shows it).
                held = PlaceName.objects.filter(place=kept).values_list("name", "postcode", "address", "agency_id")
                held_set = set(held)
                ids = [
                    pk
                    for pk, name, postcode, address, agency_id in rows.values_list(
                        "pk", "name", "postcode", "address", "agency_id"
                    )
                    if (name, postcode, address, agency_id) not in held_set
                ]
            else:
                ids = list(rows.values_list("pk", flat=True))
            if ids:
                pointer_manager(model).filter(pk__in=ids).update(**{field: kept})
                moved[pointer_label(model, field)] = [str(pk) for pk in ids]
        filled: dict[str, Any] = {}
        for field in FILLABLE:
            mine, theirs = getattr(kept, field), getattr(merged, field)
            empty = mine in (None, "") or (field == "kind" and mine == PlaceKind.OTHER)
            if empty and theirs not in (None, "", PlaceKind.OTHER):
                filled[field] = mine
                setattr(kept, field, theirs)
        if filled:
            kept.save(update_fields=list(filled))
        merged.merged_into = kept
        merged.save(update_fields=["merged_into"])
        candidate.status = CandidateStatus.MERGED
        candidate.decided_by, candidate.decided_at = user, timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        merge = PlaceMerge.objects.create(
            kept=kept,
            merged=merged,
            candidate=candidate,
            moved=moved,
            filled=filled,
            reason=reason.strip(),
            decided_by=user,
        )
        audit_record(
            actor=user,
            kind=AuditKind.PLACE_MERGED,
            object_type="place",
            object_id=str(kept.pk),
            reason=reason.strip(),
            payload={"merged": str(merged.pk), "moved": {label: len(ids) for label, ids in moved.items()}},
        )
    return merge


def place_keep_apart(*, user: User, candidate: PlaceMatchCandidate, reason: str = "") -> PlaceMatchCandidate:
    """The two places are different; the pair leaves the queue and is not put to anyone again."""
    _require_reviewer(user)
    with transaction.atomic():
        candidate = PlaceMatchCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status != CandidateStatus.OPEN:
            raise ValidationError("This pair has already been decided.")
        candidate.status = CandidateStatus.KEPT_APART
        candidate.decided_by, candidate.decided_at = user, timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=user,
            kind=AuditKind.PLACE_KEPT_APART,
            object_type="place",
            object_id=str(candidate.place_a_id),
            reason=reason.strip(),
            payload={"other": str(candidate.place_b_id)},
        )
    return candidate


def place_merge_undo(*, user: User, merge: PlaceMerge, reason: str = "") -> PlaceMerge:
    """Put a merge back: the merged place returns, with every pointer and spelling the merge moved (anything
    written at the kept place since stays there), and the pair goes back to the queue."""
    _require_reviewer(user)
    with transaction.atomic():
        merge = PlaceMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError("This merge has already been undone.")
        kept, merged = _live(merge.kept), _live(merge.merged)
        if kept.merged_into_id is not None:
            raise ValidationError("The kept place has since been merged into another; undo that merge first.")
        by_label = {pointer_label(model, field): (model, field) for model, field in place_pointers()}
        for label, ids in merge.moved.items():
            if label not in by_label:
                continue
            model, field = by_label[label]
            pointer_manager(model).filter(pk__in=ids, **{field: kept}).update(**{field: merged})
        for field, old in merge.filled.items():
            setattr(kept, field, old)
        if merge.filled:
            kept.save(update_fields=list(merge.filled))
        merged.merged_into = None
        merged.save(update_fields=["merged_into"])
        merge.undone_at, merge.undone_by = timezone.now(), user
        merge.save(update_fields=["undone_at", "undone_by"])
        if merge.candidate_id is not None:
            PlaceMatchCandidate.objects.filter(pk=merge.candidate_id).update(
                status=CandidateStatus.OPEN, decided_by=None, decided_at=None
            )
        audit_record(
            actor=user,
            kind=AuditKind.PLACE_MERGE_UNDONE,
            object_type="place",
            object_id=str(kept.pk),
            reason=reason.strip(),
            payload={"merged": str(merged.pk)},
        )
    return merge
