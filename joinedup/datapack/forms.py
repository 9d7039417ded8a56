from datetime import date

from django import forms
from django.utils import timezone

from joinedup.deadlines import london_date
from joinedup.web.forms import FormulaRefusingForm

EARLIEST_AS_AT = date(2000, 1, 1)


def london_today() -> date:
    return london_date(timezone.now())


class DataPackForm(FormulaRefusingForm):
    as_at = forms.DateField(
        label="Date",
        required=False,
        help_text="The last day of the 12 months the pack covers, for example 2026-03-31. Blank: today.",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["as_at"].initial = london_today()

    def clean_as_at(self) -> date:
        as_at: date | None = self.cleaned_data.get("as_at")
        today = london_today()
        if as_at is None:
            return today
        if as_at > today:
            raise forms.ValidationError("The date must be today or in the past.")
        if as_at < EARLIEST_AS_AT:
            raise forms.ValidationError("The date must be 1 January 2000 or later.")
        return as_at
