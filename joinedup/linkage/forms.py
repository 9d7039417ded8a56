from django import forms

from .models import DecisionKind


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?", choices=DecisionKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class UndoForm(forms.Form):
    reason = forms.CharField(
        label="Why is this record not the same person?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
