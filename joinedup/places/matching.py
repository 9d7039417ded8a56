"""Whether a place as written is one already recorded: blocking, then scoring with rapidfuzz.

Blocking reads only the places that could be the one: the same postcode, the same postcode sector, the same name
key, or a name sharing a distinctive word; for a name no place has exactly, also a name holding a word one
typing slip from a distinctive word. Each is scored on its name (every spelling it has been
seen with), postcode, address and kind, and the best is judged:

- ``certain``: the same postcode (or none given on one side) and names that agree after normalising;
- ``likely``: worth a person's look (a close name in the same sector, a typo, a name without a postcode that
  two places share);
- otherwise a new place.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from .models import Place, PlaceKind, PlaceName
from .normalise import address_key, name_key, postcode_normalise, postcode_sector

# Scores are rapidfuzz's 0-100. Measured on the generated variants in tests/test_matching_quality.py.
CERTAIN_NAME = 88.0  # with the same postcode
CERTAIN_NAME_NO_POSTCODE = 97.0  # one side has no postcode: a name that is the same after normalising
# One side has no postcode and this place is the only one whose name comes near: a typing slip in its name.
CERTAIN_NAME_NO_POSTCODE_ALONE = 90.0
LIKELY_NAME = 75.0
# One side has no postcode and the name is one typing slip (a letter dropped, doubled, swapped or wrong) from a
# long name (at least this many letters): a slip, not another place, when no other place comes near.
SLIP_MIN_LENGTH = 10
# ... and "no other place comes near": every other candidate scores at least this much lower.
ALONE_MARGIN = 6.0
# Words too common to block on: every hotel shares "hotel".
COMMON_WORDS = {
    "hotel",
    "road",
    "street",
    "park",
    "school",
    "station",
    "centre",
    "house",
    "lane",
    "avenue",
    "and",
    "of",
    "bar",
    "close",
    "shopping",
    "primary",
    "academy",
    "takeaway",
    "taxi",
    "rank",
    "bus",
    "pizza",
    "kebab",
    "chicken",
}
BLOCK_WORDS = 3
# Distinctive words at least this long are also blocked on the words one typing slip from them.
SLIP_MIN_WORD = 5
BLOCK_LIMIT = 500


@dataclass
class Judgement:
    place: Place | None
    verdict: str  # "certain", "likely" or "none"
    score: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)


def name_similarity(a: str, b: str) -> float:
    """How alike two name keys are, 0-100: the better of the whole-string ratio and the token-sort ratio (word
    order: "hotel station" and "station hotel"), so one typo in a short name still scores high."""
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def one_slip(a: str, b: str) -> bool:
    """Whether two long name keys are one typing slip apart: a letter dropped, doubled, wrong, or two letters
    swapped ("castle" and "catsle")."""
    return bool(a and b) and min(len(a), len(b)) >= SLIP_MIN_LENGTH and OSA.distance(a, b) <= 1


def _slip_pattern(word: str) -> str:
    """A regular expression for any word one typing slip from ``word``: with a letter dropped, added, changed, or
    two letters swapped. Blocking with it finds "meadow pizza" for "madow pizza", whose words share no whole
    distinctive word."""
    letters = [re.escape(ch) for ch in word]
    variants = {"".join(letters)}
    for i in range(len(letters) + 1):
        variants.add("".join(letters[:i]) + "." + "".join(letters[i:]))  # a letter dropped from the writing
    for i in range(len(letters)):
        variants.add("".join(letters[:i]) + "".join(letters[i + 1 :]))  # a letter added (doubled)
        variants.add("".join(letters[:i]) + "." + "".join(letters[i + 1 :]))  # a letter wrong
    for i in range(len(letters) - 1):
        swapped = [*letters[:i], letters[i + 1], letters[i], *letters[i + 2 :]]
        variants.add("".join(swapped))
    return "(" + "|".join(sorted(variants)) + ")"


def _numbers(key: str) -> tuple[str, ...]:
    return tuple(word for word in key.split() if any(ch.isdigit() for ch in word))


def _block(key: str, postcode: str) -> list[Place]:
    live = Place.objects.filter(merged_into__isnull=True)
    query = Q()
    if postcode:
        # The sector holds the postcode itself: "WB1 1AA" starts with "WB1 1".
        query |= Q(postcode__startswith=postcode_sector(postcode))
    if key:
        query |= Q(name_key=key) | Q(pk__in=PlaceName.objects.filter(name_key=key).values("place_id"))
        words = sorted({w for w in key.split() if len(w) >= 3 and w not in COMMON_WORDS}, key=len, reverse=True)
        for word in words[:BLOCK_WORDS]:
            query |= Q(name_key__contains=word)
    if not query:
        return []
    return list(live.filter(query).order_by("created_at", "pk")[:BLOCK_LIMIT])


def _slip_block(key: str, known: list[Place]) -> list[Place]:
    """The places, beyond ``known``, whose name holds a word one typing slip from a distinctive word of this one
    ("Catsle Street" for "Castle Street", "Madow Pizza" for "Meadow Pizza"). A regular expression reads every
    place's name, so it is asked only where it can help: a name no place already has exactly (an import writing
    the same places again never asks it)."""
    words = sorted(
        {w for w in key.split() if len(w) >= SLIP_MIN_WORD and w not in COMMON_WORDS}, key=len, reverse=True
    )[:BLOCK_WORDS]
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(name_key__regex=_slip_pattern(word))
    live = Place.objects.filter(merged_into__isnull=True).exclude(pk__in=[place.pk for place in known])
    return list(live.filter(query).order_by("created_at", "pk")[:BLOCK_LIMIT])


def _spellings(places: list[Place]) -> dict[Any, set[str]]:
    keys: dict[Any, set[str]] = {place.pk: {place.name_key} for place in places}
    for place_id, key in PlaceName.objects.filter(place__in=places).values_list("place_id", "name_key"):
        keys[place_id].add(key)
    return keys


def place_judge(*, name: str, postcode: str = "", address: str = "", kind: str = "") -> Judgement:
    """The best existing place for this writing, and how sure the match is."""
    key, postcode = name_key(name), postcode_normalise(postcode)
    address_k = address_key(address)
    candidates = _block(key, postcode)
    spellings = _spellings(candidates)
    if key and not any(key in known for known in spellings.values()):
        more = _slip_block(key, candidates)
        candidates += more
        spellings |= _spellings(more)
    if not candidates:
        return Judgement(None, "none")
    scored: list[tuple[float, str, Place, dict[str, Any]]] = []
    for place in candidates:
        score = max((name_similarity(key, known) for known in spellings[place.pk] if known), default=0.0)
        if not key:
            # Only a postcode was written: the postcode is all there is to go on.
            score = 0.0
        if postcode and place.postcode:
            postcode_relation = (
                "same"
                if place.postcode == postcode
                else ("same sector" if postcode_sector(place.postcode) == postcode_sector(postcode) else "different")
            )
        else:
            postcode_relation = "not given"
        address_score = name_similarity(address_k, address_key(place.address)) if address_k and place.address else None
        # "12 Elm Road" and "14 Elm Road" share a postcode and most letters; a house number that differs is never
        # the same place without a person saying so.
        numbers_differ = bool(key) and all(_numbers(k) != _numbers(key) for k in spellings[place.pk] if k)
        kinds_differ = bool(kind and place.kind != PlaceKind.OTHER and kind != PlaceKind.OTHER and kind != place.kind)
        slip = bool(key) and any(one_slip(key, known) for known in spellings[place.pk] if known)
        verdict = "none"
        if postcode_relation == "same":
            if score >= CERTAIN_NAME and not kinds_differ and not numbers_differ:
                verdict = "certain"
            elif score >= LIKELY_NAME or (address_score is not None and address_score >= CERTAIN_NAME):
                verdict = "likely"
        elif postcode_relation == "not given":
            if score >= CERTAIN_NAME_NO_POSTCODE and not kinds_differ and not numbers_differ:
                verdict = "certain"
            elif score >= LIKELY_NAME or slip:
                verdict = "likely"
        elif postcode_relation == "same sector" and score >= CERTAIN_NAME:
            verdict = "likely"
        evidence = {
            "name_score": round(score, 1),
            "postcode": postcode_relation,
            "address_score": None if address_score is None else round(address_score, 1),
            "kinds_differ": kinds_differ,
            "numbers_differ": numbers_differ,
            "one_slip": slip,
            "names": sorted(spellings[place.pk] | {key}),
        }
        if verdict != "none":
            scored.append((score, verdict, place, evidence))
    if not scored:
        return Judgement(None, "none")
    certain = [row for row in scored if row[1] == "certain"]
    same_postcode = [row for row in certain if row[3]["postcode"] == "same"]
    if len(same_postcode) == 1:
        # The place at this postcode, not another of the same name whose postcode nobody wrote down.
        certain = same_postcode
    if not certain:
        # A name written without a postcode that is one slip from one place's, where no other place comes near
        # ("Madow Pizza" and the one Meadow Pizza): that place. Two places of the same name are never told apart
        # this way: they score the same.
        best = max(scored, key=lambda row: row[0])
        score, _, place, evidence = best
        near = score >= CERTAIN_NAME_NO_POSTCODE_ALONE or evidence["one_slip"]
        unambiguous = not evidence["kinds_differ"] and not evidence["numbers_differ"]
        alone = all(row[0] <= score - ALONE_MARGIN for row in scored if row is not best)
        if evidence["postcode"] == "not given" and near and unambiguous and alone:
            certain = [best]
    if len(certain) == 1:
        score, _, place, evidence = certain[0]
        return Judgement(place, "certain", score, evidence)
    # Two or more places it could certainly be (a name without a postcode that places in two postcodes share),
    # or only likely ones: a person decides.
    score, _, place, evidence = max(scored, key=lambda row: (row[1] == "certain", row[0]))
    if len(certain) > 1:
        evidence = {**evidence, "ambiguous": len(certain)}
    return Judgement(place, "likely", score, evidence)
