"""The Splink model tuned for agency person records: comparisons, blocking rules, training, scoring.

Each comparison level carries a starting m and u probability (what we expect among true
matches and among non-matches), so a small area scores sensibly before there is enough data to
train; with enough records, u is estimated by random sampling and m by expectation maximisation.
"""

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink import comparison_library as cl

# Below this many records EM has too few matches to learn from; the starting m values stand.
EM_MIN_RECORDS = 1_000
# Below this many records random sampling sees too few pairs to estimate u; the starting u values stand.
U_MIN_RECORDS = 200
U_MAX_PAIRS = 5e6
SEED = 5

COLUMNS: dict[str, pa.DataType] = {
    "unique_id": pa.int64(),
    "agency": pa.string(),
    "given_name": pa.string(),
    "given_group": pa.list_(pa.string()),
    "family_name": pa.string(),
    "family_soundex": pa.string(),
    "names": pa.list_(pa.string()),
    "aliases": pa.list_(pa.string()),
    "dob": pa.string(),
    "dob_ym": pa.string(),
    "dob_y": pa.string(),
    "dob_swapped": pa.string(),
    "postcode": pa.string(),
    "postcode_sector": pa.string(),
    "postcode_district": pa.string(),
    "phones": pa.list_(pa.string()),
    "phone_1": pa.string(),
    "email": pa.string(),
    "sex": pa.string(),
    "nhs_number": pa.string(),
    "upn": pa.string(),
    "pnc_id": pa.string(),
}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "Not known", "is_null_level": True}


def _level(sql: str, label: str, m: float, u: float) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, "u_probability": u}


def _else(m: float, u: float) -> dict[str, Any]:
    return _level("ELSE", "Different", m, u)


def _either_null(column: str) -> str:
    return f"{column}_l IS NULL OR {column}_r IS NULL"


def comparisons() -> list[cl.CustomComparison]:
    jw = "jaro_winkler_similarity"
    given = cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name, with nicknames",
        comparison_levels=[
            _null(_either_null("given_name")),
            _level("given_name_l = given_name_r", "Same", 0.55, 0.01),
            _level("list_has_any(given_group_l, given_group_r)", "Nickname of the same name", 0.15, 0.001),
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
    family = cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name",
        comparison_levels=[
            _null(_either_null("family_name")),
            _level("family_name_l = family_name_r", "Same", 0.7, 0.005),
            _level("damerau_levenshtein(family_name_l, family_name_r) <= 1", "One letter different", 0.12, 0.001),
            _level(f"{jw}(family_name_l, family_name_r) >= 0.88", "Similar", 0.06, 0.01),
            _level(
                "family_name_l = given_name_r AND given_name_l = family_name_r", "Swapped with given name", 0.02, 1e-5
            ),
            _else(0.1, 0.984),
        ],
    )
    aliases = cl.CustomComparison(
        output_column_name="aliases",
        comparison_description="Other names and aliases against every name",
        comparison_levels=[
            _null("aliases_l IS NULL AND aliases_r IS NULL"),
            _level(
                "list_has_any(coalesce(aliases_l, []), coalesce(names_r, [])) "
                "OR list_has_any(coalesce(aliases_r, []), coalesce(names_l, [])) "
                "OR list_has_any(coalesce(aliases_l, []), coalesce(aliases_r, []))",
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
                "(dob_l IS NULL OR dob_r IS NULL) AND (dob_ym_l = dob_ym_r "
                "OR ((dob_ym_l IS NULL OR dob_ym_r IS NULL) AND dob_y_l = dob_y_r))",
                "Same as far as both are known",
                0.06,
                0.01,
            ),
            _level("damerau_levenshtein(dob_l, dob_r) <= 1", "One digit different", 0.05, 0.002),
            _level("dob_y_l = dob_y_r", "Same year", 0.02, 0.05),
            _else(0.02, 0.9377),
        ],
    )
    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode: full, sector, district",
        comparison_levels=[
            _null(_either_null("postcode")),
            _level("postcode_l = postcode_r", "Same", 0.6, 0.005),
            _level("postcode_sector_l = postcode_sector_r", "Same sector", 0.1, 0.05),
            _level("postcode_district_l = postcode_district_r", "Same district", 0.1, 0.25),
            _else(0.2, 0.695),
        ],
    )
    phones = cl.CustomComparison(
        output_column_name="phones",
        comparison_description="Any phone number in common",
        comparison_levels=[
            _null(_either_null("phones")),
            _level("list_has_any(phones_l, phones_r)", "A number in common", 0.7, 0.0005),
            _else(0.3, 0.9995),
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
    return [given, family, aliases, dob, postcode, phones, email, sex, identifiers]


def blocking_rules() -> list[Any]:
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
    ]


def settings(probability_two_random_records_match: float) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=["agency"],
        max_iterations=20,
    )


@dataclass
class Scored:
    """The scored pairs (``unique_id_l < unique_id_r``) and the model that scored them.

    ``labels`` maps each comparison to (match weight, level label) for its non-null levels, so a
    pair's per-comparison weight (``mw_<comparison>``) can be named by the level it reached.
    """

    pairs: list[dict[str, Any]]
    parameters: dict[str, Any]
    labels: dict[str, list[tuple[float, str]]] = field(default_factory=dict)


def _parameters(linker: Linker) -> tuple[dict[str, Any], dict[str, list[tuple[float, str]]]]:
    settings_obj = linker._settings_obj
    summary: dict[str, Any] = {
        "probability_two_random_records_match": settings_obj._probability_two_random_records_match,
        "comparisons": {},
    }
    labels: dict[str, list[tuple[float, str]]] = {}
    for comparison in settings_obj.comparisons:
        name = comparison.output_column_name
        levels = []
        labels[name] = []
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            weight = level._log2_bayes_factor if level.m_probability and level.u_probability else None
            if weight is not None and not math.isinf(weight):
                labels[name].append((weight, level.label_for_charts))
            levels.append(
                {
                    "level": level.label_for_charts,
                    "m": level.m_probability,
                    "u": level.u_probability,
                    "weight": None if weight is None or math.isinf(weight) else round(weight, 3),
                }
            )
        summary["comparisons"][name] = levels
    return summary, labels


def score(rows: Sequence[dict[str, Any]], *, threshold: float) -> Scored:
    """Train on the rows (record features) and return every blocked pair scoring at least ``threshold``."""
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    connection = duckdb.connect()
    table = pa.Table.from_pylist(list(rows), schema=pa.schema(COLUMNS))
    connection.register("records_arrow", table)
    connection.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
    db_api = DuckDBAPI(connection)
    n = len(rows)
    # Each person has around two records in an area: the prior that two random records match.
    prior = 1.5 / max(n - 1, U_MIN_RECORDS)
    linker = Linker(db_api.register("records"), settings(prior))
    if n >= U_MIN_RECORDS:
        pairs_total = n * (n - 1) / 2
        linker.training.estimate_u_using_random_sampling(max_pairs=min(U_MAX_PAIRS, pairs_total), seed=SEED)
    if n >= EM_MIN_RECORDS:
        for rule in (block_on("dob"), block_on("family_name", "given_name")):
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except Exception:
                logging.getLogger(__name__).warning("EM on %s did not converge; keeping starting values", rule)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    names = [c.output_column_name for c in linker._settings_obj.comparisons]
    keys = columns + [f"mw_{c}" for c in names]
    select = ", ".join(keys)
    result = connection.execute(f"SELECT {select} FROM {predictions.physical_name}").fetchall()  # noqa: S608
    pairs = []
    for values in result:
        pair = dict(zip(keys, values, strict=True))
        if pair["unique_id_l"] > pair["unique_id_r"]:
            pair["unique_id_l"], pair["unique_id_r"] = pair["unique_id_r"], pair["unique_id_l"]
        pairs.append(pair)
    parameters, labels = _parameters(linker)
    connection.close()
    return Scored(pairs=pairs, parameters=parameters, labels=labels)


def explanation(pair: dict[str, Any], labels: dict[str, list[tuple[float, str]]]) -> dict[str, dict[str, Any]]:
    """Per comparison: the level reached and its match weight (log2 of the Bayes factor), e.g.
    ``{"given_name": {"level": "Nickname of the same name", "weight": 6.9}, "postcode": {"level": "Not known",
    "weight": 0.0}}``."""
    out: dict[str, dict[str, Any]] = {}
    for name, levels in labels.items():
        weight = float(pair.get(f"mw_{name}") or 0.0)
        level = "Not known"
        if weight != 0.0 or not any(abs(w) < 1e-9 for w, _ in levels):
            closest = min(levels, key=lambda item: abs(item[0] - weight), default=None)
            if closest is not None and abs(closest[0] - weight) < 0.01:
                level = closest[1]
        out[name] = {"level": level, "weight": round(weight, 2)}
    return out
