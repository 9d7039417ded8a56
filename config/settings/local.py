"""Demo and development on the embedded database: no second factor, with a visible banner."""

from config.env import BASE_DIR, env, env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
JOINEDUP_OTP_REQUIRED = env_bool("JOINEDUP_OTP_REQUIRED", False)
JOINEDUP_DEMO = env_bool("JOINEDUP_DEMO", True)
# Serve static files from the app folders without collectstatic, also with DEBUG off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Demo alerts by email land as files, one per message, to read without a mail server.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
