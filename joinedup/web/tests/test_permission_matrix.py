"""Every URL, every role, and own agency / other agency with a share / other agency without / anonymous.

Each cell states the answer a user gets. A user with no right to a child's
record gets 404, the same as for a record that does not exist. The guard test
fails when a URL pattern has no row here, so a new page cannot ship unchecked.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import cast

import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.access.models import BreakGlassGrant
from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.agencies.tests.factories import AgencyFactory, TeamFactory
from joinedup.assessments.models import Catalogue, RiskAssessment
from joinedup.children.models import Address, Child, ChronologyEntry, NoteCategory, Relative, RelativeKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.language.models import PhraseGuidance
from joinedup.missing.models import Alert, MissingEpisode, PhilomenaProfile
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory
from joinedup.sharing.tests.factories import ShareDecisionFactory

ROLES: list[str] = [
    RoleCode.PRACTITIONER,
    RoleCode.MANAGER,
    RoleCode.COORDINATOR,
    RoleCode.LEADER,
    RoleCode.ADMINISTRATOR,
]
RELATIONS = ["own", "shared", "unshared"]
ANON = "anonymous"


@dataclass
class World:
    own_agency: Agency
    other_agency: Agency
    users: Mapping[str, User]
    children: Mapping[str, Child]
    jobs: dict[str, dict[str, Job]] = field(default_factory=dict)
    grants: dict[str, BreakGlassGrant] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}"


# Shorthands for rows: a code for each relation (own, shared, unshared), or one code for all three.
def same(code: int) -> tuple[int, int, int]:
    return (code, code, code)


CHILD_VISIBILITY = (200, 200, 404)  # own agency involved / shared with us / neither
SEES_ALL = (200, 200, 200)
SIGN_IN = 302  # anonymous users are sent to the sign-in page


@dataclass
class Row:
    url: Callable[[World, str, str], str]
    cells: Mapping[str, tuple[int, int, int]]
    anonymous: int = SIGN_IN
    method: str = "get"
    # An API operation: the client arguments (key, body) with which the user's agency system calls it, in place
    # of signing in (joinedup.api).
    api_call: Callable[[World, str, str], dict[str, object]] | None = None


def fixed(name: str, **kwargs: object) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs=kwargs or None)


def child_url(name: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs={"child_id": world.children[relation].pk})


def job_url(name: str) -> Callable[[World, str, str], str]:
    # own: a job the user asked for; shared/unshared: someone else's job, in or outside the user's agency.
    return lambda world, role, relation: reverse(name, kwargs={"job_id": world.jobs[role][relation].pk})


def grant_url(world: World, role: str, relation: str) -> str:
    # own: an emergency access used by a practitioner of the user's agency; otherwise another agency's.
    grant = world.grants["own" if relation == "own" else "other"]
    return reverse("access:review-decide", kwargs={"grant_id": grant.pk})


def by_role(**cells: tuple[int, int, int]) -> dict[str, tuple[int, int, int]]:
    return {RoleCode(role): value for role, value in cells.items()}


EVERY_ROLE_200 = by_role(
    practitioner=same(200), manager=same(200), coordinator=same(200), leader=same(200), administrator=same(200)
)
# Every role that works with children's records; administrators have no need to know.
WORKS_WITH_CHILDREN = by_role(
    practitioner=same(200), manager=same(200), coordinator=same(200), leader=same(200), administrator=same(403)
)
NEED_TO_KNOW = by_role(
    practitioner=CHILD_VISIBILITY,
    manager=CHILD_VISIBILITY,
    coordinator=SEES_ALL,
    leader=SEES_ALL,
    administrator=same(404),
)

MATRIX: dict[str, Row] = {
    # A partnership leader's home is the oversight dashboard.
    "web:home": Row(fixed("web:home"), {**EVERY_ROLE_200, RoleCode.LEADER: same(302)}),
    # Browsers ask for the icon before signing in: sent on to the static file.
    "web:favicon": Row(fixed("web:favicon"), {r: same(301) for r in ROLES}, anonymous=301),
    "accounts:sign-in": Row(fixed("accounts:sign-in"), EVERY_ROLE_200, anonymous=200),
    "accounts:sign-out": Row(fixed("accounts:sign-out"), {r: same(405) for r in ROLES}, anonymous=405),
    # Without two-factor required (test settings), the second step sends a signed-in user on to set it up.
    "accounts:two-factor": Row(fixed("accounts:two-factor"), {r: same(302) for r in ROLES}),
    "accounts:two-factor-setup": Row(fixed("accounts:two-factor-setup"), EVERY_ROLE_200),
    "children:list": Row(
        fixed("children:list"),
        WORKS_WITH_CHILDREN,
    ),
    "children:create": Row(
        fixed("children:create"),
        by_role(
            practitioner=same(200), manager=same(200), coordinator=same(200), leader=same(403), administrator=same(403)
        ),
    ),
    "children:export": Row(
        fixed("children:export"),
        by_role(
            practitioner=same(403), manager=same(403), coordinator=same(302), leader=same(403), administrator=same(403)
        ),
        method="post",
    ),
    "children:detail": Row(child_url("children:detail"), NEED_TO_KNOW),
    "children:entry-create": Row(
        child_url("children:entry-create"),
        by_role(
            practitioner=CHILD_VISIBILITY,
            manager=CHILD_VISIBILITY,
            coordinator=SEES_ALL,
            leader=same(403),
            administrator=same(404),
        ),
    ),
    "children:share-create": Row(
        child_url("children:share-create"),
        # Only an involved agency (or the coordinator) decides to share; a recipient of a share cannot pass it on.
        by_role(
            practitioner=(200, 403, 404),
            manager=(200, 403, 404),
            coordinator=SEES_ALL,
            leader=same(403),
            administrator=same(404),
        ),
    ),
    "children:access-log": Row(
        child_url("children:access-log"),
        by_role(
            practitioner=(403, 403, 404),
            manager=CHILD_VISIBILITY,
            coordinator=SEES_ALL,
            leader=SEES_ALL,
            administrator=same(404),
        ),
    ),
    "access:break-glass": Row(
        fixed("access:break-glass"),
        by_role(
            practitioner=same(200), manager=same(200), coordinator=same(403), leader=same(403), administrator=same(403)
        ),
    ),
    "access:review-list": Row(
        fixed("access:review-list"),
        by_role(
            practitioner=same(403), manager=same(200), coordinator=same(200), leader=same(403), administrator=same(403)
        ),
    ),
    # The coordinator reviews the grants that name them (the partnership's designated reviewer); these name
    # nobody (made before reviewers were named), so they go to the agency's managers.
    "access:review-decide": Row(
        grant_url,
        by_role(
            practitioner=same(403),
            manager=(200, 404, 404),
            coordinator=same(404),
            leader=same(403),
            administrator=same(403),
        ),
    ),
    "jobs:detail": Row(job_url("jobs:detail"), dict.fromkeys(ROLES, (200, 404, 404))),
    "jobs:progress": Row(job_url("jobs:progress"), dict.fromkeys(ROLES, (200, 404, 404))),
    "jobs:download": Row(job_url("jobs:download"), dict.fromkeys(ROLES, (200, 404, 404))),
}


# The appropriate-language check (joinedup.language): anyone signed in, as they write.
MATRIX.update({"language:check": Row(fixed("language:check"), EVERY_ROLE_200, method="post")})


# Missing episodes, return home interviews, Philomena profiles and alerts (joinedup.missing).
def _episode(world: World, relation: str) -> MissingEpisode:
    """A returned episode, with its return interview and a Philomena profile, for the relation's child."""
    key = f"episode-{relation}"
    if key not in world.objects:
        child = world.children[relation]
        started = timezone.now() - dt.timedelta(days=3)
        episode = MissingEpisodeFactory.create(
            child=child, started_at=started, returned_at=started + dt.timedelta(hours=5)
        )
        ReturnInterviewFactory.create(episode=episode, owner=child.created_by)
        PhilomenaProfile.objects.create(
            child=child,
            owning_agency=child.owning_agency,
            updated_by=child.created_by,
            photo=ContentFile(b"\xff\xd8\xff\xe0 synthetic", name="photo.jpg"),
        )
        world.objects[key] = episode
    return world.objects[key]  # type: ignore[return-value]


def _open_episode(world: World, relation: str) -> MissingEpisode:
    """An episode still open (the child is missing now), after the returned one."""
    key = f"open-episode-{relation}"
    if key not in world.objects:
        returned = _episode(world, relation)
        world.objects[key] = MissingEpisode.objects.create(
            child=returned.child,
            started_at=timezone.now() - dt.timedelta(hours=2),
            reported_at=timezone.now() - dt.timedelta(minutes=90),  # found (an hour ago) after the report
            owning_agency=returned.owning_agency,
        )
    return world.objects[key]  # type: ignore[return-value]


def episode_url(name: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs={"episode_id": _episode(world, relation).pk})


def child_with_profile_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        return reverse(name, kwargs={"child_id": _episode(world, relation).child_id})

    return url


def alert_url(world: World, role: str, relation: str) -> str:
    # own: an alert to the user; otherwise an alert to someone else, about a child they can or cannot see.
    recipient = world.users[role] if relation == "own" else UserFactory.create()
    alert = Alert.objects.create(recipient=recipient, child=world.children[relation], message="A synthetic alert")
    return reverse("missing:alert-open", kwargs={"alert_id": alert.pk})


RECORDS_ABOUT_CHILD = by_role(
    practitioner=CHILD_VISIBILITY,
    manager=CHILD_VISIBILITY,
    coordinator=SEES_ALL,
    leader=same(403),
    administrator=same(404),
)
MATRIX.update(
    {
        "missing:report": Row(child_url("missing:report"), RECORDS_ABOUT_CHILD),
        "missing:philomena": Row(child_url("missing:philomena"), NEED_TO_KNOW),
        "missing:philomena-photo": Row(child_with_profile_url("missing:philomena-photo"), NEED_TO_KNOW),
        "missing:episode": Row(episode_url("missing:episode"), NEED_TO_KNOW),
        **{
            f"missing:{step}": Row(episode_url(f"missing:{step}"), RECORDS_ABOUT_CHILD)
            for step in ["found", "return", "offer", "interview", "action"]
        },
        # The police grade the risk (policy.can_grade_missing): the matrix's agencies are not police, so their
        # practitioners and managers are refused on a child they see; the coordinator grades.
        "missing:regrade": Row(
            episode_url("missing:regrade"),
            by_role(
                practitioner=(403, 403, 404),
                manager=(403, 403, 404),
                coordinator=SEES_ALL,
                leader=same(403),
                administrator=same(404),
            ),
        ),
        "missing:philomena-share": Row(
            lambda world, role, relation: reverse(
                "missing:philomena-share", kwargs={"episode_id": _open_episode(world, relation).pk}
            ),
            by_role(
                practitioner=(302, 302, 404),
                manager=(302, 302, 404),
                coordinator=same(302),
                leader=same(403),
                administrator=same(404),
            ),
            method="post",
        ),
        "missing:worklist": Row(
            fixed("missing:worklist"),
            WORKS_WITH_CHILDREN,
        ),
        "missing:alerts": Row(fixed("missing:alerts"), EVERY_ROLE_200),
        "missing:alerts-badge": Row(fixed("missing:alerts-badge"), EVERY_ROLE_200),
        "missing:alert-open": Row(alert_url, dict.fromkeys(ROLES, (302, 404, 404))),
    }
)


# Concerns and risk assessments (joinedup.concerns, joinedup.assessments).
def assessment_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        key = f"assessment-{relation}"
        if key not in world.objects:
            child = world.children[relation]
            world.objects[key] = RiskAssessment.objects.create(
                child=child,
                catalogue=Catalogue.objects.get(is_current=True),
                owning_agency=child.owning_agency,
                assessor=child.created_by,
            )
        return reverse(name, kwargs={"assessment_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


MATRIX.update(
    {
        "concerns:create": Row(child_url("concerns:create"), RECORDS_ABOUT_CHILD),
        "assessments:start": Row(
            child_url("assessments:start"),
            by_role(
                practitioner=(302, 302, 404),
                manager=(302, 302, 404),
                coordinator=same(302),
                leader=same(403),
                administrator=same(404),
            ),
            method="post",
        ),
        "assessments:detail": Row(assessment_url("assessments:detail"), NEED_TO_KNOW),
        # A draft belongs to its author's agency until completed (policy.can_change_draft): the assessments
        # here are owned by the child's owning agency, which is the user's only for the "own" child.
        "assessments:edit": Row(
            assessment_url("assessments:edit"),
            by_role(
                practitioner=(200, 403, 404),
                manager=(200, 403, 404),
                coordinator=(200, 403, 403),
                leader=same(403),
                administrator=same(404),
            ),
        ),
    }
)


# Health screening (joinedup.screening): a health agency's practitioners and managers, and coordinators; the
# matrix's own agency is social care, so its practitioners and managers are refused. Contact attempts
# (joinedup.contacts): anyone who may record about the child.
MATRIX.update(
    {
        "screening:create": Row(
            child_url("screening:create"),
            by_role(
                practitioner=(403, 403, 404),
                manager=(403, 403, 404),
                coordinator=SEES_ALL,
                leader=same(403),
                administrator=same(404),
            ),
        ),
        "contacts:create": Row(child_url("contacts:create"), RECORDS_ABOUT_CHILD),
    }
)


# Keeping the child's record (joinedup.children): an involved agency's practitioners and managers, and the
# coordinator, change the details, addresses and family; a share lets an agency see the record, not keep it.
# Opening an involvement is the need-to-know decision of an agency that may already see the child; ending
# one is for that agency (the matrix uses the child's owning agency's involvement) or the coordinator.
def child_object_url(name: str, kwarg: str, make: Callable[[Child], object]) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        key = f"{name}-{relation}"
        child = world.children[relation]
        if key not in world.objects:
            world.objects[key] = make(child)
        return reverse(name, kwargs={"child_id": child.pk, kwarg: world.objects[key].pk})  # type: ignore[attr-defined]

    return url


def _address(child: Child) -> object:
    return Address.objects.create(child=child, address="1 Synthetic Street", recorded_by_agency=child.owning_agency)


def _relative(child: Child) -> object:
    return Relative.objects.create(
        child=child, kind=RelativeKind.PARENT, name="Synthetic Parent", recorded_by_agency=child.owning_agency
    )


def _owning_involvement(child: Child) -> object:
    return child.involvements.get(agency=child.owning_agency, ended_at__isnull=True)


CHANGES_DETAILS = by_role(
    practitioner=(200, 403, 404),
    manager=(200, 403, 404),
    coordinator=SEES_ALL,
    leader=same(403),
    administrator=same(404),
)
MATRIX.update(
    {
        **{
            f"children:details-{group}": Row(child_url(f"children:details-{group}"), CHANGES_DETAILS)
            for group in ["names", "date-of-birth", "sex-ethnicity", "identifiers", "looked-after", "key-worker"]
        },
        "children:settle": Row(
            lambda world, role, relation: reverse(
                "children:settle", kwargs={"child_id": world.children[relation].pk, "field": "date_of_birth"}
            ),
            CHANGES_DETAILS,
        ),
        "children:address-add": Row(child_url("children:address-add"), CHANGES_DETAILS),
        "children:address-change": Row(
            child_object_url("children:address-change", "address_id", _address), CHANGES_DETAILS
        ),
        "children:relative-add": Row(child_url("children:relative-add"), CHANGES_DETAILS),
        "children:relative-change": Row(
            child_object_url("children:relative-change", "relative_id", _relative), CHANGES_DETAILS
        ),
        "children:relative-end": Row(
            child_object_url("children:relative-end", "relative_id", _relative), CHANGES_DETAILS
        ),
        "children:involvement-open": Row(child_url("children:involvement-open"), RECORDS_ABOUT_CHILD),
        "children:involvement-end": Row(
            child_object_url("children:involvement-end", "involvement_id", _owning_involvement),
            by_role(
                practitioner=(200, 403, 404),
                manager=(200, 403, 404),
                coordinator=SEES_ALL,
                leader=same(403),
                administrator=same(404),
            ),
        ),
    }
)


# An item's history and its correction (joinedup.children): the history to whoever may see the item (here a
# chronology entry of the child's owning agency, seen by the whole-record share), the correction to the agency
# that recorded it and the coordinator.
def _entry_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        key = f"entry-{relation}"
        child = world.children[relation]
        if key not in world.objects:
            world.objects[key] = ChronologyEntry.objects.create(
                child=child,
                owning_agency=child.owning_agency,
                recorded_by=child.created_by,
                occurred_at=timezone.now() - dt.timedelta(days=1),
                category=NoteCategory.CONTACT,
                summary="Synthetic entry",
            )
        return reverse(
            name,
            kwargs={"child_id": child.pk, "item_kind": "chronology_entry", "item_id": world.objects[key].pk},  # type: ignore[attr-defined]
        )

    return url


MATRIX.update(
    {
        "children:item-history": Row(
            _entry_url("children:item-history"),
            by_role(
                practitioner=CHILD_VISIBILITY,
                manager=CHILD_VISIBILITY,
                coordinator=SEES_ALL,
                leader=SEES_ALL,
                administrator=same(404),
            ),
        ),
        "children:item-correct": Row(
            _entry_url("children:item-correct"),
            by_role(
                practitioner=(200, 403, 404),
                manager=(200, 403, 404),
                coordinator=SEES_ALL,
                leader=same(403),
                administrator=same(404),
            ),
        ),
    }
)


# MACE meetings (joinedup.mace) and adults of concern with their disruption (joinedup.disruption).
def _meeting(world: World, relation: str) -> object:
    """A meeting whose agenda names the relation's child: others see it only if they see the child."""
    from joinedup.mace.models import AgendaItem, Meeting

    key = f"meeting-{relation}"
    if key not in world.objects:
        coordinator = world.users[RoleCode.COORDINATOR]
        meeting = Meeting.objects.create(
            held_at=timezone.now() + dt.timedelta(days=7),
            location="Town hall",
            chair=coordinator,
            owning_agency=world.own_agency,
            created_by=coordinator,
        )
        AgendaItem.objects.create(meeting=meeting, child=world.children[relation], added_by=coordinator)
        world.objects[key] = meeting
    return world.objects[key]


def meeting_url(name: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs={"meeting_id": _meeting(world, relation).pk})  # type: ignore[attr-defined]


def mace_action_url(world: World, role: str, relation: str) -> str:
    # own: an open action the user owns; otherwise someone else's action, about a child they can or cannot see.
    from joinedup.mace.models import Action, AgendaItem

    item = AgendaItem.objects.get(meeting_id=_meeting(world, relation).pk, child=world.children[relation])  # type: ignore[attr-defined]
    owner = world.users[role] if relation == "own" else world.children[relation].created_by
    action = Action.objects.create(
        meeting=item.meeting,
        agenda_item=item,
        description="Synthetic",
        owner=owner,
        due_on=dt.date(2030, 1, 1),
        created_by=owner,
    )
    return reverse("mace:action-done", kwargs={"action_id": action.pk})


def task_url(name: str) -> Callable[[World, str, str], str]:
    """own: a task about the own child given to the user; shared: one about the shared child given to a
    practitioner of the user's agency; unshared: one about the unshared child given to another agency's."""

    def url(world: World, role: str, relation: str) -> str:
        from joinedup.tasks.models import Task, TaskKind

        child = world.children[relation]
        owner = cast(
            User,
            {"own": world.users[role], "shared": world.objects["accounts_user"], "unshared": child.created_by}[
                relation
            ],
        )
        task = Task.objects.create(
            kind=TaskKind.OTHER,
            source_id=f"matrix-{role}-{relation}-{Task.objects.count()}",
            title="Synthetic",
            link="",
            child=child,
            owner=owner,
            agency=owner.agency,
            completes_here=True,
        )
        return reverse(name, kwargs={"task_id": task.pk})

    return url


def adult_url(name: str) -> Callable[[World, str, str], str]:
    """An adult of concern named in a concern about the relation's child."""

    def url(world: World, role: str, relation: str) -> str:
        from joinedup.concerns.models import AdultOfConcern, Concern

        key = f"adult-{relation}"
        if key not in world.objects:
            child = world.children[relation]
            adult = AdultOfConcern.objects.create(name="Synthetic Adult", owning_agency=world.other_agency)
            concern = Concern.objects.create(
                child=child,
                category="11A",
                owning_agency=child.owning_agency,
                recorded_by=child.created_by,
                occurred_at=timezone.now() - dt.timedelta(days=2),
                what_happened="Seen with the adult",
            )
            concern.adults.add(adult)
            world.objects[key] = adult
        return reverse(name, kwargs={"adult_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


RUNS_MEETING = by_role(
    practitioner=(403, 403, 404),
    manager=(403, 403, 404),
    coordinator=same(200),
    leader=same(403),
    administrator=same(404),
)
COORDINATOR_ONLY = by_role(
    practitioner=same(403), manager=same(403), coordinator=same(200), leader=same(403), administrator=same(403)
)
# The oversight dashboard: team managers, the coordinator and partnership leaders (joinedup.oversight).
OVERSEES = by_role(
    practitioner=same(403), manager=same(200), coordinator=same(200), leader=same(200), administrator=same(403)
)
SETS_GOALS = by_role(
    practitioner=same(403), manager=same(403), coordinator=same(200), leader=same(200), administrator=same(403)
)


def _goal(world: World) -> int:
    """A strategic goal of the partnership (oversight), made once per world: its id."""
    from joinedup.oversight.models import Goal

    if "goal" not in world.objects:
        world.objects["goal"] = Goal.objects.create(
            title="Return interviews offered within 72 hours",
            numerator="interviews-offered-in-time",
            denominator="interviews-due",
            target=85,
            owner_agency=world.own_agency,
            created_by=world.users[RoleCode.COORDINATOR],
        )
    return world.objects["goal"].pk  # type: ignore[attr-defined]


def goal_url(name: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, args=[_goal(world)])


MATRIX.update(
    {
        "oversight:dashboard": Row(fixed("oversight:dashboard"), OVERSEES),
        "oversight:figure": Row(fixed("oversight:figure", key="interviews-late"), OVERSEES),
        "oversight:figure-csv": Row(fixed("oversight:figure-csv", key="interviews-late"), OVERSEES),
        "oversight:children-tell-us": Row(fixed("oversight:children-tell-us"), OVERSEES),
        "oversight:goals": Row(fixed("oversight:goals"), OVERSEES),
        "oversight:goal-create": Row(fixed("oversight:goal-create"), SETS_GOALS),
        "oversight:goal": Row(goal_url("oversight:goal"), OVERSEES),
        "oversight:goal-retire": Row(
            goal_url("oversight:goal-retire"),
            {**SETS_GOALS, RoleCode.COORDINATOR: same(200), RoleCode.LEADER: same(200)},
            method="post",
        ),
        "oversight:breakdown-csv": Row(
            lambda world, role, relation: reverse("oversight:breakdown-csv", kwargs={"name": "month"}), OVERSEES
        ),
    }
)


# Training (joinedup.training): courses for every role; the coordinator manages them and records anyone's
# attendance, team managers their own agency's; coverage for those who oversee. Nothing here is about a child.
def _training_requirement(world: World) -> object:
    from joinedup.training.models import Course, TrainingRequirement

    if "training_requirement" not in world.objects:
        course = Course.objects.create(
            name="Exploitation awareness", topic="exploitation_awareness", validity_months=12
        )
        world.objects["training_requirement"] = TrainingRequirement.objects.create(
            course=course, audience=RoleCode.PRACTITIONER, created_by=world.users[RoleCode.COORDINATOR]
        )
    return world.objects["training_requirement"]


def _training_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        requirement = _training_requirement(world)
        if name == "training:course-edit":
            return reverse(name, kwargs={"course_id": requirement.course_id})  # type: ignore[attr-defined]
        if name == "training:requirement-remove":
            return reverse(name, kwargs={"requirement_id": requirement.pk})  # type: ignore[attr-defined]
        group = f"{world.own_agency.pk}-{RoleCode.PRACTITIONER}"
        return f"{reverse(name)}?group={group}&status=never"

    return url


RECORDS_TRAINING = by_role(
    practitioner=same(403), manager=same(200), coordinator=same(200), leader=same(403), administrator=same(403)
)
MATRIX.update(
    {
        "training:courses": Row(fixed("training:courses"), EVERY_ROLE_200),
        "training:course-create": Row(fixed("training:course-create"), COORDINATOR_ONLY),
        "training:course-edit": Row(_training_url("training:course-edit"), COORDINATOR_ONLY),
        "training:requirement-remove": Row(
            _training_url("training:requirement-remove"),
            {**COORDINATOR_ONLY, RoleCode.COORDINATOR: same(302)},
            method="post",
        ),
        "training:trainees": Row(fixed("training:trainees"), COORDINATOR_ONLY),
        "training:attendance": Row(fixed("training:attendance"), RECORDS_TRAINING),
        "training:coverage": Row(fixed("training:coverage"), OVERSEES),
        "training:coverage-list": Row(_training_url("training:coverage-list"), OVERSEES),
        "training:coverage-csv": Row(fixed("training:coverage-csv"), OVERSEES),
    }
)
MATRIX.update(
    {
        "mace:meeting-list": Row(
            fixed("mace:meeting-list"),
            WORKS_WITH_CHILDREN,
        ),
        "mace:meeting-create": Row(fixed("mace:meeting-create"), COORDINATOR_ONLY),
        "mace:meeting-detail": Row(meeting_url("mace:meeting-detail"), NEED_TO_KNOW),
        **{
            f"mace:{name}": Row(meeting_url(f"mace:{name}"), RUNS_MEETING)
            for name in ["agenda-add", "attendance", "decision", "action", "minutes"]
        },
        "mace:agenda-proposals-add": Row(
            meeting_url("mace:agenda-proposals-add"),
            {**RUNS_MEETING, RoleCode.COORDINATOR: same(302)},
            method="post",
        ),
        # One work list (joinedup.tasks): a task is reassigned or marked done by its owner, or by a manager or
        # the coordinator of the agency whose work it is; anyone else is told it is not there.
        **{
            f"tasks:{name}": Row(
                task_url(f"tasks:{name}"),
                by_role(
                    practitioner=(ok, 404, 404),
                    manager=(ok, ok, 404),
                    coordinator=(ok, ok, 404),
                    leader=same(404),
                    administrator=same(404),
                ),
                method=method,
            )
            for name, method, ok in [("reassign", "get", 200), ("done", "post", 302)]
        },
        "mace:action-done": Row(
            mace_action_url,
            by_role(
                practitioner=(302, 404, 404),
                manager=(302, 404, 404),
                coordinator=same(302),
                leader=(302, 404, 404),
                administrator=same(404),
            ),
            method="post",
        ),
        # Police practitioners and managers record too; the matrix's own agency is social care.
        "disruption:adult-list": Row(fixed("disruption:adult-list"), {**COORDINATOR_ONLY, RoleCode.LEADER: same(200)}),
        "disruption:adult-create": Row(fixed("disruption:adult-create"), COORDINATOR_ONLY),
        "disruption:adult-detail": Row(
            adult_url("disruption:adult-detail"), {**EVERY_ROLE_200, RoleCode.ADMINISTRATOR: same(403)}
        ),
        "disruption:record": Row(adult_url("disruption:record"), COORDINATOR_ONLY),
    }
)


# Mapping of people, places and things (joinedup.mapping): everyone who works with children, over what they may
# see; a child's node, and the panel for the child's page, only within need-to-know. The coordinator refreshes.
def mapping_child_url(name: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: f"{reverse(name)}?node=child:{world.children[relation].pk}"


USES_MAPPING = {**EVERY_ROLE_200, RoleCode.ADMINISTRATOR: same(403)}
MAPPING_NEED_TO_KNOW = {**NEED_TO_KNOW, RoleCode.ADMINISTRATOR: same(403)}
MATRIX.update(
    {
        "mapping:network": Row(fixed("mapping:network"), USES_MAPPING),
        "mapping:hotspots": Row(fixed("mapping:hotspots"), USES_MAPPING),
        "mapping:hotspot-list": Row(fixed("mapping:hotspot-list"), USES_MAPPING),
        "mapping:period-networks": Row(fixed("mapping:period-networks"), USES_MAPPING),
        "mapping:neighbours": Row(mapping_child_url("mapping:neighbours"), MAPPING_NEED_TO_KNOW),
        "mapping:evidence": Row(mapping_child_url("mapping:evidence"), MAPPING_NEED_TO_KNOW),
        "mapping:child-panel": Row(child_url("mapping:child-panel"), MAPPING_NEED_TO_KNOW),
        "mapping:refresh": Row(
            fixed("mapping:refresh"), {**{r: same(403) for r in ROLES}, RoleCode.COORDINATOR: same(302)}, method="post"
        ),
    }
)


# Places as records (joinedup.places): the list and a place's page for everyone who works with children (a private
# address named only within need-to-know, tested in joinedup/places/tests); the review queue, merges and undo for
# the coordinator alone, 404 for everyone else.
def places_world(world: World) -> dict[str, object]:
    """A hotel, a near miss waiting for review, and a merge of a second pair that can be undone."""
    if "places" not in world.objects:
        from joinedup.places.models import PlaceMatchCandidate
        from joinedup.places.services import place_merge, place_resolve

        hotel = place_resolve(actor=None, name="Station Hotel", postcode="WB1 1AA")
        place_resolve(actor=None, name="Station Court Hotel", postcode="WB1 1AA")
        park = place_resolve(actor=None, name="Victoria Park", postcode="WB2 2BB")
        place_resolve(actor=None, name="Victoria Skate Park", postcode="WB2 2BB")
        candidate, merged = PlaceMatchCandidate.objects.filter(place_a=hotel).get(), None
        other = PlaceMatchCandidate.objects.filter(place_a=park).get()
        merged = place_merge(user=world.users[RoleCode.COORDINATOR], candidate=other)
        world.objects["places"] = {"place": hotel.pk, "candidate": candidate.pk, "merge": merged.pk}
    return world.objects["places"]  # type: ignore[return-value]


def places_url(name: str, key: str, kwarg: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs={kwarg: places_world(world)[key]})


REVIEWS_PLACES = {**{r: same(404) for r in ROLES}, RoleCode.COORDINATOR: same(200)}
REVIEWS_PLACES_POST = {**{r: same(404) for r in ROLES}, RoleCode.COORDINATOR: same(302)}
MATRIX.update(
    {
        "places:list": Row(fixed("places:list"), {**WORKS_WITH_CHILDREN, RoleCode.ADMINISTRATOR: same(404)}),
        "places:detail": Row(
            places_url("places:detail", "place", "place_id"), {**WORKS_WITH_CHILDREN, RoleCode.ADMINISTRATOR: same(404)}
        ),
        "places:review-list": Row(fixed("places:review-list"), REVIEWS_PLACES),
        "places:review-pair": Row(places_url("places:review-pair", "candidate", "candidate_id"), REVIEWS_PLACES),
        "places:review-merge": Row(
            places_url("places:review-merge", "candidate", "candidate_id"), REVIEWS_PLACES_POST, method="post"
        ),
        "places:review-keep-apart": Row(
            places_url("places:review-keep-apart", "candidate", "candidate_id"), REVIEWS_PLACES_POST, method="post"
        ),
        "places:merge-undo": Row(
            places_url("places:merge-undo", "merge", "merge_id"), REVIEWS_PLACES_POST, method="post"
        ),
    }
)


# Awareness campaigns (joinedup.campaigns): the coordinator records and changes them; partnership leaders read
# them and their reach beside the hotspots. Nothing in a campaign is about a child.
def _campaign_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.campaigns.models import Campaign

        if "campaign" not in world.objects:
            world.objects["campaign"] = Campaign.objects.create(
                kind="school_drama",
                title="Drama for Year 9",
                held_on=dt.date(2026, 3, 1),
                postcode_sector="WB1 1",
                audience="Year 9 pupils",
                reached=30,
                delivered_by="Theatre company",
                status="delivered",
                created_by=world.users[RoleCode.COORDINATOR],
            )
        return reverse(name, kwargs={"campaign_id": world.objects["campaign"].pk})  # type: ignore[attr-defined]

    return url


READS_CAMPAIGNS = {**COORDINATOR_ONLY, RoleCode.LEADER: same(200)}
MATRIX.update(
    {
        "campaigns:list": Row(fixed("campaigns:list"), READS_CAMPAIGNS),
        "campaigns:create": Row(fixed("campaigns:create"), COORDINATOR_ONLY),
        "campaigns:detail": Row(_campaign_url("campaigns:detail"), READS_CAMPAIGNS),
        "campaigns:edit": Row(_campaign_url("campaigns:edit"), COORDINATOR_ONLY),
        "campaigns:reach": Row(fixed("campaigns:reach"), READS_CAMPAIGNS),
        # A campaign's list of materials: the coordinator adds and removes them.
        "campaigns:materials": Row(_campaign_url("campaigns:materials"), COORDINATOR_ONLY),
    }
)


# Record linkage (joinedup.linkage): the coordinator reviews possible matches, linked people and undoes links.
def _linkage(world: World) -> dict[str, int | str]:
    """Two records linked as one person, and a pair waiting in the review queue."""
    from joinedup.imports.models import PersonRecord
    from joinedup.linkage.models import LinkHow, Person, PersonLink, ReviewItem

    if "linkage" not in world.objects:
        records = [
            PersonRecord.objects.create(
                agency=world.other_agency, record_id=f"L{n}", person_type="child", data={"given_name": f"Synthetic{n}"}
            )
            for n in range(3)
        ]
        person = Person.objects.create()
        links = [PersonLink.objects.create(person=person, person_record=r, how=LinkHow.AUTO) for r in records[:2]]
        item = ReviewItem.objects.create(
            record_a=records[1], record_b=records[2], match_probability=0.9, match_weight=3.2
        )
        world.objects["linkage"] = {"person": str(person.pk), "link": links[0].pk, "item": item.pk}
    return world.objects["linkage"]  # type: ignore[return-value]


def _join_url(world: World, role: str, relation: str) -> str:
    """Two records of one child joined (by a linkage run): the join's undo page."""
    from joinedup.children.joins import children_join
    from joinedup.children.models import JoinSource

    if "join" not in world.objects:
        pair = [
            Child.objects.create(
                given_name="Synthetic", family_name=f"Joined{n}", owning_agency=world.other_agency, created_by=creator
            )
            for n, creator in enumerate([world.children["unshared"].created_by] * 2)
        ]
        world.objects["join"] = children_join(actor=None, keep=pair[0], joined=pair[1], source=JoinSource.AUTO)
    return reverse("linkage:join-undo", kwargs={"join_id": world.objects["join"].pk})  # type: ignore[attr-defined]


def _joined_item_url(world: World, role: str, relation: str) -> str:
    """A reviewed pair whose match joined two records of one child: the pair's "not the same child" page (offered
    only for a joined pair)."""
    from joinedup.children.joins import children_join
    from joinedup.children.models import JoinSource
    from joinedup.imports.models import PersonRecord
    from joinedup.linkage.models import ReviewItem

    if "joined_item" not in world.objects:
        creator = world.children["unshared"].created_by
        pair = [
            Child.objects.create(
                given_name="Synthetic", family_name=f"Pair{n}", owning_agency=world.other_agency, created_by=creator
            )
            for n in range(2)
        ]
        records = [
            PersonRecord.objects.create(
                agency=world.other_agency,
                record_id=f"J{n}",
                person_type="child",
                data={"given_name": "Synthetic"},
                child=child,
            )
            for n, child in enumerate(pair)
        ]
        item = ReviewItem.objects.create(
            record_a=records[0], record_b=records[1], match_probability=0.9, match_weight=3.2
        )
        children_join(actor=None, keep=pair[0], joined=pair[1], source=JoinSource.AUTO)
        world.objects["joined_item"] = item
    return reverse("linkage:review-item-separate", kwargs={"item_id": world.objects["joined_item"].pk})  # type: ignore[attr-defined]


def _connection_url(world: World, role: str, relation: str) -> str:
    from joinedup.children.models import ConnectionRequest

    if "connection" not in world.objects:
        requester = world.children["unshared"].created_by
        world.objects["connection"] = ConnectionRequest.objects.create(
            requested_by=requester,
            agency=world.other_agency,
            details={"given_name": "Synthetic", "family_name": "Request"},
            candidates=[str(world.children["own"].pk)],
            reason="New pupil",
        )
    return reverse("linkage:connection", kwargs={"request_id": world.objects["connection"].pk})  # type: ignore[attr-defined]


def linkage_url(name: str, key: str, kwarg: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs={kwarg: _linkage(world)[key]})


MATRIX.update(
    {
        "linkage:review-list": Row(fixed("linkage:review-list"), COORDINATOR_ONLY),
        "linkage:review-item": Row(linkage_url("linkage:review-item", "item", "item_id"), COORDINATOR_ONLY),
        "linkage:people": Row(fixed("linkage:people"), COORDINATOR_ONLY),
        "linkage:person": Row(linkage_url("linkage:person", "person", "person_id"), COORDINATOR_ONLY),
        "linkage:link-undo": Row(linkage_url("linkage:link-undo", "link", "link_id"), COORDINATOR_ONLY),
        "linkage:review-item-separate": Row(_joined_item_url, COORDINATOR_ONLY),
        "linkage:join-undo": Row(_join_url, COORDINATOR_ONLY),
        "linkage:connections": Row(fixed("linkage:connections"), COORDINATOR_ONLY),
        # Someone else's connection request: the coordinator answers it; nobody else learns it exists.
        "linkage:connection": Row(
            _connection_url,
            by_role(
                practitioner=same(404),
                manager=same(404),
                coordinator=same(200),
                leader=same(404),
                administrator=same(404),
            ),
        ),
    }
)


# Find before you create: whoever may record a child sees the likely matches as they type.
MATRIX.update(
    {
        "linkage:candidates": Row(
            fixed("linkage:candidates"),
            by_role(
                practitioner=same(200),
                manager=same(200),
                coordinator=same(200),
                leader=same(403),
                administrator=same(403),
            ),
        ),
        # Asking to be connected to a child who may already be known: whoever may record a child.
        "linkage:connect": Row(
            fixed("linkage:connect"),
            by_role(
                practitioner=same(200),
                manager=same(200),
                coordinator=same(200),
                leader=same(403),
                administrator=same(403),
            ),
        ),
    }
)


# The administration pages (Django's admin on joinedup's own site): administrators only. Everyone else is
# sent to the one sign-in page (302), as the admin never reveals which objects exist.
def admin_row(url: Callable[[World, str, str], str], admin_code: int = 200, method: str = "get") -> Row:
    cells = {r: same(302) for r in ROLES} | {RoleCode.ADMINISTRATOR: same(admin_code)}
    return Row(url, cells, method=method)


def admin_object(model: str, action: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(f"admin:{model}_{action}", args=[world.objects[model].pk])  # type: ignore[attr-defined]


ADMIN_MODELS = [
    "agencies_agency",
    "agencies_team",
    "accounts_user",
    "language_phraseguidance",
    "rights_retentionrule",  # the retention periods (joinedup.rights; issue 13)
]
# Sign-in lockouts and authenticator apps are looked at and deleted (to unlock, or to reset a lost app), never added.
ADMIN_VIEW_DELETE_MODELS = ["axes_accessattempt", "otp_totp_totpdevice"]
for _model in ADMIN_MODELS + ADMIN_VIEW_DELETE_MODELS:
    MATRIX[f"admin:{_model}_changelist"] = admin_row(fixed(f"admin:{_model}_changelist"))
    MATRIX[f"admin:{_model}_add"] = admin_row(
        fixed(f"admin:{_model}_add"), admin_code=403 if _model in ADMIN_VIEW_DELETE_MODELS else 200
    )
    for _action in ["change", "delete", "history"]:
        MATRIX[f"admin:{_model}_{_action}"] = admin_row(admin_object(_model, _action))
MATRIX["admin:auth_user_password_change"] = admin_row(
    lambda world, role, relation: reverse("admin:auth_user_password_change", args=[world.objects["accounts_user"].pk]),  # type: ignore[attr-defined]
)
MATRIX["admin:index"] = admin_row(fixed("admin:index"))
MATRIX["admin:app_list"] = admin_row(fixed("admin:app_list", app_label="agencies"))
MATRIX["admin:password_change"] = admin_row(fixed("admin:password_change"))
MATRIX["admin:password_change_done"] = admin_row(fixed("admin:password_change_done"))
MATRIX["admin:jsi18n"] = admin_row(fixed("admin:jsi18n"))
# Without the query the admin's widgets send, autocomplete refuses even an administrator.
MATRIX["admin:autocomplete"] = admin_row(fixed("admin:autocomplete"), admin_code=403)
# No model here has a public page, so "view on site" finds nothing even for an administrator.
MATRIX["admin:view_on_site"] = admin_row(
    lambda world, role, relation: reverse(
        "admin:view_on_site",
        args=[ContentType.objects.get_for_model(Agency).pk, world.objects["agencies_agency"].pk],  # type: ignore[attr-defined]
    ),  # type: ignore[attr-defined]
    admin_code=404,
)
MATRIX["admin:logout"] = admin_row(fixed("admin:logout"), admin_code=405)
# The admin's own sign-in page hands over to joinedup's sign-in page, for everyone.
MATRIX["admin:login"] = Row(fixed("admin:login"), {r: same(302) for r in ROLES}, anonymous=302)


def test_every_url_pattern_has_a_row_in_the_permission_matrix():
    missing = sorted(set(_url_names()) - set(MATRIX))
    assert missing == [], f"Add these URLs to the permission matrix: {missing}"


def test_the_matrix_names_no_url_that_does_not_exist():
    assert sorted(set(MATRIX) - set(_url_names())) == []


@pytest.fixture
def world(db) -> World:
    return build_world()


def _retention_rule() -> object:
    from joinedup.rights.models import RetentionRule

    rule, _ = RetentionRule.objects.get_or_create(
        record_type="concern", defaults={"years": 6, "counted_from": "last_activity", "basis": "Synthetic basis"}
    )
    return rule


def build_world() -> World:
    """Two agencies, a user of each role in the first, and a child for each relation (also used by the write
    and relation rows in test_permission_matrix_writes.py)."""
    own, other = AgencyFactory.create(code="OWN"), AgencyFactory.create(code="OTH")
    users = {role: UserFactory.create(username=f"{role}-own", agency=own, roles=[role]) for role in ROLES}
    other_practitioner = UserFactory.create(username="practitioner-other", agency=other)
    own_practitioner = UserFactory.create(username="practitioner-own-2", agency=own)
    children = {
        "own": ChildFactory.create(owning_agency=own),
        "shared": ChildFactory.create(owning_agency=other),
        "unshared": ChildFactory.create(owning_agency=other),
    }
    ShareDecisionFactory.create(child=children["shared"], shared_with_agency=own)
    world = World(own_agency=own, other_agency=other, users=users, children=children)
    now = timezone.now()
    for role, user in users.items():
        world.jobs[role] = {
            "own": Job.objects.create(
                kind=JobKind.CHILDREN_EXPORT,
                requested_by=user,
                status=JobStatus.DONE,
                result_name="x.csv",
                result_text="child_id\n",
            ),
            "shared": Job.objects.create(kind=JobKind.CHILDREN_EXPORT, requested_by=own_practitioner),
            "unshared": Job.objects.create(kind=JobKind.CHILDREN_EXPORT, requested_by=other_practitioner),
        }
    world.grants["own"] = BreakGlassGrant.objects.create(
        user=own_practitioner, child=children["unshared"], reason="Emergency", granted_at=now, expires_at=now
    )
    world.grants["other"] = BreakGlassGrant.objects.create(
        user=other_practitioner, child=children["own"], reason="Emergency", granted_at=now, expires_at=now
    )
    world.objects = {
        "agencies_agency": own,
        "agencies_team": TeamFactory.create(agency=own),
        "accounts_user": own_practitioner,
        "axes_accessattempt": AccessAttempt.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="x", failures_since_start=2, attempt_time=now
        ),
        "otp_totp_totpdevice": TOTPDevice.objects.create(user=own_practitioner, name="Phone", confirmed=True),
        "language_phraseguidance": PhraseGuidance.objects.create(phrase="a synthetic phrase", why="x", suggestion="y"),
        "rights_retentionrule": _retention_rule(),
    }
    return world


# Imports and missing returns (joinedup.imports): coordinators, and managers for their own agency's imports.
def _import_row(world: World, relation: str) -> object:
    """A kept-aside row of an import by the user's agency (own) or by another agency (shared, unshared)."""
    from joinedup.imports.models import ImportBatch, ImportKind, RejectedRow

    key = f"import-{'own' if relation == 'own' else 'other'}"
    if key not in world.objects:
        agency = world.own_agency if relation == "own" else world.other_agency
        importer = UserFactory.create(agency=agency, roles=[RoleCode.MANAGER])
        batch = ImportBatch.objects.create(
            kind=ImportKind.SSDA903_MISSING, file_name="m.csv", sha256="0" * 64, agency=agency, imported_by=importer
        )
        world.objects[key] = RejectedRow.objects.create(
            batch=batch, file_name="m.csv", row_number=2, column="CHILD", reason="Unknown", raw={"CHILD": "X"}
        )
    return world.objects[key]


IMPORTERS = by_role(
    practitioner=same(403), manager=same(200), coordinator=same(200), leader=same(403), administrator=same(403)
)
IMPORTERS_OWN_AGENCY = by_role(
    practitioner=same(403),
    manager=(200, 404, 404),
    coordinator=same(200),
    leader=same(403),
    administrator=same(403),
)
RETURNS = by_role(
    practitioner=same(403), manager=same(200), coordinator=same(200), leader=same(200), administrator=same(403)
)
RETURNS_NONE_BUILT = by_role(
    practitioner=same(403), manager=same(302), coordinator=same(302), leader=same(302), administrator=same(403)
)
# A built return is seen only by the user who asked for it (own); anyone else's, in or outside the agency: 404.
RETURN_FILES = by_role(
    practitioner=same(403),
    manager=(200, 404, 404),
    coordinator=(200, 404, 404),
    leader=(200, 404, 404),
    administrator=same(403),
)


def _return_file_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.imports.models import ReturnFile, ReturnFileChunk, ReturnKind

        key = f"return-file-{role}-{relation}"
        if key not in world.objects:
            agency = world.other_agency if relation == "unshared" else world.own_agency
            user = world.users[role] if relation == "own" else UserFactory.create(agency=agency, roles=[role])
            job = Job.objects.create(kind=JobKind.RETURN_BUILD, requested_by=user, status=JobStatus.DONE)
            built = ReturnFile.objects.create(
                kind=ReturnKind.SSDA903_MISSING, job=job, requested_by=user, file_name="r.csv", ready_at=timezone.now()
            )
            ReturnFileChunk.objects.create(return_file=built, number=0, text="CHILD,DOB,MISSING,MIS_START,MIS_END\r\n")
            world.objects[key] = built
        return reverse(name, kwargs={"file_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


MATRIX.update(
    {
        "imports:list": Row(fixed("imports:list"), IMPORTERS),
        "imports:ssda903-upload": Row(fixed("imports:ssda903-upload"), IMPORTERS),
        "imports:extract-upload": Row(fixed("imports:extract-upload"), IMPORTERS),
        "imports:batch-detail": Row(
            lambda world, role, relation: reverse(
                "imports:batch-detail",
                kwargs={"batch_id": _import_row(world, relation).batch_id},  # type: ignore[attr-defined]
            ),
            IMPORTERS_OWN_AGENCY,
        ),
        "imports:rejected-fix": Row(
            lambda world, role, relation: reverse(
                "imports:rejected-fix",
                kwargs={"row_id": _import_row(world, relation).pk},  # type: ignore[attr-defined]
            ),
            IMPORTERS_OWN_AGENCY,
        ),
        "imports:returns": Row(fixed("imports:returns"), RETURNS),
        # GET downloads the newest ready file; with none built, it sends the user to the Returns page to build one.
        "imports:ssda903-download": Row(fixed("imports:ssda903-download"), RETURNS_NONE_BUILT),
        "imports:annex-a-download": Row(fixed("imports:annex-a-download"), RETURNS_NONE_BUILT),
        "imports:return-file": Row(_return_file_url("imports:return-file"), RETURN_FILES),
        "imports:return-file-download": Row(_return_file_url("imports:return-file-download"), RETURN_FILES),
    }
)


# The inspection data pack (joinedup.datapack): the coordinator and partnership leaders; a pack is seen only by
# the user who asked for it (own), anyone else's, in or outside the agency, is not found.
DATA_PACK = by_role(
    practitioner=same(403), manager=same(403), coordinator=same(200), leader=same(200), administrator=same(403)
)
DATA_PACKS = by_role(
    practitioner=same(403),
    manager=same(403),
    coordinator=(200, 404, 404),
    leader=(200, 404, 404),
    administrator=same(403),
)


def _data_pack_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.datapack.models import DataPack

        key = f"data-pack-{role}-{relation}"
        if key not in world.objects:
            agency = world.other_agency if relation == "unshared" else world.own_agency
            user = world.users[role] if relation == "own" else UserFactory.create(agency=agency, roles=[role])
            job = Job.objects.create(kind=JobKind.DATA_PACK_BUILD, requested_by=user, status=JobStatus.DONE)
            world.objects[key] = DataPack.objects.create(
                as_at=dt.date(2026, 3, 31),
                period_start=dt.date(2025, 4, 1),
                job=job,
                requested_by=user,
                file_name="inspection-data-pack-20260331.zip",
                ready_at=timezone.now(),
                zip_data=b"PK\x05\x06" + b"\x00" * 18,
                file_size=22,
            )
        return reverse(name, kwargs={"pack_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


MATRIX.update(
    {
        "datapack:list": Row(fixed("datapack:list"), DATA_PACK),
        "datapack:request": Row(
            fixed("datapack:request"),
            {**DATA_PACK, RoleCode.COORDINATOR: same(302), RoleCode.LEADER: same(302)},
            method="post",
        ),
        "datapack:detail": Row(_data_pack_url("datapack:detail"), DATA_PACKS),
        "datapack:download": Row(_data_pack_url("datapack:download"), DATA_PACKS),
        "datapack:factor": Row(fixed("datapack:factor", code="11A"), DATA_PACK),
    }
)


# Documents (joinedup.documents): the list under need-to-know; a document, attached by the child's owning agency,
# opens for that agency, for an agency the whole record is shared with, and for cross-agency roles.
@pytest.fixture(scope="session")
def _documents_dir(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(autouse=True)
def _documents_root(settings, _documents_dir) -> None:
    settings.DOCUMENTS_ROOT = str(_documents_dir)


def _document_url(world: World, role: str, relation: str) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from joinedup.documents.services import document_add

    key = f"document-{relation}"
    if key not in world.objects:
        child = world.children[relation]
        world.objects[key] = document_add(
            user=child.created_by,
            child=child,
            upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 synthetic"),
            title="Referral letter",
            kind="referral_letter",
        )
    return reverse("documents:download", kwargs={"document_id": world.objects[key].pk})  # type: ignore[attr-defined]


MATRIX.update(
    {
        "documents:list": Row(child_url("documents:list"), NEED_TO_KNOW),
        "documents:download": Row(_document_url, NEED_TO_KNOW),
    }
)


# The API for agency systems (joinedup.api): each cell calls as the user's agency system, whose key acts as the
# user, so the pages' policy applies. A key acts only as a practitioner or manager of its agency: others' keys
# are refused (403). Importing an extract is for managers; a job is seen only by whoever submitted it.
@pytest.fixture(autouse=True)
def _import_spool(settings, tmp_path) -> None:
    settings.IMPORT_SPOOL_DIR = str(tmp_path / "import-spool")


def _api_key(world: World, role: str) -> str:
    from joinedup.api.models import ApiClient
    from joinedup.api.services import KEY_PREFIX, key_hash

    user = world.users[role]
    assert user.agency is not None
    key = f"{KEY_PREFIX}matrix-{role}"
    ApiClient.objects.get_or_create(
        user=user,
        defaults={
            "name": role,
            "agency": user.agency,
            "key_prefix": key[:12],
            "key_hash": key_hash(key),
            "created_by": user,
        },
    )
    return key


def api_call(body: Callable[[World, str], object] | None = None, *, files: bool = False):  # type: ignore[no-untyped-def]
    def call(world: World, role: str, relation: str) -> dict[str, object]:
        headers = {"Authorization": f"Bearer {_api_key(world, role)}", "Idempotency-Key": f"{role}-{relation}"}
        if body is None:
            return {"headers": headers}
        if files:
            return {"data": body(world, relation), "headers": headers}
        return {"data": body(world, relation), "content_type": "application/json", "headers": headers}

    return call


def _ago(hours: float) -> str:
    return (timezone.now() - dt.timedelta(hours=hours)).isoformat()


def _api_json(**fields: Callable[[], object]) -> Callable[[World, str], str]:
    import json

    return lambda world, relation: json.dumps({name: make() for name, make in fields.items()})


def _extract(world: World, relation: str) -> dict[str, object]:
    upload = ContentFile(b"record_id,agency,person_type\nM-1,OWN,child\n", name="people.csv")
    return {"files": [upload]}


def _api_episode_url(name: str) -> Callable[[World, str, str], str]:
    return lambda world, role, relation: reverse(name, kwargs={"episode_id": _open_episode(world, relation).pk})


API_REFUSED = {RoleCode.COORDINATOR: same(403), RoleCode.LEADER: same(403), RoleCode.ADMINISTRATOR: same(403)}


def api_cells(**cells: tuple[int, int, int]) -> dict[str, tuple[int, int, int]]:
    return by_role(**cells) | API_REFUSED


MATRIX.update(
    {
        "api:openapi-json": Row(fixed("api:openapi-json"), EVERY_ROLE_200, anonymous=200),
        # The site's API root (Ninja's) and the index are one address, answered by the index.
        "api:api-root": Row(fixed("api:api-root"), EVERY_ROLE_200, anonymous=200),
        "api-index": Row(fixed("api-index"), EVERY_ROLE_200, anonymous=200),
        "api-not-found": Row(fixed("api-not-found", rest="nothing/here"), {r: same(404) for r in ROLES}, anonymous=404),
        "api:children": Row(
            fixed("api:children"),
            api_cells(practitioner=same(200), manager=same(200)),
            anonymous=401,
            api_call=api_call(),
        ),
        "api:child": Row(
            child_url("api:child"),
            api_cells(practitioner=CHILD_VISIBILITY, manager=CHILD_VISIBILITY),
            anonymous=401,
            api_call=api_call(),
        ),
        "api:missing-report": Row(
            child_url("api:missing-report"),
            api_cells(practitioner=(201, 201, 404), manager=(201, 201, 404)),
            anonymous=401,
            method="post",
            api_call=api_call(_api_json(started_at=lambda: _ago(3), rationale=lambda: "Not home by curfew")),
        ),
        "api:missing-found": Row(
            _api_episode_url("api:missing-found"),
            api_cells(practitioner=CHILD_VISIBILITY, manager=CHILD_VISIBILITY),
            anonymous=401,
            method="post",
            api_call=api_call(_api_json(found_at=lambda: _ago(1))),
        ),
        "api:missing-return": Row(
            _api_episode_url("api:missing-return"),
            api_cells(practitioner=CHILD_VISIBILITY, manager=CHILD_VISIBILITY),
            anonymous=401,
            method="post",
            api_call=api_call(_api_json(returned_at=lambda: _ago(1))),
        ),
        "api:concern-submit": Row(
            child_url("api:concern-submit"),
            api_cells(practitioner=(201, 201, 404), manager=(201, 201, 404)),
            anonymous=401,
            method="post",
            api_call=api_call(
                _api_json(
                    category=lambda: "11A", occurred_at=lambda: _ago(24), what_happened=lambda: "Seen with adults"
                )
            ),
        ),
        "api:extract-submit": Row(
            fixed("api:extract-submit"),
            api_cells(practitioner=same(403), manager=same(202)),
            anonymous=401,
            method="post",
            api_call=api_call(_extract, files=True),
        ),
        "api:job": Row(
            job_url("api:job"),
            api_cells(practitioner=(200, 404, 404), manager=(200, 404, 404)),
            anonymous=401,
            api_call=api_call(),
        ),
    }
)


# The child's rights under data protection (joinedup.rights): the coordinator, as the partnership's data protection
# route, asks for a subject access export of a child and reviews records past their retention date. An export is
# seen only by the coordinator who asked for it (own); another coordinator's, in or outside the agency: 404.
def _subject_access_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.rights.models import SubjectAccessExport

        key = f"subject-access-{role}-{relation}"
        if key not in world.objects:
            agency = world.other_agency if relation == "unshared" else world.own_agency
            user = world.users[role] if relation == "own" else UserFactory.create(agency=agency, roles=[role])
            job = Job.objects.create(kind=JobKind.SUBJECT_ACCESS_EXPORT, requested_by=user, status=JobStatus.DONE)
            world.objects[key] = SubjectAccessExport.objects.create(
                child=world.children[relation],
                job=job,
                requested_by=user,
                reason="Subject access request",
                ready_at=timezone.now(),
                json_text='{"sections": []}',
                pdf=b"%PDF-1.7 synthetic",
            )
        kwargs: dict[str, object] = {"export_id": world.objects[key].pk}  # type: ignore[attr-defined]
        if name == "rights:export-download":
            kwargs["file_format"] = "json"
        return reverse(name, kwargs=kwargs)

    return url


SUBJECT_ACCESS_EXPORTS = by_role(
    practitioner=same(403), manager=same(403), coordinator=(200, 404, 404), leader=same(403), administrator=same(403)
)
MATRIX.update(
    {
        "rights:subject-access": Row(
            child_url("rights:subject-access"),
            by_role(
                practitioner=(403, 403, 404),
                manager=(403, 403, 404),
                coordinator=SEES_ALL,
                leader=same(403),
                administrator=same(404),
            ),
        ),
        "rights:export": Row(_subject_access_url("rights:export"), SUBJECT_ACCESS_EXPORTS),
        "rights:export-download": Row(_subject_access_url("rights:export-download"), SUBJECT_ACCESS_EXPORTS),
        "rights:retention": Row(fixed("rights:retention"), COORDINATOR_ONLY),
    }
)


# Management oversight and challenges between agencies (joinedup.supervision): the child's pages as the record; a
# challenge is answered by the challenged agency (own: another agency challenges the user's), escalated and resolved
# by the raising agency. An empty answer re-shows the form (200).
def challenge_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.supervision.tests.factories import matrix_challenge

        key = f"challenge-{relation}"
        if key not in world.objects:
            world.objects[key] = matrix_challenge(
                child=world.children[relation], own=world.own_agency, other=world.other_agency, relation=relation
            )
        return reverse(name, kwargs={"challenge_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


CHALLENGED_AGENCY_ONLY = by_role(
    practitioner=(200, 403, 404),
    manager=(200, 403, 404),
    coordinator=same(403),
    leader=same(403),
    administrator=same(404),
)
RAISING_AGENCY_ONLY = by_role(
    practitioner=(403, 403, 404),
    manager=(403, 403, 404),
    coordinator=same(403),
    leader=same(403),
    administrator=same(404),
)
MATRIX.update(
    {
        "supervision:oversight": Row(child_url("supervision:oversight"), NEED_TO_KNOW),
        "supervision:challenges": Row(child_url("supervision:challenges"), NEED_TO_KNOW),
        "supervision:challenge": Row(challenge_url("supervision:challenge"), NEED_TO_KNOW),
        "supervision:challenge-respond": Row(
            challenge_url("supervision:challenge-respond"), CHALLENGED_AGENCY_ONLY, method="post"
        ),
        "supervision:challenge-escalate": Row(
            challenge_url("supervision:challenge-escalate"), RAISING_AGENCY_ONLY, method="post"
        ),
        "supervision:challenge-resolve": Row(
            challenge_url("supervision:challenge-resolve"), RAISING_AGENCY_ONLY, method="post"
        ),
    }
)


# Case audits (joinedup.caseaudits): rounds and themes for those who oversee (counts, or children they may see);
# an audit of each relation's child names the own agency's manager and the coordinator as its auditors, who grade
# it and add learning points and actions; the coordinator and leaders name auditors. An empty form re-shows (200).
def _case_audit(world: World, relation: str) -> object:
    from joinedup.caseaudits.tests.factories import case_audit_make, round_make

    if "case_audit_round" not in world.objects:
        world.objects["case_audit_round"] = round_make(opened_by=world.users[RoleCode.COORDINATOR])
    key = f"case-audit-{relation}"
    if key not in world.objects:
        world.objects[key] = case_audit_make(
            child=world.children[relation],
            auditors=[world.users[RoleCode.MANAGER], world.users[RoleCode.COORDINATOR]],
            audit_round=world.objects["case_audit_round"],  # type: ignore[arg-type]
        )
    return world.objects[key]


def case_audit_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        audit = _case_audit(world, relation)
        if name == "caseaudits:round":
            return reverse(name, kwargs={"round_id": audit.round_id})  # type: ignore[attr-defined]
        if name == "caseaudits:action-done":
            from joinedup.caseaudits.models import AuditAction, CaseAudit

            assert isinstance(audit, CaseAudit)
            action = AuditAction.objects.create(
                audit=audit,
                what="Review the safety plan",
                owner_agency=world.own_agency,
                due=timezone.localdate(),
                recorded_by=world.users[RoleCode.COORDINATOR],
            )
            return reverse(name, kwargs={"action_id": action.pk})
        return reverse(name, kwargs={"audit_id": audit.pk})  # type: ignore[attr-defined]

    return url


def audit_tool_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.caseaudits.tests.factories import standard_tool

        return reverse(name, kwargs={"tool_id": standard_tool().pk})

    return url


NOT_AUDITOR = (403, 403, 404)
CASE_AUDITORS = by_role(
    practitioner=NOT_AUDITOR,
    manager=CHILD_VISIBILITY,
    coordinator=SEES_ALL,
    leader=same(403),
    administrator=same(404),
)
MATRIX.update(
    {
        "caseaudits:index": Row(fixed("caseaudits:index"), WORKS_WITH_CHILDREN),
        "caseaudits:round-create": Row(fixed("caseaudits:round-create"), SETS_GOALS),
        "caseaudits:round": Row(case_audit_url("caseaudits:round"), OVERSEES),
        "caseaudits:themes": Row(fixed("caseaudits:themes"), OVERSEES),
        "caseaudits:themes-csv": Row(fixed("caseaudits:themes-csv"), OVERSEES),
        # The audit tool's versions (issue 12 leftovers): read by those who see case audits; a new version drafted
        # and published by the coordinator and leaders.
        "caseaudits:tools": Row(fixed("caseaudits:tools"), OVERSEES),
        "caseaudits:tool": Row(audit_tool_url("caseaudits:tool"), OVERSEES),
        "caseaudits:tool-draft": Row(audit_tool_url("caseaudits:tool-draft"), SETS_GOALS),
        "caseaudits:audit": Row(
            case_audit_url("caseaudits:audit"),
            by_role(
                practitioner=NOT_AUDITOR,
                manager=CHILD_VISIBILITY,
                coordinator=SEES_ALL,
                leader=SEES_ALL,
                administrator=same(404),
            ),
        ),
        "caseaudits:record": Row(case_audit_url("caseaudits:record"), CASE_AUDITORS),
        "caseaudits:auditors": Row(
            case_audit_url("caseaudits:auditors"),
            by_role(
                practitioner=NOT_AUDITOR,
                manager=NOT_AUDITOR,
                coordinator=SEES_ALL,
                leader=SEES_ALL,
                administrator=same(404),
            ),
            method="post",
        ),
        "caseaudits:learning": Row(case_audit_url("caseaudits:learning"), CASE_AUDITORS, method="post"),
        "caseaudits:action": Row(case_audit_url("caseaudits:action"), CASE_AUDITORS, method="post"),
        # An empty form marks the action done: the coordinator and leaders (who run audits) and the auditors.
        "caseaudits:action-done": Row(
            case_audit_url("caseaudits:action-done"),
            by_role(
                practitioner=NOT_AUDITOR,
                manager=(302, 302, 404),
                coordinator=same(302),
                leader=same(302),
                administrator=same(404),
            ),
            method="post",
        ),
    }
)


# The front door (joinedup.frontdoor): the front door is children's social care's practitioners and managers (the
# matrix's own agency); it sees every contact and every request for information. A contact is about the relation's
# child, recorded by its owning agency; a request for information is to the own agency (own) or the other agency.
# An empty form re-shows the page (200).
def contact_url(name: str, *, decided: bool = False) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.frontdoor.tests.factories import contact_make

        key = f"contact-{'decided-' if decided else ''}{relation}"
        if key not in world.objects:
            child = world.children[relation]
            recorder = UserFactory.create(agency=child.owning_agency)
            world.objects[key] = contact_make(child=child, recorded_by=recorder, decided=decided)
        return reverse(name, kwargs={"contact_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


def information_request_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.frontdoor.tests.factories import contact_make, information_request_make

        key = f"information-request-{relation}"
        if key not in world.objects:
            child = world.children[relation]
            contact = contact_make(child=child, recorded_by=UserFactory.create(agency=child.owning_agency))
            to = world.own_agency if relation == "own" else world.other_agency
            world.objects[key] = information_request_make(contact=contact, to=to)
        return reverse(name, kwargs={"request_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


FRONT_DOOR_ONLY = by_role(
    practitioner=same(200), manager=same(200), coordinator=same(403), leader=same(403), administrator=same(403)
)
FRONT_DOOR_ACTS = by_role(
    practitioner=same(200), manager=same(200), coordinator=same(403), leader=same(403), administrator=same(404)
)
MATRIX.update(
    {
        "frontdoor:queue": Row(fixed("frontdoor:queue"), FRONT_DOOR_ONLY),
        "frontdoor:find": Row(
            fixed("frontdoor:find"),
            by_role(
                practitioner=same(200),
                manager=same(200),
                coordinator=same(200),
                leader=same(403),
                administrator=same(403),
            ),
        ),
        "frontdoor:contact-create": Row(
            child_url("frontdoor:contact-create"),
            by_role(
                practitioner=CHILD_VISIBILITY,
                manager=CHILD_VISIBILITY,
                coordinator=SEES_ALL,
                leader=same(403),
                administrator=same(404),
            ),
        ),
        "frontdoor:contact": Row(
            contact_url("frontdoor:contact"),
            by_role(
                practitioner=same(200),
                manager=same(200),
                coordinator=SEES_ALL,
                leader=SEES_ALL,
                administrator=same(404),
            ),
        ),
        "frontdoor:request-create": Row(contact_url("frontdoor:request-create"), FRONT_DOOR_ACTS, method="post"),
        "frontdoor:decide": Row(contact_url("frontdoor:decide"), FRONT_DOOR_ACTS, method="post"),
        "frontdoor:told": Row(contact_url("frontdoor:told", decided=True), FRONT_DOOR_ACTS, method="post"),
        # Requests for information to the user's agency: practitioners and managers of any agency answer them.
        "frontdoor:requests": Row(
            fixed("frontdoor:requests"),
            by_role(
                practitioner=same(200),
                manager=same(200),
                coordinator=same(403),
                leader=same(403),
                administrator=same(403),
            ),
        ),
        "frontdoor:request": Row(
            information_request_url("frontdoor:request"),
            by_role(
                practitioner=same(200),
                manager=same(200),
                coordinator=same(404),
                leader=same(404),
                administrator=same(404),
            ),
        ),
        "frontdoor:thresholds": Row(fixed("frontdoor:thresholds"), EVERY_ROLE_200),
    }
)


# The local problem profile (joinedup.profiles): the coordinator generates it; the coordinator and partnership leaders
# read and download both versions (own and shared: a restricted profile; unshared: a sanitised one).
def _problem_profile_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.profiles.models import ProblemProfile, ProfileStatus

        version = "sanitised" if relation == "unshared" else "restricted"
        key = f"problem-profile-{version}"
        if key not in world.objects:
            world.objects[key] = ProblemProfile.objects.create(
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 3, 31),
                version=version,
                status=ProfileStatus.PUBLISHED,
                html="<h1>Local problem profile</h1>",
                pdf=b"%PDF-1.7 synthetic",
                generated_by=world.users[RoleCode.COORDINATOR],
            )
        return reverse(name, kwargs={"profile_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


PROBLEM_PROFILES = by_role(
    practitioner=same(403), manager=same(403), coordinator=same(200), leader=same(200), administrator=same(403)
)
MATRIX.update(
    {
        "profiles:list": Row(fixed("profiles:list"), PROBLEM_PROFILES),
        "profiles:detail": Row(_problem_profile_url("profiles:detail"), PROBLEM_PROFILES),
        "profiles:download": Row(_problem_profile_url("profiles:download"), PROBLEM_PROFILES),
    }
)


# The problem profile's schedules (issue 12 leftovers): listed, added, changed and stopped by the coordinator only.
def _profile_schedule_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.profiles.models import ProfileSchedule

        if "profile-schedule" not in world.objects:
            world.objects["profile-schedule"] = ProfileSchedule.objects.create(owner=world.users[RoleCode.COORDINATOR])
        return reverse(name, kwargs={"schedule_id": world.objects["profile-schedule"].pk})  # type: ignore[attr-defined]

    return url


PROFILE_SCHEDULES = by_role(
    practitioner=same(403), manager=same(403), coordinator=same(200), leader=same(403), administrator=same(403)
)
MATRIX.update(
    {
        "profiles:schedules": Row(fixed("profiles:schedules"), PROFILE_SCHEDULES),
        "profiles:schedule-edit": Row(_profile_schedule_url("profiles:schedule-edit"), PROFILE_SCHEDULES),
        # An empty form stops the schedule (the second time: already stopped, the same answer).
        "profiles:schedule-stop": Row(
            _profile_schedule_url("profiles:schedule-stop"),
            by_role(
                practitioner=same(403),
                manager=same(403),
                coordinator=same(302),
                leader=same(403),
                administrator=same(403),
            ),
            method="post",
        ),
    }
)


# Police timeliness and victim care (joinedup.missing attendance, joinedup.victims): read on the child's need-to-know;
# recorded by the police and the coordinator (the matrix's agencies are not police: their practitioners and managers
# are refused on a child they see).
def investigation_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.victims.tests.factories import investigation_make

        key = f"investigation-{relation}"
        if key not in world.objects:
            child = world.children[relation]
            world.objects[key] = investigation_make(child=child, agency=child.owning_agency)
        return reverse(name, kwargs={"investigation_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


POLICE_OR_COORDINATOR_RECORD = by_role(
    practitioner=(403, 403, 404),
    manager=(403, 403, 404),
    coordinator=SEES_ALL,
    leader=same(403),
    administrator=same(404),
)
MATRIX.update(
    {
        "missing:attended": Row(episode_url("missing:attended"), POLICE_OR_COORDINATOR_RECORD),
        "victims:child": Row(child_url("victims:child"), NEED_TO_KNOW),
        "victims:investigation": Row(investigation_url("victims:investigation"), NEED_TO_KNOW),
        **{
            f"victims:{step}": Row(investigation_url(f"victims:{step}"), POLICE_OR_COORDINATOR_RECORD)
            for step in ("needs", "support", "contact", "prosecution", "outcome")
        },
    }
)


# Strategy discussions, section 47 enquiries and NRM referrals (joinedup.strategy): read on the child's need-to-know;
# held and recorded by children's social care and police practitioners and managers (the matrix's agencies are
# social care) and the coordinator. An empty form re-shows the page (200).
def strategy_url(name: str, kwarg: str, make: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.strategy.tests.factories import discussion_make, nrm_make

        key = f"strategy-{make}-{relation}"
        if key not in world.objects:
            child = world.children[relation]
            if make == "discussion":
                world.objects[key] = discussion_make(child=child)
            else:
                referral = nrm_make(child=child, agency=child.owning_agency)
                if make == "nrm-positive":
                    referral.reasonable_grounds, referral.reasonable_grounds_on = "positive", referral.referred_on
                    referral.save()
                world.objects[key] = referral
        return reverse(name, kwargs={kwarg: world.objects[key].pk})  # type: ignore[attr-defined]

    return url


MATRIX.update(
    {
        "strategy:create": Row(child_url("strategy:create"), RECORDS_ABOUT_CHILD),
        "strategy:discussion": Row(strategy_url("strategy:discussion", "discussion_id", "discussion"), NEED_TO_KNOW),
        **{
            f"strategy:{step}": Row(
                strategy_url(f"strategy:{step}", "discussion_id", "discussion"), RECORDS_ABOUT_CHILD, method="post"
            )
            for step in ("action", "mace", "disruption", "outcome")
        },
        "strategy:nrm-create": Row(child_url("strategy:nrm-create"), RECORDS_ABOUT_CHILD),
        "strategy:nrm": Row(strategy_url("strategy:nrm", "referral_id", "nrm"), NEED_TO_KNOW),
        "strategy:nrm-reasonable": Row(
            strategy_url("strategy:nrm-reasonable", "referral_id", "nrm"), RECORDS_ABOUT_CHILD, method="post"
        ),
        "strategy:nrm-conclusive": Row(
            strategy_url("strategy:nrm-conclusive", "referral_id", "nrm-positive"), RECORDS_ABOUT_CHILD, method="post"
        ),
    }
)


# Contextual safeguarding (joinedup.contextual): work on a peer group holding the relation's child is read on that
# child's need-to-know (the coordinator and leaders read all); the place (a hotel, not a private address) by all who
# work with children. Only the coordinator writes; an empty form re-shows the work (200) or, for a group's members,
# goes back to the group (302). Pages that read the work before the role check answer 403 to those who may read it.
def contextual_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.contextual.models import ContextAction, ContextWork
        from joinedup.contextual.tests.factories import group_make, place_make, work_make

        coordinator = world.users[RoleCode.COORDINATOR]
        if "context-place" not in world.objects:
            world.objects["context-place"] = place_make()
        key = f"context-work-{relation}"
        if key not in world.objects:
            group = group_make(children=[world.children[relation]], by=coordinator, name=f"Group {relation}")
            world.objects[key] = work_make(group=group, by=coordinator)
        work = world.objects[key]
        if name == "contextual:place":
            return reverse(name, kwargs={"place_id": world.objects["context-place"].pk})  # type: ignore[attr-defined]
        if name in ("contextual:group", "contextual:group-members"):
            return reverse(name, kwargs={"group_id": work.group_id})  # type: ignore[attr-defined]
        if name == "contextual:action-done":
            assert isinstance(work, ContextWork)
            action = ContextAction.objects.create(
                work=work,
                description="Visit the park",
                owner=coordinator,
                due=timezone.localdate(),
                recorded_by=coordinator,
            )
            return reverse(name, kwargs={"action_id": action.pk})
        return reverse(name, kwargs={"work_id": work.pk})  # type: ignore[attr-defined]

    return url


CONTEXT_COORDINATOR = by_role(
    practitioner=same(403), manager=same(403), coordinator=same(200), leader=same(403), administrator=same(403)
)
CONTEXT_WRITES = by_role(
    practitioner=(403, 403, 404),
    manager=(403, 403, 404),
    coordinator=same(200),
    leader=same(403),
    administrator=same(404),
)
CONTEXT_WRITES_BACK = {**CONTEXT_WRITES, RoleCode.COORDINATOR: same(302)}
MATRIX.update(
    {
        "contextual:index": Row(fixed("contextual:index"), WORKS_WITH_CHILDREN),
        "contextual:place-open": Row(fixed("contextual:place-open"), CONTEXT_COORDINATOR),
        "contextual:group-open": Row(fixed("contextual:group-open"), CONTEXT_COORDINATOR),
        "contextual:place": Row(
            contextual_url("contextual:place"), {**WORKS_WITH_CHILDREN, RoleCode.ADMINISTRATOR: same(404)}
        ),
        "contextual:group": Row(contextual_url("contextual:group"), NEED_TO_KNOW),
        "contextual:group-members": Row(contextual_url("contextual:group-members"), CONTEXT_WRITES_BACK, method="post"),
        "contextual:work": Row(contextual_url("contextual:work"), NEED_TO_KNOW),
        "contextual:assessment": Row(contextual_url("contextual:assessment"), CONTEXT_WRITES),
        **{
            f"contextual:{step}": Row(contextual_url(f"contextual:{step}"), CONTEXT_WRITES, method="post")
            for step in ("partner", "action", "review", "close")
        },
        "contextual:action-done": Row(contextual_url("contextual:action-done"), CONTEXT_WRITES_BACK, method="post"),
    }
)


# The child's say and speaking out (joinedup.voice): the say is read on need-to-know and recorded by those who record
# about the child; the messages are read by those who work with the child (not partnership leaders, who see counts);
# links are issued and stopped by those who keep the record. The child's own page needs no account: a live link
# answers every role and anyone signed out alike.
def voice_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.voice.tests.factories import child_message_make

        child = world.children[relation]
        key = f"voice-message-{relation}"
        if key not in world.objects:
            world.objects[key] = child_message_make(child=child)
        message = world.objects[key]
        if name == "voice:message":
            return reverse(name, kwargs={"child_id": child.pk, "message_id": message.pk})  # type: ignore[attr-defined]
        return reverse(name, kwargs={"child_id": child.pk, "token_id": message.token_id})  # type: ignore[attr-defined]

    return url


def speak_url(world: World, role: str, relation: str) -> str:
    from joinedup.voice.tests.factories import speak_token_make

    if "voice-speak" not in world.objects:
        world.objects["voice-speak"] = speak_token_make(child=world.children["own"])[1]
    return reverse("voice:speak", kwargs={"token": world.objects["voice-speak"]})


MATRIX.update(
    {
        "voice:say": Row(child_url("voice:say"), NEED_TO_KNOW),
        "voice:links": Row(child_url("voice:links"), RECORDS_ABOUT_CHILD),
        "voice:link-revoke": Row(
            voice_url("voice:link-revoke"),
            by_role(
                practitioner=(302, 403, 404),
                manager=(302, 403, 404),
                coordinator=same(302),
                leader=same(403),
                administrator=same(404),
            ),
            method="post",
        ),
        "voice:message": Row(voice_url("voice:message"), RECORDS_ABOUT_CHILD),
        "voice:speak": Row(speak_url, EVERY_ROLE_200, anonymous=200),
        "voice:speak-sent": Row(fixed("voice:speak-sent"), EVERY_ROLE_200, anonymous=200),
    }
)


# The child's plan, closure and step-down (joinedup.plans): plans are read on the child's need-to-know and written
# by those who record about the child (a leader reads, an administrator sees no child); an involvement is closed
# as it is ended (children:involvement-end). Each relation's child has an exploitation safety plan with an action.
def plan_url(name: str, *, action: bool = False) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.plans.tests.factories import plan_make

        key = f"plan-{relation}"
        if key not in world.objects:
            child = world.children[relation]
            world.objects[key] = plan_make(child=child, lead=child.created_by, safety=True)
        plan = world.objects[key]
        kwargs = {"plan_id": plan.pk}  # type: ignore[attr-defined]
        if action:
            kwargs["action_id"] = plan.actions.get().pk  # type: ignore[attr-defined]
        return reverse(name, kwargs=kwargs)

    return url


MATRIX.update(
    {
        "plans:child": Row(child_url("plans:child"), NEED_TO_KNOW),
        "plans:create": Row(child_url("plans:create"), RECORDS_ABOUT_CHILD),
        "plans:detail": Row(plan_url("plans:detail"), NEED_TO_KNOW),
        **{
            f"plans:{step}": Row(plan_url(f"plans:{step}"), RECORDS_ABOUT_CHILD)
            for step in ("outcome", "action", "safety", "review", "end")
        },
        "plans:action-done": Row(
            plan_url("plans:action-done", action=True),
            by_role(
                practitioner=(302, 302, 404),
                manager=(302, 302, 404),
                coordinator=same(302),
                leader=same(403),
                administrator=same(404),
            ),
            method="post",
        ),
        "plans:involvement-close": Row(
            child_object_url("plans:involvement-close", "involvement_id", _owning_involvement),
            by_role(
                practitioner=(200, 403, 404),
                manager=(200, 403, 404),
                coordinator=SEES_ALL,
                leader=same(403),
                administrator=same(404),
            ),
        ),
    }
)


# Children missing education (joinedup.education): read on the child's need-to-know; schools record (the matrix's
# agencies are not education: everyone who sees the child is refused the form); the queue and a case's checks and
# closing are the CME officer's (an education agency's manager, or the coordinator).
def cme_case_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.education.tests.factories import education_record_make

        key = f"cme-{relation}"
        if key not in world.objects:
            world.objects[key] = education_record_make(child=world.children[relation])
        return reverse(name, kwargs={"record_id": world.objects[key].pk})  # type: ignore[attr-defined]

    return url


CME_OFFICER = by_role(
    practitioner=(403, 403, 404),
    manager=(403, 403, 404),
    coordinator=SEES_ALL,
    leader=same(403),
    administrator=same(404),
)
MATRIX.update(
    {
        "education:child": Row(child_url("education:child"), NEED_TO_KNOW),
        "education:queue": Row(
            fixed("education:queue"),
            by_role(
                practitioner=same(403),
                manager=same(403),
                coordinator=same(200),
                leader=same(403),
                administrator=same(403),
            ),
        ),
        "education:case": Row(cme_case_url("education:case"), NEED_TO_KNOW),
        "education:check": Row(cme_case_url("education:check"), CME_OFFICER),
        "education:close": Row(cme_case_url("education:close"), CME_OFFICER),
    }
)


# Registered businesses and community reporting (joinedup.community): the reporting pages answer everyone, signed in
# or not; the businesses and the triage queue are the coordinator's. A report names no child until it is triaged.
def _community(world: World) -> dict[str, object]:
    if "community" not in world.objects:
        from joinedup.community.services import reporting_token_issue
        from joinedup.community.tests.factories import business_make, report_make

        coordinator = world.users[RoleCode.COORDINATOR]
        business = business_make(user=coordinator)
        token = reporting_token_issue(user=coordinator, business=business)
        world.objects["community"] = {"business": business, "token": token, "report": report_make(business=business)}
    return world.objects["community"]  # type: ignore[return-value]


def community_url(name: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        made = _community(world)
        if name == "community:report":
            return reverse(name, kwargs={"token": made["token"]})
        if name.startswith("community:report-"):
            return reverse(name, kwargs={"report_id": made["report"].pk})  # type: ignore[attr-defined]
        return reverse(name, kwargs={"business_id": made["business"].pk})  # type: ignore[attr-defined]

    return url


COORDINATOR_POST_FORM = {**COORDINATOR_ONLY, RoleCode.COORDINATOR: same(200)}  # an empty form is shown again
MATRIX.update(
    {
        "community:report-public": Row(fixed("community:report-public"), EVERY_ROLE_200, anonymous=200),
        "community:report-thanks": Row(fixed("community:report-thanks"), EVERY_ROLE_200, anonymous=200),
        "community:report": Row(community_url("community:report"), EVERY_ROLE_200, anonymous=200),
        "community:queue": Row(fixed("community:queue"), COORDINATOR_ONLY),
        "community:report-detail": Row(community_url("community:report-detail"), COORDINATOR_ONLY),
        "community:report-concern": Row(
            community_url("community:report-concern"), COORDINATOR_POST_FORM, method="post"
        ),
        "community:report-close": Row(community_url("community:report-close"), COORDINATOR_POST_FORM, method="post"),
        "community:businesses": Row(fixed("community:businesses"), COORDINATOR_ONLY),
        "community:business-create": Row(fixed("community:business-create"), COORDINATOR_ONLY),
        "community:business": Row(community_url("community:business"), COORDINATOR_ONLY),
        "community:business-visit": Row(
            community_url("community:business-visit"), COORDINATOR_POST_FORM, method="post"
        ),
        "community:business-staff": Row(
            community_url("community:business-staff"), COORDINATOR_POST_FORM, method="post"
        ),
        # Issuing a link answers the business's page with the new link, shown once.
        "community:business-link": Row(community_url("community:business-link"), COORDINATOR_POST_FORM, method="post"),
        "community:business-revoke": Row(
            community_url("community:business-revoke"),
            {**COORDINATOR_ONLY, RoleCode.COORDINATOR: same(302)},
            method="post",
        ),
    }
)


def _warning_sign_url(action: str) -> Callable[[World, str, str], str]:
    def url(world: World, role: str, relation: str) -> str:
        from joinedup.community.models import WarningSign

        sign = WarningSign.objects.order_by("pk").first()  # seeded by the community app's data migration
        return reverse(f"admin:community_warningsign_{action}", args=[sign.pk])  # type: ignore[union-attr]

    return url


MATRIX["admin:community_warningsign_changelist"] = admin_row(fixed("admin:community_warningsign_changelist"))
MATRIX["admin:community_warningsign_add"] = admin_row(fixed("admin:community_warningsign_add"))
for _action in ["change", "delete", "history"]:
    MATRIX[f"admin:community_warningsign_{_action}"] = admin_row(_warning_sign_url(_action))

CELLS = [(name, role, relation) for name in MATRIX for role in ROLES for relation in RELATIONS]


@pytest.mark.parametrize(("name", "role", "relation"), CELLS)
def test_permission_matrix_cell(world: World, sign_in, client: Client, name: str, role: str, relation: str):
    row = MATRIX[name]
    if row.api_call is None:
        sign_in(world.users[role])
    url = row.url(world, role, relation)
    response = getattr(client, row.method)(url, **(row.api_call(world, role, relation) if row.api_call else {}))
    assert response.status_code == row.cells[role][RELATIONS.index(relation)], url


@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix_anonymous(world: World, client: Client, name: str):
    row = MATRIX[name]
    url = row.url(world, RoleCode.PRACTITIONER, "own")
    response = getattr(client, row.method)(url)
    assert response.status_code == row.anonymous, url
    if row.anonymous == SIGN_IN:
        landed = client.get(url, follow=True)
        assert landed.request["PATH_INFO"] == reverse("accounts:sign-in")


def test_a_child_outside_need_to_know_looks_exactly_like_one_that_does_not_exist(world: World, sign_in, client):
    sign_in(world.users[RoleCode.PRACTITIONER])
    hidden = client.get(reverse("children:detail", kwargs={"child_id": world.children["unshared"].pk}))  # type: ignore[attr-defined]
    missing = client.get(reverse("children:detail", kwargs={"child_id": "00000000-0000-4000-8000-000000000000"}))
    assert hidden.status_code == missing.status_code == 404

    # The pages differ only in the per-render mask of the CSRF token.
    def unmasked(content: bytes) -> bytes:
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)

    assert unmasked(hidden.content) == unmasked(missing.content)
