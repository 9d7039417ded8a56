"""Importing agency extracts (people.csv and events.csv), at once or in the worker, and applying the
events that waited for linkage.

People rows are validated one by one and written in bulk: each agency's record kept with its history, a
child's record joining a known child only where a hard identifier agrees. Events follow, episodes first;
an event that names a child or episode the platform cannot place yet waits (EventWaits) and is applied by
``waiting_events_apply`` once linkage joins the records.
"""

import contextlib
import functools
import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.bulk import rows_insert
from joinedup.children.identifiers import nhs_number_is_valid, nhs_number_normalise, validate_upn
from joinedup.children.models import Child, DatePrecision, Sex
from joinedup.children.services import (
    AgencyChild,
    NewChild,
    children_attach_agency_records,
    children_record_from_agencies,
)
from joinedup.jobs.models import Job, JobKind
from joinedup.linkage import api as linkage
from joinedup.missing.models import EpisodeKind
from joinedup.missing.services import NoEpisodeYet, missing_found_import, return_interview_import
from joinedup.places.models import Place
from joinedup.places.services import place_resolve

from . import permissions
from .models import EventRecord, ImportBatch, ImportKind, PersonRecord, PersonType, RejectedRow
from .parsers import (
    CsvTable,
    ImportFileError,
    RawRow,
    RowError,
    csv_read,
    formula_check,
    iso_moment_parse,
    partial_date_parse,
)
from .queued import PROGRESS_CHUNK, chunks_committed_timed, import_job_run, import_queue, rows_cap_check
from .rows import (
    CREATED,
    UNCHANGED,
    UPDATED,
    WAITING,
    _apply_row,
    _batch_start,
    _cell,
    _counts_commit,
    _episode_save,
    _finish,
    _history_update,
    _keep_aside,
    _Run,
    _sha256,
)

PEOPLE_FILE = "people.csv"
EVENTS_FILE = "events.csv"
PEOPLE_REQUIRED = ["record_id", "agency", "person_type"]
EVENTS_REQUIRED = ["event_id", "agency", "event_type", "occurred_at"]
EPISODE_EVENTS = {"missing_episode": EpisodeKind.MISSING, "absent_episode": EpisodeKind.AWAY}
EVENT_TYPES = [
    "missing_episode",
    "absent_episode",
    "found",
    "return_interview",
    "concern",
    "sighting",
    "stop_search",
    "arrest",
    "community_report",
    "health_attendance",
    "school_absence",
]
PLACE_TYPES = [
    "hotel",
    "takeaway",
    "park",
    "private_address",
    "shop",
    "school",
    "transport_hub",
    "licensed_premises",
    "online",
    "other",
]
HANDLE_COLUMNS = ["online_handles"]
MAX_FILE_BYTES = 50 * 1024 * 1024
# An agency registered while importing gets the kind its usual code suggests.
AGENCY_KIND_BY_CODE = {
    "POL": AgencyKind.POLICE,
    "CSC": AgencyKind.CHILDRENS_SOCIAL_CARE,
    "HEA": AgencyKind.HEALTH,
    "EDU": AgencyKind.EDUCATION,
    "YJS": AgencyKind.YOUTH_JUSTICE,
    "PRO": AgencyKind.PROBATION,
}


class EventWaits(RowError):
    """The event names a child or episode the platform cannot place yet (another agency's record of the child
    holds it): the event is kept, waiting, and applied when linkage joins the records."""


# The longest ids the records hold: a longer one is kept aside (PostgreSQL would refuse it, failing the import).
_ID_MAX = PersonRecord._meta.get_field("record_id").max_length or 100
_AGENCY_CODE_MAX = Agency._meta.get_field("code").max_length or 12


def _id_length_check(column: str, value: str) -> None:
    if len(value) > _ID_MAX:
        raise RowError(column, f"{column} is {len(value):,} characters long: an id has at most {_ID_MAX}.")


# People rows written together: validated one by one, then looked up and written in bulk.
PEOPLE_CHUNK = 1000
# In the worker on SQLite, where each chunk holds the only write lock (``queued.chunks_committed_timed``): how long
# a transaction holds it at most, about (a page that writes waits for the one under way), and the rows of its first
# piece (at a county's size an event row takes about 6 ms, a people row well under 1 ms). docs/benchmarks.md.
EXTRACT_FIRST_PIECE = 20
EXTRACT_CHUNK_SECONDS = 0.25


@dataclass(frozen=True)
class ExtractFile:
    name: str  # as shown to the user, e.g. police/people.csv
    table_kind: str  # people.csv or events.csv
    content: bytes


def _extract_file(name: str, content: bytes) -> ExtractFile | None:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base not in (PEOPLE_FILE, EVENTS_FILE):
        return None
    return ExtractFile(name=name, table_kind=base, content=content)


# What zipfile raises for a damaged or unusual archive, as well as BadZipFile: a cut or corrupt entry (EOFError,
# zlib.error, ValueError, IndexError, OSError), a compression method or encryption it cannot read
# (NotImplementedError, RuntimeError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    zlib.error,
    ValueError,
    IndexError,
    OSError,
    NotImplementedError,
    RuntimeError,
)


def _zip_files(name: str, content: bytes) -> list[ExtractFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except _ZIP_ERRORS:
        raise ImportFileError(f"{name} is not a zip file that can be opened.") from None
    found = []
    with archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            if info.file_size > MAX_FILE_BYTES:
                raise ImportFileError(f"{info.filename} in {name} is larger than 50 MB; split the extract.")
            extract = _extract_file(f"{name}/{info.filename}", b"")
            if extract is not None:
                try:
                    content = archive.read(info)
                except _ZIP_ERRORS:
                    raise ImportFileError(f"{info.filename} in {name} is damaged and cannot be read.") from None
                found.append(ExtractFile(extract.name, extract.table_kind, content))
    return found


def extract_files_collect(path_or_files: str | Path | Sequence[str | Path] | Mapping[str, bytes]) -> list[ExtractFile]:
    """The people.csv and events.csv files of one or more extracts: folders, zips, the CSVs themselves,
    or uploaded files as a mapping of name to content."""
    files: list[ExtractFile] = []
    if isinstance(path_or_files, Mapping):
        for name, content in path_or_files.items():
            if name.lower().endswith(".zip"):
                files.extend(_zip_files(name, content))
            elif (extract := _extract_file(name, content)) is not None:
                files.append(extract)
            else:
                raise ImportFileError(f"{name} is not part of an extract: upload people.csv, events.csv or a zip.")
    else:
        paths = [path_or_files] if isinstance(path_or_files, str | Path) else list(path_or_files)
        for path in map(Path, paths):
            if path.is_dir():
                for csv_path in sorted(path.rglob("*.csv")):
                    if (extract := _extract_file(str(csv_path), csv_path.read_bytes())) is not None:
                        files.append(extract)
            elif path.suffix.lower() == ".zip" and path.is_file():
                files.extend(_zip_files(str(path), path.read_bytes()))
            elif path.is_file() and (extract := _extract_file(str(path), path.read_bytes())) is not None:
                files.append(extract)
            else:
                raise ImportFileError(f"{path} is not an extract folder, a zip, people.csv or events.csv.")
    if not files:
        raise ImportFileError("No people.csv or events.csv was found in the extract.")
    return files


class _ExtractContext:
    """Agencies and people records looked up while importing an extract."""

    def __init__(self, run: _Run, register_agencies: bool) -> None:
        self.run = run
        self.register_agencies = register_agencies
        self.agencies: dict[str, Agency] = {}
        self.seen: dict[tuple[str, str, str], int] = {}
        self.file_name = ""
        self.multi_police: list[Child] | None = None

    def agency(self, row: RawRow) -> Agency:
        code = _cell(row, "agency").upper()
        if not code:
            raise RowError("agency", "agency is blank: give the agency's code, e.g. POL.")
        if len(code) > _AGENCY_CODE_MAX:
            raise RowError("agency", f"agency is {len(code)} characters long: a code has at most {_AGENCY_CODE_MAX}.")
        agency = self.agencies.get(code) or Agency.objects.filter(code__iexact=code).first()
        if agency is None:
            if not self.register_agencies:
                raise RowError(
                    "agency",
                    f"No agency has the code {code}. An administrator registers it first "
                    "(or a coordinator imports with register agencies).",
                )
            agency = Agency.objects.create(
                code=code, name=code, kind=AGENCY_KIND_BY_CODE.get(code, AgencyKind.VOLUNTARY_SECTOR)
            )
        if not permissions.can_import_for_agency(self.run.user, agency):
            raise RowError("agency", f"You may import only your own agency's records, not {code}'s.")
        self.agencies[code] = agency
        return agency

    def once(self, table: str, agency: Agency, key: str, column: str, row: RawRow) -> None:
        """The same id twice in one import is an error for the second row."""
        first = self.seen.setdefault((table, agency.code, key), row.number)
        if first != row.number:
            raise RowError(column, f"{column} {key} appears twice in this import (first on row {first}).")


class _Identifiers:
    """The children a chunk of agency records may join at import: only where a hard identifier agrees (NHS
    number, UPN, local authority child id, police id), never on name and date of birth alone; record linkage
    may join the records later, with its evidence and a person's review. Looked up once per chunk, and kept
    up to date with the children the import creates, so two agencies' records with one NHS number in one
    import make one child."""

    STEPS = (("nhs_number", "nhs_number"), ("upn", "upn"), ("la_child_id", "la_child_id"), ("pnc_id", "police_ids"))

    def __init__(self, ctx: "_ExtractContext", described: Sequence[AgencyChild]) -> None:
        self.index: dict[str, dict[str, dict[Any, Child | NewChild]]] = {column: {} for column, _ in self.STEPS}
        wanted = {column: {getattr(d, self._attribute(column)) for d in described} - {""} for column, _ in self.STEPS}
        # One query per identifier, so each reads its own index (an OR of the four scans the table).
        for column, field_name in self.STEPS:
            if wanted[column]:
                lookup = {f"{field_name}__in": sorted(wanted[column])}
                # The exclude repeats the partial index's condition, so SQLite uses that index; a joined record is
                # left out here rather than in SQL, where "not joined" (nearly every child) would lead the planner
                # to the wrong index.
                for child in Child.objects.filter(**lookup).exclude(**{field_name: ""}).order_by():
                    if child.joined_into_id is None:
                        self.add(child)
        # Children holding more than one police id (after a join or a correction): few, read once an import.
        if ctx.multi_police is None:
            ctx.multi_police = list(Child.objects.filter(police_ids__contains=";", joined_into__isnull=True))
        for child in ctx.multi_police:
            self.add(child)

    @staticmethod
    def _attribute(column: str) -> str:
        return "police_ids" if column == "pnc_id" else column

    def add(self, child: Child | NewChild) -> None:
        for column, field_name in self.STEPS:
            values = str(getattr(child, field_name) or "")
            for value in values.split(";") if column == "pnc_id" else [values]:
                if value:
                    self.index[column].setdefault(value, {})[child.pk] = child

    def match(self, described: AgencyChild) -> Child | NewChild | None:
        for column, _ in self.STEPS:
            value = getattr(described, self._attribute(column))
            found = self.index[column].get(value, {}) if value else {}
            if len(found) > 1:
                raise RowError(
                    column, f"The record matches more than one child by {column}; the records need linking by hand."
                )
            if found:
                return next(iter(found.values()))
        return None


@dataclass
class _PersonRow:
    """One people.csv row that keeps every rule of its own, ready to write."""

    file_name: str
    row: RawRow
    agency: Agency
    record_id: str
    person_type: str
    described: AgencyChild


# Looked up for every row: an enum's ``values`` is built afresh on each read.
_PERSON_TYPES = frozenset(PersonType.values)
_SEXES = frozenset(Sex.values)
# The first signs ``formula_check`` refuses (after blanks): a row holding none of them (nearly every row) passes
# it without the cell by cell check.
_FORMULA_SIGNS = frozenset("=+-@")


def _person_validate(ctx: _ExtractContext, row: RawRow, file_name: str, today: date | None = None) -> _PersonRow:
    """``today``: the local date, read once for a chunk of rows by a caller that validates many."""
    if any(value.lstrip()[:1] in _FORMULA_SIGNS for value in row.values.values()):
        formula_check(row.values)
    agency = ctx.agency(row)
    record_id = _cell(row, "record_id")
    if not record_id:
        raise RowError("record_id", "record_id is blank.")
    _id_length_check("record_id", record_id)
    ctx.once("people", agency, record_id, "record_id", row)
    person_type = _cell(row, "person_type").lower()
    if person_type not in _PERSON_TYPES:
        raise RowError(
            "person_type", f"person_type must be one of {', '.join(PersonType.values)}, not {person_type!r}."
        )
    dob, precision = None, DatePrecision.DAY.value
    if dob_text := _cell(row, "date_of_birth"):
        try:
            dob, precision = partial_date_parse(dob_text)
        except ValueError as error:
            raise RowError("date_of_birth", f"date_of_birth: {error}.") from None
        if dob > (today or timezone.localdate()):
            raise RowError("date_of_birth", "date_of_birth is in the future.")
    sex = _cell(row, "sex").upper()
    if sex and sex not in _SEXES:
        raise RowError("sex", f"sex must be F, M, X (other) or U (not known), not {sex!r}.")
    nhs = _cell(row, "nhs_number")
    if nhs and not nhs_number_is_valid(nhs):
        raise RowError("nhs_number", f"{nhs} is not a valid NHS number: 10 digits, the last a check digit.")
    upn = _cell(row, "upn").upper()
    if upn:
        try:
            validate_upn(upn)
        except ValidationError as error:
            raise RowError("upn", error.messages[0]) from None
    if recorded_at := _cell(row, "recorded_at"):
        try:
            iso_moment_parse(recorded_at)
        except ValueError as error:
            raise RowError("recorded_at", f"recorded_at: {error}.") from None
    pnc = _cell(row, "pnc_id")
    return _PersonRow(
        file_name=file_name,
        row=row,
        agency=agency,
        record_id=record_id,
        person_type=person_type,
        described=AgencyChild(
            agency=agency,
            record_id=record_id,
            given_name=_cell(row, "given_name"),
            family_name=_cell(row, "family_name"),
            other_names=_cell(row, "other_names"),
            date_of_birth=dob,
            date_of_birth_precision=precision,
            sex=sex or Sex.UNKNOWN,
            ethnicity=_cell(row, "ethnicity"),
            nhs_number=nhs_number_normalise(nhs),
            upn=upn,
            police_ids="" if ";" in pnc else pnc,
            la_child_id=_cell(row, "la_child_id")[:20],
            postcode=_cell(row, "postcode"),
        ),
    )


def _people_write(ctx: _ExtractContext, rows: list[_PersonRow]) -> list[tuple[_PersonRow, str | RowError]]:
    """Write validated people rows in bulk: each agency's record created or brought up to date (keeping what it
    said before), a child record joining a known child only where a hard identifier agrees, otherwise a new
    child, both through the children app's services. Returns each row's outcome, or the rule it broke."""
    run = ctx.run
    existing: dict[tuple[int, str], PersonRecord] = {}
    by_agency: dict[int, list[str]] = {}
    for person in rows:
        by_agency.setdefault(person.agency.pk, []).append(person.record_id)
    for agency_id, record_ids in by_agency.items():
        for held in PersonRecord.objects.filter(agency_id=agency_id, record_id__in=record_ids):
            existing[(agency_id, held.record_id)] = held
    needs_child = [
        p.described
        for p in rows
        if p.person_type == PersonType.CHILD
        and (existing.get((p.agency.pk, p.record_id)) is None or existing[(p.agency.pk, p.record_id)].child_id is None)
    ]
    identifiers = _Identifiers(ctx, needs_child)
    results: list[tuple[_PersonRow, str | RowError]] = []
    # New records as plain rows (building a PersonRecord for each cost more than its INSERT); the few updates
    # as the instances read above.
    creates: list[dict[str, Any]] = []
    updates: list[PersonRecord] = []
    new_children: list[tuple[AgencyChild, NewChild]] = []
    attached: list[tuple[Child | NewChild, AgencyChild]] = []
    for person in rows:
        data = dict(person.row.values)
        record = existing.get((person.agency.pk, person.record_id))
        child_id = None if record is None else record.child_id
        if record is None:
            outcome = CREATED
        else:
            outcome = _history_update(record, data, run.batch)
            if record.person_type != person.person_type:
                record.person_type = person.person_type
                outcome = UPDATED
        if person.person_type == PersonType.CHILD and child_id is None:
            try:
                child = identifiers.match(person.described)
            except RowError as error:
                results.append((person, error))
                continue
            if child is None:
                child = person.described.new_child()
                new_children.append((person.described, child))
                identifiers.add(child)
            else:
                attached.append((child, person.described))
            child_id = child.pk
            run.children.add(child_id)
            if outcome == UNCHANGED:
                outcome = UPDATED
        if record is None:
            creates.append(
                {
                    "agency_id": person.agency.pk,
                    "record_id": person.record_id,
                    "person_type": person.person_type,
                    "data": data,
                    "child_id": child_id,
                    "batch_id": run.batch.pk,
                }
            )
        elif outcome == UPDATED:
            record.child_id = child_id
            updates.append(record)
        results.append((person, outcome))
    if new_children:
        children_record_from_agencies(
            actor=run.user, described=[d for d, _ in new_children], children=[c for _, c in new_children]
        )
    # A record that a child made earlier in this chunk holds attaches to that child as now written.
    just_made = Child.objects.in_bulk([c.pk for c, _ in attached if isinstance(c, NewChild)])
    children_attach_agency_records(
        actor=run.user,
        attached=[(c if isinstance(c, Child) else just_made[c.pk], d) for c, d in attached],
    )
    rows_insert(PersonRecord, creates)
    PersonRecord.objects.bulk_update(updates, ["data", "history", "batch", "person_type", "child"], batch_size=2000)
    # A record no child holds is found by its own keys (ids made by the database: read the records back).
    unheld = {
        (r["agency_id"], r["record_id"])
        for r in creates
        if r["person_type"] == PersonType.CHILD and r["child_id"] is None
    }
    written = []
    if unheld:
        written = [
            r
            for r in PersonRecord.objects.filter(
                agency__in={agency_id for agency_id, _ in unheld}, record_id__in=[record_id for _, record_id in unheld]
            )
            if (r.agency_id, r.record_id) in unheld
        ]
    if written or updates:
        linkage.search_keys_refresh(records=[*written, *updates])
    return results


def _people_apply(ctx: _ExtractContext, items: list[tuple[str, RawRow]]) -> None:
    """Apply a chunk of people rows in bulk; a row that breaks a rule is kept aside, the others go in."""
    run = ctx.run
    valid: list[_PersonRow] = []
    today = timezone.localdate()
    for file_name, row in items:
        try:
            if row.problem is not None:
                raise row.problem
            valid.append(_person_validate(ctx, row, file_name, today))
        except RowError as error:
            _keep_aside(run, file_name, row, error.column, error.reason)
    if not valid:
        return
    try:
        with transaction.atomic():
            results = _people_write(ctx, valid)
    except (ValidationError, IntegrityError):
        # A row broke a rule only the database knows: apply each alone, so only that one is kept aside.
        for person in valid:
            _apply_row(run, person.file_name, person.row, functools.partial(_person_write_alone, ctx, person))
        return
    for person, outcome in results:
        if isinstance(outcome, RowError):
            _keep_aside(run, person.file_name, person.row, outcome.column, outcome.reason)
        else:
            run.outcomes[outcome] += 1


def _person_write_one(ctx: _ExtractContext, person: _PersonRow) -> str:
    ((_, outcome),) = _people_write(ctx, [person])
    if isinstance(outcome, RowError):
        raise outcome
    return outcome


def _person_write_alone(ctx: _ExtractContext, person: _PersonRow, _row: RawRow) -> str:
    """A validated people row written on its own, as ``_apply_row`` calls it (with the row it already holds)."""
    return _person_write_one(ctx, person)


def _person_row(ctx: _ExtractContext, row: RawRow) -> str:
    """One people row alone (a corrected row imported again)."""
    return _person_write_one(ctx, _person_validate(ctx, row, ctx.file_name))


def _moment(row: RawRow, column: str, *, required: bool) -> datetime | None:
    text = _cell(row, column)
    if not text:
        if required:
            raise RowError(column, f"{column} is blank.")
        return None
    try:
        return iso_moment_parse(text)
    except ValueError as error:
        raise RowError(column, f"{column}: {error}.") from None


def _people(agency: Agency, row: RawRow, column: str) -> list[PersonRecord]:
    ids = [part.strip() for part in _cell(row, column).split(";") if part.strip()]
    records = {r.record_id: r for r in PersonRecord.objects.filter(agency=agency, record_id__in=ids)}
    unknown = [record_id for record_id in ids if record_id not in records]
    if unknown:
        raise RowError(
            column,
            f"{column} names {', '.join(unknown)}, which is in no people.csv from {agency.code} "
            "(in this extract or an earlier one).",
        )
    return [records[record_id] for record_id in ids]


def _subject_child(agency: Agency, row: RawRow, event_type: str) -> Child:
    subjects = _people(agency, row, "subject_record_id")
    if not subjects:
        raise RowError("subject_record_id", f"A {event_type} event needs the subject_record_id of the child.")
    subject = subjects[0]
    if subject.child is None:
        raise RowError("subject_record_id", f"{subject.record_id} is not a child's record, so it has no {event_type}.")
    return subject.child


def _place(row: RawRow) -> str:
    return ", ".join(
        part for part in (_cell(row, "place_name"), _cell(row, "place_address"), _cell(row, "place_postcode")) if part
    )[:300]


def _event_place(run: _Run, agency: Agency, row: RawRow, place_type: str) -> Place | None:
    """The place record an event's place columns name, written as the agency wrote them (joinedup.places)."""
    name, postcode = _cell(row, "place_name"), _cell(row, "place_postcode")
    if not (name or postcode):
        return None
    address = _cell(row, "place_address")
    return place_resolve(actor=run.user, agency=agency, name=name, postcode=postcode, address=address, kind=place_type)


def _names_of(records: Iterable[PersonRecord]) -> str:
    return "; ".join(record.display_name for record in records)[:300]


def _found_apply(run: _Run, agency: Agency, row: RawRow, child: Child, occurred_at: datetime) -> str:
    try:
        outcome = missing_found_import(
            actor=run.user,
            child=child,
            found_at=occurred_at,
            found_place=_place(row),
            found_with=_names_of(_people(agency, row, "other_record_ids")),
            source_key=f"{agency.code}:{_cell(row, 'event_id')}",
        )
    except NoEpisodeYet as waits:
        raise EventWaits("occurred_at", str(waits)) from None
    if outcome == UPDATED:
        run.children.add(child.pk)
    return outcome


def _interview_apply(
    run: _Run, agency: Agency, row: RawRow, child: Child, occurred_at: datetime, place: Place | None = None
) -> str:
    """``place``: the place record the row's place columns name (``_event_place``), where the child was."""
    words = _cell(row, "summary")
    if not words:
        raise RowError("summary", "summary is blank: a return interview needs what the child said.")
    try:
        outcome = return_interview_import(
            actor=run.user,
            child=child,
            held_at=occurred_at,
            childs_words=words,
            source_key=f"{agency.code}:{_cell(row, 'event_id')}",
            place=place,
            place_name=_place(row),
        )
    except NoEpisodeYet as waits:
        raise EventWaits("occurred_at", str(waits)) from None
    except ValidationError as error:
        raise RowError("occurred_at", " ".join(error.messages)) from None
    if outcome == UPDATED:
        run.children.add(child.pk)
    return outcome


def _event_row(ctx: _ExtractContext, row: RawRow) -> str:
    run = ctx.run
    formula_check(row.values, handle_columns=HANDLE_COLUMNS)
    agency = ctx.agency(row)
    event_id = _cell(row, "event_id")
    if not event_id:
        raise RowError("event_id", "event_id is blank.")
    _id_length_check("event_id", event_id)
    ctx.once("events", agency, event_id, "event_id", row)
    event_type = _cell(row, "event_type").lower()
    if event_type not in EVENT_TYPES:
        raise RowError("event_type", f"event_type {event_type!r} is not one of {', '.join(EVENT_TYPES)}.")
    occurred_at = _moment(row, "occurred_at", required=True)
    assert occurred_at is not None  # noqa: S101 - required
    ended_at = _moment(row, "ended_at", required=False)
    if ended_at is not None and ended_at < occurred_at:
        raise RowError("ended_at", "ended_at is before occurred_at: the end must come after the start.")
    place_type = _cell(row, "place_type").lower()
    if place_type and place_type not in PLACE_TYPES:
        raise RowError("place_type", f"place_type {place_type!r} is not one of {', '.join(PLACE_TYPES)}.")
    for column, limit in (("latitude", 90), ("longitude", 180)):
        if _cell(row, column):
            try:
                number = float(_cell(row, column))
            except ValueError:
                raise RowError(column, f"{column} must be a number of decimal degrees.") from None
            if not -limit <= number <= limit:
                raise RowError(column, f"{column} must be between -{limit} and {limit}.")
    _people(agency, row, "subject_record_id")
    others = _people(agency, row, "other_record_ids")
    data = dict(row.values)
    record = EventRecord.objects.select_for_update().filter(agency=agency, event_id=event_id).first()
    if record is None:
        record = EventRecord(agency=agency, event_id=event_id, event_type=event_type, data=data, batch=run.batch)
        outcome = CREATED
    else:
        outcome = _history_update(record, data, run.batch)
        record.event_type = event_type
    if outcome != UNCHANGED or record.place_id is None:
        record.place = _event_place(run, agency, row, place_type)

    if event_type in EPISODE_EVENTS:
        child = _subject_child(agency, row, event_type)
        applied = _episode_save(
            run=run,
            child=child,
            agency=agency,
            source_key=f"{agency.code}:{event_id}",
            kind=EPISODE_EVENTS[event_type],
            started_at=occurred_at,
            returned_at=ended_at,
            start_column="occurred_at",
            end_column="ended_at",
            reported_by_name=f"{agency.name} extract"[:200],
            extra={"last_seen_place": _place(row), "last_seen_with": _names_of(others)},
        )
    elif event_type in ("found", "return_interview"):
        subject = _subject_child(agency, row, event_type)
        try:
            if event_type == "found":
                applied = _found_apply(run, agency, row, subject, occurred_at)
            else:
                # The interview points at the place the event's record does: one resolution of the row's place.
                applied = _interview_apply(run, agency, row, subject, occurred_at, record.place)
        except EventWaits as waits:
            record.waiting, record.waiting_column, record.waiting_row = waits.reason, waits.column, row.number
            record.waiting_file = ctx.file_name[:500]
            record.save()
            return WAITING
        record.waiting = ""
    else:
        record.save()
        return UNCHANGED if outcome == UNCHANGED else event_type
    record.save()
    if outcome == CREATED:
        return CREATED
    return UNCHANGED if outcome == UNCHANGED and applied == UNCHANGED else UPDATED


# Episodes first, then what happens during and after them, so an extract's order of rows does not matter.
_EVENT_ORDER = {"missing_episode": 0, "absent_episode": 0, "found": 1, "return_interview": 2}


def _event_sort_key(item: tuple[ExtractFile, RawRow]) -> tuple[int, str, str, int]:
    extract, row = item
    try:
        moment = iso_moment_parse(_cell(row, "occurred_at")).isoformat()
    except ValueError:
        moment = ""
    return (_EVENT_ORDER.get(_cell(row, "event_type").lower(), 3), moment, extract.name, row.number)


def _tables(files: list[ExtractFile]) -> list[tuple[ExtractFile, CsvTable]]:
    tables = []
    for extract in files:
        required = PEOPLE_REQUIRED if extract.table_kind == PEOPLE_FILE else EVENTS_REQUIRED
        tables.append(
            (
                extract,
                csv_read(
                    extract.content,
                    file_name=extract.name,
                    required=required,
                    normalise=lambda c: c.strip().lower(),
                    allow_empty=extract.table_kind == EVENTS_FILE,
                ),
            )
        )
        rows_cap_check(extract.name, len(tables[-1][1].rows))
    return tables


def _extract_import_require(user: User, register_agencies: bool) -> None:
    if not permissions.can_import(user):
        raise PermissionDenied
    if register_agencies and not permissions.can_register_agencies(user):
        raise PermissionDenied


def agency_extract_import(
    *,
    user: User,
    path_or_files: str | Path | Sequence[str | Path] | Mapping[str, bytes],
    register_agencies: bool = False,
    refresh: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportBatch:
    """Import one or more agency extracts (see the shared spec): people, then events, in one batch.

    ``progress(done, total)`` is called after each chunk of rows (and each chunk commits on its own).

    Once the import is committed, record linkage and then the mapping refresh run in the worker
    (``refresh=False`` for a caller that runs them itself, as the demo generator does).
    Raises ImportFileError when a file as a whole cannot be read; nothing is written then.
    """
    _extract_import_require(user, register_agencies)
    files = extract_files_collect(path_or_files)
    tables = _tables(files)
    digest = hashlib.sha256()
    for extract in sorted(files, key=lambda f: f.name):
        digest.update(f"{extract.name}\0{_sha256(extract.content)}\n".encode())
    people = [(extract, row) for extract, table in tables if extract.table_kind == PEOPLE_FILE for row in table.rows]
    events = [(extract, row) for extract, table in tables if extract.table_kind == EVENTS_FILE for row in table.rows]
    events.sort(key=_event_sort_key)
    rows = [(extract, row, _person_row) for extract, row in people]
    rows += [(extract, row, _event_row) for extract, row in events]
    total = len(rows)
    # At once, one transaction; in the worker (``progress`` given), a transaction for each chunk of rows, so
    # the progress shows. Rows are idempotent, so an import stopped half way is finished by importing the
    # same files again.
    with transaction.atomic() if progress is None else contextlib.nullcontext():
        with transaction.atomic():
            codes = {_cell(row, "agency").upper() for _, row, _ in rows}
            agency = Agency.objects.filter(code__iexact=codes.pop()).first() if len(codes) == 1 else None
            batch = _batch_start(
                user=user,
                kind=ImportKind.AGENCY_EXTRACT,
                name=", ".join(extract.name for extract in files),
                sha256=digest.hexdigest(),
                agency=agency,
            )
            run = _Run(batch=batch, user=user)
            ctx = _ExtractContext(run, register_agencies)
        counts = functools.partial(_counts_commit, run)
        for chunk in chunks_committed_timed(
            rows,
            progress,
            chunk=PROGRESS_CHUNK,
            committed=counts,
            first=EXTRACT_FIRST_PIECE,
            seconds=EXTRACT_CHUNK_SECONDS,
            kind=lambda row: row[2],
        ):
            chunk_people = [(extract.name, row) for extract, row, apply in chunk if apply is _person_row]
            for first in range(0, len(chunk_people), PEOPLE_CHUNK):
                _people_apply(ctx, chunk_people[first : first + PEOPLE_CHUNK])
            for extract, row, apply in chunk:
                if apply is not _person_row:
                    ctx.file_name = extract.name
                    _apply_row(run, extract.name, row, functools.partial(apply, ctx))
        with transaction.atomic():
            batch = _finish(run, total)
            if refresh and (batch.created or batch.updated):
                _linkage_and_mapping_enqueue(user)
    return batch


def agency_extract_import_request(*, user: User, files: Mapping[str, bytes], register_agencies: bool = False) -> Job:
    """Queue a large extract for the worker, which imports it with progress the user can watch (``queued``).

    Raises ImportFileError now for files that cannot be read as an extract, as the import at once does.
    """
    from .tasks import agency_extract_import_task

    _extract_import_require(user, register_agencies)
    _tables(extract_files_collect(files))
    return import_queue(
        user=user,
        kind=JobKind.EXTRACT_IMPORT,
        files=files,
        enqueue=lambda job_id: agency_extract_import_task.enqueue(job_id, register_agencies),
        payload={"register_agencies": register_agencies},
    )


def agency_extract_import_job_run(*, job_id: UUID | str, register_agencies: bool = False) -> Job:
    """The worker's half of ``agency_extract_import_request``."""
    return import_job_run(
        job_id=job_id,
        run=lambda user, files, progress: agency_extract_import(
            user=user, path_or_files=files, register_agencies=register_agencies, progress=progress
        ),
    )


def _linkage_and_mapping_enqueue(user: User) -> None:
    from django.apps import apps

    if not apps.is_installed("joinedup.linkage"):
        return
    from joinedup.linkage.tasks import linkage_after_import_task

    transaction.on_commit(lambda: linkage_after_import_task.enqueue(user.pk))


# --- Events that wait for linkage -------------------------------------------------------------


def waiting_events_apply(*, child_ids: Iterable[UUID], actor: User | None = None) -> int:
    """Apply the imported events that were waiting for these children's records to meet (after a join).

    Each is applied as its importer would have, in its own savepoint; one that still cannot be placed keeps
    waiting; one that is now found wrong in itself is kept aside in its batch with the reason. Returns how
    many were applied.
    """
    subjects = {
        (agency_id, record_id): child_id
        for agency_id, record_id, child_id in PersonRecord.objects.filter(child_id__in=list(child_ids)).values_list(
            "agency_id", "record_id", "child_id"
        )
    }
    if not subjects:
        return 0
    waiting = []
    for event in EventRecord.objects.exclude(waiting="").select_related("agency", "batch__imported_by"):
        first = next((p.strip() for p in str(event.data.get("subject_record_id", "")).split(";") if p.strip()), "")
        if (event.agency_id, first) in subjects and event.batch is not None:
            waiting.append((event, subjects[(event.agency_id, first)]))
    waiting.sort(
        key=lambda item: _event_sort_key((ExtractFile(item[0].waiting_file, EVENTS_FILE, b""), _raw_of(item[0])))
    )
    applied = 0
    for event, child_id in waiting:
        batch = event.batch
        assert batch is not None  # noqa: S101 - filtered above
        run = _Run(batch=batch, user=batch.imported_by)
        ctx = _ExtractContext(run, register_agencies=False)
        ctx.file_name = event.waiting_file
        try:
            with transaction.atomic():
                outcome = _event_row(ctx, _raw_of(event))
        except RowError as error:
            with transaction.atomic():
                RejectedRow.objects.create(
                    batch=batch,
                    file_name=event.waiting_file,
                    row_number=event.waiting_row or 0,
                    column=error.column,
                    reason=error.reason,
                    raw=event.data,
                )
                EventRecord.objects.filter(pk=event.pk).update(waiting="")
            continue
        if outcome == WAITING:
            continue
        applied += 1
        audit_record(
            actor=actor or batch.imported_by,
            kind=AuditKind.EVENT_APPLIED,
            child_id=child_id,
            object_type="event_record",
            object_id=str(event.pk),
            reason=f"{event.agency.code} event {event.event_id}, waiting since its import, applied once linkage "
            "joined the records",
        )
    return applied


def _raw_of(event: EventRecord) -> RawRow:
    return RawRow(number=event.waiting_row or 0, values={k: str(v) for k, v in event.data.items()})
