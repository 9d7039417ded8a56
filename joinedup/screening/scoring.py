"""Scoring a screening: a pure function of the question set and the answers, so it can be tested on its own."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .models import AgeRole, Answer, AnswerKind


class QuestionLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def age_role(self) -> str: ...
    @property
    def weight(self) -> int: ...
    @property
    def significant(self) -> bool: ...
    @property
    def finding(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class AgeRules:
    age_gap_years: int = 5
    adult_age: int = 18
    age_of_consent: int = 16
    always_refer_under: int = 13


@dataclass(frozen=True)
class ScreeningResult:
    score: int
    flagged: bool
    # What the young person shared that matters, in the neutral words written into the concern.
    findings: tuple[str, ...]
    significant: bool
    over_threshold: bool


def _age(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def age_findings(young_person: int | None, partner: int | None, rules: AgeRules) -> list[str]:
    """The age rules: each met rule is a significant finding."""
    findings = []
    if young_person is not None and young_person < rules.always_refer_under:
        findings.append(
            f"The young person is {young_person}. A child under {rules.always_refer_under} "
            "cannot consent to sexual activity in law."
        )
    if young_person is not None and partner is not None:
        gap = partner - young_person
        if gap >= rules.age_gap_years:
            findings.append(
                f"The young person is {young_person} and their partner is {partner}, {gap} years older. "
                "An age gap like this can give the older person power over them."
            )
        elif partner >= rules.adult_age and young_person < rules.age_of_consent:
            findings.append(
                f"The young person is {young_person} and their partner is an adult of {partner}. "
                f"A child under {rules.age_of_consent} cannot consent to sexual activity in law."
            )
    return findings


def screening_score(
    questions: Iterable[QuestionLike], answers: Mapping[str, object], *, rules: AgeRules, threshold: int
) -> ScreeningResult:
    """Score the answers: each yes adds its question's weight; a significant yes or a met age rule flags at once.

    The screening is flagged when anything significant is found or the score is over the threshold.
    """
    score = 0
    significant = False
    findings: list[str] = []
    ages: dict[str, int | None] = {}
    for question in questions:
        answer = answers.get(question.code)
        if question.kind == AnswerKind.AGE:
            if question.age_role in (AgeRole.YOUNG_PERSON, AgeRole.PARTNER):
                ages[question.age_role] = _age(answer)
            continue
        if answer != Answer.YES:
            continue
        score += question.weight
        significant = significant or question.significant
        findings.append(question.finding or f"Answered yes: {question.text}")
    by_age = age_findings(ages.get(AgeRole.YOUNG_PERSON), ages.get(AgeRole.PARTNER), rules)
    findings = by_age + findings
    over_threshold = score > threshold
    flagged = significant or bool(by_age) or over_threshold
    return ScreeningResult(
        score=score,
        flagged=flagged,
        findings=tuple(findings),
        significant=significant or bool(by_age),
        over_threshold=over_threshold,
    )
