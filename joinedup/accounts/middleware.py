import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AuditKind
from joinedup.audit.services import AuditWriteFailed, audit_record

logger = logging.getLogger(__name__)

SIGNED_IN_AT = "joinedup_signed_in_at"
LAST_SEEN_AT = "joinedup_last_seen_at"
PASSIVE_HEADER = "X-Joinedup-Passive"


def _stamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def session_expiry_reason(request: HttpRequest, now: datetime) -> str | None:
    """Why this signed-in session must end now, or None while it may go on."""
    signed_in_at = _stamp(request.session.get(SIGNED_IN_AT))
    last_seen_at = _stamp(request.session.get(LAST_SEEN_AT))
    if signed_in_at is None or last_seen_at is None:
        return "Your session could not be confirmed. Sign in again."
    if now - signed_in_at >= settings.JOINEDUP_ABSOLUTE_TIMEOUT:
        return "You have been signed out because you were signed in for 12 hours. Sign in again."
    if now - last_seen_at >= settings.JOINEDUP_IDLE_TIMEOUT:
        return "You have been signed out after 15 minutes without activity. Sign in again."
    return None


def last_seen_due(request: HttpRequest, now: datetime) -> bool:
    """Whether this request's time must be written as the session's last activity.

    Only once the time written is ``JOINEDUP_LAST_SEEN_INTERVAL`` old (60 s): a request within that interval
    leaves the session unmodified, so Django's session middleware does not save it and the request writes
    nothing for the timeout (on SQLite, one writer at a time, a page that writes waits behind every other
    writer, an import's chunks included). The time written is then at most that interval older than the user's
    last request, so a session is signed out after between ``JOINEDUP_IDLE_TIMEOUT`` less the interval (14
    minutes) and ``JOINEDUP_IDLE_TIMEOUT`` (15 minutes) without activity: never later."""
    last_seen_at = _stamp(request.session.get(LAST_SEEN_AT))
    return last_seen_at is None or now - last_seen_at >= settings.JOINEDUP_LAST_SEEN_INTERVAL


def session_timeouts(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Idle (15 minutes) and absolute (12 hours) session timeouts; the last activity written at most once a
    minute (``last_seen_due``)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            reason = session_expiry_reason(request, now)
            if reason is not None:
                try:
                    audit_record(actor=user, kind=AuditKind.SESSION_EXPIRED, reason=reason)  # type: ignore[arg-type]
                except AuditWriteFailed:
                    # Ending the session serves nothing, so it goes ahead; the failure is logged.
                    logger.exception("Could not audit the end of a session")
                logout(request)
                messages.info(request, reason)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                    return response
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if not request.headers.get(PASSIVE_HEADER) and last_seen_due(request, now):
                request.session[LAST_SEEN_AT] = now.isoformat()
        return get_response(request)

    return middleware


TWO_FACTOR_EXEMPT = ("accounts:two-factor", "accounts:two-factor-setup", "accounts:sign-out")
# Pages for the public, used without signing in (a business's reporting link, joinedup.community): a session signed
# in with a password only does not stand in their way.
PUBLIC_PATH_PREFIXES = ("/report/",)


def two_factor_required(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Where two-factor sign-in is required, a password alone reaches nothing but the second step."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.JOINEDUP_OTP_REQUIRED
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and not request.path.startswith(
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            )
            and request.path not in {reverse(name) for name in TWO_FACTOR_EXEMPT}
            and not request.path.startswith(PUBLIC_PATH_PREFIXES)
        ):
            return redirect("accounts:two-factor")
        return get_response(request)

    return middleware
