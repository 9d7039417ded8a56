"""Joining two records of one child, and undoing it: the service the children app owns for it.

Linkage decides *that* two agency records are one child (automatically above its threshold, or a
person's decision in the review queue); a coordinator answering a connection request decides it by
hand. Either way the join goes through ``children_join`` here: everything recorded under the joined
child (agency records, involvements, episodes, interviews through their episodes, concerns,
assessments, contacts, chronology, shares, search keys...) moves under the child kept, each row
keeping its owning agency, so need-to-know is unchanged. The join lists exactly what it moved and
which fields it set, so ``child_join_undo`` puts back exactly that and nothing else, even after
other work has been recorded on the joined child.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from .closure import record_closed_refresh
from .identifiers import known_as_with, police_ids_with
from .models import Child, ChildJoin, Involvement, JoinSource

# Rows that point at a child but are not the child's information: the joins themselves, a child's
# own joined_into, and connection requests (which keep the child their coordinator chose).
_NOT_MOVED = {("children.ChildJoin", "child"), ("children.ChildJoin", "joined"), ("children.Child", "joined_into")}
_NOT_MOVED_MODELS = {"children.ConnectionRequest"}

# Details of the kept child that the joined child's record fills when the kept one has none.
_FILLED = (
    "date_of_birth",
    "ethnicity",
    "postcode",
    "nhs_number",
    "upn",
    "la_child_id",
    "key_worker",
    "placement",
    "placement_agency",
    "legal_status",
    "placement_type",
    "placement_started",
    "placement_ended",
)
_CHUNK = 500


class JoinConflict(ValidationError):
    """The two records cannot be joined as they stand (say why, so a person can put it right first)."""


@dataclass(frozen=True)
class _Relation:
    model: type[models.Model]
    field: str  # the foreign key's name, e.g. "child"

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}:{self.field}"


def _relations() -> Iterator[_Relation]:
    """Every foreign key to Child, including many-to-many tables' rows and hidden (related_name "+") ones."""
    for rel in Child._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        if rel.many_to_many:
            through = rel.through  # type: ignore[union-attr]
            for field in through._meta.get_fields():
                if isinstance(field, models.ForeignKey) and field.related_model is Child:
                    yield _Relation(through, field.name)
            continue
        model = rel.related_model
        field_name = rel.field.name  # type: ignore[union-attr]
        label = model._meta.label  # type: ignore[union-attr]
        if (label, field_name) in _NOT_MOVED or label in _NOT_MOVED_MODELS:
            continue
        yield _Relation(model, field_name)  # type: ignore[arg-type]


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _field(model: type[models.Model] | models.Model, name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - concrete fields only
    return field


def _shown(instance: models.Model, name: str) -> str | None:
    field = _field(instance, name)
    value = getattr(instance, field.attname)
    return None if value is None else field.value_to_string(instance)


def _value(model: type[models.Model], name: str, text: str | None) -> Any:
    field = _field(model, name)
    if text is None:
        return None
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(text)
    return field.to_python(text)


def _set(changed: list[dict[str, Any]], instance: models.Model, name: str, value: Any) -> None:
    """Set one field, keeping its old and new value for the undo."""
    field = _field(instance, name)
    old = _shown(instance, name)
    setattr(instance, field.attname, value)
    new = _shown(instance, name)
    if old != new:
        changed.append({"model": instance._meta.label, "pk": str(instance.pk), "field": name, "old": old, "new": new})


def _conflicts(keep: Child, joined: Child) -> None:
    from joinedup.missing.models import MissingEpisode, PhilomenaProfile

    open_episodes = MissingEpisode.objects.filter(child__in=[keep, joined], returned_at__isnull=True)
    if open_episodes.values("child").distinct().count() > 1:
        raise JoinConflict(
            "Both records have a missing episode open. Record the return on the one reported in error, then join them."
        )
    if PhilomenaProfile.objects.filter(child__in=[keep, joined]).count() > 1:
        raise JoinConflict("Both records have a Philomena profile. Keep one up to date, then join them.")


def _require(actor: User | None) -> None:
    """``actor`` None is the platform itself (a linkage run above its threshold); a person must be a coordinator."""
    if actor is not None and not policy.can_join_children(actor):
        raise PermissionDenied


def children_join(
    *, actor: User | None, keep: Child, joined: Child, source: str = JoinSource.DECISION, reason: str = ""
) -> ChildJoin:
    """Join ``joined`` into ``keep``: one child, one record, with every agency record and item under it."""
    _require(actor)
    if source not in JoinSource.values:
        raise ValueError(f"Unknown source {source!r}")
    if keep.pk == joined.pk:
        raise ValidationError("A child's record cannot be joined with itself.")
    with transaction.atomic():
        keep = Child.objects.select_for_update().get(pk=keep.pk)
        joined = Child.objects.select_for_update().get(pk=joined.pk)
        if keep.joined_into_id is not None or joined.joined_into_id is not None:
            raise ValidationError("One of these records has already been joined into another child's record.")
        _conflicts(keep, joined)
        changed: list[dict[str, Any]] = []
        # Both agencies working with the child: the kept child's involvement stays open, the other ends
        # with the join (and opens again if the join is undone).
        keep_agencies = set(keep.involvements.filter(ended_at__isnull=True).values_list("agency_id", flat=True))
        now = timezone.now()
        for involvement in Involvement.objects.filter(child=joined, ended_at__isnull=True, agency_id__in=keep_agencies):
            _set(changed, involvement, "ended_at", now)
            involvement.save(update_fields=["ended_at"])
        moved: dict[str, list[str]] = {}
        for relation in _relations():
            pks = list(relation.model._base_manager.filter(**{relation.field: joined}).values_list("pk", flat=True))
            if not pks:
                continue
            for chunk in _chunks(pks):
                relation.model._base_manager.filter(pk__in=chunk).update(**{relation.field: keep})
            moved[relation.key] = [str(pk) for pk in pks]
        for name in _FILLED:
            field = _field(Child, name)
            if getattr(keep, field.attname) in (None, "") and getattr(joined, field.attname) not in (None, ""):
                _set(changed, keep, name, getattr(joined, field.attname))
        if not keep.looked_after and joined.looked_after:
            _set(changed, keep, "looked_after", True)
        police_ids = police_ids_with(keep.police_ids, joined.police_ids.split(";"))
        if police_ids is not None:
            _set(changed, keep, "police_ids", police_ids)
        known_as = known_as_with(keep.other_names, keep.full_name, [joined.full_name, *joined.other_names.split(";")])
        if known_as is not None:
            _set(changed, keep, "other_names", known_as)
        keep.save()
        # Records joined into the joined child earlier now lead to the kept one, and their joins follow.
        for earlier in Child.objects.filter(joined_into=joined):
            _set(changed, earlier, "joined_into", keep.pk)
            earlier.save(update_fields=["joined_into"])
        for earlier_join in ChildJoin.objects.filter(child=joined, undone_at__isnull=True):
            _set(changed, earlier_join, "child", keep.pk)
            earlier_join.save(update_fields=["child"])
        joined.joined_into = keep
        joined.save(update_fields=["joined_into"])
        record_closed_refresh([keep.pk, joined.pk])
        join = ChildJoin.objects.create(
            child=keep, joined=joined, source=source, reason=reason, moved=moved, changed=changed, joined_by=actor
        )
        payload = {
            "join": join.pk,
            "kept": str(keep.pk),
            "joined": str(joined.pk),
            "source": source,
            "moved": {key: len(pks) for key, pks in moved.items()},
        }
        for child_id in (keep.pk, joined.pk):
            audit_record(
                actor=actor,
                kind=AuditKind.CHILDREN_JOINED,
                child_id=child_id,
                object_type="child_join",
                object_id=str(join.pk),
                reason=reason,
                payload=payload,
            )
    return join


def child_join_undo(*, actor: User | None, join: ChildJoin, reason: str) -> ChildJoin:
    """Split what a join moved back where it was: each moved row that is still under the kept child goes
    back, each field the join set goes back to its old value unless it has been changed since."""
    _require(actor)
    reason = (reason or "").strip()
    if actor is not None and not reason:
        raise ValidationError({"reason": "Give the reason for separating the records."})
    with transaction.atomic():
        join = ChildJoin.objects.select_for_update().get(pk=join.pk)
        if join.undone_at is not None:
            raise ValidationError("These records have already been separated.")
        keep_id, joined_id = join.child_id, join.joined_id
        for key, pks in join.moved.items():
            label, field = key.split(":")
            model = apps.get_model(label)
            ids = [_value(model, model._meta.pk.name, pk) for pk in pks]  # type: ignore[union-attr]
            for chunk in _chunks(ids):
                model._base_manager.filter(pk__in=chunk, **{f"{field}_id": keep_id}).update(
                    **{f"{field}_id": joined_id}
                )
        for change in reversed(join.changed):
            model = apps.get_model(change["model"])
            instance = model._base_manager.filter(pk=_value(model, model._meta.pk.name, change["pk"])).first()  # type: ignore[union-attr]
            if instance is None or _shown(instance, change["field"]) != change["new"]:
                continue  # changed again since the join: the later value stands
            field = _field(model, change["field"])
            setattr(instance, field.attname, _value(model, change["field"], change["old"]))
            instance.save(update_fields=[change["field"]])
        Child.objects.filter(pk=joined_id, joined_into_id=keep_id).update(joined_into=None)
        record_closed_refresh([keep_id, joined_id])
        join.undone_at, join.undone_by, join.undo_reason = timezone.now(), actor, reason
        join.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        for child_id in (keep_id, joined_id):
            audit_record(
                actor=actor,
                kind=AuditKind.CHILDREN_JOIN_UNDONE,
                child_id=child_id,
                object_type="child_join",
                object_id=str(join.pk),
                reason=reason,
                payload={"join": join.pk, "kept": str(keep_id), "joined": str(joined_id)},
            )
    return join
