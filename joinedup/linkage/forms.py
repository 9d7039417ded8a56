from typing import Any

from django import forms

from joinedup.children.models import Child, Sex
from joinedup.web.forms import FormulaRefusingForm

from .models import DecisionKind


class DecisionForm(FormulaRefusingForm):
    decision = forms.ChoiceField(
        label="Are these the same person?", choices=DecisionKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class UndoForm(FormulaRefusingForm):
    reason = forms.CharField(
        label="Why is this record not the same person?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ConnectForm(FormulaRefusingForm):
    """Asking to be connected to a child who may already be known: the details as typed, and why."""

    given_name = forms.CharField(max_length=100)
    family_name = forms.CharField(max_length=100)
    other_names = forms.CharField(max_length=300, required=False, label="Other names (optional)")
    date_of_birth = forms.DateField(
        required=False, label="Date of birth (optional)", help_text="For example, 2010-03-27"
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    postcode = forms.CharField(max_length=10, required=False, label="Postcode (optional)")
    la_child_id = forms.CharField(max_length=20, required=False, label="Local authority child id (optional)")
    involvement_reason = forms.CharField(max_length=300, required=False, label="Why your agency is involved (optional)")
    reason = forms.CharField(
        label="Why do you need to be connected to this child?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ConnectionDecisionForm(FormulaRefusingForm):
    """The coordinator's answer to a connection request: one of the matching children, or a new child."""

    NEW = "new"

    answer = forms.ChoiceField(label="Who is this child?", widget=forms.RadioSelect)
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, children: list[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(child.pk), f"{child.full_name}, born {child.date_of_birth_shown}") for child in children]
        answer = self.fields["answer"]
        assert isinstance(answer, forms.ChoiceField)  # noqa: S101 - declared above
        answer.choices = [*choices, (self.NEW, "None of these: record a new child")]
