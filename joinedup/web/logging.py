"""Logging for the web process: an ordinary refusal is one line in the server log, not a traceback."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

# What a page raises to refuse a request: expected, answered with 403 or 404, and logged by Django's
# request logger with the exception attached (a full traceback for every refusal).
_REFUSALS = (PermissionDenied, Http404)


class RefusalsOnOneLine(logging.Filter):
    """Drops the traceback from a log record about a refusal; the line (status and path) stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], _REFUSALS):
            record.exc_info = None
            record.exc_text = None
        return True
