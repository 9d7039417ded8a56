"""Hypothesis over every import reader (issue 11, "Bad input").

Any bytes or text given to a reader gets its answer or the reader's own documented error, never another
exception: ``ImportFileError`` for a file that cannot be read as a whole, ``RowError`` for a cell, ValueError
for a date or time; and what a reader accepts comes back unchanged (every accepted row round-trips its fields).
The readers: ``csv_read``, ``formula_check``, the three date readers, ``extract_files_collect`` (uploads and
zips), and the two imports as a whole (the SSDA903 missing table and an agency extract's people.csv and
events.csv).

Examples per reader: the ``fuzz`` Hypothesis profile (``conftest.py``), ``JOINEDUP_FUZZ_EXAMPLES`` (1000 by
default; ``make fuzz`` runs more). The pure readers run without the database; each import runs in a
transaction rolled back after the example, with the agencies, user and children made once per test.
"""

import csv
import io
import warnings
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import london_date
from joinedup.imports.extract import EVENT_TYPES, agency_extract_import, extract_files_collect
from joinedup.imports.models import EventRecord, ImportBatch, PersonRecord
from joinedup.imports.parsers import (
    ImportFileError,
    RowError,
    csv_read,
    formula_check,
    iso_moment_parse,
    partial_date_parse,
    ssda903_date_format,
    ssda903_date_parse,
)
from joinedup.imports.ssda903 import SSDA903_MISSING_COLUMNS, ssda903_missing_import
from joinedup.missing.models import MissingEpisode
from joinedup.spreadsheet import is_formula_text

FUZZ = settings.get_profile("fuzz")

# Text as a spreadsheet may hold it: any character but NUL (a file holding NUL is refused as binary).
CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
NAME = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)


def _csv(rows: list[list[str]], *, bom: bool = False, crlf: bool = True) -> bytes:
    """As a spreadsheet writes it; with line feeds alone, every cell quoted (Python's writer leaves a lone
    carriage return unquoted then, which no spreadsheet does)."""
    out = io.StringIO(newline="")
    if crlf:
        csv.writer(out, lineterminator="\r\n").writerows(rows)
    else:
        csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


# --- csv_read -----------------------------------------------------------------------------------------------

ANY_FILE = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=300).map(lambda text: text.encode("utf-8")),
    st.text(alphabet=st.sampled_from(list(',"\r\n ;\t\x00ab\ufeff')), max_size=60).map(lambda t: t.encode("utf-8")),
    st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]), st.binary(max_size=100)).map(
        lambda parts: parts[0] + parts[1]
    ),
    st.lists(st.lists(CELL, max_size=6), max_size=6).map(_csv),
)


@FUZZ
@given(ANY_FILE, st.booleans(), st.booleans())
def test_csv_read_answers_a_table_or_import_file_error_for_any_bytes(content, fixed, allow_empty):
    try:
        table = csv_read(
            content,
            file_name="any.csv",
            required=["A"] if fixed else [],
            allowed=["A", "B"] if fixed else None,
            allow_empty=allow_empty,
        )
    except ImportFileError as error:
        assert str(error).startswith("any.csv") or "any.csv" in str(error)
        return
    assert table.columns and all(table.columns) and len(set(table.columns)) == len(table.columns)
    assert table.rows or allow_empty
    for row in table.rows:
        assert row.number >= 2
        assert set(table.columns) <= set(row.values)
        assert row.problem is None or isinstance(row.problem, RowError)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    columns = draw(st.lists(NAME, min_size=1, max_size=6, unique_by=str.strip))
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=len(columns), max_size=len(columns)).filter(
                lambda cells: any(c.strip() for c in cells)
            ),
            min_size=1,
            max_size=8,
        )
    )
    return columns, rows


@FUZZ
@given(tables(), st.booleans(), st.booleans())
def test_every_row_csv_read_accepts_round_trips_its_cells(table, bom, crlf):
    columns, rows = table

    read = csv_read(_csv([columns, *rows], bom=bom, crlf=crlf), file_name="t.csv", required=columns[:1])

    assert read.columns == columns
    assert [[row.values[c] for c in columns] for row in read.rows] == rows
    assert [row.problem for row in read.rows] == [None] * len(rows)


# --- formula_check ------------------------------------------------------------------------------------------


@FUZZ
@given(st.dictionaries(NAME, st.one_of(CELL, st.builds(lambda s, t: s + t, st.sampled_from("=+-@"), CELL))))
def test_formula_check_passes_a_row_or_names_a_cell_that_would_run(values):
    handles = [name for name in values if name.startswith("h")]
    try:
        formula_check(values, handle_columns=handles)
    except RowError as error:
        assert error.column in values
        cells = values[error.column].split(";") if error.column in handles else [values[error.column]]
        assert any(is_formula_text(cell, allow_handles=error.column in handles) for cell in cells)
        return
    for name, value in values.items():
        cells = value.split(";") if name in handles else [value]
        assert not any(is_formula_text(cell, allow_handles=name in handles) for cell in cells)


# --- The date readers ---------------------------------------------------------------------------------------

# Text shaped like a date or a time, with any numbers in it: the readers' regular expressions accept it, so the
# arithmetic after them (the year 1, the year 9999, offsets) is reached, as arbitrary text seldom does.
DIGITS = st.integers(min_value=0, max_value=99999).map(str)
DATE_LIKE = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}", fullmatch=True),
    st.from_regex(r"\d{4}(-\d{2}(-\d{2})?)?", fullmatch=True),
    st.from_regex(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?", fullmatch=True),
    st.builds(
        lambda d, t: f"{d}T{t}",
        st.sampled_from(["0001-01-01", "9999-12-31", "2025-03-30", "2026-10-25"]),
        st.sampled_from(["00:00+14:00", "23:59-14:00", "01:30", "00:00+23:59", "23:59:59.999999Z"]),
    ),
)


@FUZZ
@given(DATE_LIKE)
def test_the_date_readers_answer_a_value_or_value_error_for_any_text(text):
    for reader in (ssda903_date_parse, iso_moment_parse, partial_date_parse):
        try:
            result: Any = reader(text)
        except ValueError as error:
            assert str(error)
            continue
        if reader is iso_moment_parse:
            assert isinstance(result, datetime) and result.utcoffset() == timedelta(0)
        elif reader is partial_date_parse:
            assert isinstance(result[0], date) and result[1] in ("day", "month", "year")
        else:
            assert isinstance(result, date)


DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@FUZZ
@given(DAYS, st.sampled_from(["day", "month", "year"]))
def test_every_date_the_readers_accept_round_trips(day, precision):
    assert ssda903_date_parse(ssda903_date_format(day)) == day
    assert ssda903_date_parse(f"  {day.isoformat()}\t") == day
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[precision]
    first = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
    assert partial_date_parse(text) == (first, precision)


@FUZZ
@given(
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),  # noqa: DTZ001 - zone drawn below
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_every_moment_with_an_offset_round_trips(moment, minutes):
    zone = timezone(timedelta(minutes=minutes))
    aware = moment.replace(tzinfo=zone)
    assert iso_moment_parse(aware.isoformat()) == aware.astimezone(UTC)


# --- Uploads and zips ---------------------------------------------------------------------------------------

MEMBER_NAMES = st.one_of(
    st.sampled_from(["people.csv", "events.csv", "police/people.csv", "PEOPLE.CSV", "__MACOSX/people.csv", "x/"]),
    st.text(min_size=1, max_size=30).filter(lambda n: "\x00" not in n),
)


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as archive:
        warnings.simplefilter("ignore", UserWarning)  # a name twice, on purpose
        for name, content in members:
            archive.writestr(name, content)
    return out.getvalue()


UPLOADS = st.dictionaries(
    st.one_of(MEMBER_NAMES, st.sampled_from(["extract.zip", "EXTRACT.ZIP", "a.zip"])),
    st.one_of(
        st.binary(max_size=200),
        st.lists(st.tuples(MEMBER_NAMES, st.binary(max_size=50)), max_size=4).map(_zip),
        st.builds(
            lambda z, n: z[:n],
            st.lists(st.tuples(MEMBER_NAMES, st.binary(max_size=50)), max_size=3).map(_zip),
            st.integers(0, 200),
        ),
    ),
    max_size=3,
)


@FUZZ
@given(UPLOADS)
def test_an_upload_is_read_as_an_extract_or_refused_with_import_file_error(uploads):
    try:
        files = extract_files_collect(uploads)
    except ImportFileError as error:
        assert str(error)
        return
    assert files
    for extract in files:
        assert extract.table_kind in ("people.csv", "events.csv")
        if extract.name in uploads and not extract.name.lower().endswith(".zip"):
            assert extract.content == uploads[extract.name]  # an upload as it came
        else:  # a member of a zip, as it was in the zip
            assert extract.content in _members(uploads, extract.name)


def _members(uploads: dict[str, bytes], name: str) -> list[bytes]:
    found = []
    for upload, content in uploads.items():
        if upload.lower().endswith(".zip") and name.startswith(upload + "/"):
            with zipfile.ZipFile(io.BytesIO(content)) as opened:
                member = name[len(upload) + 1 :]
                found += [opened.read(info) for info in opened.infolist() if info.filename == member]
    return found


# --- The imports as a whole ---------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _rolled_back(run):
    """Run an import and check it inside a transaction that is then undone, so each example starts afresh."""
    try:
        with transaction.atomic():
            run()
            raise _Rollback
    except _Rollback:
        pass


TODAY = date(2026, 1, 1)
RECENT = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31))
SSDA903_CELL = {
    "CHILD": st.one_of(st.sampled_from(["WB100012", "WB100013", "NOBODY", " WB100012 ", ""]), CELL),
    "DOB": st.one_of(st.sampled_from(["05/04/2011", "2011-04-05", "01/01/2012", "31/02/2011", ""]), CELL),
    "MISSING": st.one_of(st.sampled_from(["M", "A", "m", "a", "X", ""]), CELL),
    "MIS_START": st.one_of(RECENT.map(ssda903_date_format), st.sampled_from(["", "00/00/0000", "01/01/0001"]), CELL),
    "MIS_END": st.one_of(RECENT.map(ssda903_date_format), st.just(""), CELL),
}


@st.composite
def ssda903_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(ANY_FILE)
    columns = draw(st.permutations(SSDA903_MISSING_COLUMNS))
    header = [draw(st.sampled_from([c, c.lower(), f" {c} "])) for c in columns]
    rows = draw(st.lists(st.fixed_dictionaries({c: SSDA903_CELL[c] for c in columns}), min_size=1, max_size=6))
    return _csv([header, *[[row[c] for c in columns] for row in rows]], bom=draw(st.booleans()))


def test_the_ssda903_import_takes_any_file_or_refuses_it_and_accepted_rows_round_trip(db):
    agency = AgencyFactory.create(code="CSC")
    coordinator = UserFactory.create(agency=agency, roles=[RoleCode.COORDINATOR])
    ChildFactory.create(owning_agency=agency, la_child_id="WB100012", date_of_birth=date(2011, 4, 5))
    ChildFactory.create(owning_agency=agency, la_child_id="WB100013", date_of_birth=date(2012, 1, 1))

    def check(content: bytes) -> None:
        try:
            batch = ssda903_missing_import(user=coordinator, name="missing.csv", content=content)
        except ImportFileError as error:
            assert str(error)
            assert not ImportBatch.objects.exists()
            return
        table = csv_read(content, file_name="missing.csv", required=SSDA903_MISSING_COLUMNS, normalise=str.upper)
        rejected = {row.row_number: row for row in batch.rejected_rows.all()}
        assert batch.rows == len(table.rows)
        assert batch.created + batch.updated + batch.unchanged + batch.rejected == batch.rows
        for row in table.rows:
            if row.number in rejected:
                aside = rejected[row.number]
                assert aside.reason and aside.column in ("", *SSDA903_MISSING_COLUMNS)
                assert aside.raw == row.values
                continue
            values = {column: cell.strip() for column, cell in row.values.items()}
            start = ssda903_date_parse(values["MIS_START"])
            end = ssda903_date_parse(values["MIS_END"]) if values["MIS_END"] else None
            episodes = MissingEpisode.objects.filter(child__la_child_id=values["CHILD"], kind=values["MISSING"].upper())
            assert any(
                london_date(e.started_at) == start
                and (london_date(e.returned_at) if e.returned_at else None) == end
                and e.child.date_of_birth == ssda903_date_parse(values["DOB"])
                for e in episodes
            ), f"row {row.number} was accepted but no episode holds its dates"

    @FUZZ
    @given(ssda903_files())
    def fuzz(content: bytes) -> None:
        _rolled_back(lambda: check(content))

    fuzz()


PEOPLE_CELL = {
    "record_id": st.one_of(st.sampled_from(["P1", "P2", "P1 ", ""]), CELL),
    "agency": st.one_of(st.sampled_from(["POL", "pol", "CSC", "NOPE", ""]), CELL),
    "person_type": st.one_of(st.sampled_from(["child", "adult", "CHILD", "dog", ""]), CELL),
    "given_name": st.one_of(st.sampled_from(["Robin", "=cmd", "Zoë"]), CELL),
    "date_of_birth": st.one_of(st.sampled_from(["2011-04-05", "2011-04", "2011", "0000", "2099-01-01"]), CELL),
    "sex": st.one_of(st.sampled_from(["F", "M", "X", "U", "f", "Q", ""]), CELL),
    "nhs_number": st.one_of(st.sampled_from(["9434765919", "943 476 5919", "1234567890", ""]), CELL),
    "upn": st.one_of(st.sampled_from(["A123456789012", "", "a12345678901"]), CELL),
    "recorded_at": st.one_of(st.sampled_from(["2025-01-01T10:00:00Z", "0001-01-01T00:00+01:00", ""]), CELL),
}
EVENTS_CELL = {
    "event_id": st.one_of(st.sampled_from(["E1", "E2", ""]), CELL),
    "agency": PEOPLE_CELL["agency"],
    "event_type": st.one_of(st.sampled_from(EVENT_TYPES), CELL),
    "occurred_at": st.one_of(st.sampled_from(["2025-06-01T10:00:00Z", "2025-06-01", "9999-12-31T23:59-12:00"]), CELL),
    "ended_at": st.one_of(st.sampled_from(["", "2025-06-02T10:00:00Z", "2025-05-01"]), CELL),
    "subject_record_id": st.one_of(st.sampled_from(["P1", "P2", "", "NOBODY"]), CELL),
    "latitude": st.one_of(st.sampled_from(["", "51.5", "91", "nan", "inf", "1e400"]), CELL),
    "online_handles": st.one_of(st.sampled_from(["", "@kay_x;@deano", "@SUM(1)"]), CELL),
}


@st.composite
def extract_uploads(draw: st.DrawFn) -> dict[str, bytes]:
    uploads = {}
    for name, cells in (("people.csv", PEOPLE_CELL), ("events.csv", EVENTS_CELL)):
        if draw(st.integers(0, 9)) == 0:
            uploads[name] = draw(ANY_FILE)
            continue
        columns = draw(st.lists(st.sampled_from(list(cells)), min_size=1, unique=True))
        rows = draw(st.lists(st.fixed_dictionaries({c: cells[c] for c in columns}), max_size=5))
        uploads[name] = _csv([columns, *[[row[c] for c in columns] for row in rows]])
    return uploads


def test_the_extract_import_takes_any_files_or_refuses_them_and_accepted_rows_round_trip(db):
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    AgencyFactory.create(code="CSC")
    coordinator = UserFactory.create(agency=police, roles=[RoleCode.COORDINATOR])

    def check(uploads: dict[str, bytes]) -> None:
        try:
            batch = agency_extract_import(user=coordinator, path_or_files=uploads, refresh=False)
        except ImportFileError as error:
            assert str(error)
            return
        rejected = {(aside.file_name, aside.row_number): aside for aside in batch.rejected_rows.all()}
        assert batch.rejected == len(rejected)
        for aside in rejected.values():
            assert aside.reason and aside.file_name in uploads
        for name, model, key in (("people.csv", PersonRecord, "record_id"), ("events.csv", EventRecord, "event_id")):
            try:
                table = csv_read(uploads[name], file_name=name, required=[], allow_empty=True)
            except ImportFileError:
                continue
            for row in table.rows:
                if (name, row.number) in rejected:
                    assert rejected[name, row.number].raw == row.values
                    continue
                stored = model.objects.get(
                    agency__code__iexact=row.values["agency"].strip(), **{key: row.values[key].strip()}
                )
                assert stored.data == row.values, f"{name} row {row.number} was accepted but not kept as it was"

    @FUZZ
    @given(extract_uploads())
    def fuzz(uploads: dict[str, bytes]) -> None:
        _rolled_back(lambda: check(uploads))

    fuzz()


# --- Bugs the fuzzing found, each pinned ------------------------------------------------------------------


@pytest.mark.parametrize("content", [b'""', b",", b'"",""\r\n', b" , \r\n\t,\t\n"])
def test_a_file_of_blank_cells_only_is_refused_as_empty(content):
    with pytest.raises(ImportFileError, match="empty"):
        csv_read(content, file_name="blank.csv", required=[])


PEOPLE_CSV = b"record_id,agency,person_type\r\nP1,POL,child\r\n" * 20


def _unsupported_compression() -> bytes:
    """A zip whose entry says it is compressed by a method zipfile cannot read (99: AES)."""
    data = bytearray(_zip([("people.csv", PEOPLE_CSV)]))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 8 : local + 10] = data[central + 10 : central + 12] = (99).to_bytes(2, "little")
    return bytes(data)


def _corrupt_data() -> bytes:
    """A deflated entry whose compressed bytes were damaged in transit."""
    data = bytearray(_zip([("people.csv", PEOPLE_CSV)], zipfile.ZIP_DEFLATED))
    start = data.find(b"people.csv") + len("people.csv")
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


@pytest.mark.parametrize("content", [_unsupported_compression(), _corrupt_data()], ids=["method", "damaged"])
def test_a_zip_that_opens_but_cannot_be_read_is_refused_as_a_file(content):
    """Only a zip that would not open was refused; one whose entry could not be read raised NotImplementedError,
    zlib.error or BadZipFile (a server error on the extract page)."""
    with pytest.raises(ImportFileError, match=r"extract\.zip"):
        extract_files_collect({"extract.zip": content})
