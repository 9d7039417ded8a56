"""The permission matrix's writes: every form sent with a body that would succeed, for every role and relation.

For each POST route the body is valid: the cell of a role the page lets in proves it, by the redirect (or the
page saved) and the rows written. Every refused cell answers the refusal of the page's row in
``test_permission_matrix`` (404 where the user may not see the child, 403 where they see it but lack the role)
and writes nothing: the content of every table (a digest of all rows of every model but the session and the
audit trail) is the same after the request as before, and no audit row is added but those a row declares
(``refusal_audit``: the page read the child, audited, before finding the role lacking).

Each route's cells run in one world, each cell inside a savepoint rolled back after it, so every cell starts
from the same state and a write allowed in one cell cannot change the answer of the next.

Then: relations beyond own / shared / unshared (a share by name, an expired share, an ended involvement, an
active and an expired emergency grant) on every row about one child, GET and POST; every API operation with
each kind of key; and the guards, that fail on a form or an API operation without its rows.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import PASSWORD, UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.missing.models import MissingEpisode
from joinedup.missing.tests.factories import MissingEpisodeFactory
from joinedup.sharing.tests.factories import ShareDecisionFactory
from joinedup.supervision.models import ChallengeAbout

from .test_permission_matrix import MATRIX, RELATIONS, ROLES, Row, World, _episode, _meeting, build_world

# What a request may change without writing anything about children: the session, and the audit trail
# (checked on its own: a refused request adds no row).
NOT_FINGERPRINTED = {Session, AuditEvent}
# Columns a request touches as bookkeeping: when an account last signed in, when a key was last used.
BOOKKEEPING_COLUMNS = {"accounts.User": {"last_login"}, "api.ApiClient": {"last_used_at"}}


@cache
def _tables() -> list[tuple[str, str]]:
    """(model label, SELECT of its rows) for every table but those not fingerprinted."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model in NOT_FINGERPRINTED or not model._meta.managed or model._meta.proxy:
            continue
        skipped = BOOKKEEPING_COLUMNS.get(model._meta.label, set())
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in model._meta.concrete_fields if f.attname not in skipped)
        pk = quote(str(model._meta.pk.column))  # type: ignore[union-attr]
        # Names from the models, quoted by the database backend: nothing here comes from a request.
        select = f"SELECT {columns} FROM {quote(model._meta.db_table)} ORDER BY {pk}"  # noqa: S608
        tables.append((model._meta.label, select))
    return tables


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table (but the session and the audit trail), by model label."""
    digests: dict[str, str] = {}
    with connection.cursor() as cursor:
        for label, select in _tables():
            cursor.execute(select)
            digests[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


def changed(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


@contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint undone at the end: the next cell starts from the same state."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def signed_in(user: User) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


# --- Valid bodies ------------------------------------------------------------------------------------------

Body = Callable[[World, str, str], dict[str, object]]


@dataclass
class Write:
    """A POST route's valid body, what it writes when allowed (model labels whose rows change), and its answer."""

    body: Body
    writes: tuple[str, ...]
    success: int = 302
    # A URL other than the matrix row's (same policy, a state the write needs: an open episode for "found").
    url: Callable[[World, str, str], str] | None = None
    # Cells whose expected answer differs from the page's row, with the reason in a comment where declared.
    overrides: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # State the write needs, made before the cells run.
    prepare: Callable[[World], None] | None = None
    # Audit rows a refusal writes by design, by status: a refused correction has read the item (child_viewed).
    refusal_audit: Mapping[int, list[str]] = field(default_factory=dict)
    # Only these roles are allowed (where a refusal answers the same redirect as a success: the administration
    # pages send anyone else to the sign-in page); None: every cell whose answer is the success.
    allowed_roles: frozenset[str] | None = None
    # For a row that is already a POST: its code that means "allowed" (an empty answer re-shows the form, 200).
    row_allowed: int | None = None
    # Allowed cells where the state asked for holds already, so the success writes nothing.
    unchanged: frozenset[tuple[str, str]] = frozenset()


def _when(hours_ago: float = 1) -> str:
    return timezone.localtime(timezone.now() - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def _today() -> str:
    return timezone.localdate().isoformat()


# In a body (see ``body``), called for each cell, not once as the tests are collected: a run that crosses midnight
# writes the day the cell runs on, not the day before, which a record made that day would refuse as ended before it
# began.
def _on_today(world: World) -> str:
    return _today()


def _hours_ago(hours: float = 1) -> Callable[[World], str]:
    return lambda world: _when(hours)


def body(**values: object) -> Body:
    """A fixed body; a value that is a callable of the world is called for each cell."""

    def make(world: World, role: str, relation: str) -> dict[str, object]:
        return {k: v(world) if callable(v) else v for k, v in values.items()}

    return make


def _approver(world: World, role: str, relation: str) -> int:
    """A share's approver: the coordinator, or for the coordinator, a manager of their agency."""
    return world.users[RoleCode.MANAGER if role == RoleCode.COORDINATOR else RoleCode.COORDINATOR].pk


def _share_body(world: World, role: str, relation: str) -> dict[str, object]:
    return {
        "shared_with_user": world.objects["recipient"].pk,  # type: ignore[attr-defined]
        "lawful_basis": "uk_gdpr_6_1_e",
        "purpose": "The school needs to know for a safety plan",
        "approved_by": _approver(world, role, relation),
    }


AUDITS_THE_READ = {403: ["child_viewed"]}  # the page read the child (audited) before finding the role lacking


def _interview_accepted(world: World) -> None:
    from joinedup.missing.models import InterviewResponse, ReturnInterview

    for relation in RELATIONS:
        _episode(world, relation)
    ReturnInterview.objects.update(response=InterviewResponse.ACCEPTED)


def _repeat_missing(world: World) -> None:
    """Each child missing three times in the last weeks: proposed for a meeting's agenda."""
    for relation in RELATIONS:
        _meeting(world, relation)
        for days in (10, 20, 30):
            started = timezone.now() - dt.timedelta(days=days)
            MissingEpisodeFactory.create(
                child=world.children[relation], started_at=started, returned_at=started + dt.timedelta(hours=3)
            )


def _records_disagree(world: World) -> None:
    """An agency's record of each child gives a date of birth other than the record's."""
    from joinedup.imports.models import PersonRecord

    for relation in RELATIONS:
        PersonRecord.objects.create(
            agency=world.other_agency,
            record_id=f"DOB-{relation}",
            person_type="child",
            data={"date_of_birth": "2011-05-04"},
            child=world.children[relation],
        )


CROSS_AGENCY = [RoleCode.COORDINATOR, RoleCode.LEADER]


def _third_agency_involved(world: World) -> None:
    """A third agency works with each child: the one a challenge is raised to."""
    from joinedup.children.models import Involvement

    for child in world.children.values():
        Involvement.objects.create(child=child, agency=world.objects["third_agency"], reason="Working with the child")  # type: ignore[misc]


def _police_agency(world: World) -> None:
    """A police agency for the Philomena profile to be shared with."""
    AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)


def _looked_after(world: World) -> None:
    """Looked-after children with no carer's agency recorded: the owning agency keeps the Philomena profile."""
    Child.objects.filter(pk__in=[c.pk for c in world.children.values()]).update(looked_after=True)


def _open_episode_only(world: World, relation: str) -> MissingEpisode:
    """A child missing now, with no earlier episode (the one to record found and returned)."""
    key = f"missing-now-{relation}"
    if key not in world.objects:
        child = ChildFactory.create(owning_agency=world.children[relation].owning_agency)
        if relation == "shared":
            ShareDecisionFactory.create(child=child, shared_with_agency=world.own_agency)
        world.objects[key] = MissingEpisode.objects.create(
            child=child,
            started_at=timezone.now() - dt.timedelta(hours=6),
            reported_at=timezone.now() - dt.timedelta(hours=5),  # found (an hour ago) after the report
            owning_agency=child.owning_agency,
        )
    return world.objects[key]  # type: ignore[return-value]


def _missing_now_url(name: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs={"episode_id": _open_episode_only(world, relation).pk})


def _agenda_item(world: World, relation: str) -> int:
    from joinedup.mace.models import AgendaItem

    return AgendaItem.objects.get(meeting_id=_meeting(world, relation).pk, child=world.children[relation]).pk  # type: ignore[attr-defined]


def _per_relation(make: Callable[[World, str], object], name: str) -> Body:
    def fill(world: World, role: str, relation: str) -> dict[str, object]:
        return {name: make(world, relation)}

    return fill


def _merge(*bodies: Body) -> Body:
    def make(world: World, role: str, relation: str) -> dict[str, object]:
        merged: dict[str, object] = {}
        for one in bodies:
            merged |= one(world, role, relation)
        return merged

    return make


def _upload(name: str, content: bytes) -> Callable[[World], SimpleUploadedFile]:
    return lambda world: SimpleUploadedFile(name, content)


ADMINISTRATOR_ONLY = frozenset({RoleCode.ADMINISTRATOR})
SSDA903_ROWS = b"CHILD,DOB,MISSING,MIS_START,MIS_END\r\nLA0001,01/02/2010,M,01/03/2025,02/03/2025\r\n"

WRITES: dict[str, Write] = {
    "children:create": Write(
        body(given_name="Synthetic", family_name="Newchild", sex="U", date_of_birth="2012-03-04"),
        ("children.Child", "children.Involvement"),
    ),
    "children:export": Write(body(), ("jobs.Job",)),
    "children:entry-create": Write(
        body(occurred_at=_hours_ago(), category="contact", summary="Spoke with the child at school"),
        ("children.ChronologyEntry",),
    ),
    "children:share-create": Write(_share_body, ("sharing.ShareDecision",)),
    "children:details-names": Write(
        body(given_name="Kay", family_name="Synthetic", other_names="", reason="Known by this name"),
        ("children.Child",),
    ),
    "children:details-date-of-birth": Write(
        body(day="4", month="5", year="2011", reason="Seen on the birth certificate"), ("children.Child",)
    ),
    "children:details-sex-ethnicity": Write(
        body(sex="X", ethnicity="", reason="As the child says"), ("children.Child",)
    ),
    "children:details-identifiers": Write(
        body(nhs_number="943 476 5919", upn="", la_child_id="", police_ids="", reason="From the GP"),
        ("children.Child",),
    ),
    "children:details-looked-after": Write(
        body(looked_after="on", legal_status="C2", placement_type="", placement="Oak House", reason="Care order"),
        ("children.Child",),
    ),
    "children:details-key-worker": Write(
        lambda world, role, relation: {"key_worker": world.children[relation].created_by_id, "reason": "Allocated"},
        ("children.Child",),
    ),
    # Another agency's record gives another date of birth: which is right is settled, the history says so.
    "children:settle": Write(
        body(value="2011-05-04", reason="Seen on the birth certificate"),
        ("children.Child", "children.DetailChange"),
        prepare=_records_disagree,
    ),
    "children:address-add": Write(
        body(address_text="2 Synthetic Road", postcode="", reason="A new foster placement"), ("children.Address",)
    ),
    "children:address-change": Write(
        body(address_text="3 Synthetic Road", postcode="", reason="Corrected house number"), ("children.Address",)
    ),
    "children:relative-add": Write(body(kind="carer", name="Synthetic Carer", reason=""), ("children.Relative",)),
    "children:relative-change": Write(
        body(kind="parent", name="Synthetic Parent-Renamed", reason="Name changed by deed poll"),
        ("children.Relative",),
    ),
    "children:relative-end": Write(body(reason="Moved away"), ("children.Relative",)),
    "children:involvement-open": Write(
        lambda world, role, relation: {
            "agency": world.objects["third_agency"].pk if role == RoleCode.COORDINATOR else world.own_agency.pk,  # type: ignore[attr-defined]
            "service": "Youth service",
            "reason": "Working with the child",
        },
        ("children.Involvement",),
        # Their agency's involvement with their own child is open already: the redirect has nothing to write.
        unchanged=frozenset({(RoleCode.PRACTITIONER, "own"), (RoleCode.MANAGER, "own")}),
    ),
    "children:involvement-end": Write(
        body(ended_on=_on_today, reason="Closed after review"), ("children.Involvement",)
    ),
    "children:item-correct": Write(
        body(occurred_at=_hours_ago(30), category="contact", summary="Corrected entry", reason="Wrong day"),
        ("children.ChronologyEntry",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "access:break-glass": Write(
        lambda world, role, relation: {
            "given_name": world.children["unshared"].given_name,
            "family_name": world.children["unshared"].family_name,
            "date_of_birth": world.children["unshared"].date_of_birth.isoformat(),  # type: ignore[union-attr]
            "reason": "Found alone at the station at night",
        },
        ("access.BreakGlassGrant",),
    ),
    "access:review-decide": Write(body(outcome="justified", note="Needed at the time"), ("access.BreakGlassGrant",)),
    "concerns:create": Write(
        body(category="11A", occurred_at=_hours_ago(5), what_happened="Seen getting into a car with two adults"),
        ("concerns.Concern",),
    ),
    "contacts:create": Write(
        body(attempted_at=_hours_ago(2), method="phone", outcome="no_answer", note=""), ("contacts.ContactAttempt",)
    ),
    "screening:create": Write(body(screened_at=_hours_ago(2)), ("screening.ScreeningResponse",)),
    "assessments:start": Write(body(), ("assessments.RiskAssessment",)),
    # Saving a draft answers the page again (200), with the draft saved.
    "assessments:edit": Write(
        body(childs_views="I want to stay at school", action="save"),
        ("assessments.RiskAssessment",),
        success=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "missing:report": Write(
        body(kind="M", started_at=_hours_ago(3), rationale="Not home by curfew", grade="medium"),
        ("missing.MissingEpisode",),
    ),
    "missing:regrade": Write(
        body(grade="high", rationale="Seen with adults of concern"),
        ("missing.RiskGrading",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "missing:found": Write(
        body(found_at=_hours_ago(1), found_place="A friend's flat"),
        ("missing.MissingEpisode",),
        url=_missing_now_url("missing:found"),
        refusal_audit=AUDITS_THE_READ,
    ),
    "missing:return": Write(
        body(returned_at=_hours_ago(1)),
        ("missing.MissingEpisode", "missing.ReturnInterview"),
        url=_missing_now_url("missing:return"),
        refusal_audit=AUDITS_THE_READ,
    ),
    "missing:offer": Write(
        body(offered_at=_hours_ago(1), response="accepted"), ("missing.ReturnInterview",), refusal_audit=AUDITS_THE_READ
    ),
    "missing:interview": Write(
        body(completed_at=_hours_ago(1), childs_words="I stayed with a friend"),
        ("missing.ReturnInterview",),
        prepare=_interview_accepted,
        refusal_audit=AUDITS_THE_READ,
    ),
    "missing:action": Write(
        lambda world, role, relation: {"description": "Refer to the youth service", "owner": world.users[role].pk},
        ("missing.InterviewAction",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "missing:philomena": Write(
        body(description="Tall, short dark hair"),
        ("missing.PhilomenaProfile",),
        prepare=_looked_after,
        refusal_audit=AUDITS_THE_READ,
        # The carer's agency keeps the profile (here the owning agency): the coordinator too, only as its member.
        overrides={
            (RoleCode.PRACTITIONER, "shared"): 403,
            (RoleCode.MANAGER, "shared"): 403,
            (RoleCode.COORDINATOR, "shared"): 403,
            (RoleCode.COORDINATOR, "unshared"): 403,
            (RoleCode.LEADER, "own"): 403,
            (RoleCode.LEADER, "shared"): 403,
            (RoleCode.LEADER, "unshared"): 403,
        },
    ),
    # A decision to share is an involved agency's (policy.can_share_child): a recipient of a share cannot pass
    # the record on to the police either. (With no police agency registered, nothing is shared and every
    # allowed cell answers the same redirect: the matrix row in test_permission_matrix cannot tell them apart.)
    "missing:philomena-share": Write(
        body(),
        ("sharing.ShareDecision",),
        prepare=_police_agency,
        overrides={(RoleCode.PRACTITIONER, "shared"): 403, (RoleCode.MANAGER, "shared"): 403},
        refusal_audit=AUDITS_THE_READ,
    ),
    "mace:meeting-create": Write(body(held_at=_hours_ago(-48), location="Town hall"), ("mace.Meeting",)),
    "mace:agenda-add": Write(body(place_name="The bus station", reason="Seen there"), ("mace.AgendaItem",)),
    "mace:attendance": Write(
        body(agency=lambda world: world.own_agency.pk, person_name="Synthetic Person", status="attended"),
        ("mace.Attendance",),
    ),
    "mace:decision": Write(
        _merge(_per_relation(_agenda_item, "agenda_item"), body(text="Refer for disruption")), ("mace.Decision",)
    ),
    "mace:action": Write(
        body(
            description="Visit the family",
            owner=lambda world: world.users[RoleCode.COORDINATOR].pk,
            due_on="2030-01-01",
        ),
        ("mace.Action",),
    ),
    "mace:minutes": Write(body(minutes="Discussed the agenda", handling_code="P"), ("mace.Meeting",)),
    "mace:action-done": Write(body(), ("mace.Action",)),
    "tasks:done": Write(body(), ("tasks.Task", "tasks.TaskChange")),
    "tasks:reassign": Write(
        lambda world, role, relation: {
            "owner": world.users[RoleCode.MANAGER if role == RoleCode.COORDINATOR else RoleCode.COORDINATOR].pk
        },
        ("tasks.Task", "tasks.TaskChange"),
    ),
    "mace:agenda-proposals-add": Write(body(), ("mace.AgendaItem",), prepare=_repeat_missing),
    "disruption:adult-create": Write(body(name="Synthetic Adult Two"), ("concerns.AdultOfConcern",)),
    "disruption:record": Write(
        body(tactic="cawn", taken_on=_on_today, outcome="Notice served"), ("disruption.DisruptionAction",)
    ),
    "mapping:refresh": Write(body(), ("jobs.Job",)),
    # Places (joinedup.places): the coordinator merges, keeps apart and undoes; everyone else is answered 404.
    "places:review-merge": Write(
        body(reason="One hotel"),
        ("places.Place", "places.PlaceMatchCandidate", "places.PlaceMerge", "places.PlaceName"),
        row_allowed=302,
    ),
    "places:review-keep-apart": Write(body(reason="Two hotels"), ("places.PlaceMatchCandidate",), row_allowed=302),
    "places:merge-undo": Write(
        body(reason="Two parks"),
        ("places.Place", "places.PlaceMatchCandidate", "places.PlaceMerge", "places.PlaceName"),
        row_allowed=302,
    ),
    "linkage:review-item": Write(
        body(decision="not_a_match", reason="Different dates of birth"), ("linkage.ReviewItem",)
    ),
    "linkage:review-item-separate": Write(body(reason="Two different children"), ("linkage.ReviewItem",)),
    "linkage:link-undo": Write(body(reason="Linked in error"), ("linkage.PersonLink",)),
    "linkage:join-undo": Write(body(reason="Two different children"), ("children.ChildJoin",)),
    "linkage:connect": Write(
        body(given_name="Synthetic", family_name="Connect", sex="U", reason="New pupil at the school"),
        ("children.ConnectionRequest",),
    ),
    "linkage:connection": Write(
        body(answer="new", reason="No match among the candidates"), ("children.ConnectionRequest",)
    ),
    # Leaders oversee: they read documents and attach none.
    "documents:list": Write(
        body(file=_upload("letter.pdf", b"%PDF-1.4 synthetic"), title="Referral letter", kind="referral_letter"),
        ("documents.Document",),
        overrides={(RoleCode.LEADER, relation): 403 for relation in RELATIONS},
    ),
    "rights:subject-access": Write(body(reason="Subject access request from the child"), ("jobs.Job",)),
    "imports:ssda903-upload": Write(body(file=_upload("missing.csv", SSDA903_ROWS)), ("imports.ImportBatch",)),
    "imports:extract-upload": Write(
        body(extract=_upload("people.csv", b"record_id,agency,person_type\nM-1,OWN,child\n")),
        ("imports.ImportBatch", "imports.PersonRecord"),
    ),
    "imports:rejected-fix": Write(body(CHILD="X"), ("imports.RejectedRow",)),
    # The administration pages: an administrator adds, changes and deletes; anyone else is sent to sign in.
    "admin:language_phraseguidance_add": Write(
        body(phrase="a synthetic phrase two", why="Blames the child", suggestion="Say what happened", active="on"),
        ("language.PhraseGuidance",),
        allowed_roles=ADMINISTRATOR_ONLY,
    ),
    "admin:language_phraseguidance_change": Write(
        body(phrase="a synthetic phrase", why="Blames the child", suggestion="Say what happened instead"),
        ("language.PhraseGuidance",),
        allowed_roles=ADMINISTRATOR_ONLY,
    ),
    "admin:language_phraseguidance_delete": Write(
        body(post="yes"), ("language.PhraseGuidance",), allowed_roles=ADMINISTRATOR_ONLY
    ),
    "admin:agencies_team_add": Write(
        body(agency=lambda world: world.own_agency.pk, name="Duty team"),
        ("agencies.Team",),
        allowed_roles=ADMINISTRATOR_ONLY,
    ),
    "admin:agencies_team_delete": Write(body(post="yes"), ("agencies.Team",), allowed_roles=ADMINISTRATOR_ONLY),
    # Police timeliness and victim care (joinedup.missing attendance, joinedup.victims): the police and the
    # coordinator record (the matrix's agencies are not police). A crime is recorded on the child's victim care
    # page, which every role that sees the child reads: a practitioner, manager or leader is refused the POST.
    "missing:attended": Write(
        body(attended_at=_hours_ago(1), attended_by="PC 1234 Synthofficer", place="The placement"),
        ("missing.PoliceAttendance",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "victims:child": Write(
        body(crime_reference="CR/77/26", offence="Sexual exploitation of a child", reported_at=_hours_ago(2)),
        ("victims.Investigation",),
        overrides={
            **{(RoleCode.PRACTITIONER, relation): 403 for relation in ("own", "shared")},
            **{(RoleCode.MANAGER, relation): 403 for relation in ("own", "shared")},
            **{(RoleCode.LEADER, relation): 403 for relation in RELATIONS},
        },
        refusal_audit=AUDITS_THE_READ,
    ),
    "victims:needs": Write(
        body(assessed_at=_hours_ago(1), needs_found="Wants a female officer and her carer told of each update"),
        ("victims.NeedsAssessment",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "victims:support": Write(
        body(service="isva", offered_at=_hours_ago(1), response="accepted"),
        ("victims.SupportOffer",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "victims:contact": Write(
        body(contacted_at=_hours_ago(1), method="phone", update_given="The adult is on bail with conditions"),
        ("victims.VictimContact",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "victims:prosecution": Write(
        body(supports_prosecution="no", asked_on=_on_today), ("victims.Investigation",), refusal_audit=AUDITS_THE_READ
    ),
    "victims:outcome": Write(
        body(outcome="16", outcome_on=_on_today), ("victims.Investigation",), refusal_audit=AUDITS_THE_READ
    ),
    # The child's plan, closure and step-down (joinedup.plans): those who record about the child write; a leader
    # reads the plan's page (audited) and is refused. The lead professional and an action's owner are the child's
    # creator, a practitioner of the agency involved. A closure ends the owning agency's involvement.
    "plans:create": Write(
        lambda world, role, relation: {
            "kind": "child_in_need",
            "lead_professional": world.children[relation].created_by_id,
            "started_on": _today(),
        },
        ("plans.Plan", "tasks.Task"),
    ),
    "plans:outcome": Write(
        body(wording="I want to stay at my school", written_by="The child"),
        ("plans.PlanOutcome",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "plans:action": Write(
        lambda world, role, relation: {
            "description": "Ask the school about a mentor",
            "owner": world.children[relation].created_by_id,
            "due_on": _today(),
        },
        ("plans.PlanAction", "tasks.Task"),
        refusal_audit=AUDITS_THE_READ,
    ),
    "plans:safety": Write(
        body(safe_adults="My nan", how_to_get_help="Ring my key worker"),
        ("plans.SafetySection",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "plans:review": Write(
        body(held_on=_on_today, childs_views="It is going better"), ("plans.PlanReview",), refusal_audit=AUDITS_THE_READ
    ),
    "plans:end": Write(body(ended_on=_on_today, reason="Outcomes met"), ("plans.Plan",), refusal_audit=AUDITS_THE_READ),
    "plans:action-done": Write(body(), ("plans.PlanAction",), row_allowed=302, refusal_audit=AUDITS_THE_READ),
    "plans:involvement-close": Write(
        body(reason="outcomes_met", outcome="ended", closed_on=_on_today), ("children.Involvement", "plans.Closure")
    ),
    # The child's say and speaking out (joinedup.voice): a partnership leader reads the say (audited) and may not
    # record it; a link is issued and stopped by those who keep the record (not on a record only shared with them);
    # a message is marked read by those who work with the child; the child's own page takes a message from anyone
    # holding the live link, signed in or not.
    "voice:say": Write(
        body(spoken_on=_on_today, spoken_how="in_person", what_matters="To be listened to"),
        ("voice.ChildSay",),
        overrides={(RoleCode.LEADER, relation): 403 for relation in RELATIONS},
        refusal_audit=AUDITS_THE_READ,
    ),
    "voice:links": Write(
        body(),
        ("voice.SpeakToken",),
        success=200,
        overrides={(role, "shared"): 403 for role in (RoleCode.PRACTITIONER, RoleCode.MANAGER)},
    ),
    "voice:link-revoke": Write(body(), ("voice.SpeakToken",), row_allowed=302),
    "voice:message": Write(body(), ("voice.ChildMessage",)),
    "voice:speak": Write(body(kind="contact", text="Please call me"), ("voice.ChildMessage", "tasks.Task")),
    # Children missing education (joinedup.education): schools record (no education agency in the matrix's world:
    # everyone who sees the child is refused); the CME officer (here the coordinator) records checks and closes.
    "education:child": Write(
        body(school="Synthetic Academy", starts_on=_on_today, reason="off_roll", last_known_postcode="WB1 2AB"),
        ("education.EducationRecord", "tasks.Task"),
        url=lambda world, role, relation: (
            reverse("education:child", kwargs={"child_id": world.children[relation].pk}) + "?kind=missing_education"
        ),
        overrides={
            **{
                (role, relation): 403
                for role in (RoleCode.PRACTITIONER, RoleCode.MANAGER)
                for relation in ("own", "shared")
            },
            **{(role, relation): 403 for role in (RoleCode.COORDINATOR, RoleCode.LEADER) for relation in RELATIONS},
        },
        refusal_audit=AUDITS_THE_READ,
    ),
    "education:check": Write(
        body(kind="family", checked_on=_on_today, result="no_trace"),
        ("education.CmeCheck",),
        refusal_audit=AUDITS_THE_READ,
    ),
    "education:close": Write(
        body(outcome="home_educated", closed_on=_on_today),
        ("education.EducationRecord",),
        refusal_audit=AUDITS_THE_READ,
    ),
    # Management oversight and challenges between agencies (joinedup.supervision). Oversight is recorded by a
    # manager of an involved agency; a challenge raised by a practitioner or manager of an involved agency (here
    # to a third agency working with the child), answered by the challenged agency. Escalating and resolving are
    # the raising agency's (the other agency in the matrix's world): every cell here is a refusal.
    "supervision:oversight": Write(
        body(reviewed="Read the chronology and the plan", decided="Visit weekly until the review"),
        ("supervision.OversightNote",),
        overrides={
            (RoleCode.PRACTITIONER, "own"): 403,
            (RoleCode.PRACTITIONER, "shared"): 403,
            (RoleCode.MANAGER, "shared"): 403,
            **{(role, relation): 403 for role in CROSS_AGENCY for relation in RELATIONS},
        },
        refusal_audit=AUDITS_THE_READ,
    ),
    "supervision:challenges": Write(
        lambda world, role, relation: {
            "to_agency": world.objects["third_agency"].pk,  # type: ignore[attr-defined]
            "about": ChallengeAbout.values[0],
            "what": "The referral has waited three weeks for a decision",
        },
        ("supervision.Challenge",),
        prepare=_third_agency_involved,
        overrides={
            (RoleCode.PRACTITIONER, "shared"): 403,
            (RoleCode.MANAGER, "shared"): 403,
            **{(role, relation): 403 for role in CROSS_AGENCY for relation in RELATIONS},
        },
        refusal_audit=AUDITS_THE_READ,
    ),
    "supervision:challenge-respond": Write(
        body(response="We have allocated a worker today"),
        ("supervision.ChallengeStep",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "supervision:challenge-escalate": Write(
        body(why="No answer after a week"), ("supervision.Challenge",), refusal_audit=AUDITS_THE_READ
    ),
    "supervision:challenge-resolve": Write(
        body(outcome="Worker allocated"), ("supervision.Challenge",), refusal_audit=AUDITS_THE_READ
    ),
    # The front door (joinedup.frontdoor). A new child for a contact is recorded by anyone who records children (no
    # child matches these details); a contact by anyone who may record about the child; asking for information,
    # deciding and telling the referrer by the front door (the own agency's practitioners and managers); an answer
    # by the agency asked (the own agency for the own child's request, the other agency for the others').
    "frontdoor:find": Write(body(given_name="Riley", family_name="Synthnewchild"), ("children.Child",)),
    "frontdoor:contact-create": Write(
        body(
            worries="Seen getting into cars with adults the family does not know",
            child_aware="yes",
            family_aware="no",
            consent="given",
            referrer_kind="public",
            referrer_name="A neighbour",
        ),
        ("frontdoor.Contact",),
    ),
    "frontdoor:request-create": Write(
        lambda world, role, relation: {
            "to_agency": world.objects["third_agency"].pk,  # type: ignore[attr-defined]
            "question": "What do you know of the adults the child is seen with?",
        },
        ("frontdoor.InformationRequest",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "frontdoor:decide": Write(
        lambda world, role, relation: {
            "level": _threshold_level("early_help"),
            "decision_reason": "Needs met by early help with the family's agreement",
            "route": "early_help",
        },
        ("frontdoor.Contact",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "frontdoor:told": Write(
        body(referrer_told_how="phone"), ("frontdoor.Contact",), row_allowed=200, refusal_audit=AUDITS_THE_READ
    ),
    "frontdoor:request": Write(
        body(answer="Two of the adults are known to us"),
        ("frontdoor.InformationRequest",),
        overrides={
            (role, relation): 403
            for role in (RoleCode.PRACTITIONER, RoleCode.MANAGER)
            for relation in ("shared", "unshared")
        },
        refusal_audit=AUDITS_THE_READ,
    ),
    "imports:annex-a-download": Write(body(period_end=_on_today), ("jobs.Job",)),
    # The inspection data pack (joinedup.datapack): asked for by the coordinator and leaders, queued for the worker.
    "datapack:request": Write(body(as_at=_on_today), ("jobs.Job", "datapack.DataPack")),
    # Strategic goals (joinedup.oversight): set and retired by the coordinator and leaders; nothing about a child.
    "oversight:goal-create": Write(
        body(
            title="Return interviews offered within 72 hours",
            numerator="interviews-offered-in-time",
            denominator="interviews-due",
            direction="at_least",
            target="85",
            owner_agency=lambda world: world.own_agency.pk,
        ),
        ("oversight.Goal",),
    ),
    "oversight:goal-retire": Write(body(reason="Replaced by a county goal"), ("oversight.Goal",), row_allowed=200),
    # The local problem profile (joinedup.profiles): generated by the coordinator only; leaders read the page (200)
    # but may not generate.
    "profiles:list": Write(
        body(start="2026-01-01", end="2026-03-31", versions="both", analysis="Missing episodes rose in March."),
        ("jobs.Job", "profiles.ProblemProfile"),
        overrides={(RoleCode.LEADER, relation): 403 for relation in RELATIONS},
    ),
    # Training (joinedup.training): courses, requirements and trainees are the coordinator's; attendance is
    # recorded by the coordinator for anyone and by a team manager for their own agency's staff.
    "training:course-create": Write(
        body(name="Thresholds and referral pathways", topic="thresholds_and_referrals", validity_months="24"),
        ("training.Course",),
    ),
    "training:course-edit": Write(
        body(name="Exploitation awareness (refreshed)", topic="exploitation_awareness", validity_months="24"),
        ("training.Course",),
    ),
    "training:requirement-remove": Write(body(), ("training.TrainingRequirement",), row_allowed=302),
    "training:trainees": Write(
        body(full_name="Councillor Pat Example", body="Wealdbridge Borough Council", kind="elected_member"),
        ("training.Trainee",),
    ),
    "training:attendance": Write(
        lambda world, role, relation: {
            "course": _training_course(world),
            "staff": world.users[RoleCode.PRACTITIONER].pk,
            "attended_on": _today(),
        },
        ("training.Attendance",),
    ),
    # Awareness campaigns (joinedup.campaigns): recorded and changed by the coordinator only.
    "campaigns:create": Write(
        body(
            title="Chelsea's Choice",
            kind="school_drama",
            status="delivered",
            held_on="2026-03-12",
            postcode_sector="WB1 1",
            audience="Year 9 pupils",
            reached="120",
            delivered_by="Theatre company",
        ),
        ("campaigns.Campaign",),
    ),
    "campaigns:edit": Write(
        body(
            title="Drama for Year 9",
            kind="school_drama",
            status="delivered",
            held_on="2026-03-01",
            postcode_sector="WB1 1",
            audience="Year 9 pupils",
            reached="45",
            delivered_by="Theatre company",
        ),
        ("campaigns.Campaign",),
    ),
    "campaigns:materials": Write(
        body(title="Know the signs", kind="leaflet", co_produced="yes", description="Made with the youth council"),
        ("campaigns.CampaignMaterial",),
    ),
    # Case audits (joinedup.caseaudits): rounds are opened by the coordinator and leaders (the sample drawn from
    # the children they may see); each relation's audit names the own manager and the coordinator as auditors.
    "caseaudits:round-create": Write(
        body(
            theme="Children going missing from care",
            period_start=lambda world: (timezone.localdate() - dt.timedelta(days=90)).isoformat(),
            period_end=_on_today,
            sample_size="4",
            seed="11",
        ),
        ("caseaudits.AuditRound",),
    ),
    "caseaudits:record": Write(
        lambda world, role, relation: _case_audit_grades(),
        ("caseaudits.CaseAudit", "caseaudits.QuestionGrade"),
        refusal_audit=AUDITS_THE_READ,
    ),
    "caseaudits:auditors": Write(
        lambda world, role, relation: {"auditors": [world.users[RoleCode.COORDINATOR].pk]},
        ("caseaudits.CaseAudit_auditors",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "caseaudits:learning": Write(
        lambda world, role, relation: {
            "text": "Information about the adult was not shared with the school",
            "themes": [_theme("information_sharing")],
        },
        ("caseaudits.LearningPoint",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "caseaudits:action": Write(
        body(
            what="Add the school to the information sharing agreement",
            owner_agency=lambda world: world.own_agency.pk,
            due=_on_today,
        ),
        ("caseaudits.AuditAction",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "caseaudits:action-done": Write(
        body(), ("caseaudits.AuditAction",), row_allowed=302, refusal_audit=AUDITS_THE_READ
    ),
    # The audit tool (issue 12 leftovers): a new version, drafted from the one in force with a question added, is
    # published by the coordinator and leaders.
    "caseaudits:tool-draft": Write(
        lambda world, role, relation: _audit_tool_draft(),
        ("caseaudits.AuditTool", "caseaudits.AuditQuestion"),
    ),
    # The problem profile's schedules (issue 12 leftovers): the coordinator's only.
    "profiles:schedules": Write(body(frequency="monthly", versions="both"), ("profiles.ProfileSchedule",)),
    "profiles:schedule-edit": Write(body(frequency="monthly", versions="sanitised"), ("profiles.ProfileSchedule",)),
    "profiles:schedule-stop": Write(body(), ("profiles.ProfileSchedule",), row_allowed=302),
    # Strategy discussions and NRM referrals (joinedup.strategy): held and recorded by social care (the matrix's
    # agencies) and police practitioners and managers, and the coordinator; refused to leaders (after the read on the
    # discussion's and the referral's pages) and administrators.
    "strategy:create": Write(
        lambda world, role, relation: {
            "held_at": _when(2),
            "chaired_by": world.users[RoleCode.COORDINATOR].pk,
            "why": "Found in a flat used to sell drugs",
            "decision": "other_support",
            "reasons": "Child in need assessment with a safety plan",
            "participants-TOTAL_FORMS": "1",
            "participants-INITIAL_FORMS": "0",
            "participants-0-agency": world.own_agency.pk,
            "participants-0-person_name": "Alex Socialworker",
            "participants-0-role": "Social worker",
        },
        ("strategy.StrategyDiscussion", "strategy.Participant"),
    ),
    "strategy:action": Write(
        body(
            description="Visit the child at school",
            owner=lambda world: world.users[RoleCode.COORDINATOR].pk,
            due_on="2030-01-01",
        ),
        ("strategy.StrategyAction", "tasks.Task"),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "strategy:mace": Write(
        body(reason="Linked to adults of concern at the flat"),
        ("strategy.StrategyDiscussion",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "strategy:disruption": Write(
        body(plan="Child abduction warning notices for the two adults"),
        ("strategy.StrategyDiscussion",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "strategy:outcome": Write(
        body(outcome="nfa", outcome_on=_on_today),
        ("strategy.Section47Enquiry",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "strategy:nrm-create": Write(
        body(first_responder=lambda world: world.own_agency.pk, referred_on=_on_today, exploitation_type="criminal"),
        ("strategy.NRMReferral",),
    ),
    "strategy:nrm-reasonable": Write(
        body(decision="positive", decided_on=_on_today),
        ("strategy.NRMReferral",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
    "strategy:nrm-conclusive": Write(
        body(decision="positive", decided_on=_on_today),
        ("strategy.NRMReferral",),
        row_allowed=200,
        refusal_audit=AUDITS_THE_READ,
    ),
}


# Contextual safeguarding (joinedup.contextual): only the coordinator writes; pages that read the work first audit
# that read (context_work_viewed) before refusing the role.
CONTEXT_READ_FIRST = {403: ["context_work_viewed"]}


def _context_place(world: World) -> str:
    from joinedup.contextual.tests.factories import place_make

    if "context-place" not in world.objects:
        world.objects["context-place"] = place_make()
    return str(world.objects["context-place"].pk)  # type: ignore[attr-defined]


WRITES.update(
    {
        "contextual:place-open": Write(
            body(place=_context_place, why="Children seen in the bar late at night"),
            ("contextual.ContextWork", "tasks.Task"),
        ),
        "contextual:group-open": Write(
            lambda world, role, relation: {
                "name": "Mill Lane group",
                "children": [child.pk for child in world.children.values()],
                "why": "Seen together at the park after school",
            },
            ("contextual.PeerGroup", "contextual.PeerGroupMember", "contextual.ContextWork", "tasks.Task"),
        ),
        "contextual:group-members": Write(
            lambda world, role, relation: {
                "child": world.children["shared" if relation == "own" else "own"].pk,
                "change": "add",
            },
            ("contextual.PeerGroupMember",),
            row_allowed=302,
        ),
        "contextual:assessment": Write(
            body(
                who_is_there="Older young people and two adults",
                when="After school",
                what_makes_it_unsafe="Adults offering lifts",
                what_makes_it_safe="The youth club opposite",
            ),
            ("contextual.ContextAssessment",),
            refusal_audit=CONTEXT_READ_FIRST,
        ),
        "contextual:partner": Write(
            body(name="Wealdbridge Council licensing team", kind="licensing", contact=""),
            ("contextual.Partner", "contextual.ContextWork_partners"),
            row_allowed=200,
            refusal_audit=CONTEXT_READ_FIRST,
        ),
        "contextual:action": Write(
            body(description="Visit the park", owner=lambda world: world.users[RoleCode.COORDINATOR].pk, due=_on_today),
            ("contextual.ContextAction", "tasks.Task"),
            row_allowed=200,
            refusal_audit=CONTEXT_READ_FIRST,
        ),
        "contextual:review": Write(
            body(
                reviewed_on=_on_today,
                what_changed="Seen there less often",
                decision="continue",
                next_review="2030-01-01",
            ),
            ("contextual.ContextReview", "tasks.Task"),
            row_allowed=200,
            refusal_audit=CONTEXT_READ_FIRST,
        ),
        "contextual:close": Write(
            body(reason="The group is no longer seen together"),
            ("contextual.ContextWork",),
            row_allowed=200,
            refusal_audit=CONTEXT_READ_FIRST,
        ),
        "contextual:action-done": Write(
            body(), ("contextual.ContextAction",), row_allowed=302, refusal_audit=CONTEXT_READ_FIRST
        ),
    }
)


# Registered businesses and community reporting (joinedup.community): a report is sent by anyone (signed in or not)
# through a business's link or the public page; businesses and triage are the coordinator's.
def _community_signs(kind: str) -> Callable[[World], list[int]]:
    def signs(world: World) -> list[int]:
        from joinedup.community.models import WarningSign

        return list(WarningSign.objects.filter(applies_to=kind).values_list("pk", flat=True)[:2])

    return signs


def _community_place(world: World) -> str:
    from joinedup.places.models import Place

    if "community-place" not in world.objects:
        world.objects["community-place"] = Place.objects.create(name="Mill Lane Kebab House", kind="takeaway")
    return str(world.objects["community-place"].pk)  # type: ignore[attr-defined]


_REPORT = {"what_happened": "Two girls went up to room 12 with a man", "happened_at": _hours_ago(3)}
WRITES.update(
    {
        "community:report": Write(
            body(signs=_community_signs("hotel"), **_REPORT),
            ("community.CommunityReport", "community.CommunityReport_signs", "tasks.Task", "throttle.Attempt"),
        ),
        "community:report-public": Write(
            body(signs=_community_signs("general"), where="The bus station", **_REPORT),
            ("community.CommunityReport", "tasks.Task", "throttle.Attempt"),
        ),
        "community:report-concern": Write(
            lambda world, role, relation: {
                "child": str(world.children[relation].pk),
                "category": "11A",
                "what_happened": "Seen going into room 12 with an adult",
            },
            ("community.CommunityReport", "concerns.Concern", "tasks.Task"),
            row_allowed=200,
        ),
        "community:report-close": Write(
            body(reason="not_enough", note=""), ("community.CommunityReport", "tasks.Task"), row_allowed=200
        ),
        "community:business-create": Write(
            body(name="Mill Lane Kebab House", kind="takeaway", place=_community_place), ("community.Business",)
        ),
        "community:business-visit": Write(body(visited_on=_on_today), ("community.Business",), row_allowed=200),
        "community:business-staff": Write(
            body(full_name="Casey Reception", job_title="Night receptionist"),
            ("community.BusinessStaff", "training.Trainee"),
            row_allowed=200,
        ),
        # The new link is shown on the business's page (200), once.
        "community:business-link": Write(body(), ("community.Business",), success=200, row_allowed=200),
        "community:business-revoke": Write(body(), ("community.Business",), row_allowed=302),
    }
)


def _case_audit_grades() -> dict[str, object]:
    from joinedup.caseaudits.tests.factories import standard_tool

    data: dict[str, object] = {
        "audited_on": _today(),
        "overall_grade": "good",
        "child_experience": "The child said the youth worker listened",
        "child_spoken_to": "on",
    }
    for question in standard_tool().questions.all():
        data[f"grade_{question.code}"] = "good"
        data[f"comment_{question.code}"] = "Seen in the records"
    return data


def _audit_tool_draft() -> dict[str, object]:
    from joinedup.caseaudits.tests.factories import standard_tool

    data: dict[str, object] = {"new_text_1": "Was the child seen alone?"}
    for question in standard_tool().questions.all():
        data[f"keep_{question.code}"] = "on"
        data[f"text_{question.code}"] = question.text
        data[f"guidance_{question.code}"] = question.guidance
        data[f"scale_{question.code}"] = list(question.scale)
    return data


def _theme(code: str) -> int:
    from joinedup.caseaudits.models import Theme

    return int(Theme.objects.get(code=code).pk)


def _threshold_level(code: str) -> int:
    from joinedup.frontdoor.models import ThresholdLevel
    from joinedup.frontdoor.thresholds import threshold_seed

    return ThresholdLevel.objects.get(document=threshold_seed(), code=code).pk


def _training_course(world: World) -> int:
    from .test_permission_matrix import _training_requirement

    return int(_training_requirement(world).course_id)  # type: ignore[attr-defined]


def _cells(row: Row, write: Write, role: str, relation: str) -> int:
    if (role, relation) in write.overrides:
        return write.overrides[(role, relation)]
    code = row.cells[role][RELATIONS.index(relation)]
    if (row.method == "get" and code == 200) or (row.method == "post" and code == write.row_allowed):
        return write.success
    return code


@dataclass
class Outcome:
    status: int
    changed: list[str]
    audited: list[str]
    detail: str = ""


def post_cell(world: World, client: Client, url: str, data: dict[str, object], before: Mapping[str, str]) -> Outcome:
    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with rolled_back():
        response = client.post(url, data)
        after = fingerprint()
        audited = list(AuditEvent.objects.filter(pk__gt=last_audit).values_list("kind", flat=True))
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    detail = str(getattr(form, "errors", "") or "")[:300]
    return Outcome(response.status_code, changed(before, after), audited, detail)


@pytest.fixture(autouse=True)
def _file_dirs(settings, tmp_path) -> None:
    settings.DOCUMENTS_ROOT = str(tmp_path / "documents")
    settings.IMPORT_SPOOL_DIR = str(tmp_path / "import-spool")


def _prepare(world: World, write: Write) -> None:
    world.objects["recipient"] = UserFactory.create(username="recipient-other", agency=world.other_agency)
    world.objects["third_agency"] = AgencyFactory.create(code="THR")
    if write.prepare is not None:
        write.prepare(world)


@pytest.mark.parametrize("name", list(WRITES))
def test_a_form_sent_with_a_valid_body_writes_for_allowed_roles_and_nothing_for_refused_ones(db, name: str):
    row, write = MATRIX[name], WRITES[name]
    world = build_world()
    _prepare(world, write)
    clients = {role: signed_in(world.users[role]) for role in ROLES}
    cells = [(role, relation) for role in ROLES for relation in RELATIONS]
    requests = {cell: ((write.url or row.url)(world, *cell), write.body(world, *cell)) for cell in cells}
    before = fingerprint()
    wrong = []
    for role, relation in cells:
        url, data = requests[(role, relation)]
        expected = _cells(row, write, role, relation)
        outcome = post_cell(world, clients[role], url, data, before)
        allowed = expected == write.success and (write.allowed_roles is None or role in write.allowed_roles)
        if outcome.status != expected:
            wrong.append(f"{role}/{relation}: answered {outcome.status}, expected {expected} {outcome.detail}")
        elif allowed and (role, relation) in write.unchanged:
            if outcome.changed:
                wrong.append(f"{role}/{relation}: nothing to change, but wrote {outcome.changed}")
        elif allowed and not set(write.writes) <= set(outcome.changed):
            wrong.append(f"{role}/{relation}: allowed but wrote {outcome.changed}, expected {write.writes}")
        elif not allowed and (outcome.changed or outcome.audited != write.refusal_audit.get(outcome.status, [])):
            wrong.append(f"{role}/{relation}: refused ({outcome.status}) but wrote {outcome.changed} {outcome.audited}")
    assert wrong == [], f"{name}:\n" + "\n".join(wrong)


# --- Relations beyond own / shared / unshared ------------------------------------------------------------
# For practitioners and managers, the roles whose sight follows need-to-know (coordinators and leaders see every
# child, administrators none, whatever the relation). Each new relation answers as an existing one does:
RELATIONS_MORE = {
    "person": "shared",  # the whole record shared with the user by name
    "colleague": "unshared",  # shared by name with another user of the same agency
    "expired": "unshared",  # shared with the user's agency, the share expired
    "ended": "unshared",  # the user's agency's own child, its involvement ended: sight ends with it
    "emergency": "shared",  # the user holds an active emergency (break-glass) grant
    "emergency-expired": "unshared",  # the grant has expired
}
CASE_ROLES = [RoleCode.PRACTITIONER, RoleCode.MANAGER]
# An emergency grant lets the user read the whole record and add to the chronology, as a share does, and not
# share it on or keep the record (a share does not either): every row answers as for "shared".


def build_relations(world: World) -> None:
    from joinedup.access.models import BreakGlassGrant
    from joinedup.children.models import Involvement

    own, other = world.own_agency, world.other_agency
    now = timezone.now()
    children = dict(world.children)
    for relation in RELATIONS_MORE:
        children[relation] = ChildFactory.create(owning_agency=own if relation == "ended" else other)
    world.children = children
    colleague = UserFactory.create(username="practitioner-own-3", agency=own)
    for role in CASE_ROLES:
        user = world.users[role]
        # A child shared by name with each case role's user: the "person" child with both (each sees it as theirs).
        ShareDecisionFactory.create(child=children["person"], shared_with_agency=None, shared_with_user=user)
        for relation, expires in (("emergency", now + dt.timedelta(hours=4)), ("emergency-expired", now)):
            BreakGlassGrant.objects.create(
                user=user, child=children[relation], reason="Emergency", granted_at=now, expires_at=expires
            )
    ShareDecisionFactory.create(child=children["colleague"], shared_with_agency=None, shared_with_user=colleague)
    ShareDecisionFactory.create(
        child=children["expired"], shared_with_agency=own, expires_at=now - dt.timedelta(minutes=1)
    )
    Involvement.objects.filter(child=children["ended"], agency=own).update(ended_at=now - dt.timedelta(days=1))


# Rows whose URL is built from the relation's child (a job, a grant, an import, an export or an alert row means
# something else by its relations).
# children:involvement-end (and plans:involvement-close) end the owning agency's open involvement, which the "ended"
# child no longer has.
# documents:download's document is attached by the child's creator, whose agency's involvement has ended.
NOT_ABOUT_THE_CHILD = {
    "missing:alert-open",
    "mace:action-done",
    "children:involvement-end",
    "plans:involvement-close",
    "documents:download",
}


def _relation_rows() -> list[str]:
    return [
        name
        for name, row in MATRIX.items()
        if row.cells.get(RoleCode.PRACTITIONER, same_cells := (0, 0, 0))[1:] != same_cells[1:]
        and row.cells[RoleCode.PRACTITIONER][1] != row.cells[RoleCode.PRACTITIONER][2]
        and not name.startswith(("jobs:", "imports:", "rights:export", "access:"))
        and name not in NOT_ABOUT_THE_CHILD
    ]


RELATION_ROWS = _relation_rows()


def _request(client: Client, row: Row, url: str, world: World, role: str, relation: str, data: object) -> object:
    if row.api_call is not None:
        return getattr(client, row.method)(url, **row.api_call(world, role, relation))
    return client.post(url, data) if data is not None else client.get(url)


@pytest.mark.parametrize("name", RELATION_ROWS)
def test_a_share_by_name_an_expired_share_an_ended_involvement_and_emergency_access_answer_as_need_to_know(
    db, name: str
):
    row = MATRIX[name]
    write = WRITES.get(name) if row.api_call is None else None
    if write is not None and (write.url is not None or write.prepare is not None):
        write = None  # a write that needs state made for the three first relations: its GET row still runs
    world = build_world()
    build_relations(world)
    _prepare(world, Write(body(), ()))
    clients = {role: signed_in(world.users[role]) for role in CASE_ROLES} if row.api_call is None else {}
    cells = [(role, relation) for role in CASE_ROLES for relation in RELATIONS_MORE]
    urls = {cell: row.url(world, *cell) for cell in cells}
    datas = {cell: write.body(world, *cell) if write else None for cell in cells}
    if row.api_call is not None:
        for role in CASE_ROLES:
            row.api_call(world, role, "own")  # the key exists before the fingerprint
    before = fingerprint()
    wrong = []
    for role, relation in cells:
        like = RELATIONS_MORE[relation]
        expected = row.cells[role][RELATIONS.index(like)]
        if row.method == "post":  # the row is a POST: sent once, with the valid body where there is one
            # An allowed cell answers the write's success to the valid body (a re-shown form only to an empty one).
            sends: list[tuple[object, int]] = [
                (datas[(role, relation)] or {}, _cells(row, write, role, like) if write else expected)
            ]
        else:
            sends = [(None, expected)]
            if write is not None:
                sends.append((datas[(role, relation)], _cells(row, write, role, like)))
        for data, code in sends:
            last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            with rolled_back():
                response = _request(
                    clients.get(role, Client()), row, urls[(role, relation)], world, role, relation, data
                )
                written = changed(before, fingerprint())
                audited = list(AuditEvent.objects.filter(pk__gt=last_audit).values_list("kind", flat=True))
            what = "POST" if data is not None else row.method.upper()
            if response.status_code != code:  # type: ignore[attr-defined]
                wrong.append(f"{what} {role}/{relation}: answered {response.status_code}, expected {code}")  # type: ignore[attr-defined]
            elif data is not None and code in (403, 404):
                allowed_audit = write.refusal_audit.get(code, []) if write else None
                kept = [label for label in written if label != "api.IdempotentRequest" or row.api_call is None]
                if kept or (allowed_audit is not None and audited != allowed_audit):
                    wrong.append(f"{what} {role}/{relation}: refused ({code}) but wrote {kept} {audited}")
    assert wrong == [], f"{name}:\n" + "\n".join(wrong)


# --- The API: every operation, with the owning agency's key, another agency's, a revoked key and none ---------

KEYS = ["owning", "other", "revoked", "none"]


def _api_operations() -> dict[str, str]:
    """Every operation of the API's schema, by its URL name."""
    from django.urls import resolve

    from joinedup.api.views import api

    operations = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        concrete = path.replace("{child_id}", "0" * 8 + "-0000-4000-8000-" + "0" * 12)
        for placeholder in ("{episode_id}", "{job_id}"):
            concrete = concrete.replace(placeholder, "0" * 8 + "-0000-4000-8000-" + "0" * 12)
        for method in methods:
            operations[f"api:{resolve(concrete).url_name}"] = method
    return operations


@dataclass
class ApiOperation:
    url: Callable[[World], str]
    writes: tuple[str, ...] = ()
    body: Callable[[World], object] | None = None
    files: bool = False
    success: int = 200
    # The other agency's key: what it gets (404: it may not see the owning agency's child or job).
    other: int = 404


def _own_child_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"child_id": world.children["own"].pk})


def _own_open_episode_url(name: str) -> Callable[[World], str]:
    from .test_permission_matrix import _open_episode

    return lambda world: reverse(name, kwargs={"episode_id": _open_episode(world, "own").pk})


def _own_job_url(world: World) -> str:
    from joinedup.jobs.models import Job, JobKind

    key = "api-job"
    if key not in world.objects:
        world.objects[key] = Job.objects.create(kind=JobKind.EXTRACT_IMPORT, requested_by=_api_user(world, "owning"))
    return reverse("api:job", kwargs={"job_id": world.objects[key].pk})  # type: ignore[attr-defined]


def _json(**values: Callable[[], object]) -> Callable[[World], object]:
    import json

    return lambda world: json.dumps({k: make() for k, make in values.items()})


API_OPERATIONS: dict[str, ApiOperation] = {
    # The other agency's key lists its own agency's children: the owning agency's child is not among them.
    "api:children": ApiOperation(lambda world: reverse("api:children"), other=200),
    "api:child": ApiOperation(_own_child_url("api:child")),
    "api:missing-report": ApiOperation(
        _own_child_url("api:missing-report"),
        ("missing.MissingEpisode",),
        _json(started_at=lambda: (timezone.now() - dt.timedelta(hours=3)).isoformat(), rationale=lambda: "Not home"),
        success=201,
    ),
    "api:missing-found": ApiOperation(
        _own_open_episode_url("api:missing-found"),
        ("missing.MissingEpisode",),
        _json(found_at=lambda: (timezone.now() - dt.timedelta(hours=1)).isoformat()),
    ),
    "api:missing-return": ApiOperation(
        _own_open_episode_url("api:missing-return"),
        ("missing.MissingEpisode", "missing.ReturnInterview"),
        _json(returned_at=lambda: (timezone.now() - dt.timedelta(hours=1)).isoformat()),
    ),
    "api:concern-submit": ApiOperation(
        _own_child_url("api:concern-submit"),
        ("concerns.Concern",),
        _json(
            category=lambda: "11A",
            occurred_at=lambda: (timezone.now() - dt.timedelta(days=1)).isoformat(),
            what_happened=lambda: "Seen with adults",
        ),
        success=201,
    ),
    # Each agency's system submits its own agency's extract: the other agency's key is accepted for its own.
    "api:extract-submit": ApiOperation(
        lambda world: reverse("api:extract-submit"),
        ("jobs.Job",),
        lambda world: {"files": [SimpleUploadedFile("people.csv", b"record_id,agency,person_type\nM-1,OWN,child\n")]},
        files=True,
        success=202,
        other=202,
    ),
    "api:job": ApiOperation(_own_job_url),
}


def _api_user(world: World, key: str) -> User:
    """The system's account: a manager (to submit extracts) of the owning agency, or of the other agency."""
    users = world.objects.setdefault("api-users", {})
    if key not in users:  # type: ignore[operator]
        agency = world.other_agency if key == "other" else world.own_agency
        users[key] = UserFactory.create(  # type: ignore[index]
            username=f"api-{key}", agency=agency, roles=[RoleCode.MANAGER], password=None
        )
    return users[key]  # type: ignore[index, no-any-return]


def _api_key(world: World, key: str) -> str:
    from joinedup.api.models import ApiClient
    from joinedup.api.services import KEY_PREFIX, key_hash

    secret = f"{KEY_PREFIX}keys-{key}"
    user = _api_user(world, key)
    ApiClient.objects.get_or_create(
        user=user,
        defaults={
            "name": key,
            "agency": world.other_agency if key == "other" else world.own_agency,
            "key_prefix": secret[:12],
            "key_hash": key_hash(secret),
            "created_by": user,
            "last_used_at": timezone.now(),
            "revoked_at": timezone.now() if key == "revoked" else None,
        },
    )
    return secret


def test_every_api_operation_has_rows_for_each_kind_of_key():
    assert sorted(_api_operations()) == sorted(API_OPERATIONS)


@pytest.mark.parametrize("name", list(API_OPERATIONS))
def test_an_api_operation_answers_each_kind_of_key_and_a_refused_call_writes_nothing(db, name: str):
    operation, method = API_OPERATIONS[name], _api_operations()[name]
    world = build_world()
    url = operation.url(world)
    headers = {key: {"Authorization": f"Bearer {_api_key(world, key)}"} for key in KEYS if key != "none"}
    headers["none"] = {}
    before = fingerprint()
    wrong = []
    for key in KEYS:
        expected = {"owning": operation.success, "other": operation.other}.get(key, 401)
        kwargs: dict[str, object] = {"headers": {**headers[key], "Idempotency-Key": f"matrix-{key}"}}
        if operation.body is not None:
            kwargs["data"] = operation.body(world)
            if not operation.files:
                kwargs["content_type"] = "application/json"
        last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with rolled_back():
            response = getattr(Client(), method)(url, **kwargs)
            written = changed(before, fingerprint())
            audited = list(AuditEvent.objects.filter(pk__gt=last_audit).values_list("kind", flat=True))
        if response.status_code != expected:
            wrong.append(f"{key}: answered {response.status_code}, expected {expected}: {response.content[:200]!r}")
        elif expected == operation.success or (key == "other" and expected == operation.other and expected < 400):
            if not set(operation.writes) <= set(written):
                wrong.append(f"{key}: allowed but wrote {written}, expected {operation.writes}")
        else:
            # A refused key writes only its refusal to the audit trail; a key that may call but may not see
            # the child gets its answer kept for its Idempotency-Key (a POST), and its call audited.
            kept = {"revoked": [], "none": [], "other": ["api.IdempotentRequest"] if method == "post" else []}[key]
            trail = {"revoked": ["api_key_refused"], "none": [], "other": ["api_called"]}[key]
            if written != kept or audited != trail:
                wrong.append(f"{key}: refused ({expected}) but wrote {written} {audited}")
    assert wrong == [], f"{name}:\n" + "\n".join(wrong)


# --- The guard: every route that takes a POST has its write row, or says here why not ----------------------

NO_WRITE_ROW = {
    # Signing in and out, and the second step, act on the user's own session: joinedup/accounts/tests.
    "accounts:sign-in": "the user's own session",
    "accounts:sign-out": "the user's own session",
    "accounts:two-factor": "the user's own session",
    "accounts:two-factor-setup": "the user's own authenticator, confirmed by a code of the moment",
    "language:check": "stores nothing: it answers the wording's suggestions",
}


def _takes_post(view: Callable[..., object]) -> bool:
    import inspect

    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return False
    return "POST" in source or "require_POST" in source


def test_every_route_that_takes_a_post_has_a_write_row():
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Callable[..., object]]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{prefix}{pattern.name}", pattern.callback

    # The API's operations have their own guard (above). The administration pages (Django's admin) send everyone
    # but an administrator to the sign-in page before any form, as their rows in test_permission_matrix show;
    # write rows cover adding, changing and deleting phrase guidance and adding and deleting a team, not yet
    # every model's forms.
    taking_post = {
        name for name, view in routes(get_resolver()) if _takes_post(view) and not name.startswith(("admin:", "api:"))
    }
    assert taking_post, "the guard found no form at all: the check itself is broken"
    missing = sorted(taking_post - set(WRITES) - set(NO_WRITE_ROW))
    assert missing == [], f"Add a write row (WRITES) or a reason (NO_WRITE_ROW) for: {missing}"
    assert sorted(set(NO_WRITE_ROW) & set(WRITES)) == []
