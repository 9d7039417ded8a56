"""Codes in plain words where a page shows them: ``{{ row.place_type|plain }}`` reads "Private address", not
"private_address"."""

from django import template

from joinedup import dates

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


# Dates and times in the GOV.UK style, UK time: one implementation, in ``joinedup.dates``.
register.filter("when", dates.when)
register.filter("day", dates.day)
register.filter("due", dates.due)
register.filter("weekday_day", dates.weekday_day)
register.filter("weekday_when", dates.weekday_when)
register.filter("clock", dates.clock)


@register.filter
def when_seconds(value: object) -> str:
    """A moment to the second, for a page that lists events a person tells apart by the second:
    "5 December 2026 at 2:30:15pm"."""
    return dates.when(value, seconds=True)


when = dates.when
day = dates.day
due = dates.due
weekday_day = dates.weekday_day
weekday_when = dates.weekday_when
clock = dates.clock
