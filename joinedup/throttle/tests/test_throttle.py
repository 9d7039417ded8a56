from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.throttle.models import Attempt
from joinedup.throttle.services import allow, allow_all

pytestmark = pytest.mark.django_db


def test_the_limit_is_counted_per_value_and_scope() -> None:
    hour = timedelta(hours=1)
    assert [allow("report", "token-a", limit=3, window=hour) for _ in range(4)] == [True, True, True, False]
    assert allow("report", "token-b", limit=3, window=hour)
    assert allow("speak", "token-a", limit=3, window=hour)


def test_attempts_outside_the_window_do_not_count() -> None:
    window = timedelta(minutes=10)
    for _ in range(3):
        allow("report", "token-a", limit=3, window=window)
    Attempt.objects.update(at=timezone.now() - timedelta(minutes=11))
    assert allow("report", "token-a", limit=3, window=window)


def test_nothing_stored_says_what_was_limited() -> None:
    allow("report", "198.51.100.7", limit=3, window=timedelta(hours=1))
    (attempt,) = Attempt.objects.all()
    assert "198.51.100.7" not in attempt.key and len(attempt.key) == 64


def test_both_limits_must_allow() -> None:
    hour = timedelta(hours=1)
    allow("address", "198.51.100.7", limit=1, window=hour)
    assert not allow_all([("token", "t", 5, hour), ("address", "198.51.100.7", 1, hour)])
    assert Attempt.objects.count() == 3
