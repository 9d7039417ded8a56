from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required: its user is a signed-in User."""

    user: User
    htmx: HtmxDetails
