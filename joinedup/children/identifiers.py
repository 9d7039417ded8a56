"""Checks and normal forms for the identifiers agencies give a child, and the names they know the child by."""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError


def nhs_number_normalise(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    """10 digits whose last is the modulus 11 check digit of the first nine (NHS Data Dictionary)."""
    digits = nhs_number_normalise(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    if value and not nhs_number_is_valid(value):
        raise ValidationError("Enter a valid NHS number: 10 digits, the last a check digit")


def validate_upn(value: str) -> None:
    """A unique pupil number: a check letter, 11 digits, and a final digit or letter (13 characters)."""
    if value and not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", value.strip().upper()):
        raise ValidationError("Enter a valid unique pupil number: 13 characters, for example A123456789012")


# The DfE's check-letter alphabet: A-Z without I, O and S, for remainders 0 to 22.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(value: str) -> str | None:
    """The check letter a UPN's characters 2 to 13 call for, or None when they are not a UPN's.

    Each character is weighted by its position (2 to 13) and the sum taken modulo 23 (DfE, "Unique
    pupil numbers"); a temporary UPN's last character is a letter, valued by its place in UPN_LETTERS.
    """
    text = value.strip().upper()
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", text) or (text[12].isalpha() and text[12] not in UPN_LETTERS):
        return None
    values = [int(c) if c.isdigit() else UPN_LETTERS.index(c) for c in text[1:]]
    return UPN_LETTERS[sum(v * w for v, w in zip(values, range(2, 14), strict=True)) % 23]


def validate_upn_check_letter(value: str) -> None:
    """A UPN entered on the platform: its form, and its first letter the check letter of the rest.

    Agencies' extracts are checked by ``validate_upn`` (form only), so an import keeps what a
    school's system holds; a person entering a UPN gets the stricter check.
    """
    if not value:
        return
    validate_upn(value)
    expected = upn_check_letter(value)
    if expected is None or value.strip().upper()[0] != expected:
        raise ValidationError(
            "Enter a valid unique pupil number: the first letter is a check letter and does not match the "
            "other 12 characters; check the number with the school"
        )


def police_ids_with(held: str, more: Iterable[str]) -> str | None:
    """The ';'-separated police ids ``held`` with each of ``more`` that is new added (within the field's 200
    characters), or None when none is new."""
    ids = [p for p in held.split(";") if p]
    new = [p for p in dict.fromkeys(more) if p and p not in ids]
    return ";".join([*ids, *new])[:200] if new else None


def known_as_with(other_names: str, full_name: str, names: Iterable[str]) -> str | None:
    """A record's known-as names (``other_names``, ';'-separated) with each of ``names`` that is new added, one
    that is the record's own name or already there (in any case) left out; None when none is new."""
    known = [n.strip() for n in other_names.split(";") if n.strip()]
    seen = {n.lower() for n in known} | {full_name.lower()}
    added = False
    for name in names:
        name = name.strip()
        if name and name.lower() not in seen:
            known.append(name)
            seen.add(name.lower())
            added = True
    return "; ".join(known)[:300] if added else None
