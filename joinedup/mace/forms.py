from django import forms
from django.db.models import QuerySet

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.concerns.models import AdultOfConcern, HandlingCode
from joinedup.web.forms import FormulaRefusingForm, ModelMultipleChoiceField

from .models import AgendaItem, AttendanceStatus

WHEN = {"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}
DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
TEXT = {"class": "govuk-input"}
AREA = {"class": "govuk-textarea", "rows": 4}
SELECT = {"class": "govuk-select"}


class MeetingForm(FormulaRefusingForm):
    held_at = forms.DateTimeField(
        label="When the meeting is held", help_text="UK time", widget=forms.DateTimeInput(attrs=WHEN)
    )
    location = forms.CharField(label="Where", widget=forms.TextInput(attrs=TEXT))
    chair = forms.ModelChoiceField(
        label="Chair",
        help_text="Leave empty to chair it yourself",
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: object, staff: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["chair"].queryset = staff  # type: ignore[attr-defined]


class AgendaItemForm(FormulaRefusingForm):
    """Exactly one subject: the service refuses none or more than one."""

    child_reference = forms.CharField(
        label="A child",
        required=False,
        help_text="Their name, their local authority id (for example WB100012) or the id in the address of their "
        "record",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    adult = forms.ModelChoiceField(
        label="Or an adult of concern",
        queryset=AdultOfConcern.objects.all(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    place_name = forms.CharField(label="Or a place", required=False, widget=forms.TextInput(attrs=TEXT))
    place_postcode = forms.CharField(
        label="The place's postcode",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    reason = forms.CharField(label="Why it is on the agenda", required=False, widget=forms.Textarea(attrs=AREA))


class AttendanceForm(FormulaRefusingForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), widget=forms.Select(attrs=SELECT))
    person_name = forms.CharField(label="Name", required=False, widget=forms.TextInput(attrs=TEXT))
    attendee = forms.ModelChoiceField(
        label="Or their joinedup account",
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(choices=AttendanceStatus.choices, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: object, staff: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attendee"].queryset = staff  # type: ignore[attr-defined]


class DecisionForm(FormulaRefusingForm):
    agenda_item = forms.ModelChoiceField(
        label="Agenda item", queryset=AgendaItem.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args: object, agenda: QuerySet[AgendaItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agenda_item"].queryset = agenda  # type: ignore[attr-defined]


class ActionForm(FormulaRefusingForm):
    agenda_item = forms.ModelChoiceField(
        label="Agenda item",
        help_text="Leave empty for an action about the meeting as a whole",
        queryset=AgendaItem.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    description = forms.CharField(label="What is to be done", widget=forms.Textarea(attrs=AREA))
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none(), widget=forms.Select(attrs=SELECT))
    due_on = forms.DateField(label="Due by", widget=forms.DateInput(attrs=DAY))

    def __init__(self, *args: object, agenda: QuerySet[AgendaItem], staff: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agenda_item"].queryset = agenda  # type: ignore[attr-defined]
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]


class MinutesForm(FormulaRefusingForm):
    minutes = forms.CharField(label="Minutes", required=False, widget=forms.Textarea(attrs={**AREA, "rows": 10}))
    handling_code = forms.ChoiceField(
        label="Handling code", choices=HandlingCode.choices, widget=forms.Select(attrs=SELECT)
    )
    conditions = forms.CharField(
        label="Handling conditions (code C)", required=False, widget=forms.Textarea(attrs=AREA)
    )
    condition_agencies = ModelMultipleChoiceField(
        label="Agencies the conditions allow to read the minutes in full",
        queryset=Agency.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs=SELECT),
    )
