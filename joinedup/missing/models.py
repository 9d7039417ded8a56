import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from joinedup import dates
from joinedup.agencies.models import Agency
from joinedup.children.models import Child


class EpisodeKind(models.TextChoices):
    """The SSDA903 ``MISSING`` code."""

    MISSING = "M", "Missing"
    AWAY = "A", "Away from placement without authorisation"


class RiskGrade(models.TextChoices):
    """Police risk grading of a missing person (College of Policing APP), lowest first."""

    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class MissingEpisode(models.Model):
    """A time a child was missing or away from placement, from the report to their return."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missing_episodes")
    kind = models.CharField(max_length=1, choices=EpisodeKind.choices, default=EpisodeKind.MISSING)
    started_at = models.DateTimeField(help_text="When the child was last seen or went missing.")
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_by_name = models.CharField(max_length=200, blank=True, help_text="Who reported it, e.g. the carer.")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    last_seen_place = models.CharField(max_length=300, blank=True)
    last_seen_with = models.CharField(max_length=300, blank=True)
    found_at = models.DateTimeField(null=True, blank=True)
    found_place = models.CharField(max_length=300, blank=True)
    found_with = models.CharField(max_length=300, blank=True)
    # The place records the last-seen and found text resolve to (joinedup.places); the text is kept as written.
    last_seen_place_ref = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_place_ref = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    # What the gradings say, kept by ``missing.grades.episode_grades_refresh`` whenever a grading is written (the
    # gradings stay the record): the grade now (the latest grading, whoever graded), the police's grade now (the
    # latest grading by the police or the coordinator) and when the police first graded. "" and None: none yet.
    # The oversight figures count on these columns rather than asking the gradings a row at a time.
    grade_now = models.CharField(max_length=20, choices=RiskGrade.choices, blank=True, default="")
    police_grade = models.CharField(max_length=20, choices=RiskGrade.choices, blank=True, default="")
    police_first_graded_at = models.DateTimeField(null=True, blank=True)
    # Where an episode came from an import: the agency's own id, so the same file twice changes nothing.
    source_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(returned_at__isnull=True), name="one_open_episode_per_child"
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=F("started_at")),
                name="episode_returns_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["owning_agency", "source_key"], condition=~Q(source_key=""), name="episode_source_unique"
            ),
        ]
        # The MACE agenda and the repeat-missing figures read the episodes of a recent window, then their children.
        indexes = [models.Index(fields=["started_at", "child"], name="episode_started")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {dates.when(self.started_at)}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def current_grading(self) -> "RiskGrading | None":
        return self.gradings.order_by("-graded_at", "-pk").first()


class RiskGrading(models.Model):
    """One grading of an episode's risk, with what it was based on. Re-gradings add rows; none is changed."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="gradings")
    grade = models.CharField(max_length=20, choices=RiskGrade.choices)
    rationale = models.TextField()
    information_from = models.CharField(max_length=300, blank=True, help_text="Who supplied the information, and when.")
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    graded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["graded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} at {dates.when(self.graded_at)}"


class PoliceAttendance(models.Model):
    """The police's first attendance on a missing report: when officers first visited the home or placement, and
    who. One an episode: the time to attend is measured from the report to this first visit."""

    episode = models.OneToOneField(MissingEpisode, on_delete=models.CASCADE, related_name="police_attendance")
    attended_at = models.DateTimeField("when the police first attended")
    attended_by = models.CharField("who attended", max_length=200, help_text="Officers' names or collar numbers.")
    place = models.CharField("where", max_length=300, blank=True, help_text="The home or placement visited.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Police attended {dates.when(self.attended_at)}"


class InterviewResponse(models.TextChoices):
    NOT_OFFERED = "not_offered", "Not offered yet"
    OFFERED = "offered", "Offered, waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Factor(models.TextChoices):
    """Push factors (away from home or placement) and pull factors (towards somewhere or someone)."""

    CONFLICT_AT_HOME = "push_conflict", "Push: conflict at home or in placement"
    UNHAPPY_IN_PLACEMENT = "push_placement", "Push: unhappy with the placement"
    NEGLECT_OR_ABUSE = "push_abuse", "Push: neglect or abuse at home"
    BULLYING = "push_bullying", "Push: bullying or problems at school"
    MENTAL_HEALTH = "push_mental_health", "Push: emotional or mental health"
    FAMILY_OR_FRIENDS = "pull_family_friends", "Pull: to see family or friends"
    PARTNER_OR_ADULT = "pull_adult", "Pull: an older person or adult of concern"
    EXPLOITATION = "pull_exploitation", "Pull: exploitation (sexual or criminal)"
    SUBSTANCES = "pull_substances", "Pull: alcohol or drugs offered"
    GIFTS_OR_MONEY = "pull_gifts", "Pull: gifts, money or travel"


class ReturnInterview(models.Model):
    """The independent return home interview after an episode, due 72 hours after the child returns."""

    episode = models.OneToOneField(MissingEpisode, on_delete=models.CASCADE, related_name="interview")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="return_interviews",
        help_text="Who makes sure the interview happens; it appears on their work list.",
    )
    due_at = models.DateTimeField()
    response = models.CharField(max_length=20, choices=InterviewResponse.choices, default=InterviewResponse.NOT_OFFERED)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    childs_words = models.TextField("what the child said, in their own words", blank=True)
    factors = models.JSONField(default=list, blank=True)
    factors_other = models.TextField(blank=True)
    where_they_were = models.TextField(blank=True)
    # The place where the child was, if it was a place (a hotel, a park, an address): written as the practitioner
    # wrote it, and the place record it resolves to (joinedup.places). ``where_they_were`` stays the child's words.
    place_name = models.CharField("the place where the child was", max_length=300, blank=True)
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    who_they_were_with = models.TextField(blank=True)
    harm_disclosed = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Return interview due {dates.due(self.due_at)}"

    @property
    def factor_labels(self) -> list[str]:
        return [Factor(code).label for code in self.factors if code in Factor.values]


class InterviewAction(models.Model):
    """What happens next after an interview: an action with an owner, or an onward referral."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referral_to = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class PhilomenaProfile(models.Model):
    """Part 1 of the Philomena protocol: kept ready by the carer's agency, shared with police at once."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="philomena_profile")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True, help_text="Height, build, hair, distinguishing features.")
    photo = models.FileField(upload_to="philomena/", blank=True)
    associates = models.TextField(blank=True)
    addresses_and_places = models.TextField(blank=True)
    phone_and_social_media = models.TextField(blank=True)
    medical_needs = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Philomena profile of {self.child_id}"


class Alert(models.Model):
    """A notification pushed to one member of staff, e.g. that a child they work with is missing."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message
