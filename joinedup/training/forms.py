from django import forms
from django.db.models import QuerySet

from joinedup.accounts.models import User
from joinedup.agencies.models import AgencyKind
from joinedup.web.forms import FormulaRefusingForm

from .models import Audience, Course, Topic, Trainee, TraineeKind

DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
TEXT = {"class": "govuk-input"}
NUMBER = {"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
AREA = {"class": "govuk-textarea", "rows": 3}
SELECT = {"class": "govuk-select"}


class CourseForm(FormulaRefusingForm):
    name = forms.CharField(label="Course name", max_length=200, widget=forms.TextInput(attrs=TEXT))
    topic = forms.ChoiceField(label="Topic", choices=Topic.choices, widget=forms.Select(attrs=SELECT))
    validity_months = forms.IntegerField(
        label="Stays in date for (months)",
        min_value=1,
        max_value=120,
        help_text="For example 12: training done on 31 January expires on 31 January the next year.",
        widget=forms.NumberInput(attrs=NUMBER),
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs=AREA))


class CourseChangeForm(CourseForm):
    is_active = forms.BooleanField(
        label="Still run and required", required=False, help_text="Untick to withdraw the course."
    )


class RequirementForm(FormulaRefusingForm):
    audience = forms.ChoiceField(label="Who needs it", choices=Audience.choices, widget=forms.Select(attrs=SELECT))
    agency_kind = forms.ChoiceField(
        label="Only in this kind of agency",
        choices=[("", "Every kind of agency"), *AgencyKind.choices],
        required=False,
        help_text="Leave as every kind for elected members.",
        widget=forms.Select(attrs=SELECT),
    )


class TraineeForm(FormulaRefusingForm):
    full_name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs=TEXT))
    body = forms.CharField(
        label="Body they belong to",
        max_length=200,
        help_text="For example: Wealdbridge Borough Council, elected member",
        widget=forms.TextInput(attrs=TEXT),
    )
    kind = forms.ChoiceField(
        label="Kind", choices=TraineeKind.choices, initial=TraineeKind.ELECTED_MEMBER, widget=forms.Select(attrs=SELECT)
    )


class AttendanceForm(FormulaRefusingForm):
    """One person: a member of staff or (for the coordinator) a trainee; the service refuses none or both."""

    course = forms.ModelChoiceField(
        label="Course", queryset=Course.objects.filter(is_active=True), widget=forms.Select(attrs=SELECT)
    )
    staff = forms.ModelChoiceField(
        label="Member of staff", queryset=User.objects.none(), required=False, widget=forms.Select(attrs=SELECT)
    )
    trainee = forms.ModelChoiceField(
        label="Or an elected member or other trainee",
        queryset=Trainee.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    attended_on = forms.DateField(label="Date done", widget=forms.DateInput(attrs=DAY))

    def __init__(self, *args: object, staff: QuerySet[User], trainees: QuerySet[Trainee], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["trainee"].queryset = trainees  # type: ignore[attr-defined]
        if not trainees.exists():
            del self.fields["trainee"]
