from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.agencies.models import Agency
from joinedup.web.forms import FormulaRefusingForm

from .models import ChallengeAbout

TEXTAREA = {"class": "govuk-textarea", "rows": 4}


class OversightNoteForm(FormulaRefusingForm):
    reviewed = forms.CharField(
        label="What you reviewed",
        help_text="For example the chronology, the latest risk assessment, the plan and contact with the child.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    decided = forms.CharField(
        label="What you decided", help_text="Actions, who does them and by when.", widget=forms.Textarea(attrs=TEXTAREA)
    )
    next_due = forms.DateField(
        label="Next oversight by",
        required=False,
        help_text="Leave empty for 28 days from today; an earlier date if the case needs it.",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )


class ChallengeForm(FormulaRefusingForm):
    to_agency = forms.ModelChoiceField(
        label="Agency you are challenging",
        queryset=Agency.objects.none(),
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    about = forms.ChoiceField(
        label="About", choices=ChallengeAbout.choices, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    what = forms.CharField(
        label="What you are challenging and why",
        help_text="Keep to the child's needs and the decision or delay; the other agency sees this.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        if agencies is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = agencies


class ResponseForm(FormulaRefusingForm):
    response = forms.CharField(label="Your agency's answer", widget=forms.Textarea(attrs=TEXTAREA))


class EscalateForm(FormulaRefusingForm):
    why = forms.CharField(label="Why you are escalating", widget=forms.Textarea(attrs=TEXTAREA))


class ResolveForm(FormulaRefusingForm):
    outcome = forms.CharField(label="How it was resolved", widget=forms.Textarea(attrs=TEXTAREA))
