"""Checks the services share on what a person gives them: a text that must be there, and when a write happened."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def required_text(field: str, text: str, message: str) -> str:
    """The text without surrounding space; refused on ``field`` with ``message`` when nothing is left."""
    text = text.strip()
    if not text:
        raise ValidationError({field: message})
    return text


def past_or_now(at: datetime | None) -> datetime:
    """When a write happened: now, or an earlier time (recording after the event; the demo's past year)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError("The time must not be in the future.")
    return at
