"""Management oversight and challenges between agencies: who may write, the audit rows, the figures and the work
list."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import london_date
from joinedup.oversight.figures import BY_KEY, default_filters
from joinedup.sharing.tests.factories import ShareDecisionFactory
from joinedup.supervision import services
from joinedup.supervision.figures import median
from joinedup.supervision.models import Challenge, ChallengeAbout, ChallengeStage, OversightNote

from .factories import challenge_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC")


@pytest.fixture
def pol():
    return AgencyFactory.create(code="POL")


@pytest.fixture
def child(csc, pol):
    child = ChildFactory.create(owning_agency=csc)
    Involvement.objects.create(child=child, agency=pol)
    return child


def _user(agency, *roles):
    return UserFactory.create(agency=agency, roles=list(roles) or [RoleCode.PRACTITIONER])


def _note(user, child, *, days_ago=0, next_due=None):
    note = services.oversight_note_record(
        user=user,
        child=child,
        reviewed="The chronology and the plan.",
        decided="Hold a strategy discussion this week.",
        written_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    if next_due is not None:
        OversightNote.objects.filter(pk=note.pk).update(next_due=next_due)
    return note


# Who may write ----------------------------------------------------------------------------------------------------


def test_a_manager_of_an_involved_agency_records_oversight_with_one_audit_row_and_the_next_due_in_28_days(csc, child):
    manager = _user(csc, RoleCode.MANAGER)
    note = _note(manager, child)
    assert (note.agency, note.manager) == (csc, manager)
    assert note.next_due == london_date(note.written_at) + dt.timedelta(days=28)
    rows = AuditEvent.objects.filter(kind=AuditKind.OVERSIGHT_RECORDED)
    assert [(r.child_id, r.object_id, r.actor_id) for r in rows] == [(child.pk, str(note.pk), manager.pk)]


@pytest.mark.parametrize("who", ["practitioner", "coordinator", "leader", "manager-shared", "manager-ended"])
def test_only_a_manager_of_an_agency_working_with_the_child_records_oversight_and_a_refusal_writes_nothing(
    who, csc, child
):
    other = AgencyFactory.create(code="EDU")
    if who == "practitioner":
        user = _user(csc)
    elif who == "coordinator":
        user = _user(csc, RoleCode.COORDINATOR)
    elif who == "leader":
        user = _user(csc, RoleCode.LEADER)
    elif who == "manager-shared":
        ShareDecisionFactory.create(child=child, shared_with_agency=other)
        user = _user(other, RoleCode.MANAGER)
    else:
        Involvement.objects.create(child=child, agency=other, ended_at=timezone.now())
        user = _user(other, RoleCode.MANAGER)
    with pytest.raises(PermissionDenied):
        _note(user, child)
    assert not OversightNote.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.OVERSIGHT_RECORDED).exists()


def test_the_next_oversight_cannot_be_later_than_28_days(csc, child):
    manager = _user(csc, RoleCode.MANAGER)
    with pytest.raises(ValidationError):
        services.oversight_note_record(
            user=manager,
            child=child,
            reviewed="x",
            decided="y",
            next_due=london_date(timezone.now()) + dt.timedelta(29),
        )
    assert not OversightNote.objects.exists()


def test_a_challenge_goes_through_each_stage_to_its_resolution_with_an_audit_row_at_each_step(csc, pol, child):
    social_worker, sw_manager = _user(csc), _user(csc, RoleCode.MANAGER)
    officer, sergeant = _user(pol), _user(pol, RoleCode.MANAGER)
    challenge = services.challenge_raise(
        user=social_worker, child=child, to_agency=pol, about=ChallengeAbout.DECISION, what="No further action."
    )
    assert challenge.stage == ChallengeStage.PRACTITIONER
    services.challenge_respond(user=officer, challenge=challenge, response="The evidence threshold was not met.")
    services.challenge_escalate(user=social_worker, challenge=challenge, why="The threshold was misapplied.")
    challenge.refresh_from_db()
    with pytest.raises(PermissionDenied):  # from the manager stage on, a manager answers
        services.challenge_respond(user=officer, challenge=challenge, response="Still no.")
    services.challenge_respond(user=sergeant, challenge=challenge, response="We will review the decision.")
    with pytest.raises(PermissionDenied):  # a practitioner does not take it to senior managers
        services.challenge_escalate(user=social_worker, challenge=challenge, why="Not reviewed yet.")
    services.challenge_escalate(user=sw_manager, challenge=challenge, why="Not reviewed after 10 days.")
    challenge.refresh_from_db()
    assert challenge.stage == ChallengeStage.SENIOR
    with pytest.raises(PermissionDenied):  # no stage after the senior managers'
        services.challenge_escalate(user=sw_manager, challenge=challenge, why="Again.")
    services.challenge_respond(user=sergeant, challenge=challenge, response="The detective inspector agrees.")
    services.challenge_resolve(user=sw_manager, challenge=challenge, outcome="A joint visit is arranged.")
    challenge.refresh_from_db()
    assert challenge.resolved_at is not None
    assert [s.stage for s in challenge.steps.all()] == ["practitioner", "manager", "senior"]
    assert all(s.responded_at for s in challenge.steps.all())
    kinds = list(AuditEvent.objects.filter(object_id=str(challenge.pk)).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        AuditKind.CHALLENGE_RAISED,
        AuditKind.CHALLENGE_RESPONDED,
        AuditKind.CHALLENGE_ESCALATED,
        AuditKind.CHALLENGE_RESPONDED,
        AuditKind.CHALLENGE_ESCALATED,
        AuditKind.CHALLENGE_RESPONDED,
        AuditKind.CHALLENGE_RESOLVED,
    ]
    with pytest.raises(PermissionDenied):  # resolved: nothing more
        services.challenge_respond(user=sergeant, challenge=challenge, response="More.")


def test_a_challenge_goes_only_to_another_agency_working_with_the_child(csc, pol, child):
    social_worker = _user(csc)
    elsewhere = AgencyFactory.create(code="HEA")
    for to_agency in (csc, elsewhere):
        with pytest.raises(ValidationError):
            services.challenge_raise(user=social_worker, child=child, to_agency=to_agency, about="delay", what="x")
    assert not Challenge.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.CHALLENGE_RAISED).exists()


@pytest.mark.parametrize("who", ["raising agency", "coordinator", "third agency with a share"])
def test_only_the_challenged_agency_answers_and_a_refused_answer_writes_nothing(who, csc, pol, child):
    challenge = challenge_make(child=child, raising_agency=csc, to_agency=pol)
    if who == "raising agency":
        user = _user(csc, RoleCode.MANAGER)
    elif who == "coordinator":
        user = _user(csc, RoleCode.COORDINATOR)
    else:
        third = AgencyFactory.create(code="EDU")
        ShareDecisionFactory.create(child=child, shared_with_agency=third)
        user = _user(third, RoleCode.MANAGER)
    with pytest.raises(PermissionDenied):
        services.challenge_respond(user=user, challenge=challenge, response="An answer.")
    assert not challenge.steps.filter(responded_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.CHALLENGE_RESPONDED).exists()


def test_a_user_who_may_not_see_the_child_gets_not_found_for_a_challenge(client, sign_in, csc, pol, child):
    challenge = challenge_make(child=child, raising_agency=csc, to_agency=pol)
    outsider = _user(AgencyFactory.create(code="EDU"), RoleCode.MANAGER)
    sign_in(outsider)
    assert client.get(reverse("supervision:challenge", kwargs={"challenge_id": challenge.pk})).status_code == 404
    response = client.post(
        reverse("supervision:challenge-respond", kwargs={"challenge_id": challenge.pk}), {"response": "x"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(child_id=child.pk, actor=outsider).exists()


# Pages ------------------------------------------------------------------------------------------------------------


def test_the_childs_record_shows_oversight_and_the_link_to_record_it_only_to_a_manager_of_an_involved_agency(
    client, sign_in, csc, child
):
    manager = _user(csc, RoleCode.MANAGER)
    _note(manager, child)
    record = reverse("supervision:oversight", kwargs={"child_id": child.pk})
    sign_in(manager)
    page = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Management oversight" in page and "Hold a strategy discussion this week." in page
    assert "Record management oversight" in page
    client.logout()
    sign_in(_user(csc))
    page = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Hold a strategy discussion this week." in page
    assert "Record management oversight" not in page
    assert client.post(record, {"reviewed": "a", "decided": "b"}).status_code == 403
    assert OversightNote.objects.count() == 1


def test_a_manager_records_oversight_through_the_page(client, sign_in, csc, child):
    sign_in(_user(csc, RoleCode.MANAGER))
    url = reverse("supervision:oversight", kwargs={"child_id": child.pk})
    response = client.post(url, {"reviewed": "The plan.", "decided": "Refer to MACE.", "next_due": ""})
    assert response.status_code == 302
    assert OversightNote.objects.get().decided == "Refer to MACE."
    assert "Refer to MACE." in client.get(url).content.decode()


def test_a_challenge_is_raised_answered_and_resolved_through_the_pages(client, sign_in, csc, pol, child):
    sign_in(_user(csc))
    response = client.post(
        reverse("supervision:challenges", kwargs={"child_id": child.pk}),
        {"to_agency": pol.pk, "about": "delay", "what": "The return interview has not been offered."},
    )
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    client.logout()
    sign_in(_user(pol))
    url = reverse("supervision:challenge", kwargs={"challenge_id": challenge.pk})
    assert "Answer for" in client.get(url).content.decode()
    empty = client.post(reverse("supervision:challenge-respond", kwargs={"challenge_id": challenge.pk}), {})
    assert empty.status_code == 200 and not challenge.steps.filter(responded_at__isnull=False).exists()
    client.post(
        reverse("supervision:challenge-respond", kwargs={"challenge_id": challenge.pk}), {"response": "Offered today."}
    )
    client.logout()
    sign_in(challenge.raised_by)
    client.post(
        reverse("supervision:challenge-resolve", kwargs={"challenge_id": challenge.pk}), {"outcome": "Offered."}
    )
    challenge.refresh_from_db()
    assert challenge.first_responded_at is not None and challenge.outcome == "Offered."
    assert "Resolved" in client.get(url).content.decode()


# Figures ----------------------------------------------------------------------------------------------------------


def _rows(key, user):
    figure = BY_KEY[key]
    rows = figure.rows(user, default_filters())
    return rows.count(), [figure.child_of(row) for row in rows]


def test_cases_without_oversight_in_28_days_counts_those_with_an_old_note_or_none_and_equals_its_list(csc, child):
    manager = _user(csc, RoleCode.MANAGER)
    recent = ChildFactory.create(owning_agency=csc)
    old = ChildFactory.create(owning_agency=csc)
    ended = ChildFactory.create(owning_agency=csc)
    ended.involvements.update(ended_at=timezone.now())
    _note(manager, recent, days_ago=3)
    _note(manager, old, days_ago=40)
    count, children = _rows("cases-no-oversight-28-days", manager)
    assert count == len(children) == 2
    assert {c.pk for c in children} == {child.pk, old.pk}
    count, children = _rows("cases-oversight", manager)
    assert count == len(children) == 3
    # The longest without oversight first: none at all, then the oldest note.
    assert [c.pk for c in children][1:] == [old.pk, recent.pk]


def test_another_agencys_oversight_does_not_count_for_a_team_managers_figures(csc, pol, child):
    _note(_user(pol, RoleCode.MANAGER), child)
    csc_manager = _user(csc, RoleCode.MANAGER)
    assert _rows("cases-no-oversight-28-days", csc_manager)[0] == 1
    assert _rows("cases-no-oversight-28-days", _user(pol, RoleCode.MANAGER))[0] == 0


def test_challenge_figures_count_open_senior_and_overdue_and_each_equals_its_list(csc, pol, child):
    leader = _user(csc, RoleCode.LEADER)
    sergeant, sw_manager = _user(pol, RoleCode.MANAGER), _user(csc, RoleCode.MANAGER)
    overdue = challenge_make(child=child, raising_agency=csc, to_agency=pol, days_ago=20)
    answered_late = challenge_make(child=child, raising_agency=csc, to_agency=pol, days_ago=20)
    services.challenge_respond(user=sergeant, challenge=answered_late, response="Sorry for the delay.")
    senior = challenge_make(child=child, raising_agency=csc, to_agency=pol, raised_by=sw_manager)
    services.challenge_escalate(user=sw_manager, challenge=senior, why="No answer.")
    senior.refresh_from_db()
    services.challenge_escalate(user=sw_manager, challenge=senior, why="Still none.")
    resolved = challenge_make(child=child, raising_agency=csc, to_agency=pol, raised_by=sw_manager)
    services.challenge_resolve(user=sw_manager, challenge=resolved, outcome="Agreed.")
    expected = {
        "challenges-open": {overdue.pk, answered_late.pk, senior.pk},
        "challenges-senior": {senior.pk},
        "challenges-overdue": {overdue.pk},
    }
    for key, pks in expected.items():
        figure = BY_KEY[key]
        rows = figure.rows(leader, default_filters())
        assert rows.count() == len(list(rows)) == len(pks), key
        assert {row.pk for row in rows} == pks, key
    answered_late.refresh_from_db()
    columns = {c.heading: c.value(answered_late) for c in BY_KEY["challenges-open"].columns}
    # Raised 20 days ago, answered today: at least 14 weekdays, less at most 3 bank holidays.
    days, unit = columns["Time to first answer"].split(" ", 1)
    assert int(days) >= 11 and unit == "working days"
    assert columns["Time to resolve"] == "Open"


def test_the_dashboard_and_a_drill_down_show_the_figures(client, sign_in, csc, child):
    manager = _user(csc, RoleCode.MANAGER)
    sign_in(manager)
    dashboard = client.get(reverse("oversight:dashboard")).content.decode()
    assert "Cases with no management oversight in 28 days" in dashboard
    page = client.get(reverse("oversight:figure", kwargs={"key": "cases-no-oversight-28-days"}))
    assert page.status_code == 200
    assert child.full_name in page.content.decode() and "Never" in page.content.decode()


# The work list ----------------------------------------------------------------------------------------------------


def test_a_managers_work_list_shows_oversight_due_within_7_days_or_overdue_and_audits_each_child(
    client, sign_in, csc, pol
):
    manager = _user(csc, RoleCode.MANAGER)
    today = london_date(timezone.now())
    due_soon, overdue, later, not_ours = (ChildFactory.create(owning_agency=csc) for _ in range(4))
    new_case = ChildFactory.create(owning_agency=csc)  # involvement opened today: first oversight in 28 days
    Involvement.objects.filter(child=not_ours).update(agency=pol)
    _note(manager, due_soon, next_due=today + dt.timedelta(days=5))
    _note(manager, overdue, days_ago=30)
    _note(manager, later, next_due=today + dt.timedelta(days=20))
    _note(_user(pol, RoleCode.MANAGER), not_ours, days_ago=30)
    sign_in(manager)
    page = client.get(reverse("missing:worklist")).content.decode()
    section = page.split('id="oversight-due"')[1]
    assert due_soon.full_name in section and overdue.full_name in section
    for absent in (later, not_ours, new_case):
        assert absent.full_name not in section
    assert section.index(overdue.full_name) < section.index(due_soon.full_name)
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, reason="Management oversight work list")
    assert {e.child_id for e in listed} == {due_soon.pk, overdue.pk}


def test_a_practitioners_work_list_has_no_oversight_section(client, sign_in, csc, child):
    sign_in(_user(csc))
    assert 'id="oversight-due"' not in client.get(reverse("missing:worklist")).content.decode()


def test_the_median_is_the_middle_value_or_the_mean_of_the_middle_two():
    assert median([5, 2, 4]) == 4
    assert median([9, 7]) == 8
    assert median([]) is None


def test_a_challenge_list_shows_the_median_working_days_to_answer_and_to_resolve_over_the_whole_list(
    client, sign_in, csc, pol, child
):
    raised = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)  # Monday 1 June 2026; no bank holiday for two weeks
    answers = [dt.date(2026, 6, 3), dt.date(2026, 6, 8), dt.date(2026, 6, 5)]  # 2, 5 and 4 working days
    resolutions = [dt.date(2026, 6, 10), dt.date(2026, 6, 12), None]  # 7 and 9 working days
    for answered, resolved in zip(answers, resolutions, strict=True):
        challenge = challenge_make(child=child, raising_agency=csc, to_agency=pol)

        def at(day):
            return dt.datetime.combine(day, dt.time(14), tzinfo=dt.UTC)

        Challenge.objects.filter(pk=challenge.pk).update(
            raised_at=raised,
            first_responded_at=at(answered),
            resolved_at=at(resolved) if resolved else None,
            outcome="Agreed." if resolved else "",
        )
    challenge_make(child=child, raising_agency=csc, to_agency=pol, days_ago=400)  # outside the period
    sign_in(_user(csc, RoleCode.LEADER))
    response = client.get(
        reverse("oversight:figure", kwargs={"key": "challenges-raised"}), {"start": "2026-05-01", "end": "2026-07-01"}
    )
    body = response.content.decode()
    assert "Median time to the first answer: 4 working days (3 answered)." in body
    assert "Median time to resolve: 8 working days (2 resolved)." in body
    assert body.count('<tr class="govuk-table__row">') == 1 + 3  # the heading and the three raised in the period
