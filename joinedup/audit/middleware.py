from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .context import AuditOrigin, reset_origin, set_origin
from .services import AuditWriteFailed


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in settings.JOINEDUP_TRUSTED_PROXIES:
        return forwarded.split(",")[-1].strip() or remote
    return remote


def audit_context(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Keep where the request came from for the audit trail; refuse to serve if auditing fails."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = set_origin(
            AuditOrigin(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                path=request.get_full_path(),
            )
        )
        try:
            return get_response(request)
        finally:
            reset_origin(token)

    return middleware


class AuditFailureMiddleware:
    """Turns an audit failure anywhere in a view into a 503 page that shows no case data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AuditWriteFailed):
            response = TemplateResponse(request, "audit_unavailable.html", status=503)
            return response.render()
        return None
