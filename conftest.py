"""Shared fixtures: the suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names one."""

import pytest
from django.test import Client

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
