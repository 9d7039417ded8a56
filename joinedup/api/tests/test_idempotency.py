"""A retried POST with the same Idempotency-Key does the work once and gets the first answer again."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.api.models import IdempotentRequest
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.missing.models import Alert, MissingEpisode

from .conftest import system_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(police):
    return ChildFactory.create(owning_agency=police)


def _report() -> dict[str, object]:
    return {
        "started_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "rationale": "Not home by curfew",
        "grade": "medium",
    }


def test_a_retried_report_creates_one_episode_and_gets_the_first_answer_again(call, police_system, child):
    body = _report()
    url = f"/api/v1/children/{child.pk}/missing-episodes"

    first = call(police_system, "post", url, body, key="report-7f3a")
    retry = call(police_system, "post", url, body, key="report-7f3a")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert MissingEpisode.objects.filter(child=child).count() == 1
    assert AuditEvent.objects.filter(kind=AuditKind.MISSING_REPORTED).count() == 1


def test_a_retry_with_the_fields_in_another_order_is_the_same_request(client, police_system, child):
    url = f"/api/v1/children/{child.pk}/missing-episodes"
    headers = {"Authorization": f"Bearer {police_system.key}", "Idempotency-Key": "k-order"}
    body = _report()
    reordered = dict(reversed(list(body.items())))

    import json

    first = client.post(url, json.dumps(body), content_type="application/json", headers=headers)
    retry = client.post(url, json.dumps(reordered, indent=2), content_type="application/json", headers=headers)

    assert first.status_code == retry.status_code == 201
    assert MissingEpisode.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused_422_and_nothing_more_is_written(call, police_system, child):
    url = f"/api/v1/children/{child.pk}/missing-episodes"
    call(police_system, "post", url, _report(), key="k-1")

    other = call(police_system, "post", url, {**_report(), "rationale": "Something else"}, key="k-1")

    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"
    assert MissingEpisode.objects.count() == 1


def test_the_same_key_on_another_operation_is_refused_422(call, police_system, child):
    call(police_system, "post", f"/api/v1/children/{child.pk}/missing-episodes", _report(), key="k-2")

    other = call(
        police_system,
        "post",
        f"/api/v1/children/{child.pk}/concerns",
        {"category": "11A", "occurred_at": "2025-01-01T10:00:00Z", "what_happened": "Seen with an older man"},
        key="k-2",
    )

    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"


def test_a_refusal_is_kept_and_replayed_too(call, police_system, child):
    """The first answer stands for the key, whatever it was: a client fixes its request under a new key."""
    url = f"/api/v1/children/{child.pk}/missing-episodes"
    future = {**_report(), "started_at": (timezone.now() + dt.timedelta(hours=1)).isoformat()}

    first = call(police_system, "post", url, future, key="k-3")
    retry = call(police_system, "post", url, future, key="k-3")

    assert first.status_code == retry.status_code == 422
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert not MissingEpisode.objects.exists()


def test_a_post_without_an_idempotency_key_is_refused_naming_the_header(call, police_system, child):
    response = call(police_system, "post", f"/api/v1/children/{child.pk}/missing-episodes", _report(), key=None)

    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
    assert not MissingEpisode.objects.exists()
    assert not Alert.objects.exists()


def test_keys_belong_to_one_system_each(call, police, child):
    first = system_for(police, "First")
    second = system_for(police, "Second")
    url = f"/api/v1/children/{child.pk}/missing-episodes"
    call(first, "post", url, _report(), key="shared-key")

    # Another system's same key is its own: the episode is open now, so its report is refused afresh.
    response = call(second, "post", url, _report(), key="shared-key")

    assert response.status_code == 422
    assert "already recorded as missing" in response.json()["message"]
    assert IdempotentRequest.objects.filter(key="shared-key").count() == 2
