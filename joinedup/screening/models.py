import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.concerns.models import Concern


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", "Yes or no"
    AGE = "age", "An age in years"


class AgeRole(models.TextChoices):
    """Which age a question asks for, so that the age rules of its question set can compare the two."""

    NONE = "", "Not an age"
    YOUNG_PERSON = "young_person", "The young person's age"
    PARTNER = "partner", "The partner's age"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class QuestionSet(models.Model):
    """One version of a partnership's sexual health screening proforma (in the spirit of *Spotting the Signs*).

    Data, not code: a partnership changes its questions by publishing a new version, and each
    screening keeps the version it was asked on. A screening is flagged for referral when any
    significant answer is given, when an age rule is met, or when the score is over ``threshold``.
    The age rules: a young person under ``always_refer_under`` (13: in law they cannot consent);
    a partner ``age_gap_years`` or more older; a partner aged ``adult_age`` or over with a young
    person under ``age_of_consent``.
    """

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    published_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=False)
    threshold = models.PositiveIntegerField(help_text="A score over this flags the young person for referral.")
    age_gap_years = models.PositiveIntegerField(default=5)
    adult_age = models.PositiveIntegerField(default=18)
    age_of_consent = models.PositiveIntegerField(default=16)
    always_refer_under = models.PositiveIntegerField(default=13)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_screening_question_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class Question(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="questions")
    code = models.CharField(max_length=20)
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=300, help_text="As the practitioner asks it.")
    kind = models.CharField(max_length=10, choices=AnswerKind.choices, default=AnswerKind.YES_NO)
    age_role = models.CharField(max_length=20, choices=AgeRole.choices, blank=True)
    weight = models.PositiveIntegerField(default=0, help_text="Added to the score by a yes.")
    significant = models.BooleanField(default=False, help_text="A yes flags the young person whatever the score.")
    finding = models.CharField(
        max_length=300,
        blank=True,
        help_text="What a yes means, in neutral, child-centred words, for the concern the screening opens.",
    )

    class Meta:
        ordering = ["question_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "code"], name="screening_question_code_unique_in_set"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class ScreeningResponse(models.Model):
    """One screening of a young person by a sexual health practitioner, on one question set version.

    ``answers`` maps a question's code to ``"yes"``, ``"no"``, an age, or null where the
    question was not asked; ``findings`` holds the reasons the screening was flagged, as
    written into the concern it opened.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="screenings")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="responses")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)
    score = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    findings = models.JSONField(default=list, blank=True)
    referral_made = models.BooleanField(default=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-screened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(flagged=False) | Q(referral_made=True, concern__isnull=False),
                name="flagged_screening_is_referred",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening of {self.child_id} on {self.screened_at:%Y-%m-%d}"
