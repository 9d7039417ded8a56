"""Find before you create: the children already known who may be the one a practitioner is about to record.

``candidates_for`` is a selector: it takes the user, looks only at what they may see (children through
``policy.children_visible_to``; for the coordinator also imported child records that no child record
holds yet), scores each against what was typed with linkage's own normalisation and nickname table,
and audits every candidate it returns.

It scales by blocking in the database before scoring in memory: every child and every agency record of a
child carries short blocking keys in ``SearchKey`` (``internals.keys``: the sound of the family name with
the date of birth, month, postcode or given name; given name with date of birth; date of birth with
postcode district; both names in either order). A search looks up its own keys through the index and
scores only the children and records sharing one, those sharing most keys first, at most ``POOL_LIMIT``.

The keys are kept current by whatever writes a child or a person record (``children.services``,
``imports.services``) through ``search_keys_refresh``; rows loaded in bulk get theirs from
``search_keys_rebuild`` (``manage.py rebuild_search_keys``).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from rapidfuzz.distance import JaroWinkler

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_children
from joinedup.bulk import uuid_prep
from joinedup.children.models import Child, DatePrecision
from joinedup.imports.models import PersonRecord, PersonType

from .internals.features import date_parts, name_group, name_normalise, postcode_normalise
from .internals.keys import Lookup, query_keys, record_keys
from .models import SearchKey
from .selectors import records_audit

AUDIT_REASON = "Find before you create"
# How much each part of what was typed counts towards the match; only the parts typed are weighed.
WEIGHTS = {"family_name": 0.35, "given_name": 0.25, "date_of_birth": 0.25, "postcode": 0.15}
MIN_SCORE = 45.0
# A child the searcher may not see is "may already be known" only on a close match: most of the name, the date
# of birth and the postcode agreeing, so a common name alone does not stop a practitioner recording a new child.
KNOWN_SCORE = 80.0
# The most children, and the most records, the blocking lookup may hand to the scorer.
POOL_LIMIT = 500
# In the model's order: the rebuild's INSERT lists the columns that way.
_KEY_FIELDS = ("key", "child", "person_record")


@dataclass(frozen=True)
class _Query:
    given: str
    family: str
    dob: str | None
    dob_ym: str | None
    dob_y: str | None
    dob_swapped: str | None
    postcode: str


@dataclass
class Candidate:
    """One possible match: a child record the user may open, or (for the coordinator) an agency's record."""

    name: str
    date_of_birth: str
    postcode: str
    agency: str
    score: int
    reasons: list[str] = field(default_factory=list)
    child: Child | None = None
    record: PersonRecord | None = None


def _query(given_name: str, family_name: str, date_of_birth: str | date | None, postcode: str) -> _Query:
    dob_text = date_of_birth.isoformat() if isinstance(date_of_birth, date) else (date_of_birth or "").strip()
    dob, ym, year = date_parts(dob_text)
    swapped = f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}" if dob and int(dob[8:10]) <= 12 and dob[5:7] != dob[8:10] else None
    return _Query(
        given=name_normalise(given_name),
        family=name_normalise(family_name),
        dob=dob,
        dob_ym=ym,
        dob_y=year,
        dob_swapped=swapped,
        postcode=postcode_normalise(postcode) or (postcode or "").strip().upper(),
    )


def _given_score(typed: str, held: str) -> tuple[float, str]:
    if not held:
        return 0.0, ""
    if typed == held:
        return 1.0, "given name"
    if set(name_group(typed)) & set(name_group(held)):
        return 0.95, "given name (familiar form)"
    if len(typed) >= 2 and held.startswith(typed):
        return 0.85, "given name (start)"
    similarity = JaroWinkler.normalized_similarity(typed, held)
    return similarity, "given name (similar)" if similarity >= 0.85 else ""


def _family_score(typed: str, held: str) -> tuple[float, str]:
    if not held:
        return 0.0, ""
    if typed == held:
        return 1.0, "family name"
    if len(typed) >= 2 and held.startswith(typed):
        return 0.85, "family name (start)"
    similarity = JaroWinkler.normalized_similarity(typed, held)
    return similarity, "family name (similar)" if similarity >= 0.85 else ""


def _dob_score(query: _Query, held: str) -> tuple[float, str]:
    dob, ym, year = date_parts(held)
    if query.dob and dob == query.dob:
        return 1.0, "date of birth"
    if query.dob_swapped and dob == query.dob_swapped:
        return 0.8, "date of birth (day and month swapped)"
    if dob is None and ym and ym == query.dob_ym:
        return 0.7, "date of birth (month known)"
    if dob is None and ym is None and year and year == query.dob_y:
        return 0.5, "date of birth (year known)"
    if query.dob_ym and ym == query.dob_ym:
        return 0.4, "date of birth (same month)"
    if query.dob_y and year == query.dob_y:
        return 0.2, ""
    return 0.0, ""


def _postcode_score(typed: str, held: str) -> tuple[float, str]:
    held = postcode_normalise(held)
    if not held or not typed:
        return 0.0, ""
    if held == typed:
        return 1.0, "postcode"
    if " " in typed and held[:-2] == typed[:-2]:
        return 0.6, "postcode sector"
    if held.split(" ")[0] == typed.split(" ")[0]:
        return 0.3, "postcode district"
    return 0.0, ""


def _score(query: _Query, given: str, family: str, dob: str, postcode: str) -> tuple[int, list[str]]:
    parts: list[tuple[str, float, str]] = []
    if query.given:
        parts.append(("given_name", *_given_score(query.given, name_normalise(given))))
    if query.family:
        parts.append(("family_name", *_family_score(query.family, name_normalise(family))))
    if query.dob_y:
        parts.append(("date_of_birth", *_dob_score(query, dob)))
    if query.postcode:
        parts.append(("postcode", *_postcode_score(query.postcode, postcode)))
    total = sum(WEIGHTS[name] for name, _, _ in parts)
    if not total:
        return 0, []
    score = sum(WEIGHTS[name] * value for name, value, _ in parts) / total
    return round(score * 100), [reason for _, _, reason in parts if reason]


def _dob_text(child: "ChildDetails") -> str:
    if child.date_of_birth is None:
        return ""
    if child.date_of_birth_precision == DatePrecision.YEAR:
        return f"{child.date_of_birth:%Y}"
    if child.date_of_birth_precision == DatePrecision.MONTH:
        return f"{child.date_of_birth:%Y-%m}"
    return child.date_of_birth.isoformat()


def _child_data(child: "ChildDetails") -> dict[str, str]:
    """A child's record in the shape of an extract row, for ``internals.keys``."""
    return {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": _dob_text(child),
        "postcode": child.postcode,
    }


class ChildDetails(Protocol):
    """What a child's search keys are made of: a Child, or a child an import is about to record in bulk."""

    @property
    def pk(self) -> Any: ...
    @property
    def given_name(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def date_of_birth(self) -> date | None: ...
    @property
    def date_of_birth_precision(self) -> str: ...
    @property
    def postcode(self) -> str: ...


# Each key as (key, child id, person record id), one of the two ids None.
_KeyRow = tuple[str, Any, int | None]


def _keys_of_children(children: Iterable[ChildDetails]) -> Iterator[_KeyRow]:
    for child in children:
        for key in record_keys(_child_data(child)):
            yield key, child.pk, None


def _keys_of_records(records: Iterable[tuple[int, str, Any, Any]]) -> Iterator[_KeyRow]:
    """``records``: (pk, person_type, child_id, data) of each person record. Only records of children that no
    child record holds are searched (a held one is found through its child), so only those carry keys."""
    for pk, person_type, child_id, data in records:
        if person_type == PersonType.CHILD and child_id is None:
            for key in record_keys(data or {}):
                yield key, None, pk


def search_keys_refresh(
    *,
    children: Iterable[Child] = (),
    records: Iterable[PersonRecord] = (),
    new_children: Iterable[ChildDetails] = (),
) -> None:
    """Replace the search keys of these children and person records with keys of what they hold now.

    Call it in the same transaction that writes them (``child_create``, an extract import), so a child
    is found under its new name and not its old one. ``new_children``: children written in this transaction,
    given as their details (an import writes them as plain rows), who have no keys yet to replace.
    """
    children, records = list(children), list(records)
    rows = [
        *_keys_of_children(children),
        *_keys_of_children(new_children),
        *_keys_of_records((r.pk, r.person_type, r.child_id, r.data) for r in records),
    ]
    with transaction.atomic():
        if children:
            SearchKey.objects.filter(child__in=[c.pk for c in children]).delete()
        if records:
            SearchKey.objects.filter(person_record__in=[r.pk for r in records]).delete()
        if rows:
            with connection.cursor() as cursor:
                _keys_insert(cursor, rows)


def _keys_insert(cursor: Any, rows: list[_KeyRow]) -> None:
    """Plain parameterised INSERTs: building a model instance per key was most of an import's time."""
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    fields = [f for f in SearchKey._meta.concrete_fields if f.name in _KEY_FIELDS]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    insert = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608 (names from the model)
    prep = uuid_prep()
    # A child has several keys: prepare each child's id once.
    child_ids = {c: prep(c) for c in {c for _, c, _ in rows if c is not None}}
    values = [(k, None if c is None else child_ids[c], r) for k, c, r in rows]
    # In the key's order, so the index takes them a page at a time rather than all over (most of the insert's
    # cost at a county's size).
    values.sort(key=lambda row: row[0])
    cursor.executemany(insert, values)


def _batched(rows: Iterator[_KeyRow], size: int) -> Iterator[list[_KeyRow]]:
    batch: list[_KeyRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def search_keys_rebuild(*, batch_size: int = 5000) -> int:
    """Build every child's and every unheld child's person record's search keys afresh, for rows loaded in
    bulk (``bulk_create``, a restored database); returns the number of keys written.

    Plain parameterised INSERTs through the connection's cursor rather than ``bulk_create``: building a
    model instance per key was most of the time at a million records.
    """
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        SearchKey.objects.all().delete()
        children = Child.objects.only(
            "given_name", "family_name", "date_of_birth", "date_of_birth_precision", "postcode"
        ).iterator(chunk_size=batch_size)
        records = (
            PersonRecord.objects.filter(person_type=PersonType.CHILD, child__isnull=True)
            .values_list("pk", "person_type", "child_id", "data")
            .iterator(chunk_size=batch_size)
        )
        for rows in (_keys_of_children(children), _keys_of_records(records)):
            for batch in _batched(rows, batch_size):
                _keys_insert(cursor, batch)
                written += len(batch)
    return written


def _key_filter(lookup: Lookup, column: str) -> Q:
    """The keys looked up, and the keys starting with each prefix, as conditions the key's index answers.

    SQLite compares the column byte by byte, so a prefix is the range from itself to the next string of its
    length; PostgreSQL's index on the key uses the pattern operator class, so ``LIKE 'prefix%'`` is a range
    on it whatever the database's collation. Each term repeats that its id is set, so SQLite reads each
    through the partial index (one index search per term) instead of scanning the table.
    """
    held = Q(**{f"{column}__isnull": False})
    condition = Q(key__in=sorted(lookup.keys)) & held
    for prefix in sorted(lookup.prefixes):
        if connection.vendor == "sqlite":
            condition |= Q(key__gte=prefix, key__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1)) & held
        else:
            condition |= Q(key__startswith=prefix) & held
    return condition


def _pool(lookup: Lookup, matched: QuerySet[SearchKey], column: str) -> list[Any]:
    """The ids sharing most keys with the query, at most ``POOL_LIMIT``: the database's part of the work."""
    rows = (
        matched.filter(_key_filter(lookup, column))
        .values(column)
        .annotate(shared=Count("pk"))
        .order_by("-shared", column)[:POOL_LIMIT]
    )
    return [row[column] for row in rows]


def _enough_typed(query: _Query) -> bool:
    return len(query.family) >= 2 or len(query.given) >= 2 or query.dob is not None


def _keys_typed(query: _Query, given_name: str, family_name: str, postcode: str) -> Lookup:
    return query_keys(
        {
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": query.dob or query.dob_ym or query.dob_y or "",
            "postcode": postcode,
        }
    )


def known_elsewhere(
    *,
    user: User,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: str | date | None = None,
    postcode: str = "",
) -> list[Any]:
    """Children this user may not see whose details match what was typed closely (at least ``KNOWN_SCORE``).

    For the "may already be known to the partnership" answer, which names none of them, nor any agency: the
    ids go only into a connection request, for the coordinator. Nothing is shown, so nothing is audited here.
    """
    query = _query(given_name, family_name, date_of_birth, postcode)
    if not _enough_typed(query) or not policy.can_record_children(user) or policy.sees_all_children(user):
        return []
    keys = _keys_typed(query, given_name, family_name, postcode)
    visible = policy.children_visible_to(user).values("pk")
    pool = _pool(keys, SearchKey.objects.filter(child__isnull=False).exclude(child__in=visible), "child_id")
    known = []
    for child in Child.objects.filter(pk__in=pool, joined_into__isnull=True).exclude(pk__in=visible):
        score, _ = _score(query, child.given_name, child.family_name, _dob_text(child), child.postcode)
        if score >= KNOWN_SCORE:
            known.append((score, str(child.pk), child.pk))
    return [pk for _, _, pk in sorted(known, reverse=True)]


def candidates_for(
    *,
    user: User,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: str | date | None = None,
    postcode: str = "",
    limit: int = 10,
) -> list[Candidate]:
    """The ``limit`` best candidates the user may see for what they have typed, best first; each audited.

    Candidates come from the children and records sharing a blocking key with what was typed
    (``internals.keys``). When what was typed makes no full key (only a family name, only a given name,
    only a date of birth), the coarser fallback keys are looked up instead: the family name's sound and
    first three letters, the given name, the date of birth; the pool is then the ``POOL_LIMIT`` sharing
    most of them.
    """
    query = _query(given_name, family_name, date_of_birth, postcode)
    if not _enough_typed(query) or not policy.can_record_children(user):
        return []
    keys = _keys_typed(query, given_name, family_name, postcode)
    found: list[Candidate] = []
    matched = SearchKey.objects.filter(child__isnull=False)
    if not policy.sees_all_children(user):
        # Need-to-know in the database: children the user may not see take no place in the pool.
        matched = matched.filter(child__in=policy.children_visible_to(user))
    children = (
        policy.children_visible_to(user).filter(pk__in=_pool(keys, matched, "child_id")).select_related("owning_agency")
    )
    for child in children:
        dob = _dob_text(child)
        score, reasons = _score(query, child.given_name, child.family_name, dob, child.postcode)
        if score >= MIN_SCORE:
            found.append(
                Candidate(
                    name=child.full_name,
                    date_of_birth=dob,
                    postcode=child.postcode,
                    agency=child.owning_agency.name,
                    score=score,
                    reasons=reasons,
                    child=child,
                )
            )
    if policy.sees_all_children(user) and user.has_role(RoleCode.COORDINATOR):
        # No join in the pool's query: only records no child holds carry keys, and the fetch checks again.
        unheld = SearchKey.objects.filter(person_record__isnull=False)
        records = PersonRecord.objects.filter(
            person_type=PersonType.CHILD, child__isnull=True, pk__in=_pool(keys, unheld, "person_record_id")
        ).select_related("agency")
        for record in records:
            data: dict[str, Any] = record.data or {}
            dob = str(data.get("date_of_birth") or "")
            score, reasons = _score(
                query, data.get("given_name", ""), data.get("family_name", ""), dob, data.get("postcode", "")
            )
            if score >= MIN_SCORE:
                found.append(
                    Candidate(
                        name=f"{data.get('given_name', '')} {data.get('family_name', '')}".strip() or record.record_id,
                        date_of_birth=dob,
                        postcode=str(data.get("postcode") or ""),
                        agency=f"{record.agency.name} (record {record.record_id})",
                        score=score,
                        reasons=reasons,
                        record=record,
                    )
                )
    found.sort(key=lambda c: (-c.score, c.name))
    shown = found[:limit]
    # One transaction for the audit rows of one search: the same rows, one commit.
    with transaction.atomic():
        _shown_audit(user, shown)
    return shown


def _shown_audit(user: User, shown: list[Candidate]) -> None:
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=[c.child.pk for c in shown if c.child is not None],
        reason=AUDIT_REASON,
    )
    records_audit(
        user=user,
        kind=AuditKind.PERSON_RECORD_LISTED,
        records=[c.record for c in shown if c.record is not None],
        reason=AUDIT_REASON,
    )
