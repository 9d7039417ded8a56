"""What the model makes of a pair: which pairs blocking hands it, and how a home or an agency counts
(``internals.model``, scored by Splink with the starting m and u values of a small area)."""

from typing import Any

from joinedup.linkage.internals import model
from joinedup.linkage.internals.features import record_features


def _scored(*records: tuple[str, dict[str, str]]) -> dict[tuple[int, int], float]:
    """Records 0, 1, ... (agency, extract row) scored: every blocked pair's match probability."""
    rows = [record_features(number, agency, data) for number, (agency, data) in enumerate(records)]
    scored = model.score(rows, threshold=0.0)
    return {(p["unique_id_l"], p["unique_id_r"]): p["match_probability"] for p in scored.pairs}


def _person(**values: str) -> dict[str, Any]:
    return {"given_name": "Kayleigh", "family_name": "Brackenbury", "date_of_birth": "", "sex": "F", **values}


def test_two_records_of_one_name_with_no_home_to_compare_score_above_two_with_homes_apart():
    # Most people of the same name live apart; one person's records often lack a postcode.
    scored = _scored(
        ("POL", _person(postcode="WB1 2AB")),
        ("HEA", _person(postcode="WB9 7QT")),
        ("EDU", _person(postcode="")),
    )
    assert scored[(0, 2)] > scored[(0, 1)]


def test_two_records_from_one_agency_score_below_the_same_two_from_different_agencies():
    scored = _scored(("POL", _person(postcode="WB1 2AB")), ("POL", _person(postcode="")), ("HEA", _person(postcode="")))
    assert scored[(0, 1)] < scored[(0, 2)]


def test_names_both_misspelt_or_shortened_are_still_compared():
    scored = _scored(
        # Both names misspelt, the same date of birth, another district: month of birth and first letters.
        ("CSC", _person(given_name="Theodore", family_name="Smith", date_of_birth="2009-08-20", postcode="WB8 7FH")),
        ("POL", _person(given_name="Theodoore", family_name="Smigh", date_of_birth="2009-08-20", postcode="WB1 1YS")),
        # A shortened given name the nickname table does not hold, no date of birth on one side.
        ("EDU", _person(given_name="Gabe", family_name="Fletcher", postcode="WB6 3PY")),
        ("YJS", _person(given_name="Gabriel", family_name="Fletcher", date_of_birth="2013-04-21", postcode="WB4 6FY")),
        # Day and month swapped, the family name misspelt so that it sounds different, another district.
        ("HEA", _person(given_name="Geraldine", family_name="Morgan", date_of_birth="2016-12-07", postcode="WB9 7SZ")),
        ("CSC", _person(given_name="Geraldine", family_name="Mogran", date_of_birth="2016-07-12", postcode="WB1 1FU")),
    )
    assert scored[(0, 1)] >= model.AUTO_THRESHOLD
    assert (2, 3) in scored
    assert scored[(4, 5)] >= model.REVIEW_THRESHOLD


def test_a_kept_model_whose_levels_differ_from_the_code_needs_a_full_run():
    # New records are scored with the last full run's kept levels; read by position, a changed level list would
    # give them the wrong weights.
    from django.utils import timezone

    from joinedup.linkage.internals.run import full_run_due
    from joinedup.linkage.models import LinkRun

    kept = {name: [{"level": label} for label in labels] for name, labels in model.level_labels().items()}
    assert full_run_due(LinkRun(started_at=timezone.now(), model={"comparisons": kept}), 1000, 10) == ""
    older = {**kept, "family_and_home": kept["family_and_home"][:-1]}
    reason = full_run_due(LinkRun(started_at=timezone.now(), model={"comparisons": older}), 1000, 10)
    assert reason == "the model's comparisons have changed"
