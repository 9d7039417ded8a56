from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from joinedup.access.policy import decisions_for_request


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Headers Django's SecurityMiddleware does not set."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Case data must not linger in shared or browser caches.
            response.setdefault("Cache-Control", "no-store")
        return response

    return middleware


def policy_decisions(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """A request that changes nothing (GET, HEAD) decides who may see which child once per child, not once per
    section of the page (``access.policy.decisions_for_request``); a POST decides afresh each time."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return get_response(request)
        with decisions_for_request():
            return get_response(request)

    return middleware
