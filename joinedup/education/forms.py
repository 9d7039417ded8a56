from typing import Any

from django import forms

from joinedup.web.forms import FormulaRefusingForm

from .models import CheckKind, CheckResult, CmeOutcome, CmeReason, RecordKind

DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
TEXT = {"class": "govuk-input"}
SHORT = {"class": "govuk-input govuk-input--width-5"}
AREA = {"class": "govuk-textarea", "rows": 4}
SELECT = {"class": "govuk-select"}


def _day(label: str, hint: str = "", required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, help_text=hint, required=required, widget=forms.DateInput(attrs=DAY))


def _choice(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.Select(attrs=SELECT))


def _text(label: str, max_length: int, hint: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, help_text=hint, required=required, widget=forms.TextInput(attrs=TEXT)
    )


def _note(label: str = "Note") -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs=AREA))


class MissingEducationForm(FormulaRefusingForm):
    school = _text("School", 200, required=True)
    starts_on = _day("Date the school told the local authority")
    reason = _choice("Why the child is missing education", [("", "Choose the reason"), *CmeReason.choices])
    last_known_address = _text("Last known address", 300)
    last_known_postcode = _text("Last known postcode", 10)
    destination = _text("Known or possible destination", 300, "Another area or country, if the family said.")
    note = _note("The school's checks so far")


class PartTimeForm(FormulaRefusingForm):
    school = _text("School", 200, required=True)
    starts_on = _day("Start date")
    ends_on = _day("Planned end date", "A part-time timetable is for a limited time, with a plan back to full time.")
    hours_per_week = forms.DecimalField(
        label="Hours a week in school", max_digits=4, decimal_places=1, widget=forms.NumberInput(attrs=SHORT)
    )
    note = _note("Why, and the plan back to full time")


class SuspensionForm(FormulaRefusingForm):
    school = _text("School", 200, required=True)
    starts_on = _day("First day of the suspension")
    ends_on = _day("Last day of the suspension")
    days = forms.IntegerField(label="School days", min_value=1, widget=forms.NumberInput(attrs=SHORT))
    note = _note()


class ExclusionForm(FormulaRefusingForm):
    school = _text("School", 200, required=True)
    starts_on = _day("Date of the permanent exclusion")
    note = _note()


class HomeEducationForm(FormulaRefusingForm):
    school = _text("School the child leaves", 200, required=True)
    starts_on = _day("Date the parent's notification was received")
    note = _note()


FORMS: dict[str, tuple[type[FormulaRefusingForm], str]] = {
    RecordKind.MISSING_EDUCATION: (MissingEducationForm, "Record a child missing education"),
    RecordKind.PART_TIME: (PartTimeForm, "Record a part-time timetable"),
    RecordKind.SUSPENSION: (SuspensionForm, "Record a suspension"),
    RecordKind.EXCLUSION: (ExclusionForm, "Record a permanent exclusion"),
    RecordKind.HOME_EDUCATION: (HomeEducationForm, "Record an elective home education notification"),
}


class CheckForm(FormulaRefusingForm):
    kind = _choice("Check made", CheckKind.choices)
    checked_on = _day("Date of the check")
    result = _choice("What it found", CheckResult.choices)
    note = _note()


class CloseForm(FormulaRefusingForm):
    outcome = _choice("Outcome", [("", "Choose the outcome"), *CmeOutcome.choices])
    outcome_detail = _text(
        "Where, or who was told",
        300,
        "The school the child was found in, the local authority told, the country, or what happened.",
    )
    closed_on = _day("Date closed")
