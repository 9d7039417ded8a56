"""The audit trail: one row per read of a child's information, append-only, and no data without it."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments.models import Catalogue, RiskAssessment
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Address, Child, Relative, RelativeKind
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.jobs.services import children_export_build, children_export_request
from joinedup.missing.models import MissingEpisode, PhilomenaProfile
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory

# Every route that shows a child's information, with the audit row each read must leave.
CHILD_ROUTES = {
    "children:detail": AuditKind.CHILD_VIEWED,
    "children:entry-create": AuditKind.CHILD_VIEWED,
    "children:share-create": AuditKind.CHILD_VIEWED,
    "children:access-log": AuditKind.CHILD_ACCESS_LOG_VIEWED,
    "missing:report": AuditKind.CHILD_VIEWED,
    "missing:philomena": AuditKind.CHILD_VIEWED,
    "missing:philomena-photo": AuditKind.CHILD_VIEWED,
    "concerns:create": AuditKind.CHILD_VIEWED,
    "mapping:child-panel": AuditKind.CHILD_VIEWED,
    "screening:create": AuditKind.CHILD_VIEWED,
    "contacts:create": AuditKind.CHILD_VIEWED,
    "documents:list": AuditKind.CHILD_VIEWED,
    "rights:subject-access": AuditKind.CHILD_VIEWED,
    "supervision:oversight": AuditKind.CHILD_VIEWED,
    "supervision:challenges": AuditKind.CHILD_VIEWED,
    "frontdoor:contact-create": AuditKind.CHILD_VIEWED,
    "victims:child": AuditKind.CHILD_VIEWED,
    "education:child": AuditKind.CHILD_VIEWED,
    "plans:child": AuditKind.CHILD_VIEWED,
    "plans:create": AuditKind.CHILD_VIEWED,
    "voice:say": AuditKind.CHILD_VIEWED,
    "voice:links": AuditKind.CHILD_VIEWED,
    "strategy:create": AuditKind.CHILD_VIEWED,
    "strategy:nrm-create": AuditKind.CHILD_VIEWED,
    **{
        f"children:{name}": AuditKind.CHILD_VIEWED
        for name in (
            "details-names",
            "details-date-of-birth",
            "details-sex-ethnicity",
            "details-identifiers",
            "details-looked-after",
            "details-key-worker",
            "address-add",
            "relative-add",
            "involvement-open",
        )
    },
}


def _relative_id(child: Child) -> dict[str, object]:
    relative = Relative.objects.create(
        child=child, kind=RelativeKind.CARER, name="Synthetic Carer", recorded_by_agency=child.owning_agency
    )
    return {"relative_id": relative.pk}


def _entry_id(child: Child) -> str:
    from joinedup.children.models import ChronologyEntry, NoteCategory

    entry = ChronologyEntry.objects.create(
        child=child,
        owning_agency=child.owning_agency,
        recorded_by=child.created_by,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        category=NoteCategory.CONTACT,
        summary="Synthetic entry",
    )
    return str(entry.pk)


def _child_message_id(child: Child) -> object:
    from joinedup.voice.tests.factories import child_message_make

    return child_message_make(child=child).pk


# Routes about one thing of a child's record (an address, a relative...): the further URL arguments for a child.
CHILD_ITEM_ROUTES: dict[str, Callable[[Child], dict[str, object]]] = {
    "children:settle": lambda child: {"field": "date_of_birth"},
    "children:address-change": lambda child: {
        "address_id": Address.objects.create(
            child=child, address="2 Synthetic Road", recorded_by_agency=child.owning_agency
        ).pk
    },
    "children:relative-change": _relative_id,
    "children:relative-end": _relative_id,
    "children:involvement-end": lambda child: {"involvement_id": child.involvements.get(ended_at__isnull=True).pk},
    "plans:involvement-close": lambda child: {"involvement_id": child.involvements.get(ended_at__isnull=True).pk},
    "children:item-history": lambda child: {"item_kind": "chronology_entry", "item_id": _entry_id(child)},
    "children:item-correct": lambda child: {"item_kind": "chronology_entry", "item_id": _entry_id(child)},
    "voice:message": lambda child: {"message_id": _child_message_id(child)},
}
# Routes about one missing episode: each read is audited against the episode's child.
EPISODE_ROUTES = [
    "missing:" + name for name in ("episode", "regrade", "attended", "found", "return", "offer", "interview", "action")
]
POST_ONLY_ROUTES = {"voice:link-revoke", "missing:philomena-share", "assessments:start"}
# The API's (joinedup.api): called with a system's key, not a session; each read's row is checked in
# joinedup/api/tests/test_operations.py (test_each_api_call_about_a_child_leaves_one_child_viewed_row).
API_ROUTES = {"api:child", "api:missing-report", "api:concern-submit", "api:missing-found", "api:missing-return"}
ASSESSMENT_ROUTES = ["assessments:detail", "assessments:edit"]


def _child_routes(resolver: URLResolver | None = None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _child_routes(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and {"child_id", "episode_id", "assessment_id"} & set(
            pattern.pattern.regex.groupindex
        ):
            yield f"{prefix}{pattern.name}"


def test_every_route_about_one_child_is_listed_for_the_audit_check():
    listed = (
        set(CHILD_ROUTES)
        | set(CHILD_ITEM_ROUTES)
        | set(EPISODE_ROUTES)
        | set(ASSESSMENT_ROUTES)
        | POST_ONLY_ROUTES
        | API_ROUTES
    )
    assert set(_child_routes()) == listed


@pytest.fixture
def coordinator(db):
    return UserFactory.create(agency=AgencyFactory.create(code="CSC"), roles=[RoleCode.COORDINATOR])


def _returned_episode(child) -> MissingEpisode:
    started = timezone.now() - dt.timedelta(days=2)
    episode = MissingEpisodeFactory.create(child=child, started_at=started, returned_at=started + dt.timedelta(hours=3))
    ReturnInterviewFactory.create(episode=episode, owner=child.created_by)
    PhilomenaProfile.objects.create(
        child=child,
        owning_agency=child.owning_agency,
        updated_by=child.created_by,
        photo=ContentFile(b"\x89PNG\r\n\x1a\n synthetic", name="p.png"),
    )
    return episode


READS = list(CHILD_ROUTES.items()) + [
    (name, AuditKind.CHILD_VIEWED) for name in EPISODE_ROUTES + ASSESSMENT_ROUTES + list(CHILD_ITEM_ROUTES)
]


@pytest.mark.parametrize(("name", "kind"), READS)
def test_each_read_of_a_child_leaves_exactly_one_audit_row(coordinator, sign_in, client, name, kind):
    child = ChildFactory.create(owning_agency=coordinator.agency)
    episode = _returned_episode(child)
    sign_in(coordinator)
    if name in EPISODE_ROUTES:
        url = reverse(name, kwargs={"episode_id": episode.pk})
    elif name in ASSESSMENT_ROUTES:
        assessment = RiskAssessment.objects.create(
            child=child,
            catalogue=Catalogue.objects.get(is_current=True),
            owning_agency=child.owning_agency,
            assessor=coordinator,
        )
        url = reverse(name, kwargs={"assessment_id": assessment.pk})
    elif name in CHILD_ITEM_ROUTES:
        url = reverse(name, kwargs={"child_id": child.pk, **CHILD_ITEM_ROUTES[name](child)})
    else:
        url = reverse(name, kwargs={"child_id": child.pk})
    for reads in (1, 2):
        response = client.get(url, HTTP_USER_AGENT="pytest-browser", REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 200
        rows = AuditEvent.objects.filter(child_id=child.pk, kind=kind)
        assert rows.count() == reads
    row = rows.first()
    assert row is not None
    assert (row.actor, row.actor_username, row.actor_agency_code) == (coordinator, coordinator.username, "CSC")
    assert row.ip_address == "192.0.2.7"
    assert row.user_agent == "pytest-browser"
    assert row.path == url
    assert row.reason


def test_the_children_list_audits_each_child_shown_and_no_other(coordinator, sign_in, client):
    shown = [ChildFactory.create(owning_agency=coordinator.agency, family_name=f"Marsh{i}") for i in range(3)]
    not_shown = ChildFactory.create(owning_agency=coordinator.agency, family_name="Other")
    sign_in(coordinator)
    response = client.get(reverse("children:list"), {"q": "Marsh"})
    assert response.status_code == 200
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED)
    assert sorted(str(e.child_id) for e in listed) == sorted(str(c.pk) for c in shown)
    assert not listed.filter(child_id=not_shown.pk).exists()
    assert {event.reason for event in listed} == {"Search: Marsh"}


def test_an_export_audits_every_child_exported_and_the_download(
    coordinator, sign_in, client, django_capture_on_commit_callbacks
):
    children = [ChildFactory.create(owning_agency=coordinator.agency) for _ in range(45)]
    with django_capture_on_commit_callbacks(execute=False):
        job = children_export_request(user=coordinator)
    children_export_build(job_id=job.pk)
    exported = AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED)
    assert sorted(str(e.child_id) for e in exported) == sorted(str(c.pk) for c in children)
    sign_in(coordinator)
    response = client.get(reverse("jobs:download", kwargs={"job_id": job.pk}))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT_DOWNLOADED, object_id=str(job.pk)).count() == 1


def test_writes_are_audited_in_the_same_transaction(coordinator, sign_in, client):
    child = ChildFactory.create(owning_agency=coordinator.agency)
    sign_in(coordinator)
    response = client.post(
        reverse("children:entry-create", kwargs={"child_id": child.pk}),
        {"occurred_at": "2026-01-10 10:00", "category": "contact", "summary": "Met at the youth centre."},
    )
    assert response.status_code == 302
    entry = child.chronology.get()
    assert AuditEvent.objects.filter(kind=AuditKind.NOTE_CREATED, object_id=str(entry.pk)).count() == 1


def _refuse_audit_inserts():
    if connection.vendor == "sqlite":
        statements = [
            "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END"
        ]
    else:
        statements = [
            "CREATE FUNCTION pg_temp.refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_audit()",
        ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.parametrize(
    "name", ["children:detail", "children:access-log", "children:entry-create", "missing:episode", "missing:philomena"]
)
def test_when_the_audit_row_cannot_be_written_nothing_is_served(coordinator, sign_in, client, name):
    child = ChildFactory.create(owning_agency=coordinator.agency, given_name="Zephyrine", postcode="WB9 9ZZ")
    ChronologyEntryFactory.create(child=child, summary="Seen near the canal path with an adult of concern")
    episode = _returned_episode(child)
    sign_in(coordinator)
    _refuse_audit_inserts()
    kwargs = {"episode_id": episode.pk} if name == "missing:episode" else {"child_id": child.pk}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 503
    body = response.content.decode()
    assert "Zephyrine" not in body
    assert "WB9 9ZZ" not in body
    assert "canal path" not in body


def test_when_the_audit_row_cannot_be_written_the_list_shows_no_child(coordinator, sign_in, client):
    ChildFactory.create(owning_agency=coordinator.agency, given_name="Zephyrine")
    sign_in(coordinator)
    _refuse_audit_inserts()
    response = client.get(reverse("children:list"))
    assert response.status_code == 503
    assert "Zephyrine" not in response.content.decode()


def test_the_data_packs_factor_list_audits_each_child_shown_and_shows_none_without_its_audit(
    coordinator, sign_in, client
):
    from joinedup.concerns.models import Concern, ConcernCategory

    shown = ChildFactory.create(owning_agency=coordinator.agency, given_name="Zephyrine")
    ChildFactory.create(owning_agency=coordinator.agency, given_name="Other")
    Concern.objects.create(
        child=shown,
        category=ConcernCategory.CCE,
        owning_agency=coordinator.agency,
        recorded_by=coordinator,
        occurred_at=timezone.now() - dt.timedelta(days=3),
        what_happened="Asked to carry a parcel to another town",
    )
    sign_in(coordinator)
    url = reverse("datapack:factor", kwargs={"code": "24A"})
    assert "Zephyrine" in client.get(url).content.decode()
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED)
    assert [event.child_id for event in listed] == [shown.pk]
    assert listed.get().reason == "Inspection data pack: CIN factor 24A"
    _refuse_audit_inserts()
    response = client.get(url)
    assert response.status_code == 503
    assert "Zephyrine" not in response.content.decode()


def test_the_database_refuses_to_change_or_delete_an_audit_row(coordinator):
    event = AuditEvent.objects.create(occurred_at="2026-01-01T00:00:00Z", kind=AuditKind.SIGNED_IN, actor=coordinator)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'tampered'")
    event.refresh_from_db()
    assert event.reason == ""


def test_a_manager_sees_who_viewed_a_childs_record(sign_in, client, db):
    agency = AgencyFactory.create(code="POL")
    manager = UserFactory.create(agency=agency, roles=[RoleCode.MANAGER])
    practitioner = UserFactory.create(agency=agency, username="pc-viewer")
    child = ChildFactory.create(owning_agency=agency)
    sign_in(practitioner)
    assert client.get(reverse("children:detail", kwargs={"child_id": child.pk})).status_code == 200
    client.logout()
    sign_in(manager)
    response = client.get(reverse("children:access-log", kwargs={"child_id": child.pk}))
    assert response.status_code == 200
    assert "pc-viewer" in response.content.decode()
    assert "Viewed a child&#x27;s record" in response.content.decode()


@pytest.mark.django_db
def test_audit_rows_written_in_bulk_hold_what_one_written_alone_holds():
    from uuid import uuid4

    from joinedup.audit.context import AuditOrigin, reset_origin, set_origin
    from joinedup.audit.services import audit_record, audit_record_many

    actor = UserFactory.create(agency=AgencyFactory.create(code="BLK"))
    child_id = uuid4()
    token = set_origin(AuditOrigin(ip_address="192.0.2.7", user_agent="Browser " * 60, path="/import/" + "x" * 600))
    try:
        alone = audit_record(
            actor=actor, kind=AuditKind.CHILD_CREATED, child_id=child_id, object_type="child", object_id="1", reason="r"
        )
        written = audit_record_many(
            actor=actor,
            kind=AuditKind.CHILD_CREATED,
            rows=[(child_id, "child", "1", "r", None), (None, "import_batch", "2", "", None)],
        )
    finally:
        reset_origin(token)
    assert written == 2
    columns = [f.attname for f in AuditEvent._meta.concrete_fields if f.name not in ("id", "occurred_at")]
    first, second = AuditEvent.objects.exclude(pk=alone.pk).order_by("pk")
    alone.refresh_from_db()
    assert {c: getattr(first, c) for c in columns} == {c: getattr(alone, c) for c in columns}
    assert first.actor_username == actor.username and first.actor_agency_code == "BLK"
    assert len(first.user_agent) == 300 and len(first.path) == 500 and first.payload == {}
    assert (second.child_id, second.object_type, second.object_id) == (None, "import_batch", "2")
    assert alone.occurred_at <= first.occurred_at <= timezone.now()


@pytest.mark.django_db
def test_audit_rows_written_in_bulk_without_an_actor_name_nobody():
    from joinedup.audit.services import audit_record_many

    audit_record_many(actor=None, kind=AuditKind.IMPORT_RUN, rows=[(None, "import_batch", "3", "", None)])
    event = AuditEvent.objects.get(object_id="3")
    assert (event.actor_id, event.actor_username, event.actor_agency_code, event.ip_address) == (None, "", "", None)
