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


# The plain form of each level condition that ``model`` writes more cheaply, and which pairs reach that level.
PLAIN_FORMS = [
    (model.NICKNAME, "list_has_any(given_group_l, given_group_r)", "given_name_l <> given_name_r"),
    (
        model.SWAPPED_VARIED,
        "(family_name_l = given_name_r AND (jaro_winkler_similarity(given_name_l, family_name_r) >= 0.8 "
        "OR list_has_any(given_group_l, family_group_r))) "
        "OR (given_name_l = family_name_r AND (jaro_winkler_similarity(family_name_l, given_name_r) >= 0.8 "
        "OR list_has_any(family_group_l, given_group_r)))",
        "true",
    ),
    (model.PHONE_SHARED, "list_has_any(phones_l, phones_r)", "true"),
    (model.FAMILY_CLOSE, "damerau_levenshtein(family_name_l, family_name_r) <= 1", "true"),
    (model.DOB_ONE_EDIT, "damerau_levenshtein(dob_l, dob_r) <= 1", "true"),
    (
        model.ALIAS_MATCH,
        "list_has_any(coalesce(aliases_l, []), coalesce(names_r, [])) "
        "OR list_has_any(coalesce(aliases_r, []), coalesce(names_l, [])) "
        "OR list_has_any(coalesce(aliases_l, []), coalesce(aliases_r, []))",
        "true",
    ),
]


def _one_edit_away(value: str, letters: str) -> set[str]:
    """Every string one edit from ``value``: a character changed, added, dropped, or two side by side swapped."""
    out: set[str] = set()
    for i in range(len(value) + 1):
        for char in letters:
            out.add(value[:i] + char + value[i:])
            if i < len(value):
                out.add(value[:i] + char + value[i + 1 :])
        if i < len(value):
            out.add(value[:i] + value[i + 1 :])
        if i + 1 < len(value):
            out.add(value[:i] + value[i + 1] + value[i] + value[i + 2 :])
    return out


def test_each_cheaper_level_condition_reads_every_pair_as_its_plain_form_does():
    # Blocked pairs of a generated area, and every pair among names and dates one edit apart (as features
    # write them: a changed date is read again as a date), so that each condition is met and missed many ways.
    import duckdb
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    from joinedup.linkage.internals.features import date_parts
    from joinedup.linkage.synthetic import generate_area

    records, _ = generate_area(1000, seed=3)
    rows = [record_features(i, r["agency"], r) for i, r in enumerate(records)]
    extra: list[dict[str, Any]] = []
    for family, dob, given in (
        ("smith", "2011-04-05", "bill"),
        ("oneil", "2009-12-21", "kate"),
        ("li", "2010-01-10", "al"),
    ):
        dates = {date for d in _one_edit_away(dob, "0123456789") if (date := date_parts(d)[0])}
        # model.DOB_ONE_EDIT's Hamming distance needs full dates of one length (DuckDB refuses two lengths).
        assert {len(date) for date in dates} == {10}
        names = sorted(_one_edit_away(family, "aeilnost"))[:60]
        for j, (name, date) in enumerate(zip(names * 3, sorted(dates), strict=False)):
            data = {"given_name": given if j % 2 else name, "family_name": name, "date_of_birth": date}
            extra.append(record_features(len(rows) + len(extra), "CSC", data))
    # Records with one to three phones from a few numbers, names (nicknames among them) written either way round,
    # and none to two aliases: the phone lists, the name groups and the aliases meet and miss in every way they can.
    phones = ["07700 900001", "07700 900002", "07700 900003", "07700 900004", "07700 900005"]
    names = ["bill", "william", "will", "liz", "elizabeth", "beth", "smith", "wills"]
    for j in range(60):
        held = [phones[(j * k + j // 5) % len(phones)] for k in range(1, 2 + j % 3)]
        given, family = names[j % len(names)], names[(j // 3) % len(names)]
        other = ";".join(names[(j * k + 3) % len(names)] for k in range(j % 3))
        data = {"given_name": given, "family_name": family, "phones": ";".join(held), "other_names": other}
        extra.append(record_features(len(rows) + len(extra), "CSC", data))
    for column in ("phones_more", "given_group_more", "family_group_more", "alias_set"):
        assert any(row[column] and row[column].count("|") > 2 for row in extra), column
    rows += extra
    connection = duckdb.connect()
    model._load(connection, rows)
    blocked = " UNION ".join(
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM records l JOIN records r ON ({sql}) "  # noqa: S608
        "AND l.unique_id < r.unique_id"
        for sql in (
            to_blocking_rule_creator(rule).get_blocking_rule("duckdb").blocking_rule_sql
            for rule in model.blocking_rules()
        )
    )
    first_extra = len(rows) - len(extra)
    columns = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in model.COLUMNS)
    connection.execute(
        f"CREATE TABLE pairs AS SELECT {columns} FROM ({blocked} UNION "  # noqa: S608
        f"SELECT l.unique_id, r.unique_id FROM records l JOIN records r ON l.unique_id < r.unique_id "
        f"AND l.unique_id >= {first_extra}) p JOIN records l ON l.unique_id = p.a JOIN records r ON r.unique_id = p.b"
    )
    for cheaper, plain, reached in PLAIN_FORMS:
        counts = connection.execute(
            f"SELECT count(*) FILTER (WHERE coalesce({cheaper}, false) <> coalesce({plain}, false)), "  # noqa: S608
            f"count(*) FILTER (WHERE {plain}), count(*) FROM pairs WHERE {reached}"
        ).fetchone()
        assert counts is not None
        differ, met, total = counts
        # No pair read differently, and the condition both met and missed.
        assert differ == 0, plain
        assert 20 < met < total, plain
