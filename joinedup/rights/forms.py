from django import forms

from joinedup.web.forms import FormulaRefusingForm


class SubjectAccessForm(FormulaRefusingForm):
    reason = forms.CharField(
        label="The request this answers",
        help_text="Who asked (the child, or someone on their behalf), when, and your reference.",
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        max_length=2000,
    )
