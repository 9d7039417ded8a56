"""Strategy discussions, the section 47 enquiries they start, and National Referral Mechanism referrals.

A strategy discussion (Working Together to Safeguard Children 2023) is held whenever there is reasonable cause to
suspect a child is suffering, or is likely to suffer, significant harm: children's social care, police and health
at least, with education and the referring agency where they can add to it. It decides whether to start a section
47 enquiry (Children Act 1989), by children's social care alone or jointly with police. The initial child
protection conference follows within 15 working days of the discussion (``deadlines.initial_conference_due``).

A National Referral Mechanism referral is made by a first responder organisation for a child who may be a victim of
trafficking or modern slavery (county lines included); the Home Office's competent authority decides on reasonable
grounds and then on conclusive grounds.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup import dates
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern
from joinedup.frontdoor.models import Contact


class StrategyDecision(models.TextChoices):
    S47_SINGLE = "s47_single", "Section 47 enquiry by children's social care"
    S47_JOINT = "s47_joint", "Section 47 enquiry jointly with police"
    OTHER_SUPPORT = "other_support", "No section 47 enquiry: other support (child in need or early help)"
    NO_FURTHER_ACTION = "nfa", "No further action"


SECTION_47_DECISIONS = (StrategyDecision.S47_SINGLE, StrategyDecision.S47_JOINT)
# The agencies a strategy discussion involves at least (Working Together 2023), and those it involves where they can
# add to it. A section 47 decision is refused unless children's social care and police took part.
EXPECTED_AGENCY_KINDS = (
    AgencyKind.CHILDRENS_SOCIAL_CARE,
    AgencyKind.POLICE,
    AgencyKind.HEALTH,
    AgencyKind.EDUCATION,
)
REQUIRED_FOR_SECTION_47 = (AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.POLICE)


class StrategyDiscussion(models.Model):
    """One strategy discussion about a child: who took part and what each agency shared, the decision and why,
    the actions agreed; for exploitation, whether it proposed the child for MACE and its disruption plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="strategy_discussions")
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategy_discussions",
        help_text="The contact to the front door whose decision routed the child here, if any.",
    )
    held_at = models.DateTimeField()
    chaired_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="Who recorded it.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    why = models.TextField("why the discussion was held")
    decision = models.CharField(max_length=14, choices=StrategyDecision.choices)
    reasons = models.TextField("reasons for the decision")
    mace_proposed_at = models.DateTimeField(null=True, blank=True)
    mace_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    mace_reason = models.TextField("why the child is proposed for MACE", blank=True)
    disruption_plan = models.TextField(blank=True)
    disruption_adult = models.ForeignKey(
        AdultOfConcern,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The adult of concern the disruption is against, where there is one.",
    )
    disruption_recorded_at = models.DateTimeField(null=True, blank=True)
    disruption_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["-held_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-held_at"], name="strategy_child_held"),
            models.Index(fields=["held_at"], name="strategy_held"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mace_proposed_at__isnull=True) | ~Q(mace_reason=""), name="strategy_mace_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Strategy discussion about {self.child_id} held {dates.when(self.held_at)}"

    @property
    def starts_section_47(self) -> bool:
        return self.decision in SECTION_47_DECISIONS


class Participant(models.Model):
    """Who took part, for which agency, in what role, and what their agency shared."""

    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=200)
    information_shared = models.TextField(blank=True)

    class Meta:
        ordering = ["agency__name", "person_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person_name="") | Q(user__isnull=False), name="strategy_participant_names_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_id}), {self.role}"

    @property
    def name(self) -> str:
        if self.person_name or self.user is None:
            return self.person_name
        return self.user.get_full_name() or self.user.get_username()


class StrategyAction(models.Model):
    """Something one person agreed to do by a date; it is a task on their work list until done."""

    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class EnquiryOutcome(models.TextChoices):
    CONFERENCE = "icpc", "Initial child protection conference"
    CHILD_IN_NEED = "cin_plan", "No conference: child in need plan"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Section47Enquiry(models.Model):
    """The section 47 enquiry a strategy discussion started, and its outcome. When the outcome is a conference,
    it is due within 15 working days of the discussion (``conference_due``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    discussion = models.OneToOneField(StrategyDiscussion, on_delete=models.PROTECT, related_name="section47")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="section47_enquiries")
    joint_with_police = models.BooleanField()
    started_on = models.DateField()
    conference_due = models.DateField(help_text="15 working days after the day of the strategy discussion.")
    outcome = models.CharField(max_length=10, choices=EnquiryOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    conference_on = models.DateField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="section47_outcome_whole",
            ),
            models.CheckConstraint(
                condition=Q(conference_on__isnull=True) | Q(outcome=EnquiryOutcome.CONFERENCE),
                name="section47_conference_only_for_conference",
            ),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry about {self.child_id} started {self.started_on:%Y-%m-%d}"

    @property
    def conference_in_time(self) -> bool | None:
        """Whether the conference was held within 15 working days; None while no conference is held."""
        if self.conference_on is None:
            return None
        return self.conference_on <= self.conference_due


class FirstResponderKind(models.TextChoices):
    """The organisations that may refer to the National Referral Mechanism for a child, as the partnership's
    agencies are kinds of them: the local authority (children's social care), police, and the charities that are
    designated first responders (a voluntary sector agency)."""

    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    CHARITY = "charity", "A charity designated as a first responder"


FIRST_RESPONDER_KINDS = {
    AgencyKind.CHILDRENS_SOCIAL_CARE: FirstResponderKind.LOCAL_AUTHORITY,
    AgencyKind.POLICE: FirstResponderKind.POLICE,
    AgencyKind.VOLUNTARY_SECTOR: FirstResponderKind.CHARITY,
}


class ExploitationType(models.TextChoices):
    CRIMINAL = "criminal", "Criminal exploitation (county lines included)"
    SEXUAL = "sexual", "Sexual exploitation"
    LABOUR = "labour", "Labour exploitation"
    DOMESTIC_SERVITUDE = "domestic_servitude", "Domestic servitude"
    OTHER = "other", "Other"


class GroundsDecision(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class NRMReferral(models.Model):
    """A referral to the National Referral Mechanism for a child, by a first responder organisation, and the
    competent authority's decisions: reasonable grounds, then (only after a positive one) conclusive grounds. No
    consent is needed for a child under 18."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="nrm_referrals")
    first_responder = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    first_responder_kind = models.CharField(max_length=16, choices=FirstResponderKind.choices)
    referred_on = models.DateField()
    exploitation_type = models.CharField(max_length=20, choices=ExploitationType.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    reasonable_grounds = models.CharField(max_length=8, choices=GroundsDecision.choices, blank=True)
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    conclusive_grounds = models.CharField(max_length=8, choices=GroundsDecision.choices, blank=True)
    conclusive_grounds_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = "NRM referral"
        constraints = [
            models.CheckConstraint(
                condition=Q(reasonable_grounds="", reasonable_grounds_on__isnull=True)
                | (~Q(reasonable_grounds="") & Q(reasonable_grounds_on__isnull=False)),
                name="nrm_reasonable_grounds_whole",
            ),
            models.CheckConstraint(
                condition=Q(conclusive_grounds="", conclusive_grounds_on__isnull=True)
                | (
                    ~Q(conclusive_grounds="")
                    & Q(conclusive_grounds_on__isnull=False)
                    & Q(reasonable_grounds=GroundsDecision.POSITIVE)
                ),
                name="nrm_conclusive_after_positive_reasonable",
            ),
        ]

    def __str__(self) -> str:
        return f"NRM referral about {self.child_id} on {self.referred_on:%Y-%m-%d}"
