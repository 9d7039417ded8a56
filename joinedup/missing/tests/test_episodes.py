"""Missing episodes from report to return home interview, with the alerts, flags and work lists around them.

The world: Jordan, looked after by children's social care (SC, who own the
record) and placed with a fostering agency (FOS, the carer's agency); police
(POL) are involved too. The health trust (HLT) is not. SC and POL each have a
duty team, which is alerted when Jordan goes missing; HLT's duty team is not.
The clock stands at 10:00 BST on Friday 12 June 2026 unless a test moves it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.utils.datastructures import MultiValueDict

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory, TeamFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory, InvolvementFactory
from joinedup.missing import selectors, services
from joinedup.missing.forms import PhilomenaForm
from joinedup.missing.models import (
    Alert,
    EpisodeKind,
    Factor,
    InterviewResponse,
    MissingEpisode,
    PhilomenaProfile,
    ReturnInterview,
    RiskGrade,
)
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory
from joinedup.sharing.models import LawfulBasis, ShareDecision

NOW = datetime(2026, 6, 12, 9, 0, tzinfo=UTC)  # 10:00 BST
WENT_MISSING = datetime(2026, 6, 11, 21, 30, tzinfo=UTC)  # 22:30 BST the evening before
RATIONALE = "Not returned to placement; has been seen with older males; phone switched off"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32


@dataclass
class World:
    social_care: Agency
    police: Agency
    fostering: Agency
    health: Agency
    child: Child
    key_worker: User
    sc_duty: User
    sc_colleague: User
    sc_manager: User
    police_officer: User
    police_duty: User
    police_manager: User
    carer_worker: User
    health_duty: User


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock) -> World:
    social_care = AgencyFactory.create(code="SC", name="Westbrook children's services")
    police = AgencyFactory.create(code="POL", name="Westbrook police", kind=AgencyKind.POLICE)
    fostering = AgencyFactory.create(code="FOS", name="Hearth fostering", kind=AgencyKind.VOLUNTARY_SECTOR)
    health = AgencyFactory.create(code="HLT", name="Westbrook health trust", kind=AgencyKind.HEALTH)
    sc_duty_team = TeamFactory.create(agency=social_care, name="Duty", is_duty_team=True, email="duty@sc.example")
    # A team with no address of its own, as most have: it must not stop the duty team's email.
    sc_lac_team = TeamFactory.create(agency=social_care, name="Looked-after children")
    police_duty_team = TeamFactory.create(agency=police, name="MASH", is_duty_team=True, email="mash@pol.example")
    police_cid = TeamFactory.create(agency=police, name="CID", email="cid@pol.example")
    health_duty_team = TeamFactory.create(agency=health, name="Duty", is_duty_team=True, email="duty@hlt.example")

    key_worker = UserFactory.create(
        username="sc.keyworker", agency=social_care, team=sc_lac_team, email="keyworker@sc.example"
    )
    child = ChildFactory.create(
        owning_agency=social_care,
        given_name="Jordan",
        family_name="Ashdown",
        key_worker=key_worker,
        looked_after=True,
        placement_agency=fostering,
    )
    InvolvementFactory.create(child=child, agency=police)
    InvolvementFactory.create(child=child, agency=fostering)
    return World(
        social_care=social_care,
        police=police,
        fostering=fostering,
        health=health,
        child=child,
        key_worker=key_worker,
        sc_duty=UserFactory.create(username="sc.duty", agency=social_care, team=sc_duty_team, email="d1@sc.example"),
        sc_colleague=UserFactory.create(
            username="sc.colleague", agency=social_care, team=sc_lac_team, email="colleague@sc.example"
        ),
        sc_manager=UserFactory.create(username="sc.manager", agency=social_care, roles=[RoleCode.MANAGER]),
        police_officer=UserFactory.create(
            username="pol.officer", agency=police, team=police_cid, email="officer@pol.example"
        ),
        police_duty=UserFactory.create(
            username="pol.duty", agency=police, team=police_duty_team, email="sergeant@pol.example"
        ),
        police_manager=UserFactory.create(username="pol.manager", agency=police, roles=[RoleCode.MANAGER]),
        carer_worker=UserFactory.create(username="fos.worker", agency=fostering, email="worker@fos.example"),
        health_duty=UserFactory.create(
            username="hlt.duty", agency=health, team=health_duty_team, email="nurse@hlt.example"
        ),
    )


def report(world: World, **overrides: Any) -> MissingEpisode:
    """Police report Jordan missing since last night, graded medium; override any argument."""
    arguments: dict[str, Any] = {
        "user": world.police_officer,
        "child": world.child,
        "started_at": WENT_MISSING,
        "grade": RiskGrade.MEDIUM,
        "rationale": RATIONALE,
        "reported_by_name": "Carer, Mrs Okafor",
        "last_seen_place": "Westbrook bus station",
        "last_seen_with": "Two older males",
    } | overrides
    if "grade" not in overrides and not policy.can_grade_missing(arguments["user"], arguments["child"]):
        arguments["grade"] = ""  # another agency reports with its reasons for concern; the police grade it
    return services.missing_episode_report(**arguments)


def returned(world: World, episode: MissingEpisode, at: datetime = NOW - timedelta(hours=1)) -> ReturnInterview:
    return services.missing_episode_return(user=world.key_worker, episode=episode, returned_at=at)


def accepted(world: World, interview: ReturnInterview) -> ReturnInterview:
    return services.return_interview_offer(
        user=world.carer_worker, interview=interview, offered_at=NOW, response=InterviewResponse.ACCEPTED
    )


def audit_kinds(child: Child) -> list[str]:
    return list(AuditEvent.objects.filter(child_id=child.pk).order_by("id").values_list("kind", flat=True))


def html(response: Any) -> str:
    return response.content.decode()


# The lifecycle -------------------------------------------------------------------------------------------


def test_reporting_a_child_missing_records_the_episode_with_its_first_grading_and_an_audit_row(world):
    episode = report(world)

    episode.refresh_from_db()
    assert episode.is_open
    assert episode.kind == EpisodeKind.MISSING
    assert (episode.started_at, episode.reported_at) == (WENT_MISSING, NOW)
    assert episode.reported_by == world.police_officer
    assert episode.owning_agency == world.police
    assert (episode.last_seen_place, episode.last_seen_with) == ("Westbrook bus station", "Two older males")
    gradings = list(episode.gradings.all())
    assert [(g.grade, g.rationale, g.graded_by) for g in gradings] == [
        (RiskGrade.MEDIUM, RATIONALE, world.police_officer)
    ]
    event = AuditEvent.objects.get(kind=AuditKind.MISSING_REPORTED)
    assert (event.actor, event.child_id, event.object_id) == (world.police_officer, world.child.pk, str(episode.pk))
    assert event.payload == {"grade": RiskGrade.MEDIUM}


def test_a_report_without_the_reasons_for_the_grade_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        report(world, rationale="   ")

    assert "rationale" in refused.value.message_dict
    assert not MissingEpisode.objects.exists()


def test_a_report_of_a_child_going_missing_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        report(world, started_at=NOW + timedelta(minutes=5))

    assert "started_at" in refused.value.message_dict


def test_re_grading_keeps_every_earlier_grading_in_order_and_the_latest_is_current(world, clock):
    episode = report(world, grade=RiskGrade.LOW, rationale="Has gone to a friend's before")
    clock.shift(timedelta(hours=2))
    services.missing_episode_regrade(
        user=world.police_duty, episode=episode, grade=RiskGrade.HIGH, rationale="Seen getting into a car with adults"
    )
    clock.shift(timedelta(hours=3))
    services.missing_episode_regrade(
        user=world.police_officer, episode=episode, grade=RiskGrade.MEDIUM, rationale="Called her sister; safe for now"
    )

    history = [(g.grade, g.graded_at, g.graded_by) for g in episode.gradings.all()]
    assert history == [
        (RiskGrade.LOW, NOW, world.police_officer),
        (RiskGrade.HIGH, NOW + timedelta(hours=2), world.police_duty),
        (RiskGrade.MEDIUM, NOW + timedelta(hours=5), world.police_officer),
    ]
    current = episode.current_grading
    assert current is not None
    assert (current.grade, current.rationale) == (RiskGrade.MEDIUM, "Called her sister; safe for now")
    assert audit_kinds(world.child).count(AuditKind.MISSING_REGRADED) == 2


def test_a_re_grade_alerts_the_same_people_as_the_report_with_the_new_grade(world):
    episode = report(world, grade=RiskGrade.LOW)
    reported = alerted(episode)
    Alert.objects.all().delete()

    services.missing_episode_regrade(
        user=world.police_officer, episode=episode, grade=RiskGrade.HIGH, rationale="Seen with adults of concern"
    )

    assert alerted(episode) == reported
    assert {a.message for a in Alert.objects.all()} == {
        "Jordan Ashdown's missing episode has been graded again: risk now high"
    }


def test_of_two_gradings_at_the_same_moment_the_one_recorded_later_is_current(world):
    episode = report(world, grade=RiskGrade.LOW)
    services.missing_episode_regrade(
        user=world.police_officer, episode=episode, grade=RiskGrade.HIGH, rationale="New intelligence"
    )

    current = episode.current_grading
    assert current is not None
    assert current.grade == RiskGrade.HIGH


def test_recording_the_child_found_keeps_when_where_and_with_whom(world):
    episode = report(world, reported_at=NOW - timedelta(hours=2))
    found_at = NOW - timedelta(minutes=30)

    services.missing_episode_found(
        user=world.police_officer, episode=episode, found_at=found_at, found_place="A flat on Mill Road", found_with="X"
    )

    episode.refresh_from_db()
    assert (episode.found_at, episode.found_place, episode.found_with) == (found_at, "A flat on Mill Road", "X")
    assert episode.is_open, "found is not yet returned"
    assert AuditKind.MISSING_FOUND in audit_kinds(world.child)


def test_a_child_cannot_be_found_before_they_went_missing(world):
    episode = report(world)

    with pytest.raises(ValidationError):
        services.missing_episode_found(user=world.police_officer, episode=episode, found_at=WENT_MISSING - timedelta(1))


def test_a_child_cannot_be_found_before_the_report_nor_return_before_they_were_found(world):
    episode = report(world, reported_at=NOW - timedelta(hours=2))

    with pytest.raises(ValidationError) as before_report:
        services.missing_episode_found(user=world.police_officer, episode=episode, found_at=NOW - timedelta(hours=3))
    assert "reported missing on 12 June 2026 at 8am (UK time)" in str(before_report.value.message_dict["found_at"])
    episode.refresh_from_db()
    assert episode.found_at is None  # nothing written

    services.missing_episode_found(user=world.police_officer, episode=episode, found_at=NOW - timedelta(hours=1))
    with pytest.raises(ValidationError) as before_found:
        services.missing_episode_return(
            user=world.police_officer, episode=episode, returned_at=NOW - timedelta(hours=1, minutes=30)
        )
    assert "found on 12 June 2026 at 9am (UK time)" in str(before_found.value.message_dict["returned_at"])
    episode.refresh_from_db()
    assert episode.returned_at is None and not ReturnInterview.objects.filter(episode=episode).exists()


def test_the_return_closes_the_episode_and_opens_an_interview_due_72_hours_later_owned_by_the_key_worker(world):
    episode = report(world)
    back = NOW - timedelta(hours=1)

    interview = services.missing_episode_return(user=world.police_officer, episode=episode, returned_at=back)

    episode.refresh_from_db()
    assert not episode.is_open
    assert episode.returned_at == back
    assert episode.found_at == back, "with no separate finding, the child was found when they returned"
    interview.refresh_from_db()
    assert interview.episode == episode
    assert interview.due_at == back + timedelta(hours=72)
    assert interview.owner == world.key_worker
    assert interview.response == InterviewResponse.NOT_OFFERED
    event = AuditEvent.objects.get(kind=AuditKind.MISSING_RETURNED)
    assert event.payload == {"due_at": interview.due_at.isoformat()}


def test_the_interview_can_be_given_to_another_owner_at_the_return(world):
    episode = report(world)

    interview = services.missing_episode_return(
        user=world.key_worker, episode=episode, returned_at=NOW, interview_owner=world.carer_worker
    )

    assert interview.owner == world.carer_worker


def test_the_interview_and_its_actions_go_only_to_those_who_do_the_work(world, sign_in):
    leader = UserFactory.create(agency=world.social_care, roles=[RoleCode.LEADER])
    administrator = UserFactory.create(agency=world.social_care, roles=[RoleCode.ADMINISTRATOR])
    episode = report(world)

    page = sign_in(world.key_worker).get(f"/missing/episodes/{episode.pk}/return/").content.decode()
    assert f'value="{world.sc_colleague.pk}"' in page and f'value="{world.sc_manager.pk}"' in page
    assert f'value="{leader.pk}"' not in page and f'value="{administrator.pk}"' not in page

    for owner in (leader, administrator):
        with pytest.raises(ValidationError) as refused:
            services.missing_episode_return(
                user=world.key_worker, episode=episode, returned_at=NOW, interview_owner=owner
            )
        assert "interview_owner" in refused.value.message_dict
    episode.refresh_from_db()
    assert episode.returned_at is None and not ReturnInterview.objects.exists()  # nothing written


def test_the_return_cannot_be_recorded_twice(world):
    episode = report(world)
    returned(world, episode)

    with pytest.raises(ValidationError, match="already recorded"):
        returned(world, episode, at=NOW)
    assert ReturnInterview.objects.count() == 1


def test_an_accepted_offer_records_who_offered_it_and_when(world):
    interview = returned(world, report(world))

    services.return_interview_offer(
        user=world.carer_worker, interview=interview, offered_at=NOW, response=InterviewResponse.ACCEPTED
    )

    interview.refresh_from_db()
    assert (interview.offered_by, interview.offered_at, interview.response) == (
        world.carer_worker,
        NOW,
        InterviewResponse.ACCEPTED,
    )
    assert AuditKind.INTERVIEW_OFFERED in audit_kinds(world.child)


def test_a_declined_offer_needs_the_reason(world):
    interview = returned(world, report(world))

    with pytest.raises(ValidationError) as refused:
        services.return_interview_offer(
            user=world.carer_worker, interview=interview, offered_at=NOW, response=InterviewResponse.DECLINED
        )
    assert "declined_reason" in refused.value.message_dict
    interview.refresh_from_db()
    assert interview.response == InterviewResponse.NOT_OFFERED

    services.return_interview_offer(
        user=world.carer_worker,
        interview=interview,
        offered_at=NOW,
        response=InterviewResponse.DECLINED,
        declined_reason="I don't want to talk about it again",
    )
    interview.refresh_from_db()
    assert (interview.response, interview.declined_reason) == (
        InterviewResponse.DECLINED,
        "I don't want to talk about it again",
    )


def test_an_offer_before_the_child_returned_is_refused(world):
    interview = returned(world, report(world), at=NOW - timedelta(hours=2))

    with pytest.raises(ValidationError) as refused:
        services.return_interview_offer(
            user=world.carer_worker,
            interview=interview,
            offered_at=NOW - timedelta(hours=3),
            response=InterviewResponse.ACCEPTED,
        )
    assert "offered_at" in refused.value.message_dict


def test_completing_the_interview_keeps_the_childs_own_words_and_the_factors(world, clock):
    interview = accepted(world, returned(world, report(world)))
    clock.shift(timedelta(hours=24))

    services.return_interview_complete(
        user=world.carer_worker,
        interview=interview,
        completed_at=NOW + timedelta(hours=23),
        childs_words="  I went to see my brother. The man said he'd get me a phone.  ",
        factors=[Factor.GIFTS_OR_MONEY, Factor.FAMILY_OR_FRIENDS, Factor.GIFTS_OR_MONEY],
        factors_other="Argument with another young person in placement",
        where_they_were="A flat on Mill Road",
        who_they_were_with="Her brother and an adult called Dee",
        harm_disclosed="None disclosed",
        next_steps="Strategy discussion",
    )

    interview.refresh_from_db()
    assert interview.completed_at == NOW + timedelta(hours=23)
    assert interview.childs_words == "I went to see my brother. The man said he'd get me a phone."
    assert interview.factors == sorted([Factor.FAMILY_OR_FRIENDS, Factor.GIFTS_OR_MONEY])
    assert interview.factor_labels == ["Pull: to see family or friends", "Pull: gifts, money or travel"]
    assert interview.factors_other == "Argument with another young person in placement"
    assert interview.who_they_were_with == "Her brother and an adult called Dee"
    assert AuditKind.INTERVIEW_COMPLETED in audit_kinds(world.child)


def test_an_unknown_factor_is_refused(world):
    interview = accepted(world, returned(world, report(world)))

    with pytest.raises(ValidationError) as refused:
        services.return_interview_complete(
            user=world.carer_worker,
            interview=interview,
            completed_at=NOW,
            childs_words="I was at a party",
            factors=[Factor.SUBSTANCES, "pull_aliens"],
        )

    assert "pull_aliens" in str(refused.value.message_dict["factors"])
    interview.refresh_from_db()
    assert interview.completed_at is None


@pytest.mark.parametrize("response", [InterviewResponse.NOT_OFFERED, InterviewResponse.OFFERED])
def test_the_interview_cannot_be_completed_before_the_child_accepts_it(world, response):
    interview = returned(world, report(world))
    if response == InterviewResponse.OFFERED:
        services.return_interview_offer(
            user=world.carer_worker, interview=interview, offered_at=NOW, response=InterviewResponse.OFFERED
        )

    with pytest.raises(ValidationError, match="accepted the interview first"):
        services.return_interview_complete(
            user=world.carer_worker, interview=interview, completed_at=NOW, childs_words="I was at a party"
        )


def test_the_interview_needs_the_childs_words(world):
    interview = accepted(world, returned(world, report(world)))

    with pytest.raises(ValidationError) as refused:
        services.return_interview_complete(
            user=world.carer_worker, interview=interview, completed_at=NOW, childs_words=" "
        )

    assert "childs_words" in refused.value.message_dict


def test_an_action_after_the_interview_has_an_owner_and_an_onward_referral(world):
    interview = accepted(world, returned(world, report(world)))

    action = services.interview_action_add(
        user=world.key_worker,
        interview=interview,
        description="Refer for exploitation screening",
        owner=world.sc_colleague,
        referral_to="Exploitation hub",
        due_on=NOW.date() + timedelta(days=7),
    )

    assert list(interview.actions.all()) == [action]
    assert (action.owner, action.referral_to) == (world.sc_colleague, "Exploitation hub")
    assert AuditKind.INTERVIEW_ACTION_ADDED in audit_kinds(world.child)


# Refusals ------------------------------------------------------------------------------------------------


def test_a_second_open_episode_for_the_child_is_refused_naming_when_they_went_missing(world):
    report(world)

    with pytest.raises(ValidationError) as refused:
        report(world, user=world.key_worker, started_at=NOW - timedelta(hours=1))

    # 21:30 UTC is 22:30 in London in June.
    assert refused.value.messages == [
        "Jordan Ashdown is already recorded as missing since 11 June 2026 at 10:30pm. Record their return on that "
        "episode first."
    ]
    assert MissingEpisode.objects.count() == 1


def test_an_episode_overlapping_a_returned_one_is_refused(world):
    earlier = report(world, started_at=NOW - timedelta(days=10))
    returned(world, earlier, at=NOW - timedelta(days=8))

    with pytest.raises(ValidationError, match="overlaps the episode from 2 June 2026 at 10am to 4 June 2026 at 10am"):
        report(world, started_at=NOW - timedelta(days=9))

    assert MissingEpisode.objects.count() == 1
    report(world, started_at=NOW - timedelta(days=7))
    assert MissingEpisode.objects.count() == 2


def test_a_report_that_started_before_a_returned_episode_and_is_still_open_overlaps_it(world):
    earlier = report(world, started_at=NOW - timedelta(days=3))
    returned(world, earlier, at=NOW - timedelta(days=2))

    with pytest.raises(ValidationError, match="overlaps"):
        report(world, started_at=NOW - timedelta(days=4))


def test_a_return_before_the_child_went_missing_is_refused(world):
    episode = report(world)

    with pytest.raises(ValidationError) as refused:
        returned(world, episode, at=WENT_MISSING - timedelta(minutes=1))

    assert refused.value.message_dict == {"returned_at": ["The return must be after the child went missing."]}
    episode.refresh_from_db()
    assert episode.is_open
    assert not ReturnInterview.objects.exists()


def test_a_return_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        returned(world, report(world), at=NOW + timedelta(hours=1))

    assert "returned_at" in refused.value.message_dict


def test_a_report_by_someone_who_cannot_see_the_child_is_refused(world):
    nurse = UserFactory.create(agency=world.health)

    with pytest.raises(PermissionDenied):
        report(world, user=nurse)

    assert not MissingEpisode.objects.exists()
    assert not Alert.objects.exists()


def test_a_partnership_leader_who_sees_the_child_but_does_not_record_cannot_report(world):
    leader = UserFactory.create(agency=world.social_care, roles=[RoleCode.LEADER])
    assert policy.can_view_child(leader, world.child)

    with pytest.raises(PermissionDenied):
        report(world, user=leader)


def test_steps_on_an_episode_are_refused_to_someone_who_cannot_see_the_child(world):
    episode = report(world)
    nurse = UserFactory.create(agency=world.health)

    with pytest.raises(PermissionDenied):
        services.missing_episode_found(user=nurse, episode=episode, found_at=NOW)
    with pytest.raises(PermissionDenied):
        services.missing_episode_return(user=nurse, episode=episode, returned_at=NOW)


# The database itself -------------------------------------------------------------------------------------


def test_the_database_refuses_two_open_episodes_for_one_child(world):
    MissingEpisodeFactory.create(child=world.child, started_at=NOW - timedelta(days=1))

    with pytest.raises(IntegrityError), transaction.atomic():
        MissingEpisode.objects.create(child=world.child, started_at=NOW, reported_at=NOW, owning_agency=world.police)

    assert MissingEpisode.objects.count() == 1


def test_the_database_allows_an_open_episode_after_a_returned_one(world):
    MissingEpisodeFactory.create(
        child=world.child, started_at=NOW - timedelta(days=2), returned_at=NOW - timedelta(days=1)
    )

    with transaction.atomic():
        MissingEpisode.objects.create(child=world.child, started_at=NOW, reported_at=NOW, owning_agency=world.police)

    assert MissingEpisode.objects.count() == 2


def test_the_database_refuses_a_return_before_the_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        MissingEpisode.objects.create(
            child=world.child,
            started_at=NOW,
            reported_at=NOW,
            returned_at=NOW - timedelta(seconds=1),
            owning_agency=world.police,
        )

    assert not MissingEpisode.objects.exists()


# Alerts --------------------------------------------------------------------------------------------------


def alerted(episode: MissingEpisode) -> set[str]:
    return set(Alert.objects.filter(episode=episode).values_list("recipient__username", flat=True))


def test_a_report_alerts_the_key_worker_and_the_duty_teams_of_the_involved_agencies_in_the_app(world):
    episode = report(world)

    assert alerted(episode) == {"sc.keyworker", "sc.duty", "pol.duty"}
    alert = Alert.objects.get(episode=episode, recipient=world.key_worker)
    assert alert.child == world.child
    assert alert.read_at is None
    assert alert.message == "Jordan Ashdown has been reported missing (risk: medium), last seen 11 June 2026 at 10:30pm"


def test_the_duty_team_of_an_agency_whose_involvement_has_ended_is_not_alerted(world):
    world.child.involvements.filter(agency=world.police).update(ended_at=NOW - timedelta(days=1))

    episode = report(world, user=world.key_worker)

    assert alerted(episode) == {"sc.keyworker", "sc.duty"}


def test_a_duty_team_member_who_does_not_work_with_children_is_not_alerted(world):
    UserFactory.create(
        username="sc.admin", agency=world.sc_duty.agency, team=world.sc_duty.team, roles=[RoleCode.ADMINISTRATOR]
    )
    UserFactory.create(
        username="sc.leader", agency=world.sc_duty.agency, team=world.sc_duty.team, roles=[RoleCode.LEADER]
    )

    assert alerted(report(world)) == {"sc.keyworker", "sc.duty", "pol.duty"}


def test_a_deactivated_duty_team_member_is_not_alerted(world):
    world.sc_duty.is_active = False
    world.sc_duty.save()

    assert alerted(report(world)) == {"sc.keyworker", "pol.duty"}


def test_a_report_emails_the_people_alerted_and_the_duty_teams_once_it_is_saved(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(world)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert set(email.to) == {
        "keyworker@sc.example",
        "d1@sc.example",
        "sergeant@pol.example",
        "duty@sc.example",
        "mash@pol.example",
    }
    assert email.subject == "joinedup: you have a new alert"
    assert "/missing/alerts/" in email.body


def test_an_alert_email_carries_nothing_personal(world, django_capture_on_commit_callbacks):
    """Email leaves the platform: it says there is an alert and links to the alerts, nothing more."""
    with django_capture_on_commit_callbacks(execute=True):
        episode = report(world, grade=RiskGrade.HIGH, reported_at=NOW - timedelta(hours=2))
        services.missing_episode_found(user=world.police_officer, episode=episode, found_at=NOW - timedelta(hours=1))

    assert len(mail.outbox) == 2
    for email in mail.outbox:
        text = f"{email.subject}\n{email.body}"
        for personal in ("Jordan", "Ashdown", "high", "medium", "Westbrook bus station", "Two older males", "risk"):
            assert personal not in text, personal
        assert settings.JOINEDUP_SITE_URL + "/missing/alerts/" in email.body


def test_the_alert_email_waits_for_the_report_to_be_committed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report(world)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_refused_report_sends_no_email(world, django_capture_on_commit_callbacks):
    report(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        report(world, started_at=NOW - timedelta(hours=1))

    assert callbacks == []
    assert Alert.objects.count() == 3, "only the first report's alerts"


def test_finding_the_child_alerts_and_emails_the_same_people(world, django_capture_on_commit_callbacks):
    episode = report(world, reported_at=NOW - timedelta(hours=2))
    Alert.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.missing_episode_found(user=world.police_officer, episode=episode, found_at=NOW - timedelta(hours=1))

    assert alerted(episode) == {"sc.keyworker", "sc.duty", "pol.duty"}
    assert (
        Alert.objects.get(recipient=world.key_worker).message == "Jordan Ashdown has been found (12 June 2026 at 9am)"
    )
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {
        "keyworker@sc.example",
        "d1@sc.example",
        "sergeant@pol.example",
        "duty@sc.example",
        "mash@pol.example",
    }
    assert mail.outbox[0].subject == "joinedup: you have a new alert"


def test_the_alert_badge_shows_the_key_workers_unread_alert_as_soon_as_someone_else_reports(world, sign_in):
    key_worker = sign_in(world.key_worker)
    badge = "/missing/alerts/badge/"
    before = key_worker.get(badge, headers={"X-Joinedup-Passive": "1"})
    assert before.status_code == 200
    assert "data-unread" not in html(before)

    police = sign_in(world.police_officer, Client())
    response = police.post(
        f"/missing/children/{world.child.pk}/report/",
        {"kind": "M", "started_at": "2026-06-11T22:30", "grade": "high", "rationale": RATIONALE},
    )
    assert response.status_code == 302

    after = key_worker.get(badge, headers={"X-Joinedup-Passive": "1"})
    assert 'data-unread="1"' in html(after)
    assert 'hx-trigger="every' in html(after), "the badge keeps polling"
    assert "Jordan" not in html(after), "the badge shows a count, not the child"


def test_opening_an_alert_marks_it_read_and_goes_to_the_episode(world, sign_in):
    episode = report(world)
    alert = Alert.objects.get(recipient=world.key_worker)
    client = sign_in(world.key_worker)

    response = client.get(f"/missing/alerts/{alert.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/missing/episodes/{episode.pk}/"
    alert.refresh_from_db()
    assert alert.read_at == NOW
    assert "data-unread" not in html(client.get("/missing/alerts/badge/"))
    assert Alert.objects.get(recipient=world.sc_duty).read_at is None, "only the key worker's own alert is read"


def test_someone_elses_alert_cannot_be_opened(world, sign_in):
    report(world)
    alert = Alert.objects.get(recipient=world.sc_duty)

    response = sign_in(world.key_worker).get(f"/missing/alerts/{alert.pk}/")

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None


def test_the_alerts_page_lists_the_users_alerts(world, sign_in):
    report(world)

    page = sign_in(world.key_worker).get("/missing/alerts/")

    assert page.status_code == 200
    assert "Jordan Ashdown has been reported missing" in html(page)


# Repeat missing ------------------------------------------------------------------------------------------


def episodes_days_ago(child: Child, *days: int) -> None:
    for ago in days:
        start = NOW - timedelta(days=ago)
        MissingEpisodeFactory.create(child=child, started_at=start, returned_at=start + timedelta(hours=5))


def test_three_episodes_within_90_days_flag_the_child_as_repeat_missing(world):
    episodes_days_ago(world.child, 89, 40, 2)

    assert selectors.repeat_missing(child=world.child) == 3


def test_two_episodes_within_90_days_do_not(world):
    episodes_days_ago(world.child, 60, 2)

    assert selectors.repeat_missing(child=world.child) is None


def test_three_episodes_spread_over_more_than_90_days_do_not(world):
    episodes_days_ago(world.child, 120, 60, 2)

    assert selectors.repeat_missing(child=world.child) is None


def test_the_flag_is_lifted_when_the_oldest_episode_leaves_the_window(world, clock):
    episodes_days_ago(world.child, 88, 40, 2)
    assert selectors.repeat_missing(child=world.child) == 3

    clock.shift(timedelta(days=3))

    assert selectors.repeat_missing(child=world.child) is None


def test_the_threshold_is_a_setting(world):
    episodes_days_ago(world.child, 60, 2)

    with override_settings(JOINEDUP_REPEAT_MISSING_COUNT=2):
        assert selectors.repeat_missing(child=world.child) == 2
    with override_settings(JOINEDUP_REPEAT_MISSING_COUNT=4):
        episodes_days_ago(world.child, 30)
        assert selectors.repeat_missing(child=world.child) is None


def test_the_childs_page_warns_of_repeat_missing_and_prompts_an_exploitation_risk_assessment(world, sign_in):
    client = sign_in(world.key_worker)
    episodes_days_ago(world.child, 60, 30)
    assert "Repeat missing" not in html(client.get(f"/children/{world.child.pk}/"))

    episodes_days_ago(world.child, 2)
    page = html(client.get(f"/children/{world.child.pk}/"))

    assert "Repeat missing: Jordan has been missing 3 times in the last 90 days" in page
    assert "exploitation risk assessment" in page


# Work list and on time or overdue ------------------------------------------------------------------------


@pytest.fixture
def overdue_interview(world) -> ReturnInterview:
    """Jordan returned four days ago; the key worker's interview was due the day before yesterday."""
    start = NOW - timedelta(days=5)
    episode = MissingEpisodeFactory.create(child=world.child, started_at=start, returned_at=start + timedelta(days=1))
    return ReturnInterviewFactory.create(episode=episode, owner=world.key_worker)


def test_an_overdue_interview_is_on_its_owners_work_list(world, overdue_interview, sign_in):
    page = sign_in(world.key_worker).get("/missing/work-list/")

    assert page.status_code == 200
    assert "Jordan Ashdown" in html(page)
    assert "Overdue" in html(page)


def test_an_overdue_interview_is_on_the_owners_agency_managers_work_list(world, overdue_interview, sign_in):
    page = sign_in(world.sc_manager).get("/missing/work-list/")

    assert "Jordan Ashdown" in html(page)
    assert "Overdue" in html(page)
    assert list(selectors.interviews_for_worklist(user=world.sc_manager)) == [overdue_interview]


def test_an_overdue_interview_is_not_on_another_agencys_managers_work_list(world, overdue_interview, sign_in):
    assert policy.can_view_child(world.police_manager, world.child), "police see Jordan, but do not own the interview"

    page = sign_in(world.police_manager).get("/missing/work-list/")

    assert "Jordan Ashdown" not in html(page)
    assert not selectors.interviews_for_worklist(user=world.police_manager).exists()


def test_an_overdue_interview_is_not_on_a_colleagues_work_list(world, overdue_interview):
    assert not selectors.interviews_for_worklist(user=world.sc_colleague).exists()


def test_an_interview_not_yet_due_is_on_the_work_list_as_due(world, sign_in):
    episode = report(world)
    returned(world, episode)

    page = html(sign_in(world.key_worker).get("/missing/work-list/"))

    assert "Jordan Ashdown" in page
    assert "Overdue" not in page


def test_a_completed_interview_leaves_the_work_list(world, overdue_interview):
    accepted(world, overdue_interview)
    services.return_interview_complete(
        user=world.key_worker, interview=overdue_interview, completed_at=NOW, childs_words="I stayed at a mate's"
    )

    assert not selectors.interviews_for_worklist(user=world.key_worker).exists()
    assert not selectors.interviews_for_worklist(user=world.sc_manager).exists()


def test_a_declined_interview_leaves_the_work_list(world, overdue_interview):
    services.return_interview_offer(
        user=world.key_worker,
        interview=overdue_interview,
        offered_at=NOW,
        response=InterviewResponse.DECLINED,
        declined_reason="Said she was fine",
    )

    assert not selectors.interviews_for_worklist(user=world.key_worker).exists()


def interview_status(client: Client, episode: MissingEpisode) -> str:
    page = html(client.get(f"/missing/episodes/{episode.pk}/"))
    start = page.index('id="interview-due"')
    return page[start : page.index("</dd>", start)]


def test_the_episode_page_shows_the_interview_due_then_overdue_as_the_deadline_passes(world, clock, sign_in):
    episode = report(world)
    back = NOW - timedelta(hours=1)
    returned(world, episode, at=back)

    clock.move_to(back + timedelta(hours=71, minutes=59))
    status = interview_status(sign_in(world.key_worker), episode)
    assert "Due" in status
    assert "Overdue" not in status
    assert "15 June 2026 at 9am" in status, "due 08:00 UTC, shown in London time"

    clock.move_to(back + timedelta(hours=72, minutes=1))
    assert "Overdue" in interview_status(sign_in(world.key_worker), episode)


def test_the_episode_page_shows_an_interview_held_in_time_as_on_time_even_after_the_deadline(world, clock, sign_in):
    episode = report(world)
    back = NOW - timedelta(hours=1)
    interview = accepted(world, returned(world, episode, at=back))
    clock.move_to(back + timedelta(hours=48))
    services.return_interview_complete(
        user=world.carer_worker, interview=interview, completed_at=back + timedelta(hours=47), childs_words="Fine"
    )

    clock.move_to(back + timedelta(days=10))
    status = interview_status(sign_in(world.key_worker), episode)

    assert "On time" in status
    assert "Late" not in status
    assert "Overdue" not in status


def test_the_episode_page_shows_an_interview_held_after_the_deadline_as_late(world, clock, sign_in):
    episode = report(world)
    back = NOW - timedelta(hours=1)
    interview = accepted(world, returned(world, episode, at=back))
    clock.move_to(back + timedelta(hours=80))
    services.return_interview_complete(
        user=world.carer_worker, interview=interview, completed_at=back + timedelta(hours=73), childs_words="Fine"
    )

    status = interview_status(sign_in(world.key_worker), episode)

    assert "Late" in status
    assert "On time" not in status


def test_the_episode_page_shows_a_declined_interview_as_declined_not_overdue(world, clock, sign_in):
    episode = report(world)
    back = NOW - timedelta(hours=1)
    interview = returned(world, episode, at=back)
    services.return_interview_offer(
        user=world.carer_worker,
        interview=interview,
        offered_at=NOW,
        response=InterviewResponse.DECLINED,
        declined_reason="Did not want to",
    )

    clock.move_to(back + timedelta(days=5))
    status = interview_status(sign_in(world.key_worker), episode)

    assert "Declined" in status
    assert "Overdue" not in status


# Philomena profiles --------------------------------------------------------------------------------------


def test_the_carers_agency_keeps_the_philomena_profile(world):
    profile = services.philomena_profile_save(
        user=world.carer_worker, child=world.child, description="Tall, short dark hair", medical_needs="Asthma"
    )

    profile.refresh_from_db()
    assert (profile.description, profile.medical_needs) == ("Tall, short dark hair", "Asthma")
    assert (profile.owning_agency, profile.updated_by) == (world.fostering, world.carer_worker)
    assert AuditKind.PHILOMENA_UPDATED in audit_kinds(world.child)


@pytest.mark.parametrize("who", ["key_worker", "police_officer", "sc_manager"])
def test_no_agency_but_the_carers_may_save_the_philomena_profile(world, who):
    with pytest.raises(PermissionDenied):
        services.philomena_profile_save(user=getattr(world, who), child=world.child, description="Tall")

    assert not PhilomenaProfile.objects.exists()


def test_with_no_carers_agency_recorded_the_owning_agency_keeps_the_profile(world):
    world.child.placement_agency = None
    world.child.save()

    services.philomena_profile_save(user=world.key_worker, child=world.child, description="Tall")

    with pytest.raises(PermissionDenied):
        services.philomena_profile_save(user=world.carer_worker, child=world.child, description="Short")
    assert PhilomenaProfile.objects.get().description == "Tall"


def test_a_child_who_is_not_looked_after_has_no_philomena_profile(world):
    world.child.looked_after = False
    world.child.save()

    with pytest.raises(PermissionDenied):
        services.philomena_profile_save(user=world.carer_worker, child=world.child, description="Tall")


def test_the_philomena_page_refuses_a_save_by_another_agency_with_403(world, sign_in):
    response = sign_in(world.key_worker).post(f"/missing/children/{world.child.pk}/philomena/", {"description": "x"})

    assert response.status_code == 403
    assert not PhilomenaProfile.objects.exists()


def test_the_carer_saves_the_philomena_profile_with_a_photo_through_the_page(world, sign_in):
    client = sign_in(world.carer_worker)

    response = client.post(
        f"/missing/children/{world.child.pk}/philomena/",
        {
            "description": "Tall, short dark hair",
            "associates": "Dee (adult)",
            "photo": SimpleUploadedFile("jordan.png", PNG, content_type="image/png"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/missing/children/{world.child.pk}/philomena/"
    profile = PhilomenaProfile.objects.get(child=world.child)
    assert (profile.description, profile.associates) == ("Tall, short dark hair", "Dee (adult)")
    photo = client.get(f"/missing/children/{world.child.pk}/philomena/photo/")
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG  # type: ignore[attr-defined]


def test_the_philomena_form_accepts_a_jpeg_photo(world):
    form = PhilomenaForm(
        {}, MultiValueDict({"photo": [SimpleUploadedFile("jordan.jpg", JPEG, content_type="image/jpeg")]})
    )

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("name", "content"),
    [("jordan.gif", GIF), ("jordan.png", b"<svg onload=alert(1)>"), ("jordan.jpg", b"%PDF-1.4 not a photo")],
)
def test_the_philomena_form_refuses_a_photo_that_is_not_a_jpeg_or_png(world, name, content):
    form = PhilomenaForm({}, MultiValueDict({"photo": [SimpleUploadedFile(name, content, content_type="image/png")]}))

    assert not form.is_valid()
    assert form.errors["photo"] == ["The photo must be a JPEG or PNG"]


def test_the_philomena_page_shows_the_photo_error_and_saves_nothing(world, sign_in):
    response = sign_in(world.carer_worker).post(
        f"/missing/children/{world.child.pk}/philomena/",
        {"description": "Tall", "photo": SimpleUploadedFile("jordan.gif", GIF, content_type="image/gif")},
    )

    assert response.status_code == 200
    assert "The photo must be a JPEG or PNG" in html(response)
    assert not PhilomenaProfile.objects.exists()


@pytest.fixture
def transport_police(world) -> Agency:
    """A second police force, not involved with Jordan."""
    return AgencyFactory.create(code="BTP", name="Transport police", kind=AgencyKind.POLICE)


def test_sharing_the_philomena_profile_from_an_open_episode_records_one_decision_per_police_force(
    world, transport_police, sign_in
):
    services.philomena_profile_save(user=world.carer_worker, child=world.child, description="Tall")
    episode = report(world)
    transport_officer = UserFactory.create(agency=transport_police)
    assert not policy.can_view_child(transport_officer, world.child)

    response = sign_in(world.key_worker).post(f"/missing/episodes/{episode.pk}/share-philomena/")

    assert response.status_code == 302
    assert response["Location"] == f"/missing/episodes/{episode.pk}/"
    decisions = ShareDecision.objects.filter(child=world.child)
    assert {d.shared_with_agency for d in decisions} == {world.police, transport_police}
    assert len(decisions) == 2
    for decision in decisions:
        assert decision.lawful_basis == LawfulBasis.UK_GDPR_VITAL_INTERESTS
        assert "Philomena" in decision.purpose
        assert (decision.shared_by_agency, decision.decided_by) == (world.social_care, world.key_worker)
        assert decision.entry is None, "the whole record"
        # Nobody approves their own share: the protocol, a standing agreement of the partnership, approved it.
        assert decision.approved_by is None
        assert decision.agreement is not None and decision.agreement.code == "philomena"
    assert policy.can_view_child(transport_officer, world.child)
    page = sign_in(world.key_worker).get(f"/children/{world.child.pk}/").content.decode()
    assert "pre-approved by The Philomena protocol, a standing agreement of the partnership" in page
    assert AuditEvent.objects.filter(kind=AuditKind.SHARE_RECORDED, child_id=world.child.pk).count() == 2


def test_police_sharing_the_profile_share_it_with_the_other_forces_only(world, transport_police):
    services.philomena_profile_save(user=world.carer_worker, child=world.child, description="Tall")
    episode = report(world)

    decisions = services.philomena_share_with_police(user=world.police_officer, episode=episode)

    assert [d.shared_with_agency for d in decisions] == [transport_police]


def test_the_episode_page_says_the_profile_was_shared_and_offers_police_only_the_other_forces(
    world, transport_police, sign_in
):
    services.philomena_profile_save(user=world.carer_worker, child=world.child, description="Tall")
    episode = report(world)
    url = f"/missing/episodes/{episode.pk}/"

    officer_page = sign_in(world.police_officer).get(url).content.decode()
    assert "Share the Philomena profile with Transport police</button>" in officer_page
    assert f"with {world.police.name}</button>" not in officer_page  # never with their own force
    assert "not shared with police during this episode" in officer_page

    sign_in(world.key_worker).post(f"{url}share-philomena/")
    page = sign_in(world.key_worker).get(url).content.decode()
    assert f"Shared with {world.police.name} on" in page and "under the Philomena protocol" in page
    assert "Shared with Transport police on" in page
    assert "Share the Philomena profile with" not in page  # shared with every force: nothing more to offer
    assert "Share the Philomena profile with" not in sign_in(world.police_officer).get(url).content.decode()


def test_sharing_the_profile_from_a_returned_episode_is_refused(world, transport_police, sign_in):
    services.philomena_profile_save(user=world.carer_worker, child=world.child, description="Tall")
    episode = report(world)
    returned(world, episode)

    with pytest.raises(PermissionDenied):
        services.philomena_share_with_police(user=world.key_worker, episode=episode)
    response = sign_in(world.key_worker).post(f"/missing/episodes/{episode.pk}/share-philomena/")

    assert response.status_code == 403
    assert not ShareDecision.objects.exists()


def test_sharing_when_there_is_no_profile_says_so(world, transport_police, sign_in):
    episode = report(world)

    response = sign_in(world.key_worker).post(f"/missing/episodes/{episode.pk}/share-philomena/", follow=True)

    assert response.status_code == 200
    assert "There is no Philomena profile to share" in html(response)
    assert not ShareDecision.objects.exists()


# The pages -----------------------------------------------------------------------------------------------


def test_reporting_through_the_page_records_the_episode_in_london_time_and_shows_it(world, sign_in):
    client = sign_in(world.police_officer)

    response = client.post(
        f"/missing/children/{world.child.pk}/report/",
        {
            "kind": EpisodeKind.AWAY,
            "started_at": "2026-06-11T22:30",
            "reported_by_name": "Carer, Mrs Okafor",
            "last_seen_place": "Westbrook bus station",
            "last_seen_with": "",
            "grade": RiskGrade.HIGH,
            "rationale": RATIONALE,
            "information_from": "Carer by phone, 23:00",
        },
    )

    episode = MissingEpisode.objects.get(child=world.child)
    assert response.status_code == 302
    assert response["Location"] == f"/missing/episodes/{episode.pk}/"
    assert episode.kind == EpisodeKind.AWAY
    assert episode.started_at == WENT_MISSING, "22:30 entered in June is 21:30 UTC"
    current = episode.current_grading
    assert current is not None
    assert (current.grade, current.information_from) == (RiskGrade.HIGH, "Carer by phone, 23:00")
    page = html(client.get(response["Location"]))
    assert "11 June 2026 at 10:30pm" in page
    assert "Westbrook bus station" in page


def test_the_report_page_shows_a_second_open_episode_as_a_clear_error(world, sign_in):
    report(world)

    response = sign_in(world.key_worker).post(
        f"/missing/children/{world.child.pk}/report/",
        {"kind": "M", "started_at": "2026-06-12T08:00", "grade": "low", "rationale": "Late home again"},
    )

    assert response.status_code == 200
    assert "already recorded as missing since 11 June 2026 at 10:30pm" in html(response)
    assert MissingEpisode.objects.count() == 1


def test_the_report_page_refuses_a_time_in_the_future_with_a_message(world, sign_in):
    response = sign_in(world.key_worker).post(
        f"/missing/children/{world.child.pk}/report/",
        {"kind": "M", "started_at": "2026-06-12T11:00", "grade": "low", "rationale": "Late home again"},
    )

    assert response.status_code == 200
    assert "must be in the past" in html(response)
    assert not MissingEpisode.objects.exists()


def test_the_report_page_of_a_child_the_user_cannot_see_is_not_found(world, sign_in):
    nurse = UserFactory.create(agency=world.health)

    response = sign_in(nurse).post(
        f"/missing/children/{world.child.pk}/report/",
        {"kind": "M", "started_at": "2026-06-12T08:00", "grade": "low", "rationale": "Late home again"},
    )

    assert response.status_code == 404
    assert not MissingEpisode.objects.exists()


def test_the_found_and_return_pages_record_the_steps_and_go_back_to_the_episode(world, sign_in):
    episode = report(world, reported_at=NOW - timedelta(hours=2))
    client = sign_in(world.police_officer)

    found = client.post(
        f"/missing/episodes/{episode.pk}/found/",
        {"found_at": "2026-06-12T08:15", "found_place": "Mill Road", "found_with": "Dee"},
    )
    back = client.post(f"/missing/episodes/{episode.pk}/return/", {"returned_at": "2026-06-12T09:45"})

    assert (found.status_code, found["Location"]) == (302, f"/missing/episodes/{episode.pk}/")
    assert (back.status_code, back["Location"]) == (302, f"/missing/episodes/{episode.pk}/")
    episode.refresh_from_db()
    assert episode.found_at == datetime(2026, 6, 12, 7, 15, tzinfo=UTC)
    assert (episode.found_place, episode.found_with) == ("Mill Road", "Dee")
    assert episode.returned_at == datetime(2026, 6, 12, 8, 45, tzinfo=UTC)
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.owner == world.key_worker
    assert interview.due_at == datetime(2026, 6, 15, 8, 45, tzinfo=UTC)


def test_the_return_page_can_name_the_interview_owner(world, sign_in):
    episode = report(world)

    response = sign_in(world.key_worker).post(
        f"/missing/episodes/{episode.pk}/return/",
        {"returned_at": "2026-06-12T09:45", "interview_owner": world.carer_worker.pk},
    )

    assert response.status_code == 302
    assert ReturnInterview.objects.get(episode=episode).owner == world.carer_worker


def test_the_return_page_shows_a_return_before_the_start_as_an_error_on_the_field(world, sign_in):
    episode = report(world)

    response = sign_in(world.key_worker).post(
        f"/missing/episodes/{episode.pk}/return/", {"returned_at": "2026-06-11T20:00"}
    )

    assert response.status_code == 200
    assert "The return must be after the child went missing." in html(response)
    episode.refresh_from_db()
    assert episode.is_open


def test_only_the_police_or_the_coordinator_grade_again_and_a_refused_grade_writes_nothing(world, sign_in):
    episode = report(world, grade=RiskGrade.HIGH)
    before = list(episode.gradings.values_list("pk", "grade"))
    Alert.objects.all().delete()

    # Social care (the key worker) and the carer's agency work with the child but do not grade the risk.
    for user in (world.key_worker, world.carer_worker):
        with pytest.raises(PermissionDenied):
            services.missing_episode_regrade(user=user, episode=episode, grade=RiskGrade.LOW, rationale="Safe now")
        page = sign_in(user).post(f"/missing/episodes/{episode.pk}/regrade/", {"grade": "low", "rationale": "Safe"})
        assert page.status_code == 403
        assert "Grade the risk again" not in html(sign_in(user).get(f"/missing/episodes/{episode.pk}/"))

    assert list(episode.gradings.values_list("pk", "grade")) == before
    assert not Alert.objects.exists()
    assert audit_kinds(world.child).count(AuditKind.MISSING_REGRADED) == 0

    coordinator = UserFactory.create(agency=world.social_care, roles=[RoleCode.COORDINATOR])
    services.missing_episode_regrade(user=coordinator, episode=episode, grade=RiskGrade.LOW, rationale="Safe now")
    assert episode.current_grading is not None and episode.current_grading.grade == RiskGrade.LOW
    assert alerted(episode) == {"sc.keyworker", "sc.duty", "pol.duty"}, "every re-grade alerts"


def test_another_agency_reports_without_a_grade_and_the_episode_waits_for_the_police_grade(world, sign_in):
    with pytest.raises(ValidationError) as refused:
        report(world, user=world.key_worker, grade=RiskGrade.LOW)
    assert refused.value.message_dict["grade"] == [services.NOT_POLICE_GRADE]
    assert not MissingEpisode.objects.exists()

    form = html(sign_in(world.key_worker).get(f"/missing/children/{world.child.pk}/report/"))
    assert "Your reasons for concern" in form and 'name="grade"' not in form

    episode = report(world, user=world.key_worker, grade="", rationale="Not back from school, phone off")
    grading = episode.current_grading
    assert grading is not None and grading.grade == RiskGrade.MEDIUM
    assert grading.rationale == (
        "Reported by Westbrook children's services without a police risk grade: graded medium until the police "
        "grade it. Reasons for concern: Not back from school, phone off"
    )
    assert alerted(episode) == {"sc.keyworker", "sc.duty", "pol.duty"}
    assert "Grade the risk again" in html(sign_in(world.police_officer).get(f"/missing/episodes/{episode.pk}/"))


def test_the_regrade_page_adds_a_grading(world, sign_in):
    episode = report(world, grade=RiskGrade.LOW)

    response = sign_in(world.police_duty).post(
        f"/missing/episodes/{episode.pk}/regrade/", {"grade": "high", "rationale": "Seen with adults of concern"}
    )

    assert response.status_code == 302
    assert [g.grade for g in episode.gradings.all()] == [RiskGrade.LOW, RiskGrade.HIGH]


def test_the_offer_and_interview_pages_record_the_interview_in_the_childs_words(world, clock, sign_in):
    episode = report(world)
    returned(world, episode, at=NOW - timedelta(hours=1))
    clock.move_to(NOW + timedelta(days=1))
    client = sign_in(world.carer_worker)

    offer = client.post(
        f"/missing/episodes/{episode.pk}/interview/offer/", {"offered_at": "2026-06-12T15:00", "response": "accepted"}
    )
    held = client.post(
        f"/missing/episodes/{episode.pk}/interview/",
        {
            "completed_at": "2026-06-13T09:30",
            "childs_words": "I went to Dee's. He said I owed him.",
            "factors": [Factor.PARTNER_OR_ADULT, Factor.EXPLOITATION],
            "where_they_were": "Mill Road",
            "harm_disclosed": "Told to carry a bag",
            "next_steps": "Strategy discussion today",
        },
    )

    assert (offer.status_code, offer["Location"]) == (302, f"/missing/episodes/{episode.pk}/")
    assert (held.status_code, held["Location"]) == (302, f"/missing/episodes/{episode.pk}/")
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.offered_by == world.carer_worker
    assert interview.offered_at == datetime(2026, 6, 12, 14, 0, tzinfo=UTC)
    assert interview.completed_at == datetime(2026, 6, 13, 8, 30, tzinfo=UTC)
    assert interview.factors == sorted([Factor.PARTNER_OR_ADULT, Factor.EXPLOITATION])
    page = html(client.get(f"/missing/episodes/{episode.pk}/"))
    assert "I went to Dee&#x27;s. He said I owed him." in page
    assert "Pull: exploitation (sexual or criminal)" in page
    assert "On time" in page


def test_the_offer_page_asks_for_the_reason_when_the_child_declines(world, sign_in):
    episode = report(world)
    returned(world, episode)

    response = sign_in(world.carer_worker).post(
        f"/missing/episodes/{episode.pk}/interview/offer/", {"offered_at": "2026-06-12T09:55", "response": "declined"}
    )

    assert response.status_code == 200
    assert "Enter why the child declined" in html(response)
    assert ReturnInterview.objects.get(episode=episode).response == InterviewResponse.NOT_OFFERED


def test_the_interview_page_before_the_child_accepts_shows_what_to_do_first(world, sign_in):
    episode = report(world)
    returned(world, episode)

    response = sign_in(world.carer_worker).post(
        f"/missing/episodes/{episode.pk}/interview/",
        {"completed_at": "2026-06-12T09:55", "childs_words": "I was fine"},
    )

    assert response.status_code == 200
    assert "Record that the child accepted the interview first." in html(response)


def test_the_interview_pages_before_the_return_are_not_found(world, sign_in):
    episode = report(world)

    response = sign_in(world.carer_worker).get(f"/missing/episodes/{episode.pk}/interview/offer/")

    assert response.status_code == 404


def test_the_action_page_adds_an_action_with_an_owner_from_an_involved_agency(world, sign_in):
    episode = report(world)
    interview = accepted(world, returned(world, episode))

    response = sign_in(world.key_worker).post(
        f"/missing/episodes/{episode.pk}/interview/action/",
        {"description": "Refer to the exploitation hub", "owner": world.carer_worker.pk, "referral_to": "Hub"},
    )

    assert response.status_code == 302
    assert [(a.description, a.owner) for a in interview.actions.all()] == [
        ("Refer to the exploitation hub", world.carer_worker)
    ]


def test_the_action_page_refuses_an_owner_from_an_agency_not_involved(world, sign_in):
    episode = report(world)
    interview = accepted(world, returned(world, episode))

    response = sign_in(world.key_worker).post(
        f"/missing/episodes/{episode.pk}/interview/action/",
        {"description": "Refer to the exploitation hub", "owner": world.health_duty.pk},
    )

    assert response.status_code == 200
    assert not interview.actions.exists()


def test_a_past_episode_can_be_recorded_for_a_child_who_has_a_later_one(world):
    later = report(world)
    services.missing_episode_return(
        user=world.police_officer, episode=later, returned_at=WENT_MISSING + timedelta(hours=4)
    )

    past = report(
        world,
        started_at=WENT_MISSING - timedelta(days=10),
        returned_at=WENT_MISSING - timedelta(days=9),
    )

    assert not past.is_open
    assert past.interview.due_at == WENT_MISSING - timedelta(days=6)
    assert MissingEpisode.objects.filter(child=world.child).count() == 2
    # An episode already over alerts nobody.
    assert not Alert.objects.filter(episode=past).exists()


def test_a_report_recorded_later_gives_when_it_was_made_and_the_child_found_after_it(world):
    episode = report(world, reported_at=NOW - timedelta(hours=4))
    assert episode.reported_at == NOW - timedelta(hours=4)
    services.missing_episode_found(user=world.police_officer, episode=episode, found_at=NOW - timedelta(hours=3))

    with pytest.raises(ValidationError) as before_seen:
        report(world, reported_at=WENT_MISSING - timedelta(hours=1))
    assert "after the child was last seen" in str(before_seen.value.message_dict["reported_at"])


def test_an_interview_with_a_place_points_at_the_place_and_the_place_shows_it(world, clock, sign_in):
    from joinedup.mapping.internals.build import graph_data_build
    from joinedup.places.services import place_resolve
    from joinedup.rights.document import subject_access_document

    hotel = place_resolve(actor=world.police_officer, name="Station Hotel", postcode="WB1 1AA", kind="hotel")
    interview = accepted(world, returned(world, report(world)))
    clock.shift(timedelta(hours=24))
    services.return_interview_complete(
        user=world.carer_worker,
        interview=interview,
        completed_at=NOW + timedelta(hours=23),
        childs_words="I stayed at the hotel by the station with Dee.",
        where_they_were="the hotel by the station, room 12",
        place_name="the Station Htl, wb11aa",
    )
    interview.refresh_from_db()
    # The place as written resolves to the one hotel; the child's words are kept as they said them.
    assert interview.place == hotel
    assert interview.place_name == "the Station Htl, wb11aa"
    assert interview.where_they_were == "the hotel by the station, room 12"
    client = sign_in(world.key_worker)
    episode_page = html(client.get(f"/missing/episodes/{interview.episode_id}/"))
    assert f'href="/places/{hotel.pk}/"' in episode_page and "the Station Htl, wb11aa" in episode_page
    place_page = html(client.get(f"/places/{hotel.pk}/"))
    assert "Where the child was (return home interview)" in place_page
    assert "Jordan" in place_page
    # The map draws the interview at the hotel, as an episode's last-seen place.
    data = graph_data_build()
    assert any(
        event["source"] == "return_interview" and f"place:id:{hotel.pk}" in event["nodes"] for event in data.events
    )
    # The subject access export holds it.
    document = subject_access_document(child=world.child)
    section = next(s for s in document.sections if s.key == "return_interviews")
    assert [f.value for f in section.items[0].fields if f.name == "place_name"] == ["the Station Htl, wb11aa"]


def test_a_private_address_recorded_at_an_interview_stays_hidden_from_those_who_may_not_see_the_child(world, clock):
    from joinedup.places.models import PlaceKind
    from joinedup.places.selectors import PRIVATE_LABEL, place_label_for
    from joinedup.places.services import place_resolve

    flat = place_resolve(
        actor=world.police_officer, name="14 Elmwood Crescent", postcode="WB3 2XY", kind=PlaceKind.PRIVATE_ADDRESS
    )
    # No child is linked to the address yet: only those who see every child may see it.
    assert place_label_for(world.key_worker, flat) == PRIVATE_LABEL
    interview = accepted(world, returned(world, report(world)))
    clock.shift(timedelta(hours=24))
    services.return_interview_complete(
        user=world.carer_worker,
        interview=interview,
        completed_at=NOW + timedelta(hours=23),
        childs_words="I was at a flat. I don't know whose.",
        place_name="14 Elmwood Crescent, WB3 2XY",
    )
    interview.refresh_from_db()
    assert interview.place == flat
    # The interview links the child to it: those who may see Jordan see the address, others do not.
    assert place_label_for(world.key_worker, flat) == "14 Elmwood Crescent, WB3 2XY"
    assert not policy.can_view_child(world.health_duty, world.child)
    assert place_label_for(world.health_duty, flat) == PRIVATE_LABEL


def test_an_interview_without_a_place_points_at_none(world, clock):
    interview = accepted(world, returned(world, report(world)))
    clock.shift(timedelta(hours=24))
    services.return_interview_complete(
        user=world.carer_worker,
        interview=interview,
        completed_at=NOW + timedelta(hours=23),
        childs_words="I was with friends.",
        where_they_were="Around town",
    )
    interview.refresh_from_db()
    assert interview.place is None and interview.place_name == ""


# The episode's summary of its gradings (missing.grades) follows each grading the services write ----------------


def _grades_stored(episode: MissingEpisode) -> tuple[str, str, object]:
    row = MissingEpisode.objects.get(pk=episode.pk)
    return row.grade_now, row.police_grade, row.police_first_graded_at


def test_a_police_report_and_its_regradings_keep_the_grade_now_and_the_first_police_grading(world: World, clock):
    episode = report(world, grade=RiskGrade.LOW)
    assert _grades_stored(episode) == (RiskGrade.LOW, RiskGrade.LOW, NOW)

    clock.shift(timedelta(hours=2))
    services.missing_episode_regrade(
        user=world.police_duty, episode=episode, grade=RiskGrade.HIGH, rationale="Seen getting into a car with adults"
    )
    assert _grades_stored(episode) == (RiskGrade.HIGH, RiskGrade.HIGH, NOW)
    assert episode.grade_now == RiskGrade.HIGH  # the caller's object follows too


def test_a_report_by_another_agency_is_held_at_medium_but_is_not_a_police_grade_until_the_police_grade_it(
    world: World, clock
):
    episode = report(world, user=world.key_worker, rationale="Not back from school; phone off")
    assert _grades_stored(episode) == (RiskGrade.MEDIUM, "", None)

    clock.shift(timedelta(minutes=40))
    services.missing_episode_regrade(
        user=world.police_officer, episode=episode, grade=RiskGrade.HIGH, rationale="Seen with adults of concern"
    )
    assert _grades_stored(episode) == (RiskGrade.HIGH, RiskGrade.HIGH, NOW + timedelta(minutes=40))
