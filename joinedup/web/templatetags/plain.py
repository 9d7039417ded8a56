"""Codes in plain words where a page shows them: ``{{ row.place_type|plain }}`` reads "Private address", not
"private_address"."""

from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()

# Codes whose plain words are not simply the code with spaces (an import's place types, the map's node kinds).
WORDS = {
    "handle": "Online handle",
    "online": "Online space",
    "transport_hub": "Transport hub (station, bus station)",
    "licensed_premises": "Licensed premises (pub, bar, club)",
    "adult": "Adult",
    "person": "Person",
}


@register.filter
def plain(value: object) -> str:
    """The code in plain words: known ones from ``WORDS``, any other with its underscores as spaces and a
    capital first letter; text that is not a code (has spaces or capitals) is left as it is."""
    text = "" if value is None else str(value)
    if text in WORDS:
        return WORDS[text]
    if not text or " " in text or text != text.lower():
        return text
    words = text.replace("_", " ")
    return words[:1].upper() + words[1:]


@register.filter
def when(value: object) -> str:
    """A moment in the GOV.UK style, in UK time: "5 December 2026 at 2:30pm", "at midday", "at midnight"."""
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    day = f"{moment.day} {moment:%B %Y}"
    if (moment.hour, moment.minute) == (0, 0):
        return f"{day} at midnight"
    if (moment.hour, moment.minute) == (12, 0):
        return f"{day} at midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{day} at {hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter
def day(value: object) -> str:
    """A date in the GOV.UK style: "5 December 2026" (a moment is taken in UK time)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


@register.filter
def due(value: object) -> str:
    """A deadline in the GOV.UK style: one that ends with a day (midnight in UK time) reads "by the end of
    11 August 2026", not "12 August 2026 at midnight"; any other reads as ``when`` does."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        moment = timezone.localtime(value)
        if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
            return f"by the end of {day(moment.date() - timedelta(days=1))}"
    return when(value)
