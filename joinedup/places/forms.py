from django import forms

from joinedup.web.forms import FormulaRefusingForm


class DecisionForm(FormulaRefusingForm):
    reason = forms.CharField(
        label="Why (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
