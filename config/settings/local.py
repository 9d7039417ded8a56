"""Demo and development on the embedded database: no second factor, with a visible banner."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
JOINEDUP_OTP_REQUIRED = env_bool("JOINEDUP_OTP_REQUIRED", False)
JOINEDUP_DEMO = env_bool("JOINEDUP_DEMO", True)
# Serve static files from the app folders without collectstatic, also with DEBUG off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
