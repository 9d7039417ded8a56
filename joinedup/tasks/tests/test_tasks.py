"""One work list (issue 13): every kind of work reaches its owner's list, and a manager's when overdue; marking
done or giving it to someone else on the list changes the work itself; nothing refused is written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind, Team
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.frontdoor import services as frontdoor_services
from joinedup.frontdoor.tests.factories import contact_make
from joinedup.mace import services as mace_services
from joinedup.mace.models import Action
from joinedup.mace.tests.factories import AgendaItemFactory, MeetingFactory
from joinedup.missing import services as missing_services
from joinedup.missing.models import InterviewResponse, ReturnInterview
from joinedup.missing.tests.factories import MissingEpisodeFactory
from joinedup.tasks import selectors, services
from joinedup.tasks.models import Task, TaskChange, TaskKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    class Area:
        csc = AgencyFactory.create(kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
        vcs = AgencyFactory.create(kind=AgencyKind.VOLUNTARY_SECTOR)
        police = AgencyFactory.create(kind=AgencyKind.POLICE)
        rhi_team = Team.objects.create(agency=vcs, name="Return Home Interview Service", return_interviews=True)
        key_worker = UserFactory.create(agency=csc)
        colleague = UserFactory.create(agency=csc)
        manager = UserFactory.create(agency=csc, roles=[RoleCode.MANAGER])
        rhi_worker = UserFactory.create(agency=vcs, team=rhi_team)
        police_officer = UserFactory.create(agency=police)
        coordinator = UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])
        leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
        child = ChildFactory.create(owning_agency=csc, created_by=key_worker)

    Involvement.objects.create(child=Area.child, agency=Area.vcs)
    return Area


def _returned(area, *, owner=None) -> ReturnInterview:
    episode = MissingEpisodeFactory.create(child=area.child, reported_by=area.key_worker)
    return missing_services.missing_episode_return(
        user=area.key_worker,
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        interview_owner=owner,
    )


def test_a_return_interview_is_on_its_owners_list_and_the_return_interview_services(area) -> None:
    interview = _returned(area, owner=area.key_worker)
    (task,) = selectors.tasks_for(user=area.key_worker)
    assert (task.kind, task.source_id, task.child, task.due_at) == (
        TaskKind.RETURN_INTERVIEW,
        str(interview.pk),
        area.child,
        interview.due_at,
    )
    assert list(selectors.tasks_for(user=area.rhi_worker)) == [task]
    assert list(selectors.tasks_for(user=area.colleague)) == []
    assert list(selectors.tasks_for(user=area.police_officer)) == []


def test_recording_or_declining_the_interview_takes_it_off_the_lists(area) -> None:
    interview = _returned(area, owner=area.key_worker)
    missing_services.return_interview_offer(
        user=area.key_worker,
        interview=interview,
        offered_at=timezone.now(),
        response=InterviewResponse.DECLINED,
        declined_reason="Said they did not want to talk to anyone today.",
    )
    assert not selectors.tasks_for(user=area.key_worker).exists()
    assert Task.objects.get(source_id=str(interview.pk)).completed_by == area.key_worker


def test_the_return_interview_service_takes_an_interview_and_becomes_its_owner(area) -> None:
    interview = _returned(area, owner=area.key_worker)
    task = Task.objects.get(kind=TaskKind.RETURN_INTERVIEW)
    services.task_reassign(user=area.rhi_worker, task=task, owner=area.rhi_worker)
    interview.refresh_from_db()
    assert interview.owner == area.rhi_worker
    assert list(selectors.tasks_for(user=area.rhi_worker)) == [task]
    assert not selectors.tasks_for(user=area.key_worker).exists()
    assert TaskChange.objects.filter(task=task, what=TaskChange.What.REASSIGNED).count() == 1
    assert AuditEvent.objects.filter(kind=AuditKind.TASK_CHANGED, child_id=area.child.pk).count() == 1


def test_someone_else_cannot_take_a_task_and_nothing_is_written(area) -> None:
    _returned(area, owner=area.key_worker)
    task = Task.objects.get(kind=TaskKind.RETURN_INTERVIEW)
    before = (TaskChange.objects.count(), AuditEvent.objects.filter(kind=AuditKind.TASK_CHANGED).count())
    with pytest.raises(PermissionDenied):
        services.task_reassign(user=area.colleague, task=task, owner=area.colleague)
    with pytest.raises(PermissionDenied):
        services.task_reassign(user=area.police_officer, task=task, owner=area.police_officer)
    task.refresh_from_db()
    assert task.owner == area.key_worker
    assert ReturnInterview.objects.get().owner == area.key_worker
    assert (TaskChange.objects.count(), AuditEvent.objects.filter(kind=AuditKind.TASK_CHANGED).count()) == before


def test_a_task_goes_only_to_someone_who_does_the_work_and_may_see_the_child(area) -> None:
    _returned(area, owner=area.key_worker)
    task = Task.objects.get(kind=TaskKind.RETURN_INTERVIEW)
    with pytest.raises(ValidationError):
        services.task_reassign(user=area.key_worker, task=task, owner=area.leader)
    with pytest.raises(ValidationError):
        services.task_reassign(user=area.key_worker, task=task, owner=area.police_officer)
    task.refresh_from_db()
    assert task.owner == area.key_worker
    people, teams = selectors.reassign_choices(user=area.key_worker, task=task)
    assert area.leader not in people and area.police_officer not in people
    assert {area.key_worker, area.colleague, area.rhi_worker} <= set(people)
    assert area.rhi_team in teams


def test_an_overdue_task_reaches_the_managers_list_and_only_then(area) -> None:
    interview = _returned(area, owner=area.key_worker)
    assert not selectors.overdue_for_manager(user=area.manager).exists()
    Task.objects.filter(source_id=str(interview.pk)).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert [t.source_id for t in selectors.overdue_for_manager(user=area.manager)] == [str(interview.pk)]
    assert not selectors.overdue_for_manager(user=area.colleague).exists()


def test_an_interview_action_is_marked_done_on_the_work_list(area) -> None:
    interview = _returned(area, owner=area.key_worker)
    missing_services.return_interview_offer(
        user=area.key_worker, interview=interview, offered_at=timezone.now(), response=InterviewResponse.ACCEPTED
    )
    missing_services.return_interview_complete(
        user=area.key_worker, interview=interview, completed_at=timezone.now(), childs_words="I was at a friend's."
    )
    action = missing_services.interview_action_add(
        user=area.key_worker,
        interview=interview,
        description="Visit school with the child",
        owner=area.colleague,
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    (task,) = selectors.tasks_for(user=area.colleague)
    assert task.kind == TaskKind.INTERVIEW_ACTION and task.completes_here
    services.task_complete(user=area.colleague, task=task)
    action.refresh_from_db()
    assert action.done_at is not None
    assert not selectors.tasks_for(user=area.colleague).exists()


def test_a_mace_action_done_on_the_list_is_done_in_the_meeting(area) -> None:
    meeting = MeetingFactory.create(chair=area.coordinator)
    item = AgendaItemFactory.create(meeting=meeting, child=area.child, place_name="", place_postcode="")
    action = mace_services.action_add(
        user=area.coordinator,
        meeting=meeting,
        agenda_item=item,
        description="Arrange a joint visit with the school",
        owner=area.key_worker,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    (task,) = selectors.tasks_for(user=area.key_worker)
    assert (task.kind, task.title, task.child) == (TaskKind.MACE_ACTION, action.description, area.child)
    services.task_complete(user=area.key_worker, task=task)
    assert Action.objects.get(pk=action.pk).done_by == area.key_worker


def test_a_task_done_on_its_own_page_cannot_be_marked_done_on_the_list(area) -> None:
    _returned(area, owner=area.key_worker)
    task = Task.objects.get(kind=TaskKind.RETURN_INTERVIEW)
    with pytest.raises(ValidationError):
        services.task_complete(user=area.key_worker, task=task)
    task.refresh_from_db()
    assert task.completed_at is None


def test_a_request_for_information_reaches_the_agency_asked_and_leaves_when_answered(area) -> None:
    front_door = UserFactory.create(agency=area.csc)
    contact = contact_make(child=area.child, recorded_by=area.key_worker)
    Involvement.objects.create(child=area.child, agency=area.police)
    request = frontdoor_services.information_request_make(
        user=front_door, contact=contact, to_agency=area.police, question="Is the child known to you?"
    )
    (task,) = selectors.tasks_for(user=area.police_officer)
    assert (task.kind, task.agency, task.owner) == (TaskKind.INFORMATION_REQUEST, area.police, None)
    assert not selectors.tasks_for(user=area.key_worker).exists()
    frontdoor_services.information_request_answer(user=area.police_officer, request=request, answer="Not known.")
    assert not selectors.tasks_for(user=area.police_officer).exists()


def test_a_task_about_a_child_the_user_may_not_see_is_not_shown(area) -> None:
    other_child = ChildFactory.create(owning_agency=area.police)
    Task.objects.create(
        kind=TaskKind.OTHER, source_id="x", title="Synthetic", link="", child=other_child, owner=area.key_worker
    )
    assert not selectors.tasks_for(user=area.key_worker).exists()


def test_the_work_list_page_shows_every_task_in_a_fixed_number_of_queries(area, sign_in, client) -> None:
    sign_in(area.key_worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("missing:worklist"))
        assert page.status_code == 200
        return len(captured)

    _returned(area, owner=area.key_worker)
    few = queries()
    for _ in range(4):
        Task.objects.create(
            kind=TaskKind.OTHER,
            source_id=str(Task.objects.count()),
            title="Synthetic",
            link="",
            child=ChildFactory.create(owning_agency=area.csc),
            owner=area.key_worker,
        )
    assert queries() == few
    page = client.get(reverse("missing:worklist")).content.decode()
    assert page.count("Give to someone else") == 5
    assert area.child.full_name in page


def test_marking_done_and_giving_away_through_the_pages(area, sign_in, client) -> None:
    _returned(area, owner=area.key_worker)
    interview_task = Task.objects.get(kind=TaskKind.RETURN_INTERVIEW)
    sign_in(area.key_worker)
    page = client.get(reverse("tasks:reassign", args=[interview_task.pk]))
    assert page.status_code == 200 and area.rhi_worker.get_full_name() in page.content.decode()
    empty = client.post(reverse("tasks:reassign", args=[interview_task.pk]), {})
    assert "Choose a person or a team" in empty.content.decode()
    moved = client.post(reverse("tasks:reassign", args=[interview_task.pk]), {"owner": area.rhi_worker.pk})
    assert moved.status_code == 302
    assert ReturnInterview.objects.get().owner == area.rhi_worker
    # The key worker no longer holds it: the page is not found for them.
    assert client.get(reverse("tasks:reassign", args=[interview_task.pk])).status_code == 404
    assert client.post(reverse("tasks:done", args=[interview_task.pk])).status_code == 404
