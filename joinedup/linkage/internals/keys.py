"""Blocking keys for find before you create: short strings a likely match shares with what was typed.

One function builds the keys for both sides, so a stored key and a query's key agree by construction:
``record_keys`` for a child's record or an agency's record of a child (stored in ``SearchKey``),
``query_keys`` for what a practitioner typed. Both start from ``features.record_features``: names
lower case and letters only, nicknames grouped, family names by soundex, dates split by precision,
postcodes normalised.

The keys, with ``B625`` the soundex of Brackenbury and ``rebecca`` one of the given name's group:

- ``fd:B625:2011-04-05``  family name's sound and date of birth (a query also tries day and month swapped)
- ``fm:B625:2011-04``     family name's sound and month of birth; ``fy:B625:2011`` only for a year-only date
- ``fp:B625:WB1 2AB``     family name's sound and postcode
- ``gf:rebecca:B625``     given name (each of its nickname group) and family name's sound
- ``gd:rebecca:2011-04-05`` given name and date of birth
- ``dp:2011-04-05:WB1``   date of birth and postcode district
- ``nm:brackenbury:rebecca`` both names in either order (given and family written the wrong way round)

A query asks for those it can make from what was typed. Where it can make none (only a family name,
only a given name, only a date of birth), it falls back to coarser keys every record also carries:
``fs:B625`` (family name's sound), ``fx:bra`` (its first three letters, for a name still being typed),
``g:rebecca`` and ``d:2011-04-05``. Those pools are large and are cut by the caller's pool limit.
"""

from typing import Any

from .features import record_features

# Each key is stored in a CharField of this length; names are cut so any key fits.
KEY_LENGTH = 100
_NAME_LENGTH = 40
FALLBACK_KINDS = frozenset({"fs", "fx", "g", "d"})


def _swapped(dob: str | None) -> str | None:
    """'2011-04-05' -> '2011-05-04' where the day could be a month and differs from it."""
    if not dob or int(dob[8:10]) > 12 or dob[5:7] == dob[8:10]:
        return None
    return f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}"


def _key(*parts: str) -> str:
    return ":".join(parts)[:KEY_LENGTH]


def _build(data: dict[str, Any], *, query: bool) -> tuple[set[str], set[str]]:
    """(full keys, fallback keys) for one row in extract shape: given_name, family_name, date_of_birth, postcode."""
    f = record_features(0, "", data)
    given = (f["given_name"] or "")[:_NAME_LENGTH]
    family = (f["family_name"] or "")[:_NAME_LENGTH]
    sound, postcode, district = f["family_soundex"], f["postcode"], f["postcode_district"]
    dob, ym, year = f["dob"], f["dob_ym"], f["dob_y"]
    groups = [g[:_NAME_LENGTH] for g in (f["given_group"] or [])]
    # A query also tries the date with day and month swapped, and that date's month.
    dobs = [d for d in (dob, _swapped(dob) if query else None) if d]
    months = [ym] if ym else []
    if query and len(dobs) > 1:
        months.append(dobs[1][:7])
    full: set[str] = set()
    if sound:
        full |= {_key("fd", sound, d) for d in dobs}
        full |= {_key("fm", sound, m) for m in months}
        # Stored only for a year-only date, so a common family name's year is not one big pool.
        if year and (query or ym is None):
            full.add(_key("fy", sound, year))
        if postcode:
            full.add(_key("fp", sound, postcode))
        full |= {_key("gf", g, sound) for g in groups}
    for d in dobs:
        full |= {_key("gd", g, d) for g in groups}
        if district:
            full.add(_key("dp", d, district))
    if given and family:
        full.add(_key("nm", *sorted((given, family))))
    fallback: set[str] = set()
    if sound:
        fallback |= {_key("fs", sound), _key("fx", family[:3])}
    fallback |= {_key("g", g) for g in groups}
    fallback |= {_key("d", d) for d in dobs}
    return full, fallback


def record_keys(data: dict[str, Any]) -> set[str]:
    """Every key stored for one record: the full keys and the coarse fallback keys."""
    full, fallback = _build(data, query=False)
    return full | fallback


def query_keys(data: dict[str, Any]) -> set[str]:
    """The keys to look up for what was typed: the full keys, or the fallback keys where none can be made."""
    full, fallback = _build(data, query=True)
    return full or fallback
