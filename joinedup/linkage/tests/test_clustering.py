"""Joining scored pairs into people: dates of birth in different years, and groups that are each other's only
candidate (``internals.clustering.cluster``)."""

from typing import Any

from joinedup.linkage.internals.clustering import cluster
from joinedup.linkage.internals.features import dates_of_birth_conflict


def _records(*dobs: str | None) -> dict[int, dict[str, Any]]:
    """Records 1, 2, ... with these dates of birth ('2011-04-05', '2011' or None)."""
    out = {}
    for number, dob in enumerate(dobs, start=1):
        full = dob if dob and len(dob) == 10 else None
        out[number] = {"dob": full, "dob_y": dob[:4] if dob else None}
    return out


def _people(records: dict[int, dict[str, Any]], **pairs: Any) -> dict[int, int]:
    assignment, _ = cluster(records, confirmed=[], separated=[], identifiers=records, **pairs)
    return assignment


def test_dates_of_birth_in_different_years_conflict_unless_one_digit_apart():
    assert dates_of_birth_conflict({"dob_y": "2009", "dob": "2009-04-05"}, {"dob_y": "2013", "dob": "2013-04-05"})
    assert dates_of_birth_conflict({"dob_y": "2011", "dob": None}, {"dob_y": "2012", "dob": "2012-04-05"})
    assert not dates_of_birth_conflict({"dob_y": "2011", "dob": "2011-04-05"}, {"dob_y": "2012", "dob": "2012-04-05"})
    assert not dates_of_birth_conflict({"dob_y": "2011", "dob": "2011-04-05"}, {"dob_y": "2011", "dob": "2011-09-30"})
    assert not dates_of_birth_conflict({"dob_y": "2011", "dob": None}, {"dob_y": None, "dob": None})


def test_an_automatic_join_never_puts_together_records_born_in_different_years():
    # Record 2 has no date of birth and matches both 1 (born 2009) and 3 (born 2013): it joins the stronger.
    records = _records("2009-06-01", None, "2013-06-01")
    people = _people(records, auto_pairs=[(1, 2, 0.99), (2, 3, 0.97)])
    assert people[1] == people[2]
    assert people[3] != people[2]


def test_a_confirmed_match_stands_across_dates_of_birth_in_different_years():
    records = _records("2009-06-01", "2013-06-01")
    assignment, _ = cluster(records, auto_pairs=[], confirmed=[(1, 2)], separated=[], identifiers=records)
    assert assignment[1] == assignment[2]


def test_groups_that_are_each_others_only_candidate_are_joined():
    # 1 and 2 are one person already; 3 (no date of birth) scores below the automatic threshold with both,
    # and with no one else: it joins them. 4 and 5 likewise pair only with each other.
    records = _records("2010-06-01", "2010-06-01", None, "2001-01-01", None)
    people = _people(
        records,
        auto_pairs=[(1, 2, 0.99)],
        sole_pairs=[(1, 2, 0.99), (1, 3, 0.8), (2, 3, 0.75), (4, 5, 0.72)],
    )
    assert people[1] == people[2] == people[3]
    assert people[4] == people[5] != people[1]


def test_a_group_with_two_candidates_is_left_apart():
    # 1 could be 2 or 3 (two different people): no guess is made, on either side.
    records = _records(None, "2010-06-01", "2010-06-01")
    people = _people(records, auto_pairs=[], sole_pairs=[(1, 2, 0.9), (1, 3, 0.8)])
    assert len({people[1], people[2], people[3]}) == 3


def test_a_sole_candidate_that_has_another_candidate_is_left_apart():
    # 1's only candidate is 2, but 2 could also be 3: 2 is not 1's alone.
    records = _records(None, None, None)
    people = _people(records, auto_pairs=[], sole_pairs=[(1, 2, 0.9), (2, 3, 0.75)])
    assert len({people[1], people[2], people[3]}) == 3


def test_sole_candidates_born_in_different_years_are_left_apart():
    records = _records("2008-06-01", "2014-06-01")
    people = _people(records, auto_pairs=[], sole_pairs=[(1, 2, 0.9)])
    assert people[1] != people[2]
