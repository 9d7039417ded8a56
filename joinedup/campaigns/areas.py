"""The areas reach and risk are compared over: postcode sectors ("WB1 1": the outward code and the first
figure of the inward code), a unit every UK address has, small enough to point at a few streets."""

import re

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])([A-Z]{2})?$")


def postcode_sector(text: str) -> str:
    """The sector of a full postcode or of a sector as written: "wb1 1aa", "WB11AA" and "WB1 1" give "WB1 1";
    "" for anything else (a bare district, a typo)."""
    compact = re.sub(r"\s+", "", text or "").upper()
    found = _POSTCODE.match(compact)
    if not found:
        return ""
    return f"{found.group(1)} {found.group(2)}"


def postcode_district(sector: str) -> str:
    """ "WB1 1" gives "WB1"."""
    return sector.split(" ", 1)[0] if sector else ""
