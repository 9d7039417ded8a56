"""The Splink model tuned for agency person records: comparisons, blocking rules, training, scoring.

Each comparison level carries a starting m and u probability (what we expect among true
matches and among non-matches), so a small area scores sensibly before there is enough data to
train; with enough records, u is estimated by random sampling and m by expectation maximisation.
"""

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .features import family_name_bands

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker, SettingsCreator
    from splink import comparison_library as cl

# Splink, DuckDB and pyarrow (about 70 MB) are imported by the functions that use them, when a linkage runs: not by
# every process that sets Django up (a web worker, the mapping refresh's writing process).

# Below this many records EM has too few matches to learn from; the starting m values stand.
EM_MIN_RECORDS = 1_000
# Below this many records random sampling sees too few pairs to estimate u; the starting u values stand.
U_MIN_RECORDS = 200
U_MAX_PAIRS = 5e6
SEED = 5
# A pair at or above AUTO_THRESHOLD is linked without a person (unless a hard identifier differs); from
# REVIEW_THRESHOLD up to it, the pair waits in the review queue. The choice is measured in docs/benchmarks.md.
AUTO_THRESHOLD = 0.95
REVIEW_THRESHOLD = 0.8
# There is no step below AUTO_THRESHOLD that joins records without a person: a "sole candidate" step (two groups
# that are each other's only candidate joined from 0.8 up) raised recall, but it joined the demo's grey-zone pairs
# unseen and fell under 0.995 precision at 200,000 records, so it was removed (docs/linkage-and-mapping.md).
# Larger areas are trained on a random sample of this many records (see ``score``).
TRAIN_MAX_RECORDS = 250_000
# Expectation maximisation runs on the pairs each of these blocks: dates of birth alike, then names alike.
EM_RULES = (("dob",), ("family_name", "given_name"))

# Each record feature and its type in Arrow (``_load``). The lists (``given_group``, ``family_group``, ``names``,
# ``aliases``, ``phones``) are not read by the comparisons, which read them as text (``_sets_meet``): they are
# what ``realtime`` reads and what ``test_model.py`` checks each cheaper condition against.
COLUMNS: dict[str, str] = {
    "unique_id": "int64",
    "agency": "string",
    "given_name": "string",
    "given_group": "strings",
    "given_formal": "string",
    "given_group_more": "string",
    "family_name": "string",
    "family_group": "strings",
    "family_group_more": "string",
    "given_initial": "string",
    "given_prefix": "string",
    "family_initial": "string",
    "family_soundex": "string",
    "family_letters": "int32",
    "family_band": "string",
    "names": "strings",
    "aliases": "strings",
    "alias_set": "string",
    "dob": "string",
    "dob_ym": "string",
    "dob_y": "string",
    "dob_swapped": "string",
    "postcode": "string",
    "postcode_sector": "string",
    "postcode_district": "string",
    "phones": "strings",
    "phone_1": "string",
    "phones_more": "string",
    "email": "string",
    "sex": "string",
    "person_type": "string",
    "nhs_number": "string",
    "upn": "string",
    "pnc_id": "string",
}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "Not known", "is_null_level": True}


def _level(sql: str, label: str, m: float, u: float) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, "u_probability": u}


def _else(m: float, u: float) -> dict[str, Any]:
    return _level("ELSE", "Different", m, u)


def _either_null(column: str) -> str:
    return f"{column}_l IS NULL OR {column}_r IS NULL"


def _fixed(sql: str, label: str, m: float, u: float) -> dict[str, Any]:
    return {**_level(sql, label, m, u), "fix_m_probability": True, "fix_u_probability": True}


# A few features are small sets (a nickname's names, a record's aliases, its phones after the first). The model
# reads each as text, '|a|b|' (``features.set_text``; names are letters and phones digits, never '|'), not as a
# list: a list column costs several times a text column to bring into every scored pair (at 200,000 records,
# about a tenth of all the scoring work), though few pairs ever look in one.
def _holds(values: str, value: str) -> str:
    """list_contains(values, value), for a set held as text."""
    return f"({values} IS NOT NULL AND contains({values}, '|' || {value} || '|'))"


def _share(left: str, right: str) -> str:
    """list_has_any(left, right), for two sets held as text: split into lists only for the pairs that hold both."""
    return (
        f"({left} IS NOT NULL AND {right} IS NOT NULL "
        f"AND list_has_any(string_split(trim({left}, '|'), '|'), string_split(trim({right}, '|'), '|')))"
    )


def _sets_meet(first_l: str, more_l: str, first_r: str, more_r: str) -> str:
    """list_has_any of two sets, each read from a column holding one of its members (a name, the first phone)
    and a ``*_more`` column holding the rest of the set, or the whole of it, only where there is more than that
    member: equal to list_has_any(set_l, set_r) wherever the two members differ, and NULL or false, read as not
    met, where neither set is more than its member. The pairs scored then carry a set only for the few records
    with more (a nickname's group, a second phone)."""
    return f"{_holds(more_r, first_l)} OR {_holds(more_l, first_r)} OR {_share(more_l, more_r)}"


# Given and family names written in each other's fields on one of the two records: exactly, or with one of
# the two names spelt differently or written as a nickname (the other one the same). Where the two names are
# the same, the similarity already holds, so the groups are compared as ``_sets_meet`` does.
_SWAPPED_EXACT = "given_name_l = family_name_r AND family_name_l = given_name_r"
SWAPPED_VARIED = (
    "(family_name_l = given_name_r AND (jaro_winkler_similarity(given_name_l, family_name_r) >= 0.8 "
    f"OR {_sets_meet('given_name_l', 'given_group_more_l', 'family_name_r', 'family_group_more_r')})) "
    "OR (given_name_l = family_name_r AND (jaro_winkler_similarity(family_name_l, given_name_r) >= 0.8 "
    f"OR {_sets_meet('family_name_l', 'family_group_more_l', 'given_name_r', 'given_group_more_r')}))"
)
SWAPPED = f"({_SWAPPED_EXACT}) OR ({SWAPPED_VARIED})"

# The levels below are written to cost little per pair (Splink works out every level of every comparison for
# each blocked pair, in training and in scoring, and a pair goes down a comparison's levels until one holds),
# each equal, where a pair reaches it, to the plainer form noted beside it; ``test_model.py`` checks them pair
# by pair on a generated area.
#
# list_has_any(given_group_l, given_group_r), reached by two different given names: a name's group holds the
# name itself and, for a nickname, the formal names it may stand for, so two names whose groups are just
# themselves share nothing; the groups are compared only where one of the two is a nickname.
NICKNAME = _sets_meet("given_name_l", "given_group_more_l", "given_name_r", "given_group_more_r")
# list_has_any(phones_l, phones_r): a record's phones are its first phone and the rest (``phones_more``, held only
# where there are more), so that the pairs carry a set only for the few records with more than one phone.
PHONE_SHARED = f"phone_1_l = phone_1_r OR {_sets_meet('phone_1_l', 'phones_more_l', 'phone_1_r', 'phones_more_r')}"
# damerau_levenshtein(family_name_l, family_name_r) <= 1: one edit (a letter changed, added, dropped, or two
# side by side swapped) changes the set of letters a name holds by two letters at most and its length by one,
# so the distance is worked out only for the few pairs of names that pass those two checks.
_LETTERS_APART = "bit_count(family_letters_l | family_letters_r) - bit_count(family_letters_l & family_letters_r)"
FAMILY_CLOSE = (
    f"{_LETTERS_APART} <= 2 AND abs(length(family_name_l) - length(family_name_r)) <= 1 "
    "AND damerau_levenshtein(family_name_l, family_name_r) <= 1"
)
# damerau_levenshtein(dob_l, dob_r) <= 1: full dates are always ten characters ('2011-04-05'), so one edit is a
# digit different (Hamming distance 1) or two digits side by side swapped (Hamming distance 2, the two places
# side by side holding each other's digits; a swap with a '-' cannot give another date).
_SWAPS = " OR ".join(
    f"(substr(dob_l, {i}, 2) = reverse(substr(dob_r, {i}, 2)) AND substr(dob_l, {i}, 2) <> substr(dob_r, {i}, 2))"
    for i in (1, 2, 3, 6, 9)
)
DOB_ONE_EDIT = f"(hamming(dob_l, dob_r) <= 1 OR (hamming(dob_l, dob_r) = 2 AND ({_SWAPS})))"
# list_has_any(coalesce(aliases_l, []), coalesce(names_r, [])) OR ... for each pair of lists: a missing list
# makes its lookup NULL, which a level reads as not reached, so no empty list need be made for every pair; and a
# record's names are its given and family name, so each alias list is looked in for those two columns, not for the
# list of them (the pairs scored do not carry that list: a twentieth less time scoring). ``alias_set`` is the
# aliases as text.
ALIAS_MATCH = (
    f"{_holds('alias_set_l', 'given_name_r')} OR {_holds('alias_set_l', 'family_name_r')} "
    f"OR {_holds('alias_set_r', 'given_name_l')} OR {_holds('alias_set_r', 'family_name_l')} "
    f"OR {_share('alias_set_l', 'alias_set_r')}"
)


def comparisons() -> "list[cl.CustomComparison]":
    from splink import comparison_library as cl

    jw = "jaro_winkler_similarity"
    given = cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name, with nicknames",
        comparison_levels=[
            _null(_either_null("given_name")),
            _level("given_name_l = given_name_r", "Same", 0.55, 0.01),
            _level(_SWAPPED_EXACT, "Swapped with family name", 0.02, 1e-5),
            _level(SWAPPED_VARIED, "Swapped with family name, one of them spelt differently or a nickname", 0.01, 1e-5),
            _level(NICKNAME, "Nickname of the same name", 0.15, 0.001),
            _level(f"{jw}(given_name_l, given_name_r) >= 0.92", "Very similar", 0.12, 0.004),
            _level(
                f"{jw}(given_name_l, given_name_r) >= 0.8 OR starts_with(given_name_l, given_name_r) "
                "OR starts_with(given_name_r, given_name_l)",
                "Similar or shortened",
                0.08,
                0.04,
            ),
            _else(0.1, 0.945),
        ],
    )
    # Family name, postcode and phone in one comparison: people in one household share all three, so taken
    # one at a time (as independent evidence) they would add up to a match between siblings. Each level's
    # u is the chance that two different people agree that far together, which random sampling measures.
    same = "family_name_l = family_name_r"
    close = f"({FAMILY_CLOSE})"
    postcode = "postcode_l = postcode_r"
    phone = f"({PHONE_SHARED})"
    home = f"({postcode} OR {phone})"
    # A record with phones has a first phone.
    unknown = f"({_either_null('postcode')}) AND ({_either_null('phone_1')})"
    family = cl.CustomComparison(
        output_column_name="family_and_home",
        comparison_description="Family name, with the postcode and phones a household shares",
        comparison_levels=[
            _null(f"({_either_null('family_name')}) AND {unknown}"),
            _level(f"{same} AND {postcode} AND {phone}", "Same family name, postcode and phone", 0.15, 1e-5),
            _level(f"{same} AND {postcode}", "Same family name and postcode", 0.35, 2e-5),
            _level(f"{same} AND {phone}", "Same family name and phone", 0.08, 1e-5),
            _level(
                f"{same} AND postcode_sector_l = postcode_sector_r", "Same family name and postcode sector", 0.08, 1e-4
            ),
            # Below, neither postcode, sector nor phone agrees. Whether the two records had a home to compare at
            # all (a postcode or phones on both) is told apart: one person's records often lack one, while two
            # namesakes who both give a home almost always give different ones.
            _level(
                f"{same} AND family_band_l = 'rare' AND {unknown}",
                "Same family name, a rare one, home not known",
                0.03,
                0.00003,
            ),
            _level(f"{same} AND family_band_l = 'rare'", "Same family name, a rare one, another home", 0.03, 0.0001),
            _level(
                f"{same} AND family_band_l = 'usual' AND {unknown}", "Same family name, home not known", 0.05, 0.0005
            ),
            _level(f"{same} AND family_band_l = 'usual'", "Same family name, another home", 0.05, 0.002),
            _level(f"{same} AND {unknown}", "Same family name, a common one, home not known", 0.015, 0.0005),
            _level(same, "Same family name, a common one, another home", 0.015, 0.002),
            _level(f"{close} AND {home}", "Family name one letter different, same home", 0.05, 1e-6),
            _level(close, "Family name one letter different", 0.05, 0.001),
            # Names swapped between the fields are counted once, under the given name; here only whether the
            # two share a home counts, at fixed values (m: about half of a person's pairs of records share a
            # postcode or phone; u: two different people's records about 1 time in 10,000), as training sees
            # too few such pairs to learn them.
            _fixed(f"({SWAPPED}) AND {home}", "Swapped with given name, same home", 0.5, 1e-4),
            _fixed(SWAPPED, "Swapped with given name, different home (names counted under given name)", 0.5, 0.9999),
            _level(f"{jw}(family_name_l, family_name_r) >= 0.88", "Family name similar", 0.01, 0.01),
            _level(home, "Different family name, same home", 0.01, 1e-4),
            _else(0.03, 0.98),
        ],
    )
    aliases = cl.CustomComparison(
        output_column_name="aliases",
        comparison_description="Other names and aliases against every name",
        comparison_levels=[
            _null("alias_set_l IS NULL AND alias_set_r IS NULL"),
            _level(
                ALIAS_MATCH,
                "An alias matches a name",
                0.5,
                0.01,
            ),
            _else(0.5, 0.99),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth, with swapped day and month and partial dates",
        comparison_levels=[
            _null(_either_null("dob_y")),
            _level("dob_l = dob_r", "Same", 0.8, 0.0003),
            _level("dob_l = dob_swapped_r", "Day and month swapped", 0.05, 0.00005),
            _level(
                "(dob_l IS NULL OR dob_r IS NULL) AND dob_ym_l = dob_ym_r",
                "Same year and month (the day not known)",
                0.04,
                0.004,
            ),
            _level(
                "(dob_ym_l IS NULL OR dob_ym_r IS NULL) AND dob_y_l = dob_y_r",
                "Same year (the month not known)",
                0.02,
                0.05,
            ),
            _level(
                f"{DOB_ONE_EDIT} OR (dob_ym_l = dob_ym_r "
                "AND abs(cast(right(dob_l, 2) AS INTEGER) - cast(right(dob_r, 2) AS INTEGER)) <= 1)",
                "One digit or one day different",
                0.05,
                0.002,
            ),
            _level("dob_y_l = dob_y_r", "Same year", 0.02, 0.05),
            _else(0.02, 0.9377),
        ],
    )
    email = cl.CustomComparison(
        output_column_name="email",
        comparison_description="Email address",
        comparison_levels=[
            _null(_either_null("email")),
            _level("email_l = email_r", "Same", 0.8, 0.0005),
            _else(0.2, 0.9995),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex",
        comparison_levels=[
            _null(_either_null("sex")),
            _level("sex_l = sex_r", "Same", 0.97, 0.5),
            _else(0.03, 0.5),
        ],
    )
    # What each agency recorded the person as (child, adult of concern, parent or carer, other), agreeing by
    # value: most records are children's, so two records agreeing on "child" say less than two agreeing on
    # "parent or carer" (each value's u is how often two different people share it, measured by sampling).
    # Agencies sometimes differ (a young person recorded as a child by one and an adult by another), so a
    # difference is held at a fixed m instead of whatever training finds (on a generated area, never).
    alike = "person_type_l = person_type_r AND person_type_l = "
    person_type = cl.CustomComparison(
        output_column_name="person_type",
        comparison_description="Person type",
        comparison_levels=[
            _null(_either_null("person_type")),
            _level(f"{alike}'child'", "Both children", 0.7, 0.49),
            _level(f"{alike}'adult_of_concern'", "Both adults of concern", 0.15, 0.03),
            _level(f"{alike}'parent_carer'", "Both parents or carers", 0.1, 0.015),
            _level("person_type_l = person_type_r", "Same, another type", 0.02, 0.005),
            {**_level("ELSE", "Different", 0.03, 0.46), "fix_m_probability": True},
        ],
    )
    # Which agency's extract each record came from. An agency's own system mostly holds a person once, so two
    # of its records are the same person less often than two from different agencies: a pair from one agency
    # counts against, at a fixed m (1 true pair in 20 within one agency; a generated area never repeats a
    # person within an agency, so training would learn "never", which real extracts, with their duplicates,
    # do not bear out). Records from different agencies are counted neither way (m = u, weight 0).
    agency = cl.CustomComparison(
        output_column_name="agency",
        comparison_description="Agency",
        comparison_levels=[
            _null(_either_null("agency")),
            {**_level("agency_l = agency_r", "Same agency", 0.05, 0.2), "fix_m_probability": True},
            _fixed("ELSE", "Different agencies (counted neither way)", 0.8, 0.8),
        ],
    )
    both = " OR ".join(f"({name}_l IS NOT NULL AND {name}_r IS NOT NULL)" for name in ("nhs_number", "upn", "pnc_id"))
    identifiers = cl.CustomComparison(
        output_column_name="identifiers",
        comparison_description="NHS number, UPN and police national computer id",
        comparison_levels=[
            _null(f"NOT ({both})"),
            _level(
                "nhs_number_l = nhs_number_r OR upn_l = upn_r OR pnc_id_l = pnc_id_r",
                "An identifier in common",
                0.9,
                1e-6,
            ),
            _else(0.1, 0.999999),
        ],
    )
    return [given, family, aliases, dob, email, sex, person_type, agency, identifiers]


def level_labels() -> dict[str, list[str]]:
    """Each comparison's levels (the null level left out), in order, as ``Scored.parameters`` names them: a kept
    model whose levels differ cannot be read by ``realtime.RealTimeMatcher``."""
    out = {}
    for comparison in comparisons():
        built = comparison.get_comparison("duckdb")
        out[built.output_column_name] = [
            level.label_for_charts for level in built.comparison_levels if not level.is_null_level
        ]
    return out


def blocking_rules() -> list[Any]:
    from splink import block_on

    return [
        block_on("family_name", "dob_y"),
        block_on("given_name", "dob"),
        block_on("dob", "postcode_district"),
        block_on("family_soundex", "dob_ym"),
        block_on("family_soundex", "postcode"),
        block_on("given_name", "postcode"),
        block_on("nhs_number"),
        block_on("upn"),
        block_on("pnc_id"),
        block_on("phone_1"),
        block_on("given_name", "family_name"),
        block_on("family_name", "postcode_sector"),
        "l.given_name = r.family_name AND l.family_name = r.given_name",
        # A nickname with a misspelt family name.
        block_on("given_formal", "family_soundex"),
        # Names written the other way round on one side, one of them spelt differently or a nickname: the
        # other name the same, and the first letters alike (blocking on the one name alone paired every given
        # name with every family name spelt the same, more than half of all the pairs scored).
        "l.given_name = r.family_name AND l.family_initial = r.given_initial",
        "l.family_name = r.given_name AND l.given_initial = r.family_initial",
        # A nickname, or a misspelt given name, where the family name differs too or the date is partial.
        block_on("given_formal", "dob_ym"),
        block_on("given_formal", "postcode"),
        # Both names spelt differently (or one a nickname the table does not hold), so that neither a name nor
        # how the family name sounds agrees: the same month of birth with both first letters alike, the same
        # postcode with either first letter alike, or day and month of birth swapped with the first letter.
        block_on("dob_ym", "given_initial", "family_initial"),
        block_on("postcode", "given_initial"),
        block_on("postcode", "family_initial"),
        "l.dob = r.dob_swapped AND l.given_initial = r.given_initial",
        "l.dob_swapped = r.dob AND l.given_initial = r.given_initial",
        # A shortened given name (the same first three letters) with the same family name.
        block_on("family_name", "given_prefix"),
    ]


def settings(probability_two_random_records_match: float) -> "SettingsCreator":
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        max_iterations=20,
    )


@dataclass
class Scored:
    """The scored pairs (``unique_id_l < unique_id_r``, with ``match_weight`` and ``match_probability``) and the
    trained parameters that scored them. Why a pair scored as it did is ``realtime.explanation``."""

    pairs: list[dict[str, Any]]
    parameters: dict[str, Any]


def _parameters(linker: "Linker") -> dict[str, Any]:
    """The prior and, per comparison, each non-null level's label, m, u and match weight, in level order."""
    settings_obj = linker._settings_obj
    summary: dict[str, Any] = {
        "probability_two_random_records_match": settings_obj._probability_two_random_records_match,
        "comparisons": {},
    }
    for comparison in settings_obj.comparisons:
        levels = []
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            weight = level._log2_bayes_factor if level.m_probability and level.u_probability else None
            levels.append(
                {
                    "level": level.label_for_charts,
                    "m": level.m_probability,
                    "u": level.u_probability,
                    "weight": None if weight is None or math.isinf(weight) else round(weight, 3),
                }
            )
        summary["comparisons"][comparison.output_column_name] = levels
    return summary


def train(db_api: "DuckDBAPI", table: str, *, n_records: int, n_area: int | None = None) -> "Linker":
    """A linker on ``table`` (``n_records`` rows) with the model trained: u by random sampling, m by EM.

    ``n_area`` is how many records the area holds, when the table is a sample of them (for the prior).
    """
    from splink import Linker, block_on

    n = n_records
    # Each person has around two records in an area: the prior that two random records match.
    prior = 1.5 / max((n_area or n) - 1, U_MIN_RECORDS)
    linker = Linker(db_api.register(table), settings(prior))
    if n >= U_MIN_RECORDS:
        pairs_total = n * (n - 1) / 2
        linker.training.estimate_u_using_random_sampling(max_pairs=min(U_MAX_PAIRS, pairs_total), seed=SEED)
    if n >= EM_MIN_RECORDS:
        for rule in EM_RULES:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*rule), estimate_without_term_frequencies=True
                )
            except Exception:
                logging.getLogger(__name__).warning("EM on %s did not converge; keeping starting values", rule)
    return linker


def parameters_of(linker: "Linker") -> dict[str, Any]:
    """The trained parameters as a run keeps them (``LinkRun.model``), which ``realtime.RealTimeMatcher`` reads."""
    return _parameters(linker)


def arrow_schema() -> "pa.Schema":
    """``COLUMNS`` as an Arrow schema, the rows' types wherever they are handed to DuckDB."""
    import pyarrow as pa

    types = {"int64": pa.int64(), "int32": pa.int32(), "string": pa.string(), "strings": pa.list_(pa.string())}
    return pa.schema({name: types[kind] for name, kind in COLUMNS.items()})


def _load(connection: "duckdb.DuckDBPyConnection", rows: Sequence[dict[str, Any]]) -> None:
    import pyarrow as pa

    if not any(row.get("family_band") for row in rows):
        family_name_bands(list(rows))
    table = pa.Table.from_pylist(list(rows), schema=arrow_schema())
    connection.register("records_arrow", table)
    connection.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
    connection.unregister("records_arrow")


def score(rows: Sequence[dict[str, Any]], *, threshold: float) -> Scored:
    """Train on the rows (record features) and return every blocked pair scoring at least ``threshold``.

    Above ``TRAIN_MAX_RECORDS`` the model is trained on a repeatable random sample of that many records (u
    and m are proportions, which a random sample estimates without bias; the prior is the whole area's),
    then every blocked pair of the whole area is scored.
    """
    import duckdb
    from splink import DuckDBAPI, Linker

    # sqlglot, which Splink reads the levels with, notes that it leaves the long date level as written.
    for name in ("splink", "splink.internals", "sqlglot"):
        logging.getLogger(name).setLevel(logging.ERROR)
    connection = duckdb.connect()
    _load(connection, rows)
    db_api = DuckDBAPI(connection)
    n = len(rows)
    if n > TRAIN_MAX_RECORDS:
        connection.execute(
            f"CREATE TABLE training AS SELECT * FROM records USING SAMPLE reservoir({TRAIN_MAX_RECORDS} ROWS) "  # noqa: S608
            f"REPEATABLE ({SEED})"
        )
        trained = train(db_api, "training", n_records=TRAIN_MAX_RECORDS, n_area=n)
        linker = Linker(db_api.register("records"), trained.misc.save_model_to_json())
    else:
        linker = train(db_api, "records", n_records=n)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    sql = f"SELECT unique_id_l, unique_id_r, match_weight, match_probability FROM {predictions.physical_name}"  # noqa: S608
    pairs = []
    for left, right, weight, probability in connection.execute(sql).fetchall():
        low, high = (left, right) if left < right else (right, left)
        pairs.append(
            {"unique_id_l": low, "unique_id_r": high, "match_weight": weight, "match_probability": probability}
        )
    parameters = _parameters(linker)
    connection.close()
    return Scored(pairs=pairs, parameters=parameters)
