from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Length, Replace, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from joinedup.agencies.models import Agency, AgencyKind
from joinedup.children.models import Child, ChronologyEntry


def _whitespace_as_spaces(field: str) -> Replace:
    # TRIM removes only spaces on SQLite and PostgreSQL: tabs and line breaks count as blank too.
    expression = Replace(field, Value("\t"), Value(" "))
    for blank in ("\n", "\r"):
        expression = Replace(expression, Value(blank), Value(" "))
    return expression


class LawfulBasis(models.TextChoices):
    UK_GDPR_PUBLIC_TASK = "uk_gdpr_6_1_e", "UK GDPR Article 6(1)(e) public task"
    UK_GDPR_LEGAL_OBLIGATION = "uk_gdpr_6_1_c", "UK GDPR Article 6(1)(c) legal obligation"
    UK_GDPR_VITAL_INTERESTS = "uk_gdpr_6_1_d", "UK GDPR Article 6(1)(d) vital interests"
    CHILDREN_ACT_1989_S47 = "ca1989_s47", "Children Act 1989 section 47 (enquiries)"
    CHILDREN_ACT_1989_S17 = "ca1989_s17", "Children Act 1989 section 17 (child in need)"
    CHILDREN_ACT_2004_S11 = "ca2004_s11", "Children Act 2004 section 11 (duty to safeguard)"
    CRIME_AND_DISORDER_ACT_S115 = "cda1998_s115", "Crime and Disorder Act 1998 section 115"


class SharingAgreement(models.Model):
    """A standing agreement of the partnership (data, not code) that pre-approves one kind of share, so the
    sharer needs no second person's approval: the Philomena protocol shares a missing looked-after child's
    profile with police. A share made under it names it instead of an approver."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    shares_with_kind = models.CharField(
        max_length=32, choices=AgencyKind.choices, help_text="The kind of agency the agreement shares with."
    )
    agreed_on = models.DateField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShareDecision(models.Model):
    """A recorded decision to share a child's information (the seventh golden rule).

    What was shared (the whole record, or one chronology entry), with which
    agency or person, on what lawful basis, for what purpose and who approved it.
    The database itself refuses a share with no lawful basis or no purpose.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="share_decisions")
    entry = models.ForeignKey(
        ChronologyEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="share_decisions",
        help_text="Empty when the whole record is shared.",
    )
    shared_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    shared_with_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="shares_received"
    )
    shared_with_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares_received",
    )
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    purpose = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Somebody other than the sharer approves a share, or a standing agreement pre-approved it (never both).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.PROTECT, related_name="+", null=True, blank=True, db_index=False
    )
    decided_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lawful_basis__in=LawfulBasis.values),
                name="share_has_a_lawful_basis",
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim(_whitespace_as_spaces("purpose"))), 0),
                name="share_has_a_purpose",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(shared_with_agency__isnull=False, shared_with_user__isnull=True)
                    | models.Q(shared_with_agency__isnull=True, shared_with_user__isnull=False)
                ),
                name="share_has_one_recipient",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(approved_by__isnull=False, agreement__isnull=True)
                    | models.Q(approved_by__isnull=True, agreement__isnull=False)
                ),
                name="share_approved_or_agreed",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("decided_by")),
                name="share_not_approved_by_sharer",
            ),
        ]

    def __str__(self) -> str:
        recipient = self.shared_with_agency or self.shared_with_user
        return f"Share of {self.child_id} with {recipient}"
