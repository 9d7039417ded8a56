"""The review queue and the connection requests come a page at a time, the review queue auditing only the records
on the page shown, in one statement."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import ConnectionRequest
from joinedup.linkage import views
from joinedup.linkage.models import ReviewItem

from .factories import PersonRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory.create(roles=[RoleCode.COORDINATOR])


def test_the_review_queue_shows_a_page_at_a_time_most_likely_first_and_audits_that_page_alone(
    coordinator, sign_in, client
):
    police = AgencyFactory.create(code="POL")
    total = views.REVIEW_PAGE + 7
    items = []
    for n in range(total):
        a = PersonRecordFactory.create(agency=police, record_id=f"A{n}")
        b = PersonRecordFactory.create(agency=police, record_id=f"B{n}")
        items.append(
            ReviewItem.objects.create(record_a=a, record_b=b, match_probability=0.5 + n / 1000, match_weight=1.0)
        )
    by_likelihood = sorted(items, key=lambda item: -item.match_probability)
    sign_in(coordinator)
    with CaptureQueriesContext(connection) as captured:
        first = client.get(reverse("linkage:review-list")).content.decode()
    review = [reverse("linkage:review-item", args=[item.pk]) for item in by_likelihood]
    assert all(f'href="{url}"' in first for url in review[: views.REVIEW_PAGE])
    assert not any(f'href="{url}"' in first for url in review[views.REVIEW_PAGE :])
    assert f"Page 1 of 2 ({total} pairs to review)" in first
    listed = AuditEvent.objects.filter(kind=AuditKind.PERSON_RECORD_LISTED)
    shown = {str(r.pk) for item in by_likelihood[: views.REVIEW_PAGE] for r in (item.record_a, item.record_b)}
    assert set(listed.values_list("object_id", flat=True)) == shown
    assert listed.count() == 2 * views.REVIEW_PAGE
    inserts = [q for q in captured.captured_queries if 'INSERT INTO "audit_auditevent"' in q["sql"]]
    assert len(inserts) == 1

    second = client.get(reverse("linkage:review-list"), {"page": 2}).content.decode()
    assert all(f'href="{url}"' in second for url in review[views.REVIEW_PAGE :])
    assert listed.count() == 2 * total


def test_the_connection_requests_show_a_page_at_a_time_oldest_first(coordinator, sign_in, client):
    agency = AgencyFactory.create(code="CSC")
    asker = UserFactory.create(agency=agency)
    start = timezone.now() - dt.timedelta(days=10)
    total = views.CONNECTIONS_PAGE + 3
    requests = [
        ConnectionRequest.objects.create(
            requested_by=asker,
            agency=agency,
            details={"given_name": f"Sam{n}", "family_name": "Testchild"},
            reason="May be known",
            requested_at=start + dt.timedelta(minutes=n),
        )
        for n in range(total)
    ]
    sign_in(coordinator)
    first = client.get(reverse("linkage:connections")).content.decode()
    urls = [reverse("linkage:connection", args=[r.pk]) for r in requests]
    assert all(url in first for url in urls[: views.CONNECTIONS_PAGE])
    assert not any(url in first for url in urls[views.CONNECTIONS_PAGE :])
    assert f"Page 1 of 2 ({total} requests waiting)" in first
    second = client.get(reverse("linkage:connections"), {"page": 2}).content.decode()
    assert all(url in second for url in urls[views.CONNECTIONS_PAGE :])
