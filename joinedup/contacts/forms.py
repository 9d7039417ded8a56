from django import forms
from django.utils import timezone

from joinedup.web.forms import FormulaRefusingForm

from .models import ContactMethod, ContactOutcome

SELECT = {"class": "govuk-select"}


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ContactAttemptForm(FormulaRefusingForm):
    attempted_at = forms.DateTimeField(
        label="When you tried to make contact",
        help_text="UK time",
        initial=_now_local,
        widget=forms.DateTimeInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}),
    )
    method = forms.ChoiceField(label="How", choices=ContactMethod.choices, widget=forms.Select(attrs=SELECT))
    outcome = forms.ChoiceField(
        label="What happened", choices=ContactOutcome.choices, widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(
        label="Note",
        required=False,
        help_text="Seen only within your agency and by the partnership's coordinators.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )
