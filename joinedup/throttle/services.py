"""Rate limits for pages used without signing in.

``allow("speak-token", token, limit=5, window=timedelta(hours=1))`` counts the attempt and says whether it is
within the limit. The key is stored as a SHA-256 hash with its scope, so the table holds no token and no address.
Attempts older than a day are removed as new ones arrive.
"""

import hashlib
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import Attempt

KEEP_FOR = timedelta(days=1)


def _key(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}\x00{value}".encode()).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The address the request came from (the proxy in front of the app sets REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(scope: str, value: str, *, limit: int, window: timedelta) -> bool:
    """Count one attempt for ``value`` in ``scope``; True when it is within ``limit`` attempts in ``window``.
    A refused attempt is counted too, so hammering the page does not reopen it."""
    now = timezone.now()
    key = _key(scope, value)
    with transaction.atomic():
        recent = Attempt.objects.filter(key=key, at__gt=now - window).count()
        Attempt.objects.create(key=key, at=now)
        Attempt.objects.filter(at__lt=now - max(KEEP_FOR, window)).delete()
    return recent < limit


def allow_all(checks: list[tuple[str, str, int, timedelta]]) -> bool:
    """Every check counted; True only when each is within its limit (a token's limit and the address's)."""
    results = [allow(scope, value, limit=limit, window=window) for scope, value, limit, window in checks]
    return all(results)
