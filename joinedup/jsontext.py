"""JSON text for the largest writes and reads, in a module of its own: the mapping refresh's hotspots process makes
its rows with it and never sets Django up."""

import json
from typing import Any

import orjson


def json_text(value: Any) -> str:
    """A value as JSON text, as ``json.dumps`` writes it for a JSONField with no encoder of its own, by orjson (a
    fifth of the time, for the mapping refresh's millions of rows): the same values read back, written without
    the spaces and with other characters than ASCII as they are. Where orjson declines a value (a key that is
    not a string, an integer beyond 64 bits) or is told to (a date or time, a dataclass, a subclass of str, int,
    dict or list: ``PASS``), ``json.dumps`` writes it or refuses it as Django would. One value differs: a UUID,
    which ``json.dumps`` refuses, is written as its text."""
    try:
        return orjson.dumps(value, option=PASS).decode()
    except TypeError:
        return json.dumps(value)


# What orjson hands back to json.dumps (as it has no ``default``: a TypeError) rather than write itself.
PASS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def json_value(text: str) -> Any:
    """JSON text read as ``json.loads`` reads it (a JSONField's value from the database), by orjson (the mapping's
    build reads a million agency records). Where orjson refuses the text (NaN or Infinity, which ``json.loads``
    takes), ``json.loads`` reads it or refuses it. One value differs: an integer beyond 64 bits, which orjson reads
    as a float. The build reads only text and coordinates from a record, so nothing it reads differs."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
