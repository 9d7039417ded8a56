from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import slugify

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.web.forms import FormulaRefusingForm, ModelMultipleChoiceField

from .models import AuditQuestion, Grade, Theme
from .services import MOST_IN_A_SAMPLE, QuestionSpec

TEXTAREA = {"class": "govuk-textarea", "rows": 4}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}
SELECT = {"class": "govuk-select"}


class RoundForm(FormulaRefusingForm):
    theme = forms.CharField(
        label="What the round looks at",
        max_length=200,
        help_text="For example: children going missing from care; the voice of the child.",
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    period_start = forms.DateField(label="Period from", widget=forms.DateInput(attrs=DATE))
    period_end = forms.DateField(label="Period to", widget=forms.DateInput(attrs=DATE))
    sample_size = forms.IntegerField(
        label="How many cases to draw",
        min_value=1,
        max_value=MOST_IN_A_SAMPLE,
        initial=6,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )
    high_risk_only = forms.BooleanField(
        label="Only children at high risk (their latest completed assessment)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    seed = forms.IntegerField(
        label="Sample number (optional)",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Leave empty for a new random sample; give an earlier round's number to draw the same sample.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )


class AuditorsForm(FormulaRefusingForm):
    auditors = ModelMultipleChoiceField(
        label="Auditors",
        queryset=User.objects.none(),
        help_text="People from several agencies who may see the child's record.",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )

    def __init__(self, *args: Any, people: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["auditors"]
        if people is not None and isinstance(field, ModelMultipleChoiceField):
            field.queryset = people


class CaseAuditForm(FormulaRefusingForm):
    """The grades of an audit: a grade and a comment for each question of the audit's tool version, the overall
    grade, and the child's and family's experience."""

    audited_on = forms.DateField(label="Date of the audit", widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args: Any, questions: Sequence[AuditQuestion] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"grade_{question.code}"] = forms.ChoiceField(
                label=question.text,
                help_text=question.guidance,
                choices=[("", "Choose a grade"), *question.scale_choices()],
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[f"comment_{question.code}"] = forms.CharField(
                label="Comment",
                required=False,
                widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
            )
        self.fields["overall_grade"] = forms.ChoiceField(
            label="Overall grade", choices=[("", "Choose a grade"), *Grade.choices], widget=forms.Select(attrs=SELECT)
        )
        self.fields["child_experience"] = forms.CharField(
            label="The child's and family's experience",
            help_text="What difference the help made to the child and their family, in their words where you can.",
            widget=forms.Textarea(attrs=TEXTAREA),
        )
        self.fields["child_spoken_to"] = forms.BooleanField(
            label="The child was spoken to for the audit",
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
        )
        self.fields["family_spoken_to"] = forms.BooleanField(
            label="The family was spoken to for the audit",
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
        )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "audited_on": data["audited_on"],
            "grades": {q.code: (data[f"grade_{q.code}"], data[f"comment_{q.code}"]) for q in self.questions},
            "overall_grade": data["overall_grade"],
            "child_experience": data["child_experience"],
            "child_spoken_to": data["child_spoken_to"],
            "family_spoken_to": data["family_spoken_to"],
        }


class LearningPointForm(FormulaRefusingForm):
    text = forms.CharField(label="Learning point", widget=forms.Textarea(attrs=TEXTAREA))
    themes = ModelMultipleChoiceField(
        label="Learning themes",
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )


class ActionForm(FormulaRefusingForm):
    what = forms.CharField(label="What is to be done", widget=forms.Textarea(attrs=TEXTAREA))
    owner_agency = forms.ModelChoiceField(
        label="Agency that owns it", queryset=Agency.objects.order_by("name"), widget=forms.Select(attrs=SELECT)
    )
    due = forms.DateField(label="Done by", widget=forms.DateInput(attrs=DATE))


class PeriodForm(FormulaRefusingForm):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs=DATE))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs=DATE))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The period must end on or after its start.")
        if start and end and (end - start).days > 366 * 5:
            self.add_error("start", "The period must be five years or shorter.")
        return data


# New questions a draft may add at once (publish again to add more).
NEW_QUESTIONS = 3


class ToolDraftForm(FormulaRefusingForm):
    """A new version of the audit tool drafted from the version in force: each of its questions kept (its text,
    guidance and grades changed or not) or left out, and up to three new questions at the end. A kept question
    keeps its code, so grades read across versions question by question."""

    def __init__(self, *args: Any, questions: Sequence[AuditQuestion] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for n, question in enumerate(self.questions, start=1):
            code = question.code
            self.fields[f"keep_{code}"] = forms.BooleanField(
                label=f"Keep question {n} in the new version",
                required=False,
                initial=True,
                widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            )
            self.fields[f"text_{code}"] = forms.CharField(
                label=f"Question {n}",
                max_length=300,
                required=False,
                initial=question.text,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )
            self.fields[f"guidance_{code}"] = forms.CharField(
                label=f"Question {n}: guidance for the auditors",
                max_length=4000,
                required=False,
                initial=question.guidance,
                widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
            )
            self.fields[f"scale_{code}"] = forms.MultipleChoiceField(
                label=f"Question {n}: the grades it may be given",
                choices=Grade.choices,
                required=False,
                initial=list(question.scale),
                widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
            )
        for n in range(1, NEW_QUESTIONS + 1):
            self.fields[f"new_text_{n}"] = forms.CharField(
                label=f"New question {n} (optional)",
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )
            self.fields[f"new_guidance_{n}"] = forms.CharField(
                label=f"New question {n}: guidance for the auditors",
                max_length=4000,
                required=False,
                widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kept = 0
        for question in self.questions:
            code = question.code
            if not data.get(f"keep_{code}"):
                continue
            kept += 1
            if f"text_{code}" in data and not str(data[f"text_{code}"]).strip():
                self.add_error(f"text_{code}", "Give the question's text, or do not keep it.")
            if f"scale_{code}" in data and not data[f"scale_{code}"]:
                self.add_error(f"scale_{code}", "Choose at least one grade, or do not keep the question.")
        for n in range(1, NEW_QUESTIONS + 1):
            text = str(data.get(f"new_text_{n}") or "").strip()
            if text:
                kept += 1
            elif str(data.get(f"new_guidance_{n}") or "").strip():
                self.add_error(f"new_text_{n}", "Give the new question's text, or leave its guidance empty.")
        if kept == 0:
            raise forms.ValidationError("The new version needs at least one question.")
        if not self.errors and self.questions and self._unchanged():
            raise forms.ValidationError(
                "Nothing is changed from the version in force: change, leave out or add a question."
            )
        return data

    def _unchanged(self) -> bool:
        current = [(q.code, q.text.strip(), q.guidance.strip(), tuple(q.scale)) for q in self.questions]
        return [(q.code, q.text, q.guidance, q.scale) for q in self.question_specs()] == current

    def question_specs(self) -> list[QuestionSpec]:
        """The new version's questions, in order: those kept, then the new ones (each given a code of its own
        from its text)."""
        data = self.cleaned_data
        specs = [
            QuestionSpec(
                code=q.code,
                text=data[f"text_{q.code}"].strip(),
                guidance=data[f"guidance_{q.code}"].strip(),
                scale=tuple(value for value in Grade.values if value in data[f"scale_{q.code}"]),
            )
            for q in self.questions
            if data.get(f"keep_{q.code}")
        ]
        taken = {q.code for q in self.questions}
        for n in range(1, NEW_QUESTIONS + 1):
            text = data[f"new_text_{n}"].strip()
            if text:
                code = question_code(text, taken)
                taken.add(code)
                specs.append(QuestionSpec(code=code, text=text, guidance=data[f"new_guidance_{n}"].strip()))
        return specs


def question_code(text: str, taken: set[str]) -> str:
    """A code for a new question from its words, not one the tool has used: ``child_seen_alone``, or with a
    number after it."""
    stem = (slugify(text).replace("-", "_")[:32].strip("_")) or "question"
    code, n = stem, 2
    while code in taken:
        code, n = f"{stem}_{n}", n + 1
    return code
