"""Settings for ``bench/pages.py``: the test settings (no second factor, fast password hashing) served as in
production otherwise (DEBUG off), on the database ``DATABASE_URL`` names, with the bench's own URLconf that adds
the bare baseline view. Not for any real deployment."""

from config.settings.test import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "_pages_urls"
# No per-request log lines; errors (with their tracebacks) still reach the log the benchmark reads, each line with
# its time (epoch seconds), as do the worker's tasks starting and ending (``django_tasks`` at INFO).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "%(created).3f %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
