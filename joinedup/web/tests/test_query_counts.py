"""No page's query count grows with the data: each page is read at one size, the data grown, and read again.

The pages are those a county's size made slow (issue 10): the children list, a child's record, the work list,
the MACE agenda with its proposals, the linkage review queue and connection requests, "who viewed", and the
missing returns' pages (the Returns page, a built file's progress page and its download), and the oversight
dashboard with two of its lists.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import PASSWORD, UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments.models import Catalogue, RiskAssessment
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.linkage.models import ReviewItem
from joinedup.linkage.tests.factories import PersonRecordFactory
from joinedup.mace.tests.factories import MeetingFactory
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory

pytestmark = pytest.mark.django_db


class Area:
    """One agency's children, each with what the pages list, grown a few children at a time."""

    def __init__(self) -> None:
        self.agency = AgencyFactory.create(code="CSC")
        self.worker = UserFactory.create(agency=self.agency, roles=[RoleCode.PRACTITIONER], username="worker")
        self.coordinator = UserFactory.create(agency=self.agency, roles=[RoleCode.COORDINATOR], username="coord")
        self.manager = UserFactory.create(agency=self.agency, roles=[RoleCode.MANAGER], username="manager")
        self.meeting = MeetingFactory.create(chair=self.coordinator)
        self.child = ChildFactory.create(owning_agency=self.agency, created_by=self.worker)
        self.records = 0

    def grow(self, n: int) -> None:
        now = timezone.now()
        for _ in range(n):
            child = ChildFactory.create(owning_agency=self.agency, created_by=self.worker, key_worker=self.worker)
            ChronologyEntryFactory.create(child=child, recorded_by=self.worker)
            ChronologyEntryFactory.create(child=self.child, recorded_by=self.worker)
            started = now - dt.timedelta(days=2)
            ReturnInterviewFactory.create(
                episode=MissingEpisodeFactory.create(
                    child=child, started_at=started, returned_at=started + dt.timedelta(hours=3)
                ),
                owner=self.worker,
            )
            for days in (60, 30):
                begun = now - dt.timedelta(days=days)
                MissingEpisodeFactory.create(child=child, started_at=begun, returned_at=begun + dt.timedelta(hours=2))
            for started_days in (40, 20):  # an earlier assessment superseded by a later one, both due for review
                RiskAssessment.objects.create(
                    child=child,
                    catalogue=Catalogue.objects.get(is_current=True),
                    owning_agency=self.agency,
                    assessor=self.worker,
                    started_at=now - dt.timedelta(days=started_days),
                    completed_at=now - dt.timedelta(days=started_days - 1),
                    scored_band="high",
                    band="high",
                    review_due=timezone.localdate() - dt.timedelta(days=1),
                )
            audit_record(actor=self.manager, kind=AuditKind.CHILD_VIEWED, child_id=self.child.pk)
            a = PersonRecordFactory.create(agency=self.agency, record_id=f"A{self.records}", child=child)
            b = PersonRecordFactory.create(agency=self.agency, record_id=f"B{self.records}")
            self.records += 1
            ReviewItem.objects.create(record_a=a, record_b=b, match_probability=0.7, match_weight=1.0)


def _signed_in(user: User) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


PAGES: dict[str, tuple[str, Callable[[Area], str]]] = {
    "children list": ("worker", lambda area: "/children/"),
    "child record": ("worker", lambda area: f"/children/{area.child.pk}/"),
    "work list": ("worker", lambda area: "/missing/work-list/"),
    "MACE agenda": ("coordinator", lambda area: f"/mace/{area.meeting.pk}/"),
    "review queue": ("coordinator", lambda area: "/linkage/review/"),
    "review queue, page 2": ("coordinator", lambda area: "/linkage/review/?page=2"),
    "connection requests": ("coordinator", lambda area: "/linkage/connections/"),
    "who viewed": ("manager", lambda area: f"/children/{area.child.pk}/access-log/"),
    "oversight dashboard": ("manager", lambda area: "/oversight/"),
    "oversight list of missing episodes": ("manager", lambda area: "/oversight/figures/missing-episodes/"),
    "oversight list of children assessed high": ("manager", lambda area: "/oversight/figures/assessed-high/"),
}


def _queries(area: Area, who: str, url: str) -> tuple[int, Any]:
    client = _signed_in(getattr(area, who))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), captured


@pytest.mark.parametrize("page", PAGES)
def test_a_pages_query_count_does_not_grow_with_the_data(page: str) -> None:
    area = Area()
    who, url_of = PAGES[page]
    area.grow(3)
    small, _ = _queries(area, who, url_of(area))
    area.grow(9)
    large, captured = _queries(area, who, url_of(area))
    assert large == small, "\n".join(q["sql"][:200] for q in captured.captured_queries)
    assert Child.objects.count() == 13


def _return_built(area: Area) -> Any:
    """The manager's SSDA903 return of every child so far, built as the worker builds it."""
    from joinedup.imports.services import return_build_request, return_build_run

    Child.objects.filter(la_child_id="").update(looked_after=True)
    for n, pk in enumerate(Child.objects.filter(la_child_id="").order_by("pk").values_list("pk", flat=True)):
        Child.objects.filter(pk=pk).update(la_child_id=f"LA{area.records}-{n}")
    built = return_build_request(user=area.manager, kind="ssda903_missing")
    return return_build_run(job_id=built.job_id)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


RETURN_PAGES: dict[str, Callable[[Any], str]] = {
    "returns": lambda built: "/imports/returns/",
    "return file": lambda built: f"/imports/returns/files/{built.pk}/",
    "return download": lambda built: f"/imports/returns/files/{built.pk}/download/",
}


@pytest.mark.parametrize("page", RETURN_PAGES)
def test_a_returns_pages_query_count_does_not_grow_with_the_data(page: str) -> None:
    area = Area()
    area.grow(3)
    client = _signed_in(area.manager)
    first = _return_built(area)
    with CaptureQueriesContext(connection) as small:
        response = client.get(RETURN_PAGES[page](first))
        _body(response)
    area.grow(9)
    built = _return_built(area)
    with CaptureQueriesContext(connection) as large:
        response = client.get(RETURN_PAGES[page](built))
        content = _body(response)
    assert response.status_code == 200
    if page == "return download":
        assert content.decode().count("\n") == 1 + built.rows and built.rows >= 12 * 3
    assert len(large) == len(small), "\n".join(q["sql"][:200] for q in large.captured_queries)
