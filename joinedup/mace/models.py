import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup import dates
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern, HandlingCode


class Meeting(models.Model):
    """A multi-agency child exploitation (MACE) meeting: children, adults of concern and places considered together.

    The minutes carry a handling code like intelligence: with code C they are shown
    in full only to the owning agency and the agencies the conditions name.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    held_at = models.DateTimeField()
    location = models.CharField(max_length=200)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    minutes = models.TextField(blank=True)
    minutes_handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, default=HandlingCode.PERMITTED)
    minutes_conditions = models.TextField(blank=True)
    minutes_condition_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="+",
        help_text="With code C: the agencies the conditions allow to read the minutes.",
    )

    class Meta:
        ordering = ["-held_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(minutes_handling_code="C") | ~Q(minutes_conditions=""),
                name="meeting_minutes_code_c_has_conditions",
            ),
        ]

    def __str__(self) -> str:
        return f"MACE meeting {dates.when(self.held_at)}"


class AgendaItem(models.Model):
    """One subject the meeting considers: exactly one of a child, an adult of concern or a place."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    adult = models.ForeignKey(AdultOfConcern, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    place_name = models.CharField(max_length=200, blank=True)
    place_postcode = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True, help_text="Why the subject is on the agenda.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(child__isnull=False, adult__isnull=True, place_name="")
                    | Q(child__isnull=True, adult__isnull=False, place_name="")
                    | (Q(child__isnull=True, adult__isnull=True) & ~Q(place_name=""))
                ),
                name="agenda_item_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(place_postcode="") | ~Q(place_name=""), name="agenda_item_postcode_only_with_place"
            ),
            models.UniqueConstraint(
                fields=["meeting", "child"], condition=Q(child__isnull=False), name="agenda_child_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting", "adult"], condition=Q(adult__isnull=False), name="agenda_adult_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        if self.child_id is not None:
            return f"Child: {self.child}"
        if self.adult_id is not None:
            return f"Adult of concern: {self.adult}"
        postcode = f", {self.place_postcode}" if self.place_postcode else ""
        return f"Place: {self.place_name}{postcode}"

    @property
    def kind(self) -> str:
        if self.child_id is not None:
            return "child"
        return "adult" if self.adult_id is not None else "place"


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.ATTENDED)

    class Meta:
        ordering = ["agency__name", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person_name="") | Q(user__isnull=False), name="attendance_names_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code}): {self.get_status_display()}"

    @property
    def name(self) -> str:
        if self.person_name or self.user is None:
            return self.person_name
        return self.user.get_full_name() or self.user.get_username()


class Decision(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Action(models.Model):
    """Something one person agreed to do, by a date; open actions appear on the owner's work list."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The subject it is about; empty for an action about the meeting as a whole.",
    )
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mace_actions")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
