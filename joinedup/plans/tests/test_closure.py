"""Closure and step-down: an involvement closes with a reason and an outcome; a child whose every involvement has
closed leaves the active lists, and their record stays, read-only, under the retention periods."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child, Involvement
from joinedup.children.selectors import child_page
from joinedup.children.services import involvement_open
from joinedup.children.tests.factories import ChildFactory
from joinedup.frontdoor.models import ThresholdLevel
from joinedup.plans import services
from joinedup.plans.models import Closure, ClosureOutcome, ClosureReason, Plan, PlanKind, PlanStatus
from joinedup.rights.models import CountedFrom, RecordType, RetentionRule
from joinedup.rights.selectors import retention_review_rows
from joinedup.tasks.models import Task, TaskChange, TaskKind
from joinedup.tasks.selectors import tasks_for
from joinedup.tasks.services import task_open

from .conftest import Area

pytestmark = pytest.mark.django_db


def _level(code: str) -> ThresholdLevel:
    return ThresholdLevel.objects.filter(code=code).order_by("-document__version").first()  # type: ignore[return-value]


def _plan_with_action(area: Area) -> Plan:
    plan = services.plan_start(
        user=area.worker,
        child=area.child,
        kind=PlanKind.CHILD_IN_NEED,
        lead_professional=area.worker,
        started_on=timezone.localdate() - dt.timedelta(days=20),
    )
    services.plan_action_add(
        user=area.worker, plan=plan, description="Visit", owner=area.colleague, due_on=timezone.localdate()
    )
    return plan


def _close_last(area: Area, user=None) -> Closure:  # type: ignore[no-untyped-def]
    return services.involvement_close(
        user=user or area.worker,
        involvement=area.child.involvements.get(ended_at__isnull=True),
        reason=ClosureReason.OUTCOMES_MET,
        outcome=ClosureOutcome.ENDED,
        closed_on=timezone.localdate(),
        note="Settled at home and college",
    )


def _listed(user, **kwargs) -> set[Child]:  # type: ignore[no-untyped-def]
    return set(child_page(user=user, **kwargs).object_list)


def test_closure_removes_the_child_from_active_lists_and_keeps_the_record(area: Area, sign_in, client: Client):
    plan = _plan_with_action(area)
    assert area.child in _listed(area.coordinator)
    assert tasks_for(user=area.colleague).filter(child=area.child).exists()

    closure = _close_last(area)

    assert closure.record_closed and closure.involvement.ended_at is not None
    # Off the active lists: the children list's default view and the work lists.
    assert area.child not in _listed(area.coordinator)
    assert area.child not in _listed(area.worker)
    assert not Task.objects.filter(child=area.child, completed_at__isnull=True).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED
    # Still findable and still held.
    assert area.child in _listed(area.coordinator, include_closed=True)
    assert Child.objects.filter(pk=area.child.pk).exists() and Plan.objects.filter(pk=plan.pk).exists()
    sign_in(area.coordinator)
    listed = client.get(reverse("children:list")).content.decode()
    assert area.child.full_name not in listed
    listed = client.get(reverse("children:list") + "?closed=1").content.decode()
    assert area.child.full_name in listed
    record = client.get(reverse("children:detail", args=[area.child.pk])).content.decode()
    assert "This record is closed." in record
    assert AuditEvent.objects.filter(kind=AuditKind.INVOLVEMENT_CLOSED, child_id=area.child.pk).exists()


def test_closing_the_record_closes_every_open_task_about_the_child_whichever_app_opened_it(area: Area):
    """A closed record is read-only, so work about the child left open would sit overdue on the lists for good:
    the return interview, the MACE action and the request for information close with the record, each saying
    why; another child's work stays."""
    other = ChildFactory.create(owning_agency=area.csc)
    due = timezone.now() - dt.timedelta(days=2)
    for kind, child in (
        (TaskKind.RETURN_INTERVIEW, area.child),
        (TaskKind.MACE_ACTION, area.child),
        (TaskKind.INFORMATION_REQUEST, area.child),
        (TaskKind.RETURN_INTERVIEW, other),
    ):
        task_open(
            actor=area.coordinator,
            kind=kind,
            source_id=f"{kind}-{child.pk}",
            title="Work",
            link="/",
            due_at=due,
            child=child,
            owner=area.colleague,
        )
    assert tasks_for(user=area.colleague).count() == 4

    _close_last(area)

    assert [task.child for task in tasks_for(user=area.colleague)] == [other]
    closed = Task.objects.filter(child=area.child)
    assert closed.count() == 3 and not closed.filter(completed_at__isnull=True).exists()
    assert set(closed.values_list("completed_by", flat=True)) == {area.worker.pk}
    changes = TaskChange.objects.filter(task__child=area.child, what=TaskChange.What.COMPLETED)
    assert changes.count() == 3
    assert all(c.detail.startswith("The child's record closed: The plan's outcomes were met") for c in changes), [
        c.detail for c in changes
    ]
    ended = AuditEvent.objects.get(kind=AuditKind.INVOLVEMENT_ENDED, child_id=area.child.pk)
    assert (ended.payload["record_closed"], ended.payload["tasks_closed"]) == (True, 3)


def test_a_closed_record_is_read_only_and_refused_writes_write_nothing(area: Area, sign_in, client: Client):
    plan = _plan_with_action(area)
    _close_last(area)
    child = Child.objects.get(pk=area.child.pk)
    assert policy.record_is_closed(child)
    assert policy.can_view_child(area.coordinator, child)
    assert not policy.can_record_about_child(area.coordinator, child)
    before = (AuditEvent.objects.count(), plan.outcomes.count(), Plan.objects.count())
    with pytest.raises(PermissionDenied) as refused:
        services.plan_outcome_add(user=area.coordinator, plan=plan, wording="More", written_by="Me")
    assert "record is closed" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.plan_start(
            user=area.coordinator,
            child=child,
            kind=PlanKind.EARLY_HELP,
            lead_professional=area.coordinator,
            started_on=timezone.localdate(),
        )
    assert (AuditEvent.objects.count(), plan.outcomes.count(), Plan.objects.count()) == before
    sign_in(area.coordinator)
    response = client.post(reverse("plans:create", args=[child.pk]), {"kind": PlanKind.EARLY_HELP}, follow=True)
    assert "record is closed" in response.content.decode()
    assert Plan.objects.count() == before[2]


def test_an_agency_opening_an_involvement_again_opens_the_record(area: Area):
    _close_last(area)
    child = Child.objects.get(pk=area.child.pk)
    involvement_open(user=area.coordinator, child=child, agency=area.csc, reason="A new referral")
    assert not policy.record_is_closed(child)
    assert policy.can_record_about_child(area.coordinator, child)
    assert child in _listed(area.coordinator)


def test_closing_one_of_two_involvements_keeps_the_record_open(area: Area):
    Involvement.objects.create(child=area.child, agency=area.police)
    closure = services.involvement_close(
        user=area.worker,
        involvement=area.child.involvements.get(agency=area.csc),
        reason=ClosureReason.NO_FURTHER_ACTION,
        outcome=ClosureOutcome.ENDED,
        closed_on=timezone.localdate(),
    )
    assert not closure.record_closed
    assert area.child in _listed(area.coordinator)
    assert policy.can_record_about_child(area.officer, area.child)


def test_a_step_down_to_early_help_opens_early_helps_involvement_and_the_child_stays_active(area: Area):
    early_help = _level("early_help")
    closure = services.involvement_close(
        user=area.coordinator,
        involvement=area.child.involvements.get(agency=area.csc),
        reason=ClosureReason.NEEDS_MET_ELSEWHERE,
        outcome=ClosureOutcome.STEP_DOWN,
        closed_on=timezone.localdate(),
        step_down_level=early_help,
        step_down_agency=area.early_help,
        step_down_service="Family support",
    )
    assert (closure.step_down_level, closure.step_down_agency, closure.record_closed) == (
        early_help,
        area.early_help,
        False,
    )
    assert area.child.involvements.get(ended_at__isnull=True).agency == area.early_help
    assert area.child in _listed(area.coordinator)
    assert not policy.record_is_closed(area.child)


def test_a_step_down_names_its_level_and_a_refused_closure_writes_nothing(area: Area):
    involvement = area.child.involvements.get()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as no_level:
        services.involvement_close(
            user=area.worker,
            involvement=involvement,
            reason=ClosureReason.NEEDS_MET_ELSEWHERE,
            outcome=ClosureOutcome.STEP_DOWN,
            closed_on=timezone.localdate(),
        )
    assert "step_down_level" in no_level.value.message_dict
    with pytest.raises(ValidationError) as other_agency:
        services.involvement_close(
            user=area.worker,
            involvement=involvement,
            reason=ClosureReason.NEEDS_MET_ELSEWHERE,
            outcome=ClosureOutcome.STEP_DOWN,
            closed_on=timezone.localdate(),
            step_down_level=_level("early_help"),
            step_down_agency=area.early_help,
        )
    assert "step_down_agency" in other_agency.value.message_dict
    with pytest.raises(PermissionDenied):
        services.involvement_close(
            user=area.officer,
            involvement=involvement,
            reason=ClosureReason.OUTCOMES_MET,
            outcome=ClosureOutcome.ENDED,
            closed_on=timezone.localdate(),
        )
    involvement.refresh_from_db()
    assert involvement.ended_at is None
    assert not Closure.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_close_page_closes_the_involvement(area: Area, sign_in, client: Client):
    sign_in(area.worker)
    involvement = area.child.involvements.get()
    url = reverse("plans:involvement-close", args=[area.child.pk, involvement.pk])
    page = client.get(url).content.decode()
    assert "This is the last open involvement" in page
    response = client.post(
        url,
        {"reason": ClosureReason.OUTCOMES_MET, "outcome": ClosureOutcome.ENDED, "closed_on": timezone.localdate()},
    )
    assert response.status_code == 302 and response["Location"] == reverse("children:list")
    assert Closure.objects.get().involvement == involvement


def test_the_retention_review_lists_closed_records_past_the_period_set_as_data(area: Area):
    """The period is data (rights.RetentionRule): the review list follows it, and nothing is deleted."""
    RetentionRule.objects.filter(record_type=RecordType.CHILD).update(years=6, counted_from=CountedFrom.LAST_ACTIVITY)
    _close_last(area)
    today = timezone.localdate()
    assert area.child.pk not in {row.child_id for row in retention_review_rows(today=today)}
    # Seven years on, nothing recorded since the closure: the record is due for review.
    later = today.replace(year=today.year + 7)
    assert area.child.pk in {row.child_id for row in retention_review_rows(today=later)}
    RetentionRule.objects.filter(record_type=RecordType.CHILD).update(years=10)
    assert area.child.pk not in {row.child_id for row in retention_review_rows(today=later)}
    assert Child.objects.filter(pk=area.child.pk).exists()
