"""Matching one new record against everyone already linked, without a Splink run.

A batch run (``model.score``) trains the model and keeps its parameters on the ``LinkRun``. When a few new
records arrive, ``RealTimeMatcher`` scores each against the existing records with those parameters: it looks
the new record up in one index per blocking rule (the same rules ``model.blocking_rules`` gives Splink), then
works out, for each candidate, the level every comparison reaches, reading the levels exactly as the
comparison SQL in ``model.comparisons`` does, and adds up the level weights. The result is the same
candidates and probabilities as Splink's ``predict_between`` (the benchmark ``bench/match_one.py`` and the
test ``test_realtime.py`` check it pair for pair), at a fraction of the time.

When a comparison or its levels change in ``model.py``, the function of the same name here changes with it;
the test fails until they agree.
"""

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from . import model

Row = dict[str, Any]


def _jw(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def _dl(a: str, b: str) -> int:
    return DamerauLevenshtein.distance(a, b)


def _any(a: list[str] | None, b: list[str] | None) -> bool:
    return bool(a and b and set(a) & set(b))


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _null(left: Row, right: Row, column: str) -> bool:
    return left[column] is None or right[column] is None


# Each returns the position, in the comparison's levels (0 is the null level), that a pair reaches.
def _given_name(left: Row, right: Row) -> int:
    a, b = left["given_name"], right["given_name"]
    if a is None or b is None:
        return 0
    if a == b:
        return 1
    if _eq(a, right["family_name"]) and _eq(left["family_name"], b):
        return 2
    if _swapped_varied(left, right):
        return 3
    if _any(left["given_group"], right["given_group"]):
        return 4
    similarity = _jw(a, b)
    if similarity >= 0.92:
        return 5
    if similarity >= 0.8 or a.startswith(b) or b.startswith(a):
        return 6
    return 7


def _swapped_varied(left: Row, right: Row) -> bool:
    """model.SWAPPED_VARIED: one name in the other's field, the other name similar or a nickname of it."""
    gl, fl, gr, fr = left["given_name"], left["family_name"], right["given_name"], right["family_name"]
    if (
        _eq(fl, gr)
        and gl is not None
        and fr is not None
        and (_jw(gl, fr) >= 0.8 or _any(left["given_group"], right["family_group"]))
    ):
        return True
    return (
        _eq(gl, fr)
        and fl is not None
        and gr is not None
        and (_jw(fl, gr) >= 0.8 or _any(left["family_group"], right["given_group"]))
    )


def _swapped(left: Row, right: Row) -> bool:
    """model.SWAPPED: exactly, or with one of the names varied."""
    exact = _eq(left["given_name"], right["family_name"]) and _eq(left["family_name"], right["given_name"])
    return exact or _swapped_varied(left, right)


def _family_and_home(left: Row, right: Row) -> int:
    if _null(left, right, "family_name") and _null(left, right, "postcode") and _null(left, right, "phones"):
        return 0
    a, b = left["family_name"], right["family_name"]
    same = _eq(a, b)
    postcode = _eq(left["postcode"], right["postcode"])
    phone = _any(left["phones"], right["phones"])
    if same and postcode and phone:
        return 1
    if same and postcode:
        return 2
    if same and phone:
        return 3
    if same and _eq(left["postcode_sector"], right["postcode_sector"]):
        return 4
    # No home to compare: a postcode and phones each missing on one side at least.
    unknown = _null(left, right, "postcode") and _null(left, right, "phones")
    if same:
        band = {"rare": 5, "usual": 7}.get(left["family_band"], 9)
        return band if unknown else band + 1
    close = a is not None and b is not None and _dl(a, b) <= 1
    if close and (postcode or phone):
        return 11
    if close:
        return 12
    if _swapped(left, right):
        return 13 if postcode or phone else 14
    if a is not None and b is not None and _jw(a, b) >= 0.88:
        return 15
    if postcode or phone:
        return 16
    return 17


def _aliases(left: Row, right: Row) -> int:
    if left["aliases"] is None and right["aliases"] is None:
        return 0
    la, ra = left["aliases"] or [], right["aliases"] or []
    if _any(la, right["names"] or []) or _any(ra, left["names"] or []) or _any(la, ra):
        return 1
    return 2


def _date_of_birth(left: Row, right: Row) -> int:
    if _null(left, right, "dob_y"):
        return 0
    a, b = left["dob"], right["dob"]
    if _eq(a, b):
        return 1
    if _eq(a, right["dob_swapped"]):
        return 2
    if (a is None or b is None) and _eq(left["dob_ym"], right["dob_ym"]):
        return 3
    if (left["dob_ym"] is None or right["dob_ym"] is None) and left["dob_y"] == right["dob_y"]:
        return 4
    if (
        a is not None
        and b is not None
        and (_dl(a, b) <= 1 or (_eq(left["dob_ym"], right["dob_ym"]) and abs(int(a[8:]) - int(b[8:])) <= 1))
    ):
        return 5
    if left["dob_y"] == right["dob_y"]:
        return 6
    return 7


def _exact(column: str) -> Callable[[Row, Row], int]:
    def level(left: Row, right: Row) -> int:
        if _null(left, right, column):
            return 0
        return 1 if left[column] == right[column] else 2

    return level


PERSON_TYPE_LEVELS = {"child": 1, "adult_of_concern": 2, "parent_carer": 3}


def _person_type(left: Row, right: Row) -> int:
    if _null(left, right, "person_type"):
        return 0
    if left["person_type"] != right["person_type"]:
        return 5
    return PERSON_TYPE_LEVELS.get(left["person_type"], 4)


def _identifiers(left: Row, right: Row) -> int:
    names = ("nhs_number", "upn", "pnc_id")
    if not any(left[n] is not None and right[n] is not None for n in names):
        return 0
    return 1 if any(_eq(left[n], right[n]) for n in names) else 2


LEVELS: dict[str, Callable[[Row, Row], int]] = {
    "given_name": _given_name,
    "family_and_home": _family_and_home,
    "aliases": _aliases,
    "date_of_birth": _date_of_birth,
    "email": _exact("email"),
    "sex": _exact("sex"),
    "person_type": _person_type,
    "agency": _exact("agency"),
    "identifiers": _identifiers,
}

# A level no true match reached in training has m = 0; its weight is this floor, not minus infinity.
WEIGHT_FLOOR = -60.0


def _weight(m: float | None, u: float | None) -> float:
    if not m or not u:
        return WEIGHT_FLOOR if not m else -WEIGHT_FLOOR
    return max(WEIGHT_FLOOR, math.log2(m / u))


def blocking_columns() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each blocking rule as (left columns, right columns) of its equalities joined by AND."""
    rules = []
    for rule in model.blocking_rules():
        sql = rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql
        equalities = re.findall(r'l\."?(\w+)"?\s*=\s*r\."?(\w+)"?', sql)
        if not equalities or " or " in sql.lower():
            raise ValueError(f"The real-time matcher reads only equalities joined by AND: {sql}")
        rules.append((tuple(a for a, _ in equalities), tuple(b for _, b in equalities)))
    return rules


def explanation(left: Row, right: Row, parameters: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per comparison: the level a pair reached and its match weight (log2 of the Bayes factor), e.g.
    ``{"given_name": {"level": "Nickname of the same name", "weight": 6.9}, "date_of_birth": {"level":
    "Not known", "weight": 0.0}}``."""
    out: dict[str, dict[str, Any]] = {}
    for name, level in LEVELS.items():
        reached = level(left, right)
        if reached == 0:
            out[name] = {"level": "Not known", "weight": 0.0}
        else:
            kept = parameters["comparisons"][name][reached - 1]
            out[name] = {"level": kept["level"], "weight": round(_weight(kept["m"], kept["u"]), 2)}
    return out


class RealTimeMatcher:
    """New records against existing ones, with a trained model's parameters (``Scored.parameters``, as kept on
    ``LinkRun.model``): blocked lookup, then the level weights added up in Python."""

    def __init__(self, rows: Iterable[Row], parameters: dict[str, Any]) -> None:
        prior = parameters["probability_two_random_records_match"]
        self.prior_weight = math.log2(prior / (1 - prior))
        self.weights: dict[str, list[float]] = {}
        for name, levels in parameters["comparisons"].items():
            self.weights[name] = [0.0] + [_weight(level["m"], level["u"]) for level in levels]
        if set(self.weights) != set(LEVELS):
            raise ValueError("The model's comparisons are not the ones the real-time matcher knows.")
        self.rules = blocking_columns()
        self.rows: dict[int, Row] = {}
        self.index: list[dict[tuple[Any, ...], list[int]]] = [defaultdict(list) for _ in self.rules]
        for row in rows:
            self.add(row)

    def add(self, row: Row) -> None:
        """Index a record, so that later records are matched against it too."""
        self.rows[row["unique_id"]] = row
        for (columns, _), index in zip(self.rules, self.index, strict=True):
            key = tuple(row[c] for c in columns)
            if None not in key:
                index[key].append(row["unique_id"])

    def candidates(self, new: Row) -> set[int]:
        found: set[int] = set()
        for (_, lookup), index in zip(self.rules, self.index, strict=True):
            key = tuple(new[c] for c in lookup)
            if None not in key:
                found.update(index.get(key, ()))
        found.discard(new["unique_id"])
        return found

    def score(self, existing: Row, new: Row) -> tuple[float, float]:
        """(match weight, match probability) of one pair."""
        weight = self.prior_weight + sum(self.weights[name][level(existing, new)] for name, level in LEVELS.items())
        return weight, 1.0 if weight > 1000 else 2**weight / (1 + 2**weight)

    def pairs(self, new: Row, threshold: float = model.REVIEW_THRESHOLD) -> list[dict[str, Any]]:
        """The scored pairs at or above ``threshold`` in the shape ``model.score`` gives them."""
        out = []
        for candidate in self.candidates(new):
            weight, probability = self.score(self.rows[candidate], new)
            if probability >= threshold:
                low, high = sorted((candidate, new["unique_id"]))
                out.append(
                    {"unique_id_l": low, "unique_id_r": high, "match_weight": weight, "match_probability": probability}
                )
        return out
