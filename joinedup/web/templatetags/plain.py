"""Codes in plain words where a page shows them: ``{{ row.place_type|plain }}`` reads "Private address", not
"private_address"."""

from django import template

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
