"""Keys that make the same place, vehicle, phone or handle written differently one node."""

import re

POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


def postcode_normalise(text: str) -> str:
    """``nb1 1aa`` and ``NB11AA`` are both ``NB1 1AA``; anything else is left out."""
    match = POSTCODE.search(text or "")
    return f"{match.group(1)} {match.group(2)}".upper() if match else ""


def name_normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces: ``The  Station-Hotel`` is ``the station hotel``."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split())


def place_from_text(text: str) -> tuple[str, str]:
    """A place written as free text (``Station Hotel, 2 Station Approach, NB1 1AA``): its name and postcode."""
    postcode = postcode_normalise(text)
    name = (text or "").split(",")[0].strip()
    if postcode and name_normalise(name) == name_normalise(postcode):
        name = ""
    return name, postcode


def place_key(name: str, postcode: str) -> str:
    """Empty when there is nothing to tell the place by."""
    name, postcode = name_normalise(name), postcode_normalise(postcode).replace(" ", "")
    return f"{name}|{postcode}" if name or postcode else ""


def vrm_normalise(text: str) -> str:
    """Vehicle registration marks, any spacing or case: ``yx19 klm`` is ``YX19KLM``."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def phone_normalise(text: str) -> str:
    """UK numbers in national form: ``+44 7700 900123`` and ``07700 900123`` are ``07700900123``."""
    digits = re.sub(r"\D", "", text or "")
    if digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 else ""


def handle_normalise(text: str) -> str:
    return (text or "").strip().lstrip("@").lower()


def split_multi(text: str | None) -> list[str]:
    """The ``;``-separated cells of the extract format and of concerns."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]
