"""JSON text for the largest writes, in a module of its own: the mapping refresh's hotspots process makes its rows
with it and never sets Django up."""

import json
from typing import Any

import orjson


def json_text(value: Any) -> str:
    """A value as JSON text, as ``json.dumps`` writes it for a JSONField with no encoder of its own, by orjson (a
    fifth of the time, for the mapping refresh's millions of rows): the same values read back, written without
    the spaces and with other characters than ASCII as they are. Where orjson declines a value (a key that is
    not a string, an integer beyond 64 bits), ``json.dumps`` writes it."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)
