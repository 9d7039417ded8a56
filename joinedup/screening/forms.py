from collections.abc import Iterable

from django import forms
from django.utils import timezone

from joinedup.web.forms import FormulaRefusingForm

from .models import Answer, AnswerKind, Question

ANSWERS = [("", "Not asked or not answered"), (Answer.NO, "No"), (Answer.YES, "Yes")]


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ScreeningForm(FormulaRefusingForm):
    """The proforma's questions as fields named by their codes, after when the screening took place."""

    screened_at = forms.DateTimeField(
        label="When the screening took place",
        help_text="UK time",
        initial=_now_local,
        widget=forms.DateTimeInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}),
    )

    def __init__(self, *args: object, questions: Iterable[Question], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.codes: list[str] = []
        for question in questions:
            field: forms.Field
            if question.kind == AnswerKind.AGE:
                field = forms.IntegerField(
                    label=question.text,
                    required=False,
                    min_value=0,
                    max_value=99,
                    widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
                )
            else:
                field = forms.ChoiceField(
                    label=question.text,
                    choices=ANSWERS,
                    required=False,
                    widget=forms.Select(attrs={"class": "govuk-select"}),
                )
            self.fields[question.code] = field
            self.codes.append(question.code)

    def answers(self) -> dict[str, object]:
        return {code: self.cleaned_data.get(code) for code in self.codes}
