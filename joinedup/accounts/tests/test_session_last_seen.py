"""The idle timeout's last activity is written at most once a ``JOINEDUP_LAST_SEEN_INTERVAL`` (60 s), so most
requests do not write their session (on SQLite each write waits for the one writer), while the idle timeout
still ends a session no later than 15 minutes after the last activity written.

Clocks are frozen with time_machine (tick=False) and moved to the exact second each rule starts to apply.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.accounts.middleware import LAST_SEEN_AT
from joinedup.accounts.tests.factories import UserFactory

CHILDREN_URL = reverse("children:list")
SIGN_IN_URL = reverse("accounts:sign-in")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _session_row(client: Client) -> tuple[str, datetime]:
    row = Session.objects.get(pk=client.session.session_key)
    return row.session_data, row.expire_date


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def _last_seen(client: Client) -> datetime:
    return datetime.fromisoformat(client.session[LAST_SEEN_AT])


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_a_request_within_the_interval_does_not_write_the_session(client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        before = _session_row(client)
        clock.shift(timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHILDREN_URL).status_code == 200

        assert _session_writes(queries) == []
        assert _session_row(client) == before
        assert _last_seen(client) == START


@pytest.mark.django_db
def test_a_request_once_the_interval_has_passed_writes_its_time_as_the_last_activity(client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        before = _session_row(client)
        clock.shift(timedelta(seconds=60))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHILDREN_URL).status_code == 200

        assert len(_session_writes(queries)) == 1
        assert _session_row(client) != before
        assert _last_seen(client) == START + timedelta(seconds=60)


@pytest.mark.django_db
def test_a_passive_request_never_writes_the_last_activity_however_old(client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        before = _session_row(client)
        clock.shift(timedelta(minutes=10))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHILDREN_URL, headers={"X-Joinedup-Passive": "1"}).status_code == 200

        assert _session_writes(queries) == []
        assert _session_row(client) == before


@pytest.mark.django_db
def test_the_idle_timeout_counts_from_the_last_activity_written_so_it_is_never_later(client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        # 59 s after sign-in: within the interval, so the sign-in's time stays the last activity written.
        clock.shift(timedelta(seconds=59))
        assert client.get(CHILDREN_URL).status_code == 200
        # 15 minutes after the sign-in (14 min 1 s after that request) the session ends: at most 15 minutes idle.
        clock.move_to(START + timedelta(minutes=15))
        response = client.get(CHILDREN_URL)

        assert response.status_code == 302
        assert response["Location"] == f"{SIGN_IN_URL}?next={CHILDREN_URL}"
        assert not _signed_in(client)


@pytest.mark.django_db
def test_a_session_active_within_15_minutes_of_the_last_activity_written_goes_on_and_ends_at_15(client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        clock.shift(timedelta(seconds=60))
        assert client.get(CHILDREN_URL).status_code == 200
        written = START + timedelta(seconds=60)
        assert _last_seen(client) == written
        clock.move_to(written + timedelta(minutes=15) - timedelta(seconds=1))
        assert client.get(CHILDREN_URL).status_code == 200
        assert _signed_in(client)
        # That request wrote its own time; 15 minutes after it, not before, the session ends.
        last = written + timedelta(minutes=15) - timedelta(seconds=1)
        assert _last_seen(client) == last
        clock.move_to(last + timedelta(minutes=15) - timedelta(seconds=1))
        assert client.get(CHILDREN_URL, headers={"X-Joinedup-Passive": "1"}).status_code == 200
        clock.move_to(last + timedelta(minutes=15))
        response = client.get(CHILDREN_URL)

        assert response.status_code == 302
        assert not _signed_in(client)


@pytest.mark.django_db
@override_settings(JOINEDUP_LAST_SEEN_INTERVAL=timedelta(0))
def test_with_no_interval_every_request_writes_its_time(client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        clock.shift(timedelta(seconds=1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHILDREN_URL).status_code == 200

        assert len(_session_writes(queries)) == 1
        assert _last_seen(client) == START + timedelta(seconds=1)
