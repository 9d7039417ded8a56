"""Joining scored pairs into people: dates of birth in different years, and nothing below the automatic
threshold (``internals.clustering.cluster``, ``internals.run._pairs_split``)."""

from typing import Any

from joinedup.linkage.internals.clustering import cluster
from joinedup.linkage.internals.features import dates_of_birth_conflict
from joinedup.linkage.internals.run import _pairs_split


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


def test_a_review_band_pair_waits_for_a_person_even_with_no_other_candidate():
    # 1 and 2 are one person already; 3 scores in the review band with both, and with no one else. It is not
    # joined (no step joins "sole candidates" below the automatic threshold): the pairs go to the review queue.
    records = {
        number: {"dob": dob, "dob_y": dob[:4] if dob else None, "nhs_number": None, "upn": None, "pnc_id": None}
        for number, dob in ((1, "2010-06-01"), (2, "2010-06-01"), (3, None))
    }
    scored = [
        {"unique_id_l": 1, "unique_id_r": 2, "match_probability": 0.99},
        {"unique_id_l": 1, "unique_id_r": 3, "match_probability": 0.9},
        {"unique_id_l": 2, "unique_id_r": 3, "match_probability": 0.85},
    ]
    auto, review = _pairs_split(scored, records)
    people = _people(records, auto_pairs=auto)
    assert people[1] == people[2] != people[3]
    assert {(p["unique_id_l"], p["unique_id_r"]) for p in review} == {(1, 3), (2, 3)}
