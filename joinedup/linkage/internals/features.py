"""Turning an agency's person row into the columns the model compares.

Pure functions of one row: names normalised (lower case, letters only), nicknames
expanded into name groups from ``data/nicknames.csv``, dates of birth split by precision,
postcodes cut into sector and district, phones reduced to UK digits, identifiers cleaned.
"""

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

NICKNAMES_CSV = Path(__file__).resolve().parent.parent / "data" / "nicknames.csv"

_NOT_LETTERS = re.compile(r"[^a-z]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@cache
def nickname_groups() -> dict[str, frozenset[str]]:
    """Each name, formal or familiar, mapped to the formal names it may stand for (itself included)."""
    groups: dict[str, set[str]] = {}
    with NICKNAMES_CSV.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            name, nickname = name_normalise(row["name"]), name_normalise(row["nickname"])
            if not name or not nickname:
                continue
            groups.setdefault(name, {name})
            groups.setdefault(nickname, {nickname}).add(name)
    return {name: frozenset(formal) for name, formal in groups.items()}


def name_normalise(value: str | None) -> str:
    """'  Kayleigh-Ann ' -> 'kayleighann'; accents folded; letters only."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return _NOT_LETTERS.sub("", folded)


def name_group(given: str) -> list[str]:
    if not given:
        return []
    return sorted(nickname_groups().get(given, frozenset({given})))


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    "m": "5",
    "n": "5",
    "r": "6",
}


def soundex(name: str) -> str:
    """American Soundex of a normalised name, for blocking on how a family name sounds."""
    if not name:
        return ""
    codes = _SOUNDEX_CODES
    out, last = name[0].upper(), codes.get(name[0], "")
    for char in name[1:]:
        code = codes.get(char, "")
        if code and code != last:
            out += code
        if char not in "hw":
            last = code
    return (out + "000")[:4]


def letter_bits(name: str) -> int:
    """The set of letters of a normalised name as bits: 'abba' -> 0b11 (a and b)."""
    bits = 0
    for char in set(name):
        bits |= 1 << (ord(char) - 97)
    return bits


def postcode_normalise(value: str | None) -> str:
    """' wb1  2ab' -> 'WB1 2AB'; anything that is not a UK postcode shape -> ''."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else ""


def phone_normalise(value: str | None) -> str:
    """UK numbers in E.164 digits without the plus: '07700 900123' and '+44 7700 900123' -> '447700900123'."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("0044"):
        digits = digits[2:]
    if digits.startswith("0") and len(digits) == 11:
        digits = "44" + digits[1:]
    return digits if len(digits) >= 10 else ""


def date_parts(value: str | None) -> tuple[str | None, str | None, str | None]:
    """'2011-04-05' -> ('2011-04-05', '2011-04', '2011'); '2011-04' -> (None, '2011-04', '2011')."""
    match = _DATE.match((value or "").strip())
    if not match:
        return None, None, None
    year, month, day = match.groups()
    if month is None:
        return None, None, year
    ym = f"{year}-{int(month):02d}"
    if day is None:
        return None, ym, year
    return f"{ym}-{int(day):02d}", ym, year


def set_text(values: list[str]) -> str | None:
    """A small set as the model reads it: ['a', 'b'] -> '|a|b|', [] -> None (``model._holds``)."""
    return f"|{'|'.join(values)}|" if values else None


def _more(group: list[str]) -> str | None:
    """A name's group where it holds more than the name itself (every group holds its own name), else None."""
    return set_text(group) if len(group) > 1 else None


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def identifier_normalise(value: str | None) -> str:
    return re.sub(r"[\s/-]", "", (value or "").upper())


def record_features(unique_id: int, agency: str, data: dict[str, Any]) -> dict[str, Any]:
    """The comparison columns for one person record (``data`` is its extract row)."""
    given = name_normalise(data.get("given_name"))
    group = name_group(given)
    family = name_normalise(data.get("family_name"))
    family_group = name_group(family)
    aliases: set[str] = set()
    for other in _split(data.get("other_names")):
        for token in other.split():
            if name := name_normalise(token):
                aliases.add(name)
    alias_list = sorted(aliases)
    names = {n for n in (given, family) if n}
    dob, dob_ym, dob_y = date_parts(data.get("date_of_birth"))
    postcode = postcode_normalise(data.get("postcode"))
    phones = sorted({p for p in (phone_normalise(v) for v in _split(data.get("phones"))) if p})
    sex = (data.get("sex") or "").strip().upper()
    return {
        "unique_id": unique_id,
        "agency": agency,
        "given_name": given or None,
        "given_group": group or None,
        # One name for the whole nickname group ('bill', 'will' -> 'william'), for blocking.
        "given_formal": group[0] if group else None,
        # The group where it holds more than the name itself (a nickname's formal names), as text, for the model
        # to compare: most names' groups are just themselves, and the scored pairs need not carry those.
        "given_group_more": _more(group),
        "family_name": family or None,
        # The family field read as a given name, for a record with the two written the other way round.
        "family_group": family_group or None,
        "family_group_more": _more(family_group),
        # First letters, for blocking a record whose names are written the other way round.
        "given_initial": given[:1] or None,
        # The first three letters, for blocking a shortened given name the nickname table does not hold
        # ('sam' and 'samuel', 'gabe' and 'gabriel').
        "given_prefix": given[:3] or None,
        "family_initial": family[:1] or None,
        "family_soundex": soundex(family) or None,
        # Which letters the family name holds, as bits (a = 1, b = 2, ...): two names one edit apart differ in
        # at most two letters, which the model checks before working out the edit distance.
        "family_letters": letter_bits(family) if family else None,
        "family_band": None,  # set across the area by family_name_bands
        "names": sorted(names) or None,
        "aliases": alias_list or None,
        "alias_set": set_text(alias_list),
        "dob": dob,
        "dob_ym": dob_ym,
        "dob_y": dob_y,
        # Day and month swapped ('2011-04-05' <-> '2011-05-04'), only where both could be months.
        "dob_swapped": f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}" if dob and int(dob[8:10]) <= 12 else None,
        "postcode": postcode or None,
        "postcode_sector": postcode[:-2] if postcode else None,
        "postcode_district": postcode.split(" ")[0] if postcode else None,
        "phones": phones or None,
        "phone_1": phones[0] if phones else None,
        # The phones after the first, for the model (most records give one phone at most).
        "phones_more": set_text(phones[1:]),
        "email": (data.get("email") or "").strip().lower() or None,
        "sex": sex if sex in {"F", "M", "X"} else None,
        "person_type": (data.get("person_type") or "").strip().lower() or None,
        "nhs_number": identifier_normalise(data.get("nhs_number")) or None,
        "upn": identifier_normalise(data.get("upn")) or None,
        "pnc_id": identifier_normalise(data.get("pnc_id")) or None,
    }


# How common a family name is in the area, as a share of the records holding one: two records agreeing on a
# name a fiftieth of the area holds say less than two agreeing on a name held by a handful.
COMMON_NAME_SHARE = 0.004
RARE_NAME_SHARE = 0.0004


def family_name_bands(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set each row's ``family_band`` ('common', 'usual' or 'rare') from how often its family name occurs in
    ``rows``, which should be the whole area (a sample's counts would differ). Returns the rows."""
    counts = Counter(row["family_name"] for row in rows if row["family_name"])
    total = sum(counts.values()) or 1
    for row in rows:
        share = counts.get(row["family_name"], 0) / total
        if not row["family_name"]:
            row["family_band"] = None
        elif share >= COMMON_NAME_SHARE:
            row["family_band"] = "common"
        elif share < RARE_NAME_SHARE:
            row["family_band"] = "rare"
        else:
            row["family_band"] = "usual"
    return rows


HARD_IDENTIFIERS = ("nhs_number", "upn", "pnc_id")


def dates_of_birth_conflict(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    """Two dates of birth that cannot be one person's: different years (both known), unless both are full
    dates one digit apart (a typing slip). Clustering refuses an automatic join that would put two such
    records together, however they came to be joined."""
    year_l, year_r = left.get("dob_y"), right.get("dob_y")
    if not year_l or not year_r or year_l == year_r:
        return False
    dob_l, dob_r = left.get("dob"), right.get("dob")
    return not (dob_l and dob_r and DamerauLevenshtein.distance(dob_l, dob_r) <= 1)


def identifier_conflict(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """The hard identifiers both records hold with different values: such a pair is never linked automatically."""
    return [name for name in HARD_IDENTIFIERS if left.get(name) and right.get(name) and left[name] != right[name]]
