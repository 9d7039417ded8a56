"""Shared fixtures: the suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names one."""

import os

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from joinedup.accounts.models import User
from joinedup.accounts.tests.factories import PASSWORD


@pytest.fixture
def sign_in(client: Client):
    """Sign a user in through the real sign-in page; returns the client."""

    def _sign_in(user: User, c: Client | None = None) -> Client:
        c = c or client
        response = c.post("/sign-in/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return c

    return _sign_in


# The fuzz tests (issue 11, "Bad input") run this many examples each: 1000 in the suite, more under `make fuzz`.
# Their own profile, so that every other Hypothesis test keeps its default.
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("JOINEDUP_FUZZ_EXAMPLES", "1000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
