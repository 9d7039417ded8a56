from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
