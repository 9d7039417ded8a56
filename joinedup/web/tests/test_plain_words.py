"""Codes a page shows are in plain words (issue 15: "private_address", "family_and_home" on the pages)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from joinedup.linkage.views import COMPARISON_NAMES
from joinedup.linkage.views import _weights as linkage_weights
from joinedup.web.templatetags.plain import day, due, plain, when


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("private_address", "Private address"),
        ("licensed_premises", "Licensed premises (pub, bar, club)"),
        ("handle", "Online handle"),
        ("hotel", "Hotel"),
        ("", ""),
        (None, ""),
        ("Station Hotel", "Station Hotel"),  # not a code: left as written
    ],
)
def test_plain_gives_a_code_in_words(code: object, words: str) -> None:
    assert plain(code) == words


def test_a_template_shows_the_place_type_in_words() -> None:
    html = Template("{% load plain %}{{ kind|plain }}").render(Context({"kind": "transport_hub"}))
    assert html == "Transport hub (station, bus station)"


def test_every_comparison_the_linkage_model_explains_has_a_name_in_words() -> None:
    from joinedup.linkage.internals import model

    source = Path(model.__file__).read_text()  # the model's own comparison names
    names = set(re.findall(r'output_column_name="(\w+)"', source))
    assert names, "the model names its comparisons"
    assert names <= set(COMPARISON_NAMES), names - set(COMPARISON_NAMES)
    weights = linkage_weights({"comparisons": {"family_and_home": {"level": "exact", "weight": 2.0}}})
    assert weights[0]["name"] == "Family name and home (address, postcode)"


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        # Summer time: 13:30 UTC is 2:30pm in London.
        (dt.datetime(2026, 7, 1, 13, 30, tzinfo=dt.UTC), "1 July 2026 at 2:30pm"),
        # Winter: UTC and London agree.
        (dt.datetime(2026, 12, 5, 9, 5, tzinfo=dt.UTC), "5 December 2026 at 9:05am"),
        (dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC), "5 December 2026 at midday"),
        # The clocks go back at 01:00 UTC on 25 October 2026: 23:00 UTC the evening before is midnight in London,
        # and 01:30 UTC after the change is 1:30am; they go forward at 01:00 UTC on 29 March 2026 (2am in London).
        (dt.datetime(2026, 10, 24, 23, 0, tzinfo=dt.UTC), "25 October 2026 at midnight"),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), "25 October 2026 at 1:30am"),
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC), "29 March 2026 at 2am"),
    ],
)
def test_a_moment_reads_in_the_govuk_style_in_uk_time(moment: dt.datetime, words: str) -> None:
    assert when(moment) == words


def test_a_date_reads_in_the_govuk_style() -> None:
    assert day(dt.date(2026, 12, 5)) == "5 December 2026"
    assert day(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)) == "1 July 2026"  # already the 1st in London
    assert day(None) == "" and when(None) == ""


def test_a_deadline_that_ends_with_a_day_reads_as_the_end_of_that_day() -> None:
    from joinedup.deadlines import london_day_ends

    # The day the clocks go back is 25 hours long; its end is still midnight in London.
    assert due(london_day_ends(dt.date(2026, 10, 25))) == "by the end of 25 October 2026"
    assert due(london_day_ends(dt.date(2026, 8, 11))) == "by the end of 11 August 2026"
    assert due(dt.datetime(2026, 8, 11, 9, 30, tzinfo=dt.UTC)) == "11 August 2026 at 10:30am"
