"""Where a request came from, kept for the audit trail while the request runs."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditOrigin:
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""


_current: ContextVar[AuditOrigin | None] = ContextVar("audit_origin", default=None)
_NOWHERE = AuditOrigin()


def current_origin() -> AuditOrigin:
    return _current.get() or _NOWHERE


def set_origin(origin: AuditOrigin) -> object:
    return _current.set(origin)


def reset_origin(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
