"""Blocking keys for find before you create: short strings a likely match shares with what was typed.

One function builds the keys for both sides, so a stored key and a query's key agree by construction:
``record_keys`` for a child's record or an agency's record of a child (stored in ``SearchKey``),
``query_keys`` for what a practitioner typed. Both use linkage's own normalisation (``features``): names
lower case and letters only, nicknames grouped, family names by soundex, dates split by precision,
postcodes normalised.

The keys, with ``B625`` the soundex of Brackenbury and ``rebecca`` one of the given name's group:

- ``fd:B625:2011-04-05``  family name's sound and date of birth (a query also tries day and month swapped)
- ``fm:B625:2011-04``     family name's sound and month of birth; ``fy:B625:2011`` only for a year-only date
- ``fp:B625:WB1 2AB``     family name's sound and postcode
- ``gf:rebecca:B625``     given name (each of its nickname group) and family name's sound
- ``dg:2011-04-05:rebecca`` date of birth and given name
- ``dp:2011-04-05:WB1``   date of birth and postcode district
- ``nm:brackenbury:rebecca`` family name then given name (a query also tries them the wrong way round)

A query asks for those it can make from what was typed. Where it can make none (only a family name,
only a given name, only a date of birth), it looks up coarser prefixes of the same keys instead
(``Lookup.prefixes``): the family name's sound (``fm:B625:``, ``fy:B625:``, ``fp:B625:``), its first three
letters (``nm:bra``, for a name still being typed), the given name (``gf:rebecca:``) or the date of birth
(``dg:2011-04-05:``, ``dp:2011-04-05:``). A record none of whose keys starts with such a prefix carries the
coarse key itself (``fs:B625`` for a family name with no date and no postcode, ``g:rebecca`` for a given name
with no family name, ``d:2011-04-05`` for a date with no given name and no postcode), so every record a
prefix would have found is still found. Storing only the full keys (seven for a typical child, not twelve)
is what lets an import keep up a county's keys at thousands of rows a second.
"""

from dataclasses import dataclass
from typing import Any

from .features import date_parts, name_group, name_normalise, postcode_normalise, soundex

# Each key is stored in a CharField of this length; names are cut so any key fits.
KEY_LENGTH = 100
_NAME_LENGTH = 40


@dataclass(frozen=True)
class Lookup:
    """What a query looks up: whole keys, and (only when it can make no whole key) key prefixes."""

    keys: frozenset[str]
    prefixes: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.keys or self.prefixes)


def _swapped(dob: str | None) -> str | None:
    """'2011-04-05' -> '2011-05-04' where the day could be a month and differs from it."""
    if not dob or int(dob[8:10]) > 12 or dob[5:7] == dob[8:10]:
        return None
    return f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}"


def _key(*parts: str) -> str:
    return ":".join(parts)[:KEY_LENGTH]


def _parts(data: dict[str, Any], *, query: bool) -> dict[str, Any]:
    # Only what the keys are made of, by linkage's own normalisation (not every comparison column of
    # ``features.record_features``: an import makes the keys of every new child).
    given = name_normalise(data.get("given_name"))
    family = name_normalise(data.get("family_name"))
    dob, ym, year = date_parts(data.get("date_of_birth"))
    postcode = postcode_normalise(data.get("postcode"))
    # A query also tries the date with day and month swapped, and that date's month.
    dobs = [d for d in (dob, _swapped(dob) if query else None) if d]
    months = [ym] if ym else []
    if query and len(dobs) > 1:
        months.append(dobs[1][:7])
    return {
        "given": given[:_NAME_LENGTH],
        "family": family[:_NAME_LENGTH],
        "sound": soundex(family),
        "postcode": postcode,
        "district": postcode.split(" ")[0] if postcode else "",
        "year": year,
        "year_only": year if ym is None else None,
        "dobs": dobs,
        "months": months,
        "groups": [g[:_NAME_LENGTH] for g in name_group(given)],
    }


def _full_keys(p: dict[str, Any], *, query: bool) -> set[str]:
    sound, groups, dobs = p["sound"], p["groups"], p["dobs"]
    keys: set[str] = set()
    if sound:
        keys |= {_key("fd", sound, d) for d in dobs}
        keys |= {_key("fm", sound, m) for m in p["months"]}
        # Stored only for a year-only date, so a common family name's year is not one big pool.
        if p["year"] and (query or p["year_only"]):
            keys.add(_key("fy", sound, p["year"]))
        if p["postcode"]:
            keys.add(_key("fp", sound, p["postcode"]))
        keys |= {_key("gf", g, sound) for g in groups}
    for d in dobs:
        keys |= {_key("dg", d, g) for g in groups}
        if p["district"]:
            keys.add(_key("dp", d, p["district"]))
    if query:
        if p["given"] and p["family"]:
            keys |= {_key("nm", p["family"], p["given"]), _key("nm", p["given"], p["family"])}
    elif p["family"]:
        keys.add(_key("nm", p["family"], p["given"]))
    return keys


def record_keys(data: dict[str, Any]) -> set[str]:
    """Every key stored for one record: its full keys, and a coarse key for each part no prefix reaches."""
    p = _parts(data, query=False)
    keys = _full_keys(p, query=False)
    if p["sound"] and not (p["year"] or p["postcode"]):
        keys.add(_key("fs", p["sound"]))
    if not p["sound"]:
        keys |= {_key("g", g) for g in p["groups"]}
    if not p["groups"] and not p["district"]:
        keys |= {_key("d", d) for d in p["dobs"]}
    return keys


def query_keys(data: dict[str, Any]) -> Lookup:
    """What to look up for what was typed: the full keys, or the coarse keys and prefixes where none can be made."""
    p = _parts(data, query=True)
    full = _full_keys(p, query=True)
    if full:
        return Lookup(frozenset(full))
    keys: set[str] = set()
    prefixes: set[str] = set()
    if p["sound"]:
        keys.add(_key("fs", p["sound"]))
        prefixes |= {_key("fm", p["sound"], ""), _key("fy", p["sound"], ""), _key("fp", p["sound"], "")}
        prefixes.add(_key("nm", p["family"][:3]))
    for g in p["groups"]:
        keys.add(_key("g", g))
        prefixes.add(_key("gf", g, ""))
    for d in p["dobs"]:
        keys.add(_key("d", d))
        prefixes |= {_key("dg", d, ""), _key("dp", d, "")}
    return Lookup(frozenset(keys), frozenset(prefixes))
