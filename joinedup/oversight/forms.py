from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency, Team
from joinedup.web.forms import FormulaRefusingForm

from .figures import Filters, default_filters, scope_agency
from .models import Direction

DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}
SELECT = {"class": "govuk-select"}
NUMBER = "govuk-input govuk-input--width-5"
TEXTAREA = {"class": "govuk-textarea", "rows": "3"}
# The longest period one page counts over.
MAX_PERIOD_DAYS = 366 * 5


class FiltersForm(FormulaRefusingForm):
    """The dashboard's filters, read from the query string. A team manager's figures are their own agency's."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs=DATE))
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(), required=False, empty_label="Every agency", widget=forms.Select(attrs=SELECT)
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("agency"),
        required=False,
        empty_label="Every team",
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, data: Any, *, user: User) -> None:
        defaults = default_filters()
        merged = {"start": defaults.start.isoformat(), "end": defaults.end.isoformat(), **data.dict()}
        super().__init__(merged)
        self.fixed_agency = scope_agency(user)
        if self.fixed_agency is not None:
            del self.fields["agency"]
            self.fields["team"].queryset = Team.objects.filter(agency=self.fixed_agency)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", "The end of the period must be on or after its start.")
            elif end - start > timedelta(days=MAX_PERIOD_DAYS):
                self.add_error("start", "Choose a period of five years or less.")
        agency, team = cleaned.get("agency") or self.fixed_agency, cleaned.get("team")
        if team is not None and agency is not None and team.agency_id != agency.pk:
            self.add_error("team", "Choose a team of the agency chosen.")
        return cleaned

    def filters(self) -> Filters:
        """The filters asked for; the defaults for anything not valid (the errors are shown beside the form)."""
        if not self.is_valid():
            raise ValidationError("The filters are not valid.")
        data = self.cleaned_data
        return Filters(
            start=data["start"], end=data["end"], agency=data.get("agency") or self.fixed_agency, team=data.get("team")
        )


def _figure_choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    from .figures import FIGURES

    choices = [(figure.key, f"{figure.section}: {figure.label}") for figure in FIGURES]
    return ([("", blank)] if blank is not None else []) + choices


class GoalForm(FormulaRefusingForm):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "govuk-input"}))
    numerator = forms.ChoiceField(label="The figure counted", choices=(), widget=forms.Select(attrs=SELECT))
    denominator = forms.ChoiceField(
        label="As a percentage of",
        required=False,
        choices=(),
        widget=forms.Select(attrs=SELECT),
        help_text="Leave as none to count the figure itself.",
    )
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.Select(attrs=SELECT))
    target = forms.DecimalField(
        min_value=0,
        max_digits=8,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    owner_agency = forms.ModelChoiceField(
        label="Agency that owns it", queryset=Agency.objects.all(), widget=forms.Select(attrs=SELECT)
    )
    why = forms.CharField(
        label="Why the partnership set it",
        required=False,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["numerator"].choices = _figure_choices()  # type: ignore[attr-defined]
        self.fields["denominator"].choices = _figure_choices(blank="None: count the figure")  # type: ignore[attr-defined]


class RetireForm(FormulaRefusingForm):
    reason = forms.CharField(
        label="Why it is retired", widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3})
    )
