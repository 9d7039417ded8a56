"""Case audits: the audit tool (kept as data, versioned), rounds that draw a sample of cases, each child's audit
with its grades, the child's and family's experience, learning points tagged with themes, and actions."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup import dates
from joinedup.agencies.models import Agency
from joinedup.children.models import Child


class Grade(models.TextChoices):
    """Ofsted's grades, best first."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class ThemeKind(models.TextChoices):
    PRACTICE = "practice", "Practice"
    OTHER_RISK = "other_risk", "Link between exploitation and another risk"


class Theme(models.Model):
    """A learning theme a learning point is tagged with: about practice (information sharing, the voice of the
    child) or a link between exploitation and another risk (domestic abuse, going missing, online harm)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=ThemeKind.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "name"]

    def __str__(self) -> str:
        return self.name


class AuditTool(models.Model):
    """One version of an audit tool. A change is a new version (a new row); an audit keeps the version it used,
    so its grades still read against the questions it was asked."""

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    in_force = models.BooleanField(default=False)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="audit_tool_name_version"),
            models.UniqueConstraint(fields=["name"], condition=models.Q(in_force=True), name="audit_tool_one_in_force"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"


class AuditQuestion(models.Model):
    """A question of a tool version, in order, with guidance for the auditors and the grades it may be given."""

    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="questions")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    scale = models.JSONField(help_text="The grades this question may be given, best first (Grade values).")

    class Meta:
        ordering = ["tool", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "order"], name="audit_question_order"),
            models.UniqueConstraint(fields=["tool", "code"], name="audit_question_code"),
        ]

    def __str__(self) -> str:
        return self.text

    def scale_choices(self) -> list[tuple[str, str]]:
        return [(value, Grade(value).label) for value in self.scale]


class AuditRound(models.Model):
    """A round of case audits for a period with a theme: the sample of cases it drew is its audits. The seed
    draws the same sample again from the same eligible children."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    theme = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="rounds")
    sample_size = models.PositiveSmallIntegerField()
    high_risk_only = models.BooleanField(default=False)
    seed = models.PositiveIntegerField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end", "-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="audit_round_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme} ({dates.day(self.period_start)} to {dates.day(self.period_end)})"


class CaseAudit(models.Model):
    """The audit of one child's case: drawn into a round's sample, then graded by its auditors (from several
    agencies) against the round's tool version, with the child's and family's experience and an overall grade."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(AuditRound, on_delete=models.PROTECT, related_name="audits")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="case_audits")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="audits")
    auditors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_audits")
    audited_on = models.DateField(null=True, blank=True)
    overall_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    child_experience = models.TextField("the child's and family's experience", blank=True)
    child_spoken_to = models.BooleanField("the child was spoken to", default=False)
    family_spoken_to = models.BooleanField("the family was spoken to", default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["round", "pk"]
        indexes = [models.Index(fields=["completed_at"], name="case_audit_completed")]
        constraints = [
            models.UniqueConstraint(fields=["round", "child"], name="case_audit_once_a_round"),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True) | ~models.Q(overall_grade=""),
                name="case_audit_completed_graded",
            ),
        ]

    def __str__(self) -> str:
        return f"Case audit ({self.round.theme})"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class QuestionGrade(models.Model):
    """The auditors' grade for one question of the tool, with their comment."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="grades")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=24, choices=Grade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["audit", "question__order"]
        constraints = [models.UniqueConstraint(fields=["audit", "question"], name="question_grade_once")]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.get_grade_display()}"


class LearningPoint(models.Model):
    """What the partnership learns from the audit, tagged with the learning themes it touches."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.PROTECT, related_name="learning_points")
    text = models.TextField("learning point")
    themes = models.ManyToManyField(Theme, related_name="learning_points")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["audit", "recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class AuditAction(models.Model):
    """An action the audit asks of an agency, by a date; done when the agency reports it done."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.PROTECT, related_name="actions")
    what = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["done_at", "due"], name="audit_action_open_due")]

    def __str__(self) -> str:
        return f"Action for {self.owner_agency.code} by {dates.day(self.due)}"
