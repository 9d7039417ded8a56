"""The child's plan: started, added to, reviewed and ended; its actions and reviews on the work lists."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.concerns.models import AdultOfConcern, Concern
from joinedup.deadlines import london_day_ends, plan_review_due
from joinedup.places.models import Place
from joinedup.plans import services
from joinedup.plans.models import Plan, PlanAction, PlanKind, PlanReview, PlanStatus
from joinedup.plans.templatetags.plans import voice_summary_available
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_complete

from .conftest import Area

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _start(area: Area, kind: str = PlanKind.CHILD_IN_NEED) -> Plan:
    return services.plan_start(
        user=area.worker,
        child=area.child,
        kind=kind,
        lead_professional=area.worker,
        started_on=timezone.localdate() - dt.timedelta(days=10),
    )


def test_the_plan_journey_through_its_pages(area: Area, sign_in, client: Client):
    sign_in(area.worker)
    started_on = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        reverse("plans:create", args=[area.child.pk]),
        {"kind": PlanKind.CHILD_PROTECTION, "lead_professional": area.worker.pk, "started_on": started_on},
    )
    plan = Plan.objects.get(child=area.child)
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.next_review_on == plan_review_due(
        PlanKind.CHILD_PROTECTION, started_on=started_on, last_review_on=None, reviews_held=0
    )
    review_task = Task.objects.get(kind=TaskKind.PLAN_REVIEW, source_id=str(plan.pk), completed_at__isnull=True)
    assert review_task.owner == area.worker
    assert review_task.title == "Review the child protection plan" and review_task.child == area.child
    assert review_task.due_at == london_day_ends(plan.next_review_on)

    steps = {
        "outcome": {"wording": "I want to go back to college", "written_by": "Me (the child)"},
        "action": {"description": "Ask college about a place", "owner": area.colleague.pk, "due_on": TODAY()},
        "review": {"held_on": TODAY(), "childs_views": "I like my new worker", "what_changed": "College place found"},
    }
    for step, data in steps.items():
        response = client.post(reverse(f"plans:{step}", args=[plan.pk]), data)
        assert response.status_code == 302, (step, response.content[:2000])
    plan.refresh_from_db()
    assert plan.outcomes.get().wording == "I want to go back to college"
    review = PlanReview.objects.get(plan=plan)
    assert review.next_review_on == plan_review_due(
        PlanKind.CHILD_PROTECTION, started_on=started_on, last_review_on=TODAY(), reviews_held=1
    )
    assert plan.next_review_on == review.next_review_on
    review_task.refresh_from_db()
    assert review_task.due_at == london_day_ends(review.next_review_on)

    page = client.get(reverse("plans:detail", args=[plan.pk]))
    text = page.content.decode()
    assert "I want to go back to college" in text and "I like my new worker" in text
    record = client.get(reverse("children:detail", args=[area.child.pk])).content.decode()
    assert "Child protection plan" in record

    response = client.post(reverse("plans:end", args=[plan.pk]), {"ended_on": TODAY(), "reason": "Outcomes met"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED
    assert not Task.objects.filter(child=area.child, completed_at__isnull=True).exists()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_an_action_goes_on_its_owners_work_list_and_leaves_it_when_done_on_the_plan(area: Area):
    plan = _start(area)
    action = services.plan_action_add(
        user=area.worker, plan=plan, description="Visit at home", owner=area.colleague, due_on=TODAY()
    )
    task = Task.objects.get(kind=TaskKind.PLAN_ACTION, source_id=str(action.pk))
    assert (task.owner, task.completed_at, task.completes_here) == (area.colleague, None, True)
    assert task.due_at == london_day_ends(TODAY())
    # The work list names the child in its own column, read from the record: the title carries no name to go stale.
    assert (task.title, task.child) == ("Visit at home", area.child)
    services.plan_action_complete(user=area.colleague, action=action)
    task.refresh_from_db()
    action.refresh_from_db()
    assert task.completed_at is not None and action.done_by == area.colleague


def test_an_action_marked_done_on_the_work_list_is_done_in_the_plan(area: Area):
    plan = _start(area)
    action = services.plan_action_add(
        user=area.worker, plan=plan, description="Visit at home", owner=area.colleague, due_on=TODAY()
    )
    task = Task.objects.get(kind=TaskKind.PLAN_ACTION, source_id=str(action.pk))
    task_complete(user=area.colleague, task=task)
    action.refresh_from_db()
    assert action.is_done and action.done_by == area.colleague


@pytest.mark.parametrize("who", ["leader", "officer", "administrator"])
def test_an_action_goes_only_to_someone_who_does_the_work_and_sees_the_child(area: Area, who: str):
    plan = _start(area)
    owner = (
        UserFactory.create(agency=area.csc, roles=[RoleCode.ADMINISTRATOR])
        if who == "administrator"
        else getattr(area, who)
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_action_add(user=area.worker, plan=plan, description="Visit", owner=owner, due_on=TODAY())
    assert "owner" in refused.value.message_dict
    assert not PlanAction.objects.exists()
    assert not Task.objects.filter(kind=TaskKind.PLAN_ACTION).exists()


def test_a_plan_is_refused_to_those_who_may_not_record_about_the_child_and_nothing_is_written(area: Area):
    before = AuditEvent.objects.count()
    for user in (area.officer, area.leader):
        with pytest.raises(PermissionDenied):
            services.plan_start(
                user=user, child=area.child, kind=PlanKind.EARLY_HELP, lead_professional=area.worker, started_on=TODAY()
            )
    assert not Plan.objects.exists()
    assert not Task.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_safety_section_names_places_and_adults_to_avoid_safe_adults_and_how_to_get_help(
    area: Area, sign_in, client: Client
):
    plan = _start(area, PlanKind.EXPLOITATION_SAFETY)
    park = Place.objects.create(name="Riverside Park", kind="park", created_by=area.worker)
    adult = AdultOfConcern.objects.create(name="Adult Synthone", owning_agency=area.police)
    concern = Concern.objects.create(
        child=area.child,
        owning_agency=area.csc,
        recorded_by=area.worker,
        occurred_at=timezone.now(),
        category="11A",
        what_happened="Seen with an older adult",
    )
    concern.adults.add(adult)
    stranger = AdultOfConcern.objects.create(name="Unlinked Adult", owning_agency=area.police)
    with pytest.raises(ValidationError):
        services.safety_section_save(
            user=area.worker, plan=plan, safe_adults="Nan", how_to_get_help="Ring", adults=[stranger]
        )
    sign_in(area.worker)
    response = client.post(
        reverse("plans:safety", args=[plan.pk]),
        {
            "places": [park.pk],
            "places_text": "The takeaway on the high street",
            "adults": [adult.pk],
            "people_text": "Older lads at the bus station",
            "safe_adults": "My nan and my football coach",
            "how_to_get_help": "Text my key worker the word 'pizza'",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    text = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    shown = ("Riverside Park", "The takeaway on the high street", "Adult Synthone", "My nan and my football coach")
    assert all(part in text for part in shown)
    assert "Unlinked Adult" not in text


def test_only_a_safety_plan_has_a_safety_section(area: Area):
    plan = _start(area, PlanKind.CHILD_IN_NEED)
    with pytest.raises(ValidationError):
        services.safety_section_save(user=area.worker, plan=plan, safe_adults="Nan", how_to_get_help="Ring")


def test_a_review_needs_the_childs_views_and_cannot_be_in_the_future(area: Area):
    plan = _start(area)
    with pytest.raises(ValidationError) as blank:
        services.plan_review_record(user=area.worker, plan=plan, held_on=TODAY(), childs_views="  ")
    assert "childs_views" in blank.value.message_dict
    with pytest.raises(ValidationError) as future:
        services.plan_review_record(
            user=area.worker, plan=plan, held_on=TODAY() + dt.timedelta(days=2), childs_views="Fine"
        )
    assert "held_on" in future.value.message_dict
    assert not PlanReview.objects.exists()


def test_the_plan_page_reads_are_audited_and_others_get_not_found(area: Area, sign_in, client: Client):
    plan = _start(area)
    sign_in(area.officer)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    client.logout()
    sign_in(area.worker)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    assert AuditEvent.objects.filter(
        kind=AuditKind.CHILD_VIEWED, child_id=area.child.pk, object_type="plan", actor=area.worker
    ).exists()


def test_the_plan_page_works_whether_or_not_the_childs_voice_summary_exists(
    area: Area, sign_in, client: Client, monkeypatch
):
    plan = _start(area)
    sign_in(area.worker)
    with_voice = client.get(reverse("plans:detail", args=[plan.pk]))
    assert with_voice.status_code == 200
    assert with_voice.context["has_voice"] == voice_summary_available()
    monkeypatch.setattr("joinedup.plans.views.voice_summary_available", lambda: False)
    without = client.get(reverse("plans:detail", args=[plan.pk]))
    assert without.status_code == 200 and without.context["has_voice"] is False
    assert "Child in need plan" in without.content.decode()
