"""How a place's name, postcode and address are compared: the same place written differently reads the same here.

``The Station Hotel``, ``station htl`` and ``Station Hotel, WB1 1AA`` all have the name key ``station hotel``;
``wb11aa`` and ``WB1  1aa`` are both the postcode ``WB1 1AA``.
"""

import re

# A UK postcode: outward code (area, district) and inward code (sector digit, unit letters).
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)

# Words written short, and the word matching compares. "st" is read as "street" (a "St Mary's" school reads
# "street marys" in both spellings, so the two still compare equal).
ABBREVIATIONS = {
    "st": "street",
    "str": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "sq": "square",
    "pl": "place",
    "cres": "crescent",
    "tce": "terrace",
    "terr": "terrace",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
    "gdns": "gardens",
    "gds": "gardens",
    "pde": "parade",
    "htl": "hotel",
    "stn": "station",
    "ctr": "centre",
    "ctre": "centre",
    "center": "centre",
    "sch": "school",
    "pk": "park",
    "rly": "railway",
    "nr": "near",
    "opp": "opposite",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}

# Words that say nothing about which place it is.
DROPPED = {"the"}


def postcode_normalise(text: str) -> str:
    """The first UK postcode in the text in canonical form (``wb11aa`` is ``WB1 1AA``); empty when there is none."""
    match = POSTCODE.search(text or "")
    return f"{match.group(1)} {match.group(2)}".upper() if match else ""


def postcode_sector(postcode: str) -> str:
    """``WB1 1AA`` is in sector ``WB1 1``: the neighbouring streets."""
    canonical = postcode_normalise(postcode)
    return canonical[:-2] if canonical else ""


def _words(text: str) -> list[str]:
    text = (text or "").lower().replace("&", " and ")
    text = re.sub(r"['\u2019`]", "", text)  # McDonald's is mcdonalds, not mcdonald s
    return re.sub(r"[^a-z0-9]+", " ", text).split()


def name_key(text: str) -> str:
    """The name as matching compares it: lower case, no punctuation or postcode, no "the", ``&`` read as "and",
    common abbreviations written out. ``The Station Htl, WB1 1AA`` is ``station hotel``."""
    text = POSTCODE.sub(" ", text or "")
    words = [ABBREVIATIONS.get(word, word) for word in _words(text)]
    return " ".join(word for word in words if word not in DROPPED)


def address_key(text: str) -> str:
    """An address as matching compares it (the same rules as a name)."""
    return name_key(text)


def split_name_and_postcode(text: str) -> tuple[str, str]:
    """A place written as one piece of free text (``Station Hotel, 2 Station Approach, WB1 1AA``): its name (the
    part before the first comma) and its postcode."""
    postcode = postcode_normalise(text)
    name = POSTCODE.sub(" ", (text or "").split(",")[0]).strip(" ,")
    return name, postcode
