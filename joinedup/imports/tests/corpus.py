"""The malformed-import corpus: bad files made from valid synthetic ones, imported through the upload pages, and
the checks every one of them must pass.

Each case is one bad upload (an agency extract or an SSDA903 missing table) made from a clean synthetic file by
one mutation: truncated, another encoding, byte-order marks, missing and extra columns and cells, formula text,
oversized fields, duplicates, impossible and out-of-range dates, empty, header only, binary junk, very long
lines. The generator knows, for every data row, whether it stays valid and, if not, the column at fault; the
platform's answer is then checked against that:

- every valid row is live (its record or episode holds exactly what the row said);
- no invalid row is live;
- every invalid row is kept aside in the batch with its file, row number (the header is row 1), column and a
  reason, and nothing else is kept aside; or the whole file is refused with the expected reason and nothing of it
  is written;
- no page answers 5xx and no exception escapes.

Used by ``reliability/malformed_imports.py`` (the whole corpus, with a file of a million rows) and by
``test_malformed_corpus.py`` (a sample of every mutation, in CI). Synthetic data only.
"""

import csv
import io
import random
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.children.models import Child, Involvement
from joinedup.imports.models import EventRecord, ImportBatch, PersonRecord, RejectedRow
from joinedup.imports.parsers import london_midnight
from joinedup.jobs.models import Job, JobStatus
from joinedup.missing.models import MissingEpisode

PEOPLE_COLUMNS = [
    "record_id",
    "agency",
    "person_type",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "phones",
    "email",
    "nhs_number",
    "upn",
    "pnc_id",
    "la_child_id",
    "ethnicity",
    "recorded_at",
]
EVENTS_COLUMNS = [
    "event_id",
    "agency",
    "event_type",
    "occurred_at",
    "ended_at",
    "subject_record_id",
    "other_record_ids",
    "place_name",
    "place_type",
    "place_address",
    "place_postcode",
    "latitude",
    "longitude",
    "vehicles",
    "phones",
    "online_handles",
    "grading",
    "summary",
]
SSDA903_COLUMNS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
# Names a Windows (cp1252) or Latin-1 export can hold, so those encodings are tried on text that is not ASCII.
GIVEN = ["Zoë", "Siân", "Chloé", "Renée", "Kayleigh", "Tyler", "Aaliyah", "Oskar", "Niamh", "Jayden", "Inès"]
FAMILY = ["Marsh", "O'Neill", "Okafor", "Brontë", "Nuñez", "Coulter", "Haldane", "Åberg", "Kowalski"]
IMPORT_TASKS = {
    "joinedup.imports.tasks.agency_extract_import_task",
    "joinedup.imports.tasks.ssda903_missing_import_task",
}
PASSWORD = "corpus-pass-1234"


# --- What a case holds ------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row of a file, as the generator knows it: valid, or invalid in ``column``."""

    kind: str  # person, event or episode
    cells: list[str]
    valid: bool = True
    column: str = ""
    # An identical earlier row is live, so this row's values are live through it.
    shadowed: bool = False
    blank_before: int = 0


@dataclass
class Table:
    name: str  # the upload's name, as the batch records it
    header: list[str]
    rows: list[Row]
    terminator: str = "\r\n"
    upper: bool = False  # SSDA903 reads column names in upper case, the extract in lower case

    def render(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=self.terminator)
        writer.writerow(self.header)
        for row in self.rows:
            for _ in range(row.blank_before):
                out.write(self.terminator)
            writer.writerow(row.cells)
        return out.getvalue().encode("utf-8")

    def numbered(self) -> list[tuple[int, Row]]:
        """Each row with its number as a spreadsheet shows it (header row 1; blank lines count)."""
        number, out = 1, []
        for row in self.rows:
            number += 1 + row.blank_before
            out.append((number, row))
        return out

    def values(self, row: Row) -> dict[str, str]:
        names = [h.strip().upper() if self.upper else h.strip().lower() for h in self.header]
        return {name: (row.cells[i] if i < len(row.cells) else "") for i, name in enumerate(names)}


@dataclass
class Case:
    number: int
    mutation: str
    route: str  # extract or ssda903
    tables: list[Table]
    # Bytes to upload by name; rendered from the tables unless a mutation changed them.
    uploads: dict[str, bytes] = field(default_factory=dict)
    refused: bool = False  # the whole upload is refused, nothing of it written
    refusal: str = ""  # with a message holding this
    repeat: int = 1  # imported this many times (the same file twice changes nothing)
    max_rows: int | None = None  # IMPORT_MAX_ROWS while it is imported

    def files(self) -> dict[str, bytes]:
        return self.uploads or {t.name: t.render() for t in self.tables}


@dataclass
class Result:
    case: Case
    problems: list[str] = field(default_factory=list)
    valid_rows: int = 0
    valid_live: int = 0
    invalid_rows: int = 0
    invalid_live: int = 0
    rejections: int = 0
    rejections_located: int = 0
    rejections_named: int = 0  # naming a column (a row with too many cells is at fault as a whole)
    refused: bool = False
    status: int = 0


# --- The world the corpus imports into ----------------------------------------------------------------------------


@dataclass
class World:
    coordinator: User
    agencies: dict[str, Agency]
    ssda903_children: dict[int, list[Child]] = field(default_factory=dict)


def world_make() -> World:
    agencies = {
        "POL": Agency.objects.get_or_create(code="POL", defaults={"name": "Corpus police", "kind": AgencyKind.POLICE})[
            0
        ],
        "CSC": Agency.objects.get_or_create(
            code="CSC", defaults={"name": "Corpus social care", "kind": AgencyKind.CHILDRENS_SOCIAL_CARE}
        )[0],
    }
    from joinedup.accounts.models import Role

    coordinator = User.objects.create_user(username="corpus-coordinator", password=PASSWORD, agency=agencies["CSC"])
    coordinator.roles.set([Role.objects.get_or_create(code=RoleCode.COORDINATOR)[0]])
    return World(coordinator=coordinator, agencies=agencies)


def _ssda903_children(world: World, number: int) -> list[Child]:
    """Three children of the case's own, so no case's episodes clash with another's."""
    if number not in world.ssda903_children:
        agency = world.agencies["CSC"]
        children = []
        for j in range(3):
            child = Child.objects.create(
                given_name=GIVEN[(number + j) % len(GIVEN)],
                family_name=FAMILY[(number * 3 + j) % len(FAMILY)],
                date_of_birth=date(2009 + j, 1 + number % 12, 1 + (number + j) % 28),
                la_child_id=f"S{number:04d}-{j}",
                owning_agency=agency,
                created_by=world.coordinator,
                looked_after=True,
            )
            Involvement.objects.create(child=child, agency=agency)
            children.append(child)
        world.ssda903_children[number] = children
    return world.ssda903_children[number]


# --- Clean synthetic files ------------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def extract_tables(number: int, rng: random.Random) -> list[Table]:
    """A clean extract of one agency: people (two children, an adult of concern, then others) and events
    about the first three (episodes, found, sightings, concerns)."""
    code = "POL" if number % 2 else "CSC"
    prefix = f"K{number:04d}"
    people = []
    count = 8 + rng.randrange(5)
    for i in range(count):
        person_type = (
            "child" if i < 2 else "adult_of_concern" if i == 2 else rng.choice(["child", "parent_carer", "other"])
        )
        dob = f"{2008 + rng.randrange(7)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        if person_type != "child":
            dob = rng.choice([str(1970 + rng.randrange(30)), f"{1980 + rng.randrange(10)}-0{1 + rng.randrange(9)}"])
        people.append(
            Row(
                "person",
                [
                    f"{prefix}-R{i:02d}",
                    code,
                    person_type,
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    rng.choice(["", "Kay", "Deano;D"]),
                    dob,
                    rng.choice("FMXU"),
                    rng.choice(["NB4 2QT", "nb1 7hx", ""]),
                    rng.choice(["14 Tanner Row", "", "Flat 2, 31 Mill Lane"]),
                    rng.choice(["07700 900123", "+44 7700 900456", ""]),
                    "",
                    "",
                    "",
                    "",
                    f"{prefix}-{i}" if person_type == "child" else "",
                    rng.choice(["White British", "Black British", ""]),
                    "2026-10-02T09:14:00",
                ],
            )
        )
    start = datetime(2025, 1, 1, 18, 30, tzinfo=UTC) + timedelta(days=number % 600)
    child_a, child_b, adult = (f"{prefix}-R{i:02d}" for i in range(3))
    events = [
        _event(prefix, 1, code, "missing_episode", _iso(start), _iso(start + timedelta(hours=13)), child_a, adult),
        _event(prefix, 2, code, "found", _iso(start + timedelta(hours=13)), "", child_a, adult, place="hotel"),
        _event(
            prefix, 3, code, "absent_episode", _iso(start + timedelta(days=2)), _iso(start + timedelta(days=3)), child_b
        ),
        _event(prefix, 4, code, "sighting", _iso(start + timedelta(days=5)), "", child_b, adult, place="takeaway"),
        _event(prefix, 5, code, "concern", (start + timedelta(days=6)).date().isoformat(), "", child_a),
    ]
    for n in range(6, 6 + rng.randrange(4)):
        events.append(
            _event(prefix, n, code, rng.choice(["sighting", "concern", "stop_search"]), _iso(start), "", child_b)
        )
    return [Table("people.csv", list(PEOPLE_COLUMNS), people), Table("events.csv", list(EVENTS_COLUMNS), events)]


def _event(
    prefix: str,
    n: int,
    code: str,
    event_type: str,
    occurred: str,
    ended: str,
    subject: str,
    other: str = "",
    place: str = "",
) -> Row:
    return Row(
        "event",
        [
            f"{prefix}-E{n:02d}",
            code,
            event_type,
            occurred,
            ended,
            subject,
            other,
            "Station Hotel" if place == "hotel" else "Mill Lane Grill" if place else "",
            place,
            "2 Station Approach" if place else "",
            "NB1 1AA" if place else "",
            "53.8012" if place else "",
            "-1.5491" if place else "",
            "YX19 KLM" if place else "",
            "",
            "",
            "2 B P" if place else "",
            f"Seen near {place or 'home'}; carer told.",
        ],
    )


def ssda903_table(world: World, number: int, rng: random.Random) -> Table:
    """A clean SSDA903 missing table for the case's three children: two returned episodes each, and the
    last child still missing."""
    rows = []
    for j, child in enumerate(_ssda903_children(world, number)):
        assert child.date_of_birth is not None
        day = date(2024, 2, 1) + timedelta(days=rng.randrange(200))
        for episode in range(2 if j < 2 else 3):
            end = day + timedelta(days=rng.randrange(3))
            as_ymd = rng.random() < 0.2
            cells = [
                child.la_child_id,
                child.date_of_birth.isoformat() if as_ymd else child.date_of_birth.strftime("%d/%m/%Y"),
                rng.choice(["M", "A", "m"]),
                day.strftime("%d/%m/%Y"),
                "" if (j == 2 and episode == 2) else end.strftime("%d/%m/%Y"),
            ]
            rows.append(Row("episode", cells))
            day = end + timedelta(days=5 + rng.randrange(20))
    return Table(f"case-{number:04d}-ssda903.csv", list(SSDA903_COLUMNS), rows, upper=True)


# --- Mutations ----------------------------------------------------------------------------------------------------

Mutation = Callable[[Case, random.Random], None]


def _target(case: Case, rng: random.Random) -> Table:
    """The table a row mutation changes: SSDA903's one, or an extract's events or people."""
    return case.tables[0] if case.route == "ssda903" else case.tables[rng.randrange(2)]


def _mutable_rows(table: Table) -> list[int]:
    """Rows whose loss breaks no other row: an extract's events are named by nobody, and its people from the
    fourth on are named by no event."""
    return list(range(3, len(table.rows))) if table.name == "people.csv" else list(range(len(table.rows)))


def _pick(table: Table, rng: random.Random) -> Row:
    return table.rows[rng.choice(_mutable_rows(table))]


def _invalid(row: Row, column: str) -> None:
    row.valid, row.column = False, column


def _column_of(table: Table, name: str) -> int:
    return table.header.index(name)


def _set(table: Table, row: Row, name: str, value: str) -> None:
    row.cells[_column_of(table, name)] = value


def _ids_column(table: Table) -> str:
    return {"people.csv": "record_id", "events.csv": "event_id"}.get(table.name, "CHILD")


def _refuse_all(case: Case, message: str) -> None:
    case.refused, case.refusal = True, message
    for table in case.tables:
        for row in table.rows:
            row.valid = False


def m_control(case: Case, rng: random.Random) -> None:
    """No mutation: the clean file, to show that the checks pass on good input."""


def m_truncated_mid_row(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    if table.name == "people.csv":
        table.rows = table.rows[: max(4, len(table.rows) - rng.randrange(3))]
    last = table.rows[-1]
    text = table.render()
    line_start = text.rstrip(b"\r\n").rfind(b"\n") + 1
    body = text[line_start:].rstrip(b"\r\n")
    # Cut inside the row, after its id and before its last separator: the row is short of cells.
    commas = [i for i, byte in enumerate(body) if byte == ord(",")]
    cut = rng.randrange(commas[0] + 1, commas[-1])
    cut_text = body[:cut].decode("utf-8", errors="ignore")
    cells = next(csv.reader([cut_text]))
    _invalid(last, table.header[len(cells)])
    case.uploads = {t.name: t.render() for t in case.tables}
    case.uploads[table.name] = text[:line_start] + cut_text.encode()


def m_truncated_at_row_end(case: Case, rng: random.Random) -> None:
    """Cut at the end of a row: what is left is whole, and goes in."""
    table = _target(case, rng)
    keep = rng.randrange(4, len(table.rows)) if table.name == "people.csv" else rng.randrange(1, len(table.rows))
    table.rows = table.rows[:keep]


def m_truncated_mid_header(case: Case, rng: random.Random) -> None:
    table = case.tables[0]
    case.uploads = {t.name: t.render() for t in case.tables}
    case.uploads[table.name] = b"record_id,agency,pers" if case.route == "extract" else b"CHILD,DO"
    _refuse_all(case, "missing the column")


def _encoded(case: Case, rng: random.Random, encoding: str, message: str) -> None:
    table = _target(case, rng)
    if case.route == "ssda903":
        # The CHILD ids are ASCII: a carer's note in a name-like column would be refused anyway; put one
        # accented id in, as a Windows export of a hand-kept table would have it.
        row = table.rows[0]
        row.cells[0] = row.cells[0] + "é"
    else:
        table.rows[0].cells[-1] = "Zoë's carer called."
    case.uploads = {t.name: t.render() for t in case.tables}
    case.uploads[table.name] = table.render().decode("utf-8").encode(encoding)
    _refuse_all(case, message)


def m_cp1252(case: Case, rng: random.Random) -> None:
    _encoded(case, rng, "cp1252", "not saved as UTF-8 text (the first problem is on line 2)")


def m_latin1(case: Case, rng: random.Random) -> None:
    _encoded(case, rng, "latin-1", "not saved as UTF-8 text (the first problem is on line 2)")


def m_utf16(case: Case, rng: random.Random) -> None:
    _encoded(case, rng, "utf-16", "saved as UTF-16")


def m_utf16_without_bom(case: Case, rng: random.Random) -> None:
    _encoded(case, rng, rng.choice(["utf-16-le", "utf-16-be"]), "not saved as UTF-8 text")


def m_utf8_bom(case: Case, rng: random.Random) -> None:
    """Excel's "CSV UTF-8" starts with a byte-order mark: every row goes in."""
    case.uploads = {t.name: b"\xef\xbb\xbf" + t.render() for t in case.tables}


def m_double_bom(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    case.uploads = {t.name: t.render() for t in case.tables}
    case.uploads[table.name] = b"\xef\xbb\xbf\xef\xbb\xbf" + table.render()
    _refuse_all(case, "missing the column")


def m_bom_mid_file(case: Case, rng: random.Random) -> None:
    """A byte-order mark glued to a row's first cell (two files joined together): that row's id changes."""
    table = _target(case, rng)
    row = _pick(table, rng)
    row.cells[0] = "\ufeff" + row.cells[0]
    if case.route == "ssda903":
        _invalid(row, "CHILD")  # no child has that id


def m_missing_required_column(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    required = {"people.csv": ["record_id", "agency", "person_type"], "events.csv": ["event_id", "event_type"]}
    name = rng.choice(required.get(table.name, SSDA903_COLUMNS))
    index = _column_of(table, name)
    table.header.pop(index)
    for row in table.rows:
        row.cells.pop(index)
    _refuse_all(case, f"missing the column {name}")


def m_missing_optional_column(case: Case, rng: random.Random) -> None:
    """An extract may leave out columns that are not required: rows go in without them."""
    if case.route == "ssda903":
        m_missing_required_column(case, rng)
        return
    table = _target(case, rng)
    name = rng.choice(["given_name", "address", "ethnicity"] if table.name == "people.csv" else ["summary", "grading"])
    index = _column_of(table, name)
    table.header.pop(index)
    for row in table.rows:
        row.cells.pop(index)


def m_extra_column(case: Case, rng: random.Random) -> None:
    """An extract keeps an unknown column with the record; the SSDA903 table has exactly its five."""
    table = _target(case, rng)
    table.header.append(rng.choice(["case_worker", "PLACE", "notes"]))
    for row in table.rows:
        row.cells.append(rng.choice(["", "team 3", "seen twice"]))
    if case.route == "ssda903":
        _refuse_all(case, "this table does not have")


def m_repeated_column(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    table.header.append(table.header[1])
    for row in table.rows:
        row.cells.append(row.cells[1])
    _refuse_all(case, "more than once")


def m_blank_column_name(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    table.header.append("")
    for row in table.rows:
        row.cells.append("x")
    _refuse_all(case, "column with no name")


def m_extra_cells(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    for _ in range(1 + rng.randrange(2)):
        row = _pick(table, rng)
        row.cells += ["surplus"] * (1 + rng.randrange(3))
        _invalid(row, "")  # the whole row is at fault; the reason gives the cell counts


def m_missing_cells(case: Case, rng: random.Random) -> None:
    """A row short of cells (its end lost): kept aside, naming the first column it lacks."""
    table = _target(case, rng)
    row = _pick(table, rng)
    keep = rng.randrange(3, len(table.header)) if case.route == "extract" else rng.randrange(2, 5)
    row.cells = row.cells[:keep]
    _invalid(row, table.header[keep])


FORMULAS = ['=HYPERLINK("http://example.invalid","open")', "+cmd|' /C calc'!A0", "-2+3+cmd", "@SUM(A1:A9)", "=1+1"]


def m_formula(case: Case, rng: random.Random) -> None:
    _formula_in(_target(case, rng), rng)


def _formula_in(table: Table, rng: random.Random) -> None:
    row = _pick(table, rng)
    choices = {
        "people.csv": ["given_name", "family_name", "address", "ethnicity", "other_names"],
        "events.csv": ["summary", "place_name", "grading", "vehicles"],
    }.get(table.name, ["CHILD", "MISSING"])
    name = rng.choice(choices)
    _set(table, row, name, rng.choice(FORMULAS))
    _invalid(row, name)


def m_formula_lookalike(case: Case, rng: random.Random) -> None:
    """Signs that are not formulas (a phone number, a negative number, handles): the rows go in."""
    if case.route == "ssda903":
        m_formula(case, rng)
        return
    table = case.tables[1]
    for row in table.rows:
        _set(table, row, "phones", "+44 7700 900123")
        _set(table, row, "longitude", "-1.5491")
        _set(table, row, "online_handles", "@kay_x;@dean99")
        _set(table, row, "summary", "Seen with two adults - one older")


def m_oversized_field(case: Case, rng: random.Random) -> None:
    """Long free text is kept whole; an id longer than the platform holds is kept aside."""
    table = _target(case, rng)
    row = _pick(table, rng)
    if case.route == "ssda903":
        row.cells[0] = "S" * rng.choice([500, 5000, 100_000])
        _invalid(row, "CHILD")
        return
    if rng.random() < 0.5:
        name = _ids_column(table)
        row.cells[_column_of(table, name)] = row.cells[_column_of(table, name)] + "9" * rng.choice([101, 5000])
        _invalid(row, name)
    else:
        name = "address" if table.name == "people.csv" else "summary"
        _set(table, row, name, "Long note. " * rng.choice([1000, 10_000]))


def m_field_over_csv_limit(case: Case, rng: random.Random) -> None:
    """One cell longer than the CSV reader takes (128 KiB): the file is refused, saying so."""
    table = _target(case, rng)
    row = _pick(table, rng)
    row.cells[-1] = "x" * (140_000 + rng.randrange(10_000))
    _refuse_all(case, "could not be read as CSV")


def m_very_long_line(case: Case, rng: random.Random) -> None:
    """A line of thousands of cells (a row run together with the rest of a file): kept aside."""
    table = _target(case, rng)
    row = _pick(table, rng)
    row.cells += [f"run-on {n}" for n in range(rng.choice([2000, 20_000]))]
    _invalid(row, "")


def m_duplicate_id(case: Case, rng: random.Random) -> None:
    """The same id twice in one file, the second row saying something else: the second is kept aside."""
    table = _target(case, rng)
    original = _pick(table, rng)
    copy = Row(original.kind, list(original.cells))
    if case.route == "ssda903":
        copy.cells[4] = (_dmy(copy.cells[3]) + timedelta(days=1)).strftime("%d/%m/%Y")
        if copy.cells[4] == original.cells[4]:
            copy.cells[4] = ""
        column = "MIS_START"
    else:
        column = _ids_column(table)
        copy.cells[-1 if table.name == "events.csv" else 3] += " (second)"
    _invalid(copy, column)
    table.rows.insert(table.rows.index(original) + 1 + rng.randrange(2), copy)


def m_duplicate_row(case: Case, rng: random.Random) -> None:
    """The same row twice, as a file pasted into itself: the second is kept aside, the first is live."""
    table = _target(case, rng)
    original = _pick(table, rng)
    copy = Row(original.kind, list(original.cells), shadowed=True)
    _invalid(copy, "MIS_START" if case.route == "ssda903" else _ids_column(table))
    table.rows.append(copy)


def m_duplicate_file(case: Case, rng: random.Random) -> None:
    """The same file imported twice: the second time changes nothing."""
    case.repeat = 2


def m_impossible_date(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    row = _pick(table, rng)
    if case.route == "ssda903":
        name = rng.choice(["MIS_START", "DOB"] + (["MIS_END"] if row.cells[4] else []))
        value = rng.choice(["30/02/2025", "31/04/2025", "29/02/2023", "00/01/2025", "12/13/2025", "2025-02-30", "soon"])
    elif table.name == "people.csv":
        name = rng.choice(["date_of_birth", "recorded_at"])
        value = rng.choice(["2011-02-30", "2011-13", "20110405", "2026-02-30T10:00:00", "0000", "2011-04-05T25:00"])
        if name == "date_of_birth" and "T" in value:
            value = "2011-02-29"
    else:
        name = rng.choice(["occurred_at", "ended_at"] if row.cells[4] else ["occurred_at"])
        value = rng.choice(["2026-02-30T10:00:00", "2026-10-01T24:30", "yesterday", "01/10/2026", "2026-10-01T18:61"])
    _set(table, row, name, value)
    _invalid(row, name)


def m_date_out_of_range(case: Case, rng: random.Random) -> None:
    """Real dates that cannot be: in the future, before the child was born, at the ends of the calendar,
    an end before its start."""
    table = _target(case, rng)
    if case.route == "ssda903":
        row = _pick(table, rng)
        option = rng.randrange(4)
        if option == 0:
            row.cells[3], row.cells[4], name = "01/01/2099", "", "MIS_START"
        elif option == 1:
            row.cells[3], row.cells[4], name = "01/01/1901", "02/01/1901", "MIS_START"
        elif option == 2 and row.cells[4]:
            row.cells[4], name = "01/01/2099", "MIS_END"
        else:
            start = _dmy(row.cells[3])
            row.cells[4], name = (start - timedelta(days=1)).strftime("%d/%m/%Y"), "MIS_END"
        _invalid(row, name)
        return
    if table.name == "people.csv":
        row = _pick(table, rng)
        _set(table, row, "date_of_birth", rng.choice(["2099-01-01", "9999-12-31", "2999"]))
        _invalid(row, "date_of_birth")
        return
    episodes = [r for r in table.rows if r.cells[2] in ("missing_episode", "absent_episode")]
    row = rng.choice(episodes)
    option = rng.randrange(5)
    if option == 0:
        row.cells[3], row.cells[4], name = "2099-01-01T10:00:00", "2099-01-02T10:00:00", "occurred_at"
    elif option == 1:
        row.cells[3], row.cells[4], name = "1901-01-01T10:00:00", "1901-01-02T10:00:00", "occurred_at"
    elif option == 2:
        row.cells[3], name = "0001-01-01T00:00:00+01:00", "occurred_at"
    elif option == 3:
        row.cells[4], name = "9999-12-31T23:59:59-05:00", "ended_at"
    else:
        row.cells[4], name = "2001-01-01T00:00:00", "ended_at"
    _invalid(row, name)
    # The found event during that episode no longer meets it: it waits, kept, and is still live.


def m_bad_value(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    row = _pick(table, rng)
    if case.route == "ssda903":
        name, value = "MISSING", rng.choice(["X", "missing", "1", ""])
    elif table.name == "people.csv":
        name, value = rng.choice(
            [("person_type", "kid"), ("sex", "Q"), ("nhs_number", "1234567890"), ("upn", "ZZZ"), ("agency", "NOPE")]
        )
    else:
        name, value = rng.choice(
            [("event_type", "party"), ("place_type", "castle"), ("latitude", "91"), ("longitude", "east")]
        )
    _set(table, row, name, value)
    _invalid(row, name)


def m_blank_required(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    row = _pick(table, rng)
    names = {"people.csv": ["record_id", "agency"], "events.csv": ["event_id", "agency", "occurred_at"]}
    name = rng.choice(names.get(table.name, ["CHILD", "DOB", "MIS_START"]))
    _set(table, row, name, rng.choice(["", "   "]))
    _invalid(row, name)


def m_unknown_reference(case: Case, rng: random.Random) -> None:
    if case.route == "ssda903":
        table = case.tables[0]
        row = _pick(table, rng)
        row.cells[0] = "NOBODY-1"
        _invalid(row, "CHILD")
        return
    table = case.tables[1]
    row = _pick(table, rng)
    name = rng.choice(["subject_record_id", "other_record_ids"])
    _set(table, row, name, "NOBODY-1")
    _invalid(row, name)


def m_blank_lines_and_newlines(case: Case, rng: random.Random) -> None:
    """Blank lines, cells holding line breaks and bare-CR or LF line ends: rows numbered as a spreadsheet shows
    them, so a bad row after them is still found."""
    table = _target(case, rng)
    table.terminator = rng.choice(["\n", "\r\n", "\r"])
    for row in table.rows[1:]:
        row.blank_before = rng.randrange(3)
    if case.route == "extract" and table.terminator != "\r":
        text_column = "address" if table.name == "people.csv" else "summary"
        table.rows[0].cells[_column_of(table, text_column)] = "Line one\nLine two"
    _formula_in(table, rng)


def m_nul_byte(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    row = _pick(table, rng)
    row.cells[-1] += "\x00"
    _refuse_all(case, "binary data")


def m_empty(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    if table.name == "events.csv":
        table = case.tables[0]
    case.uploads = {t.name: t.render() for t in case.tables}
    case.uploads[table.name] = rng.choice([b"", b"\r\n", b"   \n\n", b"\xef\xbb\xbf"])
    _refuse_all(case, "is empty")


def m_header_only(case: Case, rng: random.Random) -> None:
    """A header and no rows: refused for people and SSDA903; an extract's events may be empty."""
    table = _target(case, rng)
    table.rows = []
    if table.name != "events.csv":
        _refuse_all(case, "no rows of data")


def m_binary_junk(case: Case, rng: random.Random) -> None:
    table = _target(case, rng)
    junk = rng.choice(
        [
            bytes(rng.randrange(256) for _ in range(2000)),
            b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(500)),
            b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(500)),
            b"%PDF-1.4\n" + bytes(rng.randrange(128, 256) for _ in range(500)),
        ]
    )
    case.uploads = {t.name: t.render() for t in case.tables}
    case.uploads[table.name] = junk
    _refuse_all(case, "")  # whatever the bytes happen to be, refused


def m_junk_tail(case: Case, rng: random.Random) -> None:
    """Good rows, then junk (a download cut off and padded): the file is refused, saying where."""
    table = _target(case, rng)
    case.uploads = {t.name: t.render() for t in case.tables}
    case.uploads[table.name] = table.render() + bytes(rng.randrange(128, 256) for _ in range(300))
    _refuse_all(case, "not saved as UTF-8")


def m_broken_zip(case: Case, rng: random.Random) -> None:
    """An extract zipped, then cut short (or not a zip at all): refused."""
    if case.route == "ssda903":
        m_binary_junk(case, rng)
        return
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in case.tables:
            archive.writestr(f"extract/{table.name}", table.render())
    data = out.getvalue()
    case.uploads = {"extract.zip": data[: rng.randrange(10, len(data) - 30)] if rng.random() < 0.7 else b"not a zip"}
    _refuse_all(case, "not a zip file")


def m_zipped(case: Case, rng: random.Random) -> None:
    """A zip of the extract folder, with one bad row in it: the row is found by its name in the zip."""
    if case.route == "ssda903":
        m_formula(case, rng)
        return
    m_formula(case, rng)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in case.tables:
            archive.writestr(f"extract/{table.name}", table.render())
    for table in case.tables:
        table.name = f"extract.zip/extract/{table.name}"
    case.uploads = {"extract.zip": out.getvalue()}


def m_too_many_rows(case: Case, rng: random.Random) -> None:
    """More rows than ``IMPORT_MAX_ROWS``: refused as a whole (the sample sets a small cap to show it)."""
    table = case.tables[0]
    case.max_rows = SMALL_CAP
    while len(table.rows) <= SMALL_CAP:
        table.rows += [Row(r.kind, list(r.cells)) for r in table.rows[3:]]
    _refuse_all(case, "Split it into smaller files")


SMALL_CAP = 40


MUTATIONS: dict[str, Mutation] = {
    "control (no mutation)": m_control,
    "truncated mid-row": m_truncated_mid_row,
    "truncated at a row end": m_truncated_at_row_end,
    "truncated mid-header": m_truncated_mid_header,
    "cp1252": m_cp1252,
    "latin-1": m_latin1,
    "UTF-16 with BOM": m_utf16,
    "UTF-16 without BOM": m_utf16_without_bom,
    "UTF-8 BOM": m_utf8_bom,
    "two BOMs": m_double_bom,
    "BOM inside the file": m_bom_mid_file,
    "missing required column": m_missing_required_column,
    "missing optional column": m_missing_optional_column,
    "extra column": m_extra_column,
    "repeated column": m_repeated_column,
    "blank column name": m_blank_column_name,
    "extra cells in a row": m_extra_cells,
    "missing cells in a row": m_missing_cells,
    "formula text": m_formula,
    "formula look-alikes": m_formula_lookalike,
    "oversized field": m_oversized_field,
    "field over the CSV limit": m_field_over_csv_limit,
    "very long line": m_very_long_line,
    "duplicate id": m_duplicate_id,
    "duplicate row": m_duplicate_row,
    "duplicate file": m_duplicate_file,
    "impossible date": m_impossible_date,
    "date out of range": m_date_out_of_range,
    "bad value": m_bad_value,
    "blank required cell": m_blank_required,
    "unknown reference": m_unknown_reference,
    "blank lines and line breaks": m_blank_lines_and_newlines,
    "NUL byte": m_nul_byte,
    "empty": m_empty,
    "header only": m_header_only,
    "binary junk": m_binary_junk,
    "junk after the rows": m_junk_tail,
    "broken zip": m_broken_zip,
    "zipped": m_zipped,
    "too many rows": m_too_many_rows,
}


def case_make(world: World, number: int, mutation: str, route: str) -> Case:
    rng = random.Random(f"{number}:{mutation}:{route}")
    tables = extract_tables(number, rng) if route == "extract" else [ssda903_table(world, number, rng)]
    case = Case(number=number, mutation=mutation, route=route, tables=tables)
    MUTATIONS[mutation](case, rng)
    return case


def corpus(world: World, per_mutation: int, *, skip: Iterable[str] = ()) -> list[Case]:
    """``per_mutation`` cases of every mutation, alternating the extract and the SSDA903 table."""
    cases = []
    number = 0
    for mutation in MUTATIONS:
        if mutation in skip:
            continue
        for n in range(per_mutation):
            number += 1
            cases.append(case_make(world, number, mutation, "extract" if n % 2 == 0 else "ssda903"))
    return cases


# --- Importing a case through the pages, and checking it -------------------------------------------------------


def import_tasks_run() -> int:
    """Run the queued imports as the worker does (``jobs.tests.running``); what else the imports queued (record
    linkage after an import) is left queued: the corpus is about the imports."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="corpus-worker",
        excluded_queue_names=[],
    )
    ran = 0
    ready = DBTaskResult.objects.ready().filter(task_path__in=IMPORT_TASKS).order_by("enqueued_at")
    while (task := ready.first()) is not None:
        task.claim("corpus-worker")
        worker.run_task(task)
        ran += 1
    return ran


def _upload(client: Client, case: Case) -> tuple[int, str, ImportBatch | None]:
    """Post the case's files to its upload page; returns the status, the refusal (if any) and the batch."""
    files = case.files()
    if case.route == "ssda903":
        [(name, content)] = files.items()
        response = client.post("/imports/ssda903-missing/", {"file": SimpleUploadedFile(name, content)})
    else:
        uploads = [SimpleUploadedFile(name, content) for name, content in files.items()]
        response = client.post("/imports/extract/", {"extract": uploads})
    if response.status_code == 200:
        form = response.context["form"] if response.context else None
        errors = "; ".join(str(e) for errs in (form.errors.values() if form else []) for e in errs)
        return 200, errors or "refused, no message", None
    if response.status_code != 302:
        return response.status_code, "", None
    location = response["Location"]
    if match := re.search(r"/jobs/([0-9a-f-]{36})/", location):
        import_tasks_run()
        job = Job.objects.get(pk=match.group(1))
        if job.status != JobStatus.DONE:
            return 302, job.message or "the job did not finish", None
        location = job.result_url
    match = re.search(r"/imports/batches/([0-9a-f-]{36})/", location)
    if match is None:
        return 302, f"redirected to {location}", None
    return 302, "", ImportBatch.objects.get(pk=match.group(1))


# What a people row's record holds: its data, its person type and its child.
Held = tuple[dict[str, Any], str, Any]


def _people_held(case: Case) -> dict[tuple[str, str], Held] | None:
    """For a file of many rows, every agency record of its agencies read at once (a query a row would take
    minutes at a million rows)."""
    people = [row for table in case.tables for row in table.rows if row.kind == "person"]
    if len(people) < 5000:
        return None
    codes = {row.cells[1].strip().upper() for row in people}
    records = PersonRecord.objects.filter(agency__code__in=codes).values_list(
        "agency__code", "record_id", "data", "person_type", "child_id"
    )
    return {(code, record_id): (data, kind, child) for code, record_id, data, kind, child in records.iterator()}


def _live(case: Case, table: Table, row: Row, world: World, held: dict[tuple[str, str], Held] | None = None) -> bool:
    """Whether the platform holds what this row said."""
    values = table.values(row)
    if row.kind == "person":
        code = values.get("agency", "").strip().upper()
        record_id = values.get("record_id", "").strip()
        if held is not None:
            found = held.get((code, record_id))
        else:
            record = PersonRecord.objects.filter(agency__code=code, record_id=record_id).first()
            found = None if record is None else (record.data, record.person_type, record.child_id)
        if found is None or found[0] != values:
            return False
        return found[1] != "child" or found[2] is not None
    if row.kind == "event":
        code = values.get("agency", "").strip().upper()
        event_id = values.get("event_id", "").strip()
        event = EventRecord.objects.filter(agency__code=code, event_id=event_id).first()
        if event is None or event.data != values:
            return False
        if values.get("event_type") in ("missing_episode", "absent_episode"):
            return MissingEpisode.objects.filter(source_key=f"{code}:{event_id}").exists()
        return True
    # An SSDA903 episode: the one the row's child and start identify, with the row's kind and end.
    try:
        start = _dmy(values.get("MIS_START", ""))
        end = _dmy(values.get("MIS_END", "")) if values.get("MIS_END", "").strip() else None
    except ValueError:
        return False
    episode = MissingEpisode.objects.filter(
        owning_agency=world.coordinator.agency,
        source_key=f"ssda903:{values.get('CHILD', '').strip()}:{start.isoformat()}",
    ).first()
    if episode is None:
        return False
    returned = london_midnight(end) if end else None
    return episode.kind == values.get("MISSING", "").strip().upper() and episode.returned_at == returned


def _dmy(text: str) -> date:
    """An SSDA903 date as the generator wrote it (DD/MM/YYYY or YYYY-MM-DD); ValueError for anything else."""
    text = text.strip()
    if match := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text):
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    raise ValueError(text)


def case_run(client: Client, world: World, case: Case) -> Result:
    """Import the case through its page (and the worker, for a large one) and check every row."""
    result = Result(case=case)
    batch = None
    message = ""
    for _ in range(case.repeat):
        try:
            with override_settings(IMPORT_MAX_ROWS=case.max_rows or settings.IMPORT_MAX_ROWS):
                result.status, message, batch = _upload(client, case)
        except Exception as error:
            result.problems.append(f"an exception escaped: {type(error).__name__}: {error}"[:500])
            return result
        if result.status >= 500:
            result.problems.append(f"the page answered {result.status}")
            return result
    result.refused = batch is None
    if case.refused or result.refused:
        if not case.refused:
            result.problems.append(f"refused, not expected: {message}")
        elif batch is not None:
            result.problems.append(f"imported, expected refused ({case.refusal})")
        elif case.refusal not in message:
            result.problems.append(f"refused with {message!r}, expected {case.refusal!r}")
    expected: Counter[tuple[str, int, str]] = Counter()
    held = _people_held(case)
    for table in case.tables:
        for number, row in table.numbered():
            live = _live(case, table, row, world, held)
            if row.valid:
                result.valid_rows += 1
                result.valid_live += live
                if not live:
                    result.problems.append(f"valid row lost: {table.name} row {number}")
            else:
                result.invalid_rows += 1
                if live and not row.shadowed:
                    result.invalid_live += 1
                    result.problems.append(f"invalid row live: {table.name} row {number} ({row.column})")
                if not case.refused:
                    expected[(table.name, number, row.column)] += 1
    if batch is None:
        return result
    kept = Counter(
        (r.file_name, r.row_number, r.column) for r in RejectedRow.objects.filter(batch=batch) if r.reason.strip()
    )
    result.rejections = batch.rejected
    result.rejections_located = sum((kept & expected).values())
    result.rejections_named = sum(n for (_, _, column), n in kept.items() if column)
    if kept != expected:
        missing, surplus = expected - kept, kept - expected
        reasons = {
            (r.file_name, r.row_number, r.column): r.reason[:120]
            for r in RejectedRow.objects.filter(batch=batch)
            if (r.file_name, r.row_number, r.column) in surplus
        }
        if missing:
            result.problems.append(f"rejections not kept as expected: {sorted(missing)[:5]}")
        if surplus:
            result.problems.append(f"rows kept aside that the generator made valid: {reasons}")
    if case.repeat > 1 and (batch.created or batch.updated or batch.rejected != sum(expected.values())):
        result.problems.append(f"the same file again changed something: {batch.counts()}")
    return result


def signed_in_client(world: World) -> Client:
    """The coordinator, signed in through the sign-in page."""
    client = Client()
    response = client.post("/sign-in/", {"username": world.coordinator.username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"Could not sign in: {response.status_code}")
    return client


def figures(results: list[Result]) -> dict[str, Any]:
    by_mutation: dict[str, Counter[str]] = {}
    for result in results:
        counts = by_mutation.setdefault(result.case.mutation, Counter())
        counts["files"] += 1
        counts["refused"] += result.refused
        counts["problems"] += bool(result.problems)
    return {
        "files": len(results),
        "extract": sum(r.case.route == "extract" for r in results),
        "ssda903": sum(r.case.route == "ssda903" for r in results),
        "refused whole": sum(r.refused for r in results),
        "valid rows": sum(r.valid_rows for r in results),
        "valid rows live": sum(r.valid_live for r in results),
        "invalid rows": sum(r.invalid_rows for r in results),
        "invalid rows live": sum(r.invalid_live for r in results),
        "rejections": sum(r.rejections for r in results),
        "rejections located": sum(r.rejections_located for r in results),
        "rejections naming a column": sum(r.rejections_named for r in results),
        "5xx or exceptions": sum(r.status >= 500 or any("exception" in p for p in r.problems) for r in results),
        "files with problems": sum(bool(r.problems) for r in results),
        "by mutation": by_mutation,
    }
