from datetime import date
from typing import Any

from django import forms

from joinedup.web.forms import FormulaRefusingForm

from .models import ProfileFrequency, ScheduleVersions
from .services import this_quarter

# The longest period a profile covers.
LONGEST_DAYS = 366


class GenerateForm(FormulaRefusingForm):
    """The coordinator asks for a profile: the period (this quarter by default), the version or both, and their own
    analysis."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="To (included)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    versions = forms.ChoiceField(
        label="Version", choices=ScheduleVersions.choices, initial=ScheduleVersions.BOTH, widget=forms.RadioSelect
    )
    analysis = forms.CharField(
        label="Your analysis",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "What the figures mean and what the partnership should do. It goes into both versions: name no child "
            "or adult. The sanitised version is not published if it holds a name or other personal data."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        start, end = this_quarter()
        self.fields["start"].initial = start
        self.fields["end"].initial = end

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The period must end on or after the day it starts")
            elif (end - start).days >= LONGEST_DAYS:
                self.add_error("end", "A profile covers at most a year")
        return cleaned


class ScheduleForm(FormulaRefusingForm):
    """How often a schedule makes the profile, and which versions."""

    frequency = forms.ChoiceField(
        label="How often",
        choices=ProfileFrequency.choices,
        initial=ProfileFrequency.QUARTERLY,
        widget=forms.RadioSelect,
        help_text="A profile is made for each quarter (or month) once it has ended.",
    )
    versions = forms.ChoiceField(
        label="Version", choices=ScheduleVersions.choices, initial=ScheduleVersions.BOTH, widget=forms.RadioSelect
    )
