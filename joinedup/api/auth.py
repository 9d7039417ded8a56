"""Authentication for the API: an agency system's key, as ``Authorization: Bearer <key>``, and nothing else.

A session cookie is not accepted (and CSRF does not apply: nothing is taken from a cookie). Every call with a
good key writes an ``api_called`` audit row; every refused key an ``api_key_refused`` row.
"""

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from . import services
from .models import ApiClient


class AgencySystemKey(HttpBearer):
    def __call__(self, request: HttpRequest) -> ApiClient | None:
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _, key = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not key.strip():
            services.api_key_refuse(why="malformed", key=key.strip())
            raise AuthenticationError(message="Give the key as Authorization: Bearer <key>.")
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        try:
            return services.api_client_authenticate(key=token, method=request.method or "")
        except services.CredentialRefused as refused:
            if refused.status == 403:
                raise AuthorizationError(message=refused.message) from None
            raise AuthenticationError(message=refused.message) from None
