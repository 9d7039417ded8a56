"""Sexual health screening: the flag, the concern it opens in the same transaction, who may screen, versions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.audit.services import AuditWriteFailed
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import Concern, ConcernCategory
from joinedup.language.checks import language_check
from joinedup.screening import services
from joinedup.screening.models import AgeRole, AnswerKind, Question, QuestionSet, ScreeningResponse
from joinedup.screening.scoring import AgeRules, screening_score
from joinedup.screening.services import QuestionDraft, question_set_publish, screening_record

from .factories import HealthPractitionerFactory

# Phrases that blame a child for their own exploitation; the concern a screening opens must use none of them.
VICTIM_BLAMING = [
    "boyfriend",
    "girlfriend",
    "prostitut",
    "putting themselves at risk",
    "put themselves at risk",
    "risky",
    "lifestyle",
    "choosing",
    "chose to",
    "consented",
    "consensual",
    "promiscuous",
    "sexually active",
    "willing",
]


@pytest.fixture
def nurse(db) -> User:
    return HealthPractitionerFactory.create(first_name="Lena", last_name="Nurse")


@pytest.fixture
def child(nurse: User) -> Child:
    return ChildFactory.create(owning_agency=nurse.agency, given_name="Jess")


def test_the_first_proforma_is_current_with_its_questions(db):
    current = QuestionSet.objects.get(is_current=True)
    codes = list(current.questions.values_list("code", flat=True))
    assert current.version == 1
    assert codes[:2] == ["AGE", "PARTNER_AGE"]
    assert {"GIFTS", "CHECKS_PHONE", "MISSING", "SCHOOL", "ARRANGED", "CANNOT_SAY_NO", "IMAGES"} <= set(codes)
    assert current.questions.filter(significant=True).exists()


def test_a_significant_answer_flags_the_screening_and_opens_a_cse_concern(nurse, child):
    screening = screening_record(user=nurse, child=child, answers={"AGE": 15, "CANNOT_SAY_NO": "yes"})
    assert screening.flagged and screening.referral_made
    concern = screening.concern
    assert concern is not None
    assert concern.category == ConcernCategory.CSE
    assert concern.child == child and concern.owning_agency == nurse.agency and concern.recorded_by == nurse
    assert "Jess" in concern.what_happened
    assert "may be at risk of sexual exploitation" in concern.what_happened
    assert "feel unable to say no" not in concern.what_happened.lower()  # what Jess told health stays there
    assert AuditEvent.objects.filter(kind=AuditKind.SCREENING_RECORDED, child_id=child.pk).count() == 1
    assert AuditEvent.objects.filter(kind=AuditKind.CONCERN_RECORDED, child_id=child.pk).count() == 1


def test_the_concern_describes_what_was_shared_in_neutral_child_centred_words(nurse, child):
    every_yes = {q.code: "yes" for q in Question.objects.filter(question_set__is_current=True, kind="yes_no")}
    screening = screening_record(user=nurse, child=child, answers={**every_yes, "AGE": 12, "PARTNER_AGE": 19})
    assert screening.concern is not None
    wording = screening.concern.what_happened
    for phrase in VICTIM_BLAMING:
        assert phrase not in wording.lower(), phrase
    assert language_check(wording) == []
    assert wording.startswith("Sexual health screening on")
    assert "Jess may be at risk of sexual exploitation" in wording
    assert "What other agencies can do now:" in wording
    assert f"contact {nurse.get_full_name() or nurse.get_username()} at {nurse.agency.name}" in wording
    # Nothing the young person said reaches other agencies: no finding, no age, no answer.
    for finding in screening.findings:
        assert finding not in wording
        assert finding.split(".")[0][:40] not in wording
    assert "19," not in wording and "years older" not in wording and "under 13" not in wording
    for question in Question.objects.filter(question_set__is_current=True):
        assert question.text not in wording


@pytest.mark.parametrize(
    ("young_person", "partner", "flagged"),
    [
        (15, 20, True),  # five years older
        (15, 19, True),  # an adult with a child under 16
        (16, 20, False),  # four years, and the young person is 16
        (14, 17, False),
        (12, None, True),  # under 13
        (15, None, False),
    ],
)
def test_the_age_rules_flag_an_older_partner_and_a_child_under_13(nurse, child, young_person, partner, flagged):
    screening = screening_record(user=nurse, child=child, answers={"AGE": young_person, "PARTNER_AGE": partner})
    assert screening.flagged is flagged
    assert (screening.concern is not None) is flagged


def test_a_score_over_the_threshold_flags_and_a_score_at_it_does_not(nurse, child):
    at_threshold = screening_record(user=nurse, child=child, answers={"GIFTS": "yes", "CHECKS_PHONE": "yes"})
    assert (at_threshold.score, at_threshold.flagged) == (4, False)
    over = screening_record(user=nurse, child=child, answers={"GIFTS": "yes", "CHECKS_PHONE": "yes", "SCHOOL": "yes"})
    assert (over.score, over.flagged) == (5, True)
    assert over.concern is not None
    assert "together score over the threshold" in over.concern.what_happened


def test_an_unflagged_screening_opens_no_concern(nurse, child):
    screening = screening_record(user=nurse, child=child, answers={"AGE": 16, "SCHOOL": "yes", "GIFTS": "no"})
    assert not screening.flagged and not screening.referral_made
    assert screening.concern is None
    assert not Concern.objects.filter(child=child).exists()
    assert screening.answers["SCHOOL"] == "yes" and screening.answers["IMAGES"] is None


def test_if_the_concern_cannot_be_recorded_no_screening_is_saved_either(nurse, child, monkeypatch):
    def refuse(**kwargs: object) -> Concern:
        raise DatabaseError("the database refused the concern")

    monkeypatch.setattr(services, "concern_record", refuse)
    with pytest.raises(DatabaseError):
        screening_record(user=nurse, child=child, answers={"ARRANGED": "yes"})
    assert not ScreeningResponse.objects.exists()


def test_if_the_screening_cannot_be_audited_neither_it_nor_its_concern_is_saved(nurse, child, monkeypatch):
    def refuse(**kwargs: object) -> AuditEvent:
        raise AuditWriteFailed

    monkeypatch.setattr(services, "audit_record", refuse)
    with pytest.raises(AuditWriteFailed):
        screening_record(user=nurse, child=child, answers={"ARRANGED": "yes"})
    assert not ScreeningResponse.objects.exists()
    assert not Concern.objects.exists()


def test_a_practitioner_outside_health_is_refused(db):
    social_worker = UserFactory.create(agency=AgencyFactory.create(kind=AgencyKind.CHILDRENS_SOCIAL_CARE))
    other = ChildFactory.create(owning_agency=social_worker.agency)
    with pytest.raises(PermissionDenied):
        screening_record(user=social_worker, child=other, answers={"ARRANGED": "yes"})
    assert not ScreeningResponse.objects.exists() and not Concern.objects.exists()


def test_a_health_practitioner_who_may_not_see_the_child_is_refused(nurse):
    elsewhere = ChildFactory.create()
    with pytest.raises(PermissionDenied):
        screening_record(user=nurse, child=elsewhere, answers={})


def test_a_health_manager_and_a_coordinator_may_screen(nurse, child):
    manager = HealthPractitionerFactory.create(agency=nurse.agency, roles=[RoleCode.MANAGER])
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    assert screening_record(user=manager, child=child, answers={}).practitioner == manager
    assert screening_record(user=coordinator, child=child, answers={"IMAGES": "yes", "INJURIES": "yes"}).flagged


def test_a_health_leader_is_refused(nurse, child):
    leader = HealthPractitionerFactory.create(agency=nurse.agency, roles=[RoleCode.LEADER])
    with pytest.raises(PermissionDenied):
        screening_record(user=leader, child=child, answers={})


@pytest.mark.parametrize(
    "answers",
    [{"NOT_A_QUESTION": "yes"}, {"GIFTS": "maybe"}, {"AGE": "fifteen"}, {"AGE": 140}, {"AGE": True}],
)
def test_answers_outside_the_proforma_are_refused(nurse, child, answers):
    with pytest.raises(ValidationError):
        screening_record(user=nurse, child=child, answers=answers)


def test_a_screening_in_the_future_is_refused(nurse, child):
    with pytest.raises(ValidationError):
        screening_record(user=nurse, child=child, answers={}, screened_at=timezone.now() + dt.timedelta(hours=1))


def test_a_new_version_keeps_old_screenings_on_the_questions_they_were_asked(nurse, child):
    first = screening_record(user=nurse, child=child, answers={"SCHOOL": "yes"})
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    second_version = question_set_publish(
        user=coordinator,
        name="Revised proforma",
        threshold=1,
        questions=[
            QuestionDraft(code="AGE", text="Age?", kind=AnswerKind.AGE, age_role=AgeRole.YOUNG_PERSON),
            QuestionDraft(code="SCHOOL", text="Missing school?", weight=2, finding="They are missing school."),
        ],
    )
    assert second_version.version == 2 and second_version.is_current
    assert QuestionSet.objects.filter(is_current=True).get() == second_version
    first.refresh_from_db()
    assert first.question_set.version == 1
    assert first.question_set.questions.filter(code="ARRANGED").exists()
    assert (first.score, first.flagged) == (1, False)

    later = screening_record(user=nurse, child=child, answers={"SCHOOL": "yes"})
    assert later.question_set == second_version
    assert (later.score, later.flagged) == (2, True)
    with pytest.raises(ValidationError):
        screening_record(user=nurse, child=child, answers={"ARRANGED": "yes"})
    assert AuditEvent.objects.filter(kind=AuditKind.SCREENING_QUESTIONS_PUBLISHED).count() == 1


def test_only_a_coordinator_publishes_a_proforma(nurse):
    with pytest.raises(PermissionDenied):
        question_set_publish(user=nurse, name="Mine", threshold=1, questions=[QuestionDraft("X", "X?", finding="X")])
    assert QuestionSet.objects.count() == 1


def test_a_proforma_needs_distinct_codes_and_findings(db):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    with pytest.raises(ValidationError):
        question_set_publish(
            user=coordinator, name="x", threshold=1, questions=[QuestionDraft("X", "X?", finding="x")] * 2
        )
    with pytest.raises(ValidationError):
        question_set_publish(user=coordinator, name="x", threshold=1, questions=[QuestionDraft("X", "X?")])


# Scoring on its own.
QUESTIONS = [
    QuestionDraft(code=f"Q{n}", text=f"Question {n}?", weight=weight, significant=significant, finding=f"Finding {n}")
    for n, (weight, significant) in enumerate([(1, False), (2, False), (3, False), (0, True), (2, False), (1, True)])
]


@settings(max_examples=200)
@given(
    yes=st.sets(st.sampled_from([q.code for q in QUESTIONS])),
    extra=st.sampled_from([q.code for q in QUESTIONS]),
    threshold=st.integers(min_value=0, max_value=10),
)
def test_another_yes_never_lowers_the_score_nor_clears_the_flag(yes, extra, threshold):
    def score(codes: set[str]):
        answers = dict.fromkeys(codes, "yes")
        return screening_score(QUESTIONS, answers, rules=AgeRules(), threshold=threshold)

    before, after = score(yes), score(yes | {extra})
    assert after.score >= before.score
    assert after.flagged or not before.flagged
    assert len(after.findings) >= len(before.findings)


def test_with_no_answers_nothing_is_found():
    result = screening_score(QUESTIONS, {}, rules=AgeRules(), threshold=0)
    assert (result.score, result.flagged, result.findings) == (0, False, ())


# The page.
@pytest.fixture
def page(child: Child) -> str:
    return reverse("screening:create", kwargs={"child_id": child.pk})


def test_the_page_asks_the_current_questions(nurse, page, sign_in, client):
    sign_in(nurse)
    response = client.get(page)
    assert response.status_code == 200
    assert b"Has a partner, or anyone else, given them gifts" in response.content
    assert b"version 1" in response.content


def test_posting_a_flagged_screening_shows_the_flag_and_links_to_the_concern(nurse, child, page, sign_in, client):
    sign_in(nurse)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(page, {"screened_at": now, "AGE": "14", "PARTNER_AGE": "22", "GIFTS": "yes"})
    assert response.status_code == 302
    screening = ScreeningResponse.objects.get()
    assert response["Location"] == f"{page}?saved={screening.pk}"
    shown = client.get(response["Location"])
    assert b"Flagged for referral" in shown.content
    assert reverse("children:detail", kwargs={"child_id": child.pk}).encode() in shown.content
    assert screening.concern is not None and screening.answers["AGE"] == 14


def test_posting_an_unflagged_screening_says_so(nurse, page, sign_in, client):
    sign_in(nurse)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(page, {"screened_at": now, "AGE": "16", "SCHOOL": "yes"}, follow=True)
    assert b"Not flagged" in response.content
    score = ScreeningResponse.objects.get().score
    said = f"the answers score {score} (a screening is referred when they score more than 4)"
    assert said in response.content.decode()
    assert not Concern.objects.exists()


def test_a_social_care_practitioner_cannot_open_the_screening_page(child, page, sign_in, client):
    social_worker = UserFactory.create(agency=AgencyFactory.create(), roles=[RoleCode.PRACTITIONER])
    seen = ChildFactory.create(owning_agency=social_worker.agency)
    sign_in(social_worker)
    assert client.get(reverse("screening:create", kwargs={"child_id": seen.pk})).status_code == 403
    assert client.post(reverse("screening:create", kwargs={"child_id": seen.pk}), {"AGE": "12"}).status_code == 403
    assert client.get(page).status_code == 404
    assert not ScreeningResponse.objects.exists()


def test_another_childs_screening_is_not_found_on_this_page(nurse, child, page, sign_in, client):
    other_child = ChildFactory.create(owning_agency=nurse.agency)
    elsewhere = screening_record(user=nurse, child=other_child, answers={})
    sign_in(nurse)
    assert client.get(f"{page}?saved={elsewhere.pk}").status_code == 404
    assert client.get(f"{page}?saved=not-a-uuid").status_code == 404


def test_the_childs_page_offers_screening_to_health_only(nurse, child, sign_in, client):
    sign_in(nurse)
    detail = reverse("children:detail", kwargs={"child_id": child.pk})
    assert b"Sexual health screening" in client.get(detail).content
    social_worker = UserFactory.create(agency=AgencyFactory.create(), roles=[RoleCode.PRACTITIONER])
    seen = ChildFactory.create(owning_agency=social_worker.agency)
    sign_in(social_worker)
    assert b"Sexual health screening" not in client.get(reverse("children:detail", args=[seen.pk])).content
