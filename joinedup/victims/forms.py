from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.concerns.models import Concern
from joinedup.web.forms import FormulaRefusingForm

from .models import ContactMethod, CrimeOutcome, ProsecutionSupport, SupportResponse, SupportService

WHEN = {"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}
DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
TEXT = {"class": "govuk-input"}
AREA = {"class": "govuk-textarea", "rows": 4}
SELECT = {"class": "govuk-select"}


def _when(label: str, hint: str = "UK time") -> forms.DateTimeField:
    return forms.DateTimeField(label=label, help_text=hint, widget=forms.DateTimeInput(attrs=WHEN))


def _choice(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.Select(attrs=SELECT))


class InvestigationForm(FormulaRefusingForm):
    crime_reference = forms.CharField(label="Crime reference", max_length=50, widget=forms.TextInput(attrs=TEXT))
    offence = forms.CharField(label="Offence", max_length=200, widget=forms.TextInput(attrs=TEXT))
    reported_at = _when("When the crime was reported", "UK time. The needs assessment is due two working days later.")
    concern = forms.ModelChoiceField(
        label="Exploitation concern it follows (optional)",
        queryset=Concern.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, concerns: QuerySet[Concern] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concern"]
        if concerns is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = concerns


class NeedsAssessmentForm(FormulaRefusingForm):
    assessed_at = _when("When the child's needs were assessed")
    needs_found = forms.CharField(
        label="Needs found",
        help_text="What the child needs to feel safe and supported, in their words where possible.",
        widget=forms.Textarea(attrs=AREA),
    )


class SupportOfferForm(FormulaRefusingForm):
    service = _choice("Support offered", SupportService.choices)
    offered_at = _when("When it was offered")
    response = _choice("The child's answer", SupportResponse.choices)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs=AREA))


class VictimContactForm(FormulaRefusingForm):
    contacted_at = _when("When")
    method = _choice("How", ContactMethod.choices)
    update_given = forms.CharField(label="Update given to the child", widget=forms.Textarea(attrs=AREA))


class ProsecutionSupportForm(FormulaRefusingForm):
    supports_prosecution = _choice("Does the child support a prosecution?", ProsecutionSupport.choices)
    asked_on = forms.DateField(label="Date asked", widget=forms.DateInput(attrs=DAY))


class OutcomeForm(FormulaRefusingForm):
    outcome = _choice("Crime outcome (Home Office)", [("", "Choose the outcome"), *CrimeOutcome.choices])
    outcome_on = forms.DateField(label="Date of the outcome", widget=forms.DateInput(attrs=DAY))
    evidence_led = forms.BooleanField(
        label="Evidence-led prosecution: pursued without the child's evidence",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs=AREA))
