from django import forms

from joinedup.web.forms import FormulaRefusingForm

from .models import Tactic

TEXT = {"class": "govuk-input"}
AREA = {"class": "govuk-textarea", "rows": 4}
DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}


class AdultForm(FormulaRefusingForm):
    name = forms.CharField(widget=forms.TextInput(attrs=TEXT))
    other_names = forms.CharField(
        label="Other names",
        required=False,
        help_text="Aliases and street names; separate with ;",
        widget=forms.TextInput(attrs=TEXT),
    )
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=forms.DateInput(attrs=DAY))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs=AREA))


class DisruptionForm(FormulaRefusingForm):
    tactic = forms.ChoiceField(
        choices=[("", "Choose the tactic"), *Tactic.choices], widget=forms.Select(attrs={"class": "govuk-select"})
    )
    taken_on = forms.DateField(label="Date", widget=forms.DateInput(attrs=DAY))
    outcome = forms.CharField(widget=forms.Textarea(attrs=AREA))
    child_references = forms.CharField(
        label="Linked children (optional)",
        required=False,
        help_text="Local authority ids or record ids, separated with ;. Leave empty where no child is linked.",
        widget=forms.TextInput(attrs=TEXT),
    )
