"""Reading the files agencies send: pure functions, no database.

A problem with the whole file (wrong encoding, missing columns, empty) raises
ImportFileError, whose message is shown to the person importing as it is. A
problem with one cell raises RowError, and the importer keeps that row aside
with its file, row number, column and reason; it never stops the import.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from joinedup.deadlines import LONDON
from joinedup.spreadsheet import is_formula_text

BYTE_ORDER_MARK = b"\xef\xbb\xbf"
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


class ImportFileError(Exception):
    """The whole file cannot be imported; the message says why and what to do, in plain words."""


class RowError(Exception):
    """One cell of one row breaks a rule; the row is kept aside with this column and reason."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class RawRow:
    """A data row as read: ``number`` counts the header as row 1, as a spreadsheet shows it."""

    number: int
    values: dict[str, str]
    problem: RowError | None = None


@dataclass(frozen=True)
class CsvTable:
    file_name: str
    columns: list[str]
    rows: list[RawRow] = field(default_factory=list)


def _decode(content: bytes, file_name: str) -> str:
    if content.startswith(UTF16_MARKS):
        raise ImportFileError(
            f"{file_name} is saved as UTF-16 text, not UTF-8. "
            "In Excel choose Save As, then 'CSV UTF-8 (Comma delimited) (*.csv)', and import that file."
        )
    if content.startswith(BYTE_ORDER_MARK):
        content = content[len(BYTE_ORDER_MARK) :]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"{file_name} is not saved as UTF-8 text (the first problem is on line {line}). "
            "In Excel choose Save As, then 'CSV UTF-8 (Comma delimited) (*.csv)', and import that file."
        ) from None


def _names(columns: Iterable[str]) -> str:
    return ", ".join(columns)


def csv_read(
    content: bytes,
    *,
    file_name: str,
    required: Sequence[str],
    allowed: Sequence[str] | None = None,
    normalise: Callable[[str], str] = str.strip,
    allow_empty: bool = False,
) -> CsvTable:
    """Read a CSV file with a header row into rows of column -> cell.

    ``allow_empty``: a header with no rows is a table with no rows (an extract's events file of a quiet
    period), not an error.

    ``allowed`` None keeps unknown columns; otherwise any other column refuses the file.
    Column names are passed through ``normalise`` (e.g. upper case for SSDA903).
    """
    text = _decode(content, file_name)
    if not text.strip():
        raise ImportFileError(f"{file_name} is empty. It needs a header row and at least one row of data.")
    if "\x00" in text:
        raise ImportFileError(f"{file_name} is not a CSV text file (it holds binary data). Save it as CSV UTF-8.")
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportFileError(f"{file_name} could not be read as CSV: {error}.") from None
    header_index = next((i for i, line in enumerate(lines) if any(cell.strip() for cell in line)), None)
    if header_index is None:  # only blank cells, such as "" or a lone comma
        raise ImportFileError(f"{file_name} is empty. It needs a header row and at least one row of data.")
    columns = [normalise(cell.strip()) for cell in lines[header_index]]
    if "" in columns:
        raise ImportFileError(
            f"{file_name} has a column with no name in its header row (column {columns.index('') + 1})."
        )
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ImportFileError(f"{file_name} has the column {_names(repeated)} more than once.")
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportFileError(
            f"{file_name} is missing the column{'s' if len(missing) > 1 else ''} {_names(missing)}. "
            f"The header row must include {_names(required)}."
        )
    if allowed is not None:
        extra = [c for c in columns if c not in allowed]
        if extra:
            raise ImportFileError(
                f"{file_name} has column{'s' if len(extra) > 1 else ''} this table does not have: {_names(extra)}. "
                f"The columns are exactly {_names(allowed)}."
            )
    rows = []
    for index, line in enumerate(lines[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in line):
            continue
        problem = None
        if len(line) > len(columns):
            problem = RowError("", f"The row has {len(line)} cells but the header has {len(columns)} columns.")
            values = dict(zip(columns, line, strict=False))
            values["(extra cells)"] = ",".join(line[len(columns) :])
        else:
            values = {column: (line[i] if i < len(line) else "") for i, column in enumerate(columns)}
            if len(line) < len(columns):
                # A spreadsheet writes every cell of a row, blank or not: a shorter row was cut short (a file
                # truncated in the middle of its last row) and would go in with its last cells lost.
                problem = RowError(
                    columns[len(line)],
                    f"The row has {len(line)} cells but the header has {len(columns)} columns: it may have been cut "
                    f"short, from {columns[len(line)]} on. Check the row in the file and correct it.",
                )
        rows.append(RawRow(number=index, values=values, problem=problem))
    if not rows and not allow_empty:
        raise ImportFileError(f"{file_name} has a header row but no rows of data.")
    return CsvTable(file_name=file_name, columns=columns, rows=rows)


def formula_check(values: dict[str, str], *, handle_columns: Iterable[str] = ()) -> None:
    """Raise RowError naming the first cell that a spreadsheet would run as a formula."""
    handles = set(handle_columns)
    for column, value in values.items():
        cells = value.split(";") if column in handles else [value]
        if any(is_formula_text(cell, allow_handles=column in handles) for cell in cells):
            raise RowError(
                column,
                f"{column} starts like a spreadsheet formula ({value.strip()[:30]!r}). Formulas are refused "
                "so that they cannot run when the data is opened in a spreadsheet; remove the leading sign.",
            )


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text} is not a real date") from None


def ssda903_date_parse(text: str) -> date:
    """An SSDA903 date: DD/MM/YYYY as the return has it, or YYYY-MM-DD."""
    text = text.strip()
    if match := _DMY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        return _real_date(year, month, day, text)
    if match := _YMD.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _real_date(year, month, day, text)
    raise ValueError(f"{text!r} is not a date: write it as DD/MM/YYYY, for example 27/03/2025")


def ssda903_date_format(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


_ISO_MOMENT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?"
)


def london_midnight(day: date) -> datetime:
    """The start of a day in England, in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def iso_moment_parse(text: str) -> datetime:
    """An ISO 8601 date or date-time, in UTC. A date is 00:00 that day, and a time without offset
    is Europe/London time; at the autumn clock change the first (summer time) 01:xx is taken."""
    text = text.strip()
    match = _ISO_MOMENT.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not an ISO 8601 date or date-time, for example 2026-10-01T18:30:00")
    year, month, day = (int(part) for part in match.groups()[:3])
    day_value = _real_date(year, month, day, text)
    hour, minute = match.group(4), match.group(5)
    if hour is None:
        return london_midnight(day_value)
    second, fraction, offset = match.group(6), match.group(7), match.group(8)
    if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        raise ValueError(f"{text} is not a real time")
    naive = datetime.combine(
        day_value, time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))
    )
    try:
        if offset is None:
            return naive.replace(tzinfo=LONDON).astimezone(UTC)
        parsed = datetime.fromisoformat(f"{naive.isoformat()}{'+00:00' if offset == 'Z' else offset}")
        return parsed.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00+01:00 is before the first moment a date can hold, in UTC.
        raise ValueError(f"{text} is out of the range of dates") from None


def partial_date_parse(text: str) -> tuple[date, str]:
    """YYYY-MM-DD, YYYY-MM or YYYY: the first day known, and its precision (day, month or year)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return _real_date(int(text), 1, 1, text), "year"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return _real_date(int(match.group(1)), int(match.group(2)), 1, text), "month"
    if match := _YMD.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _real_date(year, month, day, text), "day"
    raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD, or YYYY-MM or YYYY when only part is known")
