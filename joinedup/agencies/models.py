from django.db import models


class AgencyKind(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    PROBATION = "probation", "Probation"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"


class Agency(models.Model):
    """A partner agency of the safeguarding partnership, e.g. the borough's police (code `POL`)."""

    code = models.CharField(max_length=12, unique=True, help_text="Short code used in extracts, e.g. POL.")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team within an agency. Duty teams receive alerts for children their agency is involved with."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    is_duty_team = models.BooleanField(default=False)
    return_interviews = models.BooleanField(
        "return home interview service",
        default=False,
        help_text="The team holds the area's return home interviews: every open interview is on its work list, "
        "whoever owns it, and it may be given interviews.",
    )
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code})"
