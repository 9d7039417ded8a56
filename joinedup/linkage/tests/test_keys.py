"""Blocking keys: a record is reachable from any one part of it a practitioner types, though only full keys are kept."""

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.linkage.internals.keys import Lookup, query_keys, record_keys

NAMES = st.sampled_from(["", "Rebecca", "Becky", "Tyler", "O'Neill", "Li", "Anne-Marie", "Kayleigh", "Zoë"])
FAMILIES = st.sampled_from(["", "Brackenbury", "Smith", "Li", "Okafor", "de la Cruz", "Marsh", "Ng"])
DATES = st.sampled_from(["", "2011-04-05", "2011-05-04", "2009-12", "2010", "2012-11-30"])
POSTCODES = st.sampled_from(["", "WB1 2AB", "NB4 3QT", "WB12"])


def _found(lookup: Lookup, stored: set[str]) -> bool:
    return bool(lookup.keys & stored) or any(key.startswith(p) for p in lookup.prefixes for key in stored)


@settings(max_examples=400, deadline=None)
@given(given_name=NAMES, family_name=FAMILIES, date_of_birth=DATES, postcode=POSTCODES)
def test_a_record_is_found_from_its_family_name_given_name_or_date_of_birth_alone(
    given_name, family_name, date_of_birth, postcode
):
    record = {"given_name": given_name, "family_name": family_name, "date_of_birth": date_of_birth}
    stored = record_keys({**record, "postcode": postcode})
    for part in ("given_name", "family_name", "date_of_birth"):
        typed = {part: record[part]}
        lookup = query_keys(typed)
        # Nothing is looked up for a part that makes no key (nothing typed, a date of birth without its day).
        assert not lookup or _found(lookup, stored), (typed, sorted(stored), lookup)


@settings(max_examples=400, deadline=None)
@given(given_name=NAMES, family_name=FAMILIES, date_of_birth=DATES, postcode=POSTCODES)
def test_a_record_is_found_from_everything_it_holds(given_name, family_name, date_of_birth, postcode):
    record = {
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "postcode": postcode,
    }
    lookup = query_keys(record)
    assert not lookup or _found(lookup, record_keys(record))


def test_a_family_name_still_being_typed_reaches_the_name_by_its_first_letters():
    stored = record_keys({"given_name": "Rebecca", "family_name": "Brackenbury", "date_of_birth": "2011-04-05"})
    lookup = query_keys({"family_name": "Bra"})
    assert not lookup.keys & stored
    assert _found(lookup, stored)


def test_names_written_the_wrong_way_round_meet():
    stored = record_keys({"given_name": "Brackenbury", "family_name": "Rebecca"})
    assert query_keys({"given_name": "Rebecca", "family_name": "Brackenbury"}).keys & stored


def test_a_typical_child_keeps_only_full_keys():
    stored = record_keys(
        {"given_name": "Tyler", "family_name": "Okafor", "date_of_birth": "2010-11-03", "postcode": "NB4 3AB"}
    )
    assert {key.split(":")[0] for key in stored} == {"fd", "fm", "fp", "gf", "dg", "dp", "nm"}
    assert len(stored) == 7


def test_a_misspelt_family_name_alone_reaches_a_record_with_no_date_nor_postcode_by_its_sound():
    stored = record_keys({"given_name": "Tyler", "family_name": "Smith"})
    lookup = query_keys({"family_name": "Smyth"})
    assert _found(lookup, stored)
