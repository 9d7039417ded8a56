"""Checks and normal forms for the identifiers agencies give a child."""

import re

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
