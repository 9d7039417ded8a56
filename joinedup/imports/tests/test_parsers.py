"""The file readers: pure functions, with Hypothesis for the dates and formula checks."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.imports.parsers import (
    ImportFileError,
    RowError,
    csv_read,
    formula_check,
    is_formula_text,
    iso_moment_parse,
    partial_date_parse,
    ssda903_date_format,
    ssda903_date_parse,
)

# Hypothesis takes naive bounds for its datetimes, adding the zone after.
EARLIEST = datetime(1950, 1, 1)  # noqa: DTZ001
LATEST = datetime(2100, 1, 1)  # noqa: DTZ001
COLUMNS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


def read(content: bytes, **kwargs):
    kwargs.setdefault("required", COLUMNS)
    return csv_read(content, file_name="missing.csv", **kwargs)


def test_a_byte_order_mark_is_accepted():
    table = read(b"\xef\xbb\xbfCHILD,DOB,MISSING,MIS_START,MIS_END\r\nA1,01/02/2010,M,01/03/2025,\r\n")
    assert table.columns == COLUMNS
    assert table.rows[0].values["CHILD"] == "A1"
    assert table.rows[0].number == 2


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it():
    with pytest.raises(ImportFileError, match=r"not saved as UTF-8.*CSV UTF-8"):
        read("CHILD,DOB,MISSING,MIS_START,MIS_END\nZoë,01/02/2010,M,01/03/2025,\n".encode("latin-1"))


def test_a_utf16_file_is_refused():
    with pytest.raises(ImportFileError, match="UTF-16"):
        read("CHILD,DOB,MISSING,MIS_START,MIS_END\n".encode("utf-16"))


def test_missing_columns_are_named():
    with pytest.raises(ImportFileError, match="missing the columns MISSING, MIS_END"):
        read(b"CHILD,DOB,MIS_START\nA1,01/02/2010,01/03/2025\n")


def test_extra_columns_are_refused_by_name_where_the_table_is_fixed():
    with pytest.raises(ImportFileError, match="NOTES"):
        read(b"CHILD,DOB,MISSING,MIS_START,MIS_END,NOTES\nA1,01/02/2010,M,01/03/2025,,x\n", allowed=COLUMNS)


def test_extra_columns_are_kept_where_the_format_allows_them():
    table = read(b"CHILD,DOB,MISSING,MIS_START,MIS_END,NOTES\nA1,01/02/2010,M,01/03/2025,,x\n")
    assert table.rows[0].values["NOTES"] == "x"


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(content):
    with pytest.raises(ImportFileError, match="empty"):
        read(content)


def test_a_header_with_no_rows_is_refused():
    with pytest.raises(ImportFileError, match="no rows"):
        read(b"CHILD,DOB,MISSING,MIS_START,MIS_END\n")


def test_row_numbers_count_the_header_as_row_one_and_skip_blank_lines():
    table = read(b"CHILD,DOB,MISSING,MIS_START,MIS_END\nA,,,,\n\nB,,,,\n")
    assert [row.number for row in table.rows] == [2, 4]


def test_a_row_with_too_many_cells_is_a_problem_for_that_row_only():
    table = read(b"CHILD,DOB,MISSING,MIS_START,MIS_END\nA,,,,,extra\nB,,,,\n")
    assert table.rows[0].problem is not None
    assert table.rows[1].problem is None


@pytest.mark.parametrize(
    "value", ["=CMD|' /C calc'!A0", "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "=1+1", " =HYPERLINK(x)", "\t=x"]
)
def test_formula_text_is_recognised(value):
    assert is_formula_text(value)


@pytest.mark.parametrize(
    "value", ["-12.5", "+44 7700 900123", "+44 (0)7700 900123", "-1.5491", "Kayleigh", "", "-", "07700 900123", "a=b"]
)
def test_numbers_phones_and_plain_text_are_not_formulas(value):
    assert not is_formula_text(value)


def test_handles_are_allowed_only_in_handle_columns():
    formula_check({"online_handles": "@kay_x;@deano.99"}, handle_columns=["online_handles"])
    with pytest.raises(RowError) as error:
        formula_check({"summary": "@kay_x"}, handle_columns=["online_handles"])
    assert error.value.column == "summary"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_no_number_is_taken_for_a_formula(number):
    assert not is_formula_text(repr(number)) or "e" in repr(number) or "inf" in repr(number)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_no_integer_is_taken_for_a_formula(number):
    assert not is_formula_text(str(number))
    assert not is_formula_text(f"+{abs(number)}")


@given(st.sampled_from("=+-@"), st.text(alphabet=st.characters(categories=["L"]), min_size=1))
def test_a_sign_followed_by_letters_is_always_a_formula(sign, text):
    assert is_formula_text(sign + text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_ssda903_dates_round_trip(day):
    assert ssda903_date_parse(ssda903_date_format(day)) == day
    assert ssda903_date_parse(day.isoformat()) == day


@pytest.mark.parametrize("text", ["30/02/2025", "31/04/2025", "29/02/2023", "2025-02-30", "00/01/2025", "12/13/2025"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError, match="not a real date"):
        ssda903_date_parse(text)


@pytest.mark.parametrize("text", ["", "tomorrow", "1/3/25", "2025/03/01", "01-03-2025"])
def test_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError, match="not a date"):
        ssda903_date_parse(text)


@given(st.text(max_size=20))
def test_the_date_parser_answers_a_date_or_value_error_for_any_text(text):
    try:
        result = ssda903_date_parse(text)
    except ValueError:
        return
    assert isinstance(result, date)


@given(st.text(max_size=40))
def test_the_moment_parser_answers_an_aware_utc_time_or_value_error_for_any_text(text):
    try:
        result = iso_moment_parse(text)
    except ValueError:
        return
    assert result.tzinfo is UTC


def test_a_naive_time_is_london_time():
    assert iso_moment_parse("2026-07-01T18:30:00") == datetime(2026, 7, 1, 17, 30, tzinfo=UTC)
    assert iso_moment_parse("2026-12-01 18:30") == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)


def test_a_date_alone_is_midnight_in_london():
    assert iso_moment_parse("2026-10-03") == datetime(2026, 10, 2, 23, 0, tzinfo=UTC)


def test_an_offset_or_z_is_respected():
    assert iso_moment_parse("2026-07-01T18:30:00Z") == datetime(2026, 7, 1, 18, 30, tzinfo=UTC)
    assert iso_moment_parse("2026-07-01T18:30:00+02:00") == datetime(2026, 7, 1, 16, 30, tzinfo=UTC)


@given(st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC)))
def test_utc_times_round_trip(moment):
    moment = moment.replace(microsecond=0)
    assert iso_moment_parse(moment.strftime("%Y-%m-%dT%H:%M:%SZ")) == moment


@given(st.datetimes(min_value=EARLIEST, max_value=LATEST).map(lambda d: d.replace(microsecond=0)))
def test_naive_times_are_within_an_hour_or_two_of_utc(moment):
    parsed = iso_moment_parse(moment.isoformat())
    assert abs(parsed.replace(tzinfo=None) - moment) <= timedelta(hours=2)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-10-01T25:00", "2026-10-01T18:61"])
def test_impossible_moments_are_refused(text):
    with pytest.raises(ValueError, match="not a real"):
        iso_moment_parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2009-04-17", (date(2009, 4, 17), "day")),
        ("1991-07", (date(1991, 7, 1), "month")),
        ("1991", (date(1991, 1, 1), "year")),
    ],
)
def test_partial_dates_keep_their_precision(text, expected):
    assert partial_date_parse(text) == expected
