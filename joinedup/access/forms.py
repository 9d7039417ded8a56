from django import forms

from joinedup.web.forms import FormulaRefusingForm

from .models import ReviewOutcome


class BreakGlassForm(FormulaRefusingForm):
    given_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"class": "govuk-input"}))
    family_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"class": "govuk-input"}))
    date_of_birth = forms.DateField(
        help_text="For example, 2010-03-27",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )
    reason = forms.CharField(
        label="Why you need access now",
        help_text="Your manager reviews every emergency access.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
    )


class ReviewForm(FormulaRefusingForm):
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}))
