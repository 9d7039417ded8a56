"""A crime against a child in an exploitation case, and the care of the child as a victim: the needs assessment
and support offered under the Victims' Code, the contact kept with the child whether or not they support a
prosecution, and how the investigation ended (the Home Office crime outcomes)."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.concerns.models import Concern
from joinedup.deadlines import london_date


class CrimeOutcome(models.TextChoices):
    """The Home Office crime outcomes framework: how a recorded crime's investigation ended (short titles)."""

    CHARGED = "1", "1: Charged or summonsed"
    CHARGED_ALTERNATIVE = "1A", "1A: Charged or summonsed, alternative offence"
    CAUTION_YOUTH = "2", "2: Caution, youths"
    CAUTION_YOUTH_ALTERNATIVE = "2A", "2A: Caution, youths, alternative offence"
    CAUTION_ADULT = "3", "3: Caution, adults"
    CAUTION_ADULT_ALTERNATIVE = "3A", "3A: Caution, adults, alternative offence"
    TAKEN_INTO_CONSIDERATION = "4", "4: Taken into consideration"
    OFFENDER_DIED = "5", "5: The offender has died"
    PENALTY_NOTICE = "6", "6: Penalty notice for disorder"
    CANNABIS_KHAT_WARNING = "7", "7: Cannabis or khat warning"
    COMMUNITY_RESOLUTION = "8", "8: Community resolution"
    NOT_IN_PUBLIC_INTEREST_CPS = "9", "9: Prosecution not in the public interest (CPS)"
    NOT_IN_PUBLIC_INTEREST_POLICE = "10", "10: Formal action not in the public interest (police)"
    PREVENTED_AGE = "11", "11: Prosecution prevented, suspect below the age of criminal responsibility"
    PREVENTED_SUSPECT_ILL = "12", "12: Prosecution prevented, suspect too ill"
    PREVENTED_VICTIM_ILL = "13", "13: Prosecution prevented, victim or key witness dead or too ill"
    DIFFICULTIES_NO_SUSPECT = "14", "14: Evidential difficulties: no suspect identified; victim does not support action"
    DIFFICULTIES_SUPPORTED = "15", "15: Evidential difficulties: suspect identified; victim supports action"
    DIFFICULTIES_NOT_SUPPORTED = "16", "16: Evidential difficulties: suspect identified; victim does not support action"
    TIME_LIMIT = "17", "17: Prosecution time limit expired"
    NO_SUSPECT = "18", "18: Investigation complete, no suspect identified"
    FRAUD = "19", "19: National fraud and cybercrime reporting"
    ANOTHER_BODY = "20", "20: Further action by another body or agency"
    NOT_IN_PUBLIC_INTEREST_INVESTIGATION = "21", "21: Further investigation not in the public interest"
    DIVERSION = "22", "22: Diversionary, educational or intervention activity"


# Outcomes where the police charged or summonsed: an evidence-led prosecution is one of these, pursued without the
# child's evidence.
CHARGE_OUTCOMES = frozenset({CrimeOutcome.CHARGED, CrimeOutcome.CHARGED_ALTERNATIVE})
# Outcomes that record the child (the victim) not supporting action, and the one that records their support.
NOT_SUPPORTED_OUTCOMES = frozenset({CrimeOutcome.DIFFICULTIES_NO_SUSPECT, CrimeOutcome.DIFFICULTIES_NOT_SUPPORTED})
SUPPORTED_OUTCOMES = frozenset({CrimeOutcome.DIFFICULTIES_SUPPORTED})


class ProsecutionSupport(models.TextChoices):
    NOT_ASKED = "not_asked", "Not yet asked"
    YES = "yes", "Yes"
    NO = "no", "No"


class Investigation(models.Model):
    """A crime against a child recorded by the police in an exploitation case, and its investigation.

    The child's care as a victim goes on whatever they decide about a prosecution: contact is kept while the
    investigation is open (``VictimContact``), and a prosecution may be pursued without the child's evidence
    (``evidence_led``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="crime_investigations")
    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="exploitation concern"
    )
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    crime_reference = models.CharField(max_length=50)
    offence = models.CharField(max_length=200)
    reported_at = models.DateTimeField("when the crime was reported")
    # The needs assessment is due by the end of the second working day after the report (``needs_due``): the
    # first moment it is late, kept so the figures compare times in the database.
    needs_due_before = models.DateTimeField("needs assessment late from")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    supports_prosecution = models.CharField(
        "child supports a prosecution",
        max_length=10,
        choices=ProsecutionSupport.choices,
        default=ProsecutionSupport.NOT_ASKED,
    )
    supports_prosecution_on = models.DateField("asked on", null=True, blank=True)
    outcome = models.CharField(max_length=3, choices=CrimeOutcome.choices, blank=True)
    outcome_on = models.DateField("outcome recorded on", null=True, blank=True)
    evidence_led = models.BooleanField(
        "evidence-led prosecution", default=False, help_text="Pursued without the child's evidence."
    )
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-reported_at", "pk"]
        indexes = [models.Index(fields=["child", "-reported_at"], name="investigation_child_time")]
        constraints = [
            models.UniqueConstraint(fields=["owning_agency", "crime_reference"], name="investigation_reference_once"),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome_on__isnull=False), name="investigation_outcome_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crime_reference}: {self.offence}"

    @property
    def is_open(self) -> bool:
        return self.outcome == ""

    @property
    def needs_due(self) -> date:
        """The last day in England for the needs assessment (Victims' Code: two working days after the report)."""
        return london_date(self.needs_due_before - timedelta(microseconds=1))


class NeedsAssessment(models.Model):
    """The child's needs as a victim, assessed by the police (Victims' Code, right 4)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="needs_assessments")
    assessed_at = models.DateTimeField()
    needs_found = models.TextField("needs found")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["assessed_at", "pk"]

    def __str__(self) -> str:
        return f"Needs assessed {self.assessed_at:%Y-%m-%d}"


class SupportService(models.TextChoices):
    ISVA = "isva", "ISVA or CHISVA (independent sexual violence adviser)"
    VICTIM_SUPPORT = "victim_support", "Victim support service"
    EXPLOITATION = "exploitation", "Specialist exploitation service"
    THERAPEUTIC = "therapeutic", "Therapeutic support"
    OTHER = "other", "Other"


class SupportResponse(models.TextChoices):
    WAITING = "waiting", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class SupportOffer(models.Model):
    """Support offered to the child (a referral to a support service), and the child's answer."""

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="support_offers")
    service = models.CharField(max_length=20, choices=SupportService.choices)
    offered_at = models.DateTimeField()
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    response = models.CharField(max_length=10, choices=SupportResponse.choices, default=SupportResponse.WAITING)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["offered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_service_display()} offered {self.offered_at:%Y-%m-%d}"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Message"
    THROUGH_SUPPORTER = "supporter", "Through the child's supporter (carer, ISVA)"


class VictimContact(models.Model):
    """A contact kept with the child about the investigation, and the update given: kept whether or not the child
    supports a prosecution."""

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="contacts")
    contacted_at = models.DateTimeField()
    contacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    update_given = models.TextField("update given")

    class Meta:
        ordering = ["-contacted_at", "-pk"]
        indexes = [models.Index(fields=["investigation", "-contacted_at"], name="victim_contact_time")]

    def __str__(self) -> str:
        return f"Contact {self.contacted_at:%Y-%m-%d}"
