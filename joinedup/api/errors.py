"""Every refusal as JSON: ``{"message": ..., "field": ..., "errors": [{"message": ..., "field": ...}, ...]}``.

``message`` and ``field`` repeat the first of ``errors``; ``field`` is null when the refusal is about the request
as a whole. A service's ValidationError keeps its field; a child or episode the system may not see answers the
same 404 as one that does not exist.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from joinedup.audit.services import AuditWriteFailed
from joinedup.imports.parsers import ImportFileError

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
NOT_FOUND = "Not found: there is nothing here, or this system may not see it."
REFUSED = "This system's account may not do this."
UNAUTHORISED = "Give the system's API key as Authorization: Bearer <key>."
AUDIT_FAILED = "The platform could not record this in its audit trail, so it did nothing. Try again later."
SERVER_ERROR = "Something went wrong on the platform; nothing was changed. Try again later."
# Names the request parameters have in Python, as the client sends them.
PARAMETER_NAMES = {"idempotency_key": IDEMPOTENCY_HEADER}


class ApiRefusal(Exception):
    """A refusal the API itself decides (an idempotency key used for another request, a page that is not there)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_body(errors: Iterable[tuple[str, str | None]]) -> dict[str, Any]:
    listed = [{"message": message, "field": field} for message, field in errors]
    if not listed:
        listed = [{"message": "The request was refused.", "field": None}]
    return {"message": listed[0]["message"], "field": listed[0]["field"], "errors": listed}


def _service_errors(error: DjangoValidationError) -> list[tuple[str, str | None]]:
    if hasattr(error, "error_dict"):
        return [
            (message, None if field == "__all__" else field)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [(message, None) for message in error.messages]


def refusal_answer(exc: BaseException) -> tuple[int, dict[str, Any]] | None:
    """The status and body for a refusal raised by a service or selector; None for anything else (a fault)."""
    if isinstance(exc, ApiRefusal):
        return exc.status, error_body([(exc.message, exc.field)])
    if isinstance(exc, Http404):
        return 404, error_body([(NOT_FOUND, None)])
    if isinstance(exc, PermissionDenied):
        return 403, error_body([(REFUSED, None)])
    if isinstance(exc, DjangoValidationError):
        return 422, error_body(_service_errors(exc))
    if isinstance(exc, ImportFileError):
        return 422, error_body([(str(exc), "files")])
    return None


def _field_of(location: Iterable[Any]) -> str | None:
    """``("body", "payload", "started_at")`` names the field ``started_at``; ``("header", "idempotency_key")``
    the header ``Idempotency-Key``."""
    parts = [str(part) for part in location]
    if not parts:
        return None
    # A body's errors name the parameter (payload) before the field.
    parts = parts[2:] if parts[0] == "body" else parts[1:]
    if not parts:
        return None
    return PARAMETER_NAMES.get(parts[0], ".".join(parts))


def _message_of(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "This value is not valid."))
    # Our own validators' messages are written for people; pydantic puts this before them.
    return message.removeprefix("Value error, ")


def install(api: NinjaAPI) -> None:
    """Answer every refusal, and every fault, as JSON."""

    def answer(request: HttpRequest, status: int, errors: Iterable[tuple[str, str | None]]) -> HttpResponse:
        return api.create_response(request, error_body(errors), status=status)

    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return answer(request, 422, [(_message_of(error), _field_of(error.get("loc", ()))) for error in exc.errors])

    def authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = answer(
            request, exc.status_code, [(exc.message if exc.message != "Unauthorized" else UNAUTHORISED, None)]
        )
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="joinedup"'
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return answer(request, exc.status_code, [(exc.message, None)])

    def refusal(request: HttpRequest, exc: Exception) -> HttpResponse:
        status, body = refusal_answer(exc) or (500, error_body([(SERVER_ERROR, None)]))
        return api.create_response(request, body, status=status)

    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return answer(request, 400, [(f"The request was refused: {type(exc).__name__}.", None)])

    def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        return answer(request, 400, [("The request's body cannot be read: send JSON, or multipart/form-data.", None)])

    def audit_failed(request: HttpRequest, exc: AuditWriteFailed) -> HttpResponse:
        logger.error("API request refused: the audit row could not be written: %s", exc)
        return answer(request, 503, [(AUDIT_FAILED, None)])

    def fault(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        return answer(request, 500, [(SERVER_ERROR, None)])

    handlers: list[tuple[type[Exception], Any]] = [
        (NinjaValidationError, validation),
        (AuthenticationError, authentication),
        (HttpError, http_error),
        *[
            (refused, refusal)
            for refused in (ApiRefusal, Http404, PermissionDenied, DjangoValidationError, ImportFileError)
        ],
        (SuspiciousOperation, suspicious),
        (MultiPartParserError, unreadable),
        (UnreadablePostError, unreadable),
        (AuditWriteFailed, audit_failed),
        (Exception, fault),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
