from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup.concerns.models import ConcernCategory
from joinedup.places.models import Place
from joinedup.web.forms import FormulaRefusingForm, ModelMultipleChoiceField

from .models import BusinessKind, CloseReason, WarningSign
from .services import WHAT_HAPPENED_MAX

TEXT = {"class": "govuk-input"}
PHONE = {"class": "govuk-input govuk-input--width-20", "type": "tel", "autocomplete": "tel"}
DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
WHEN = {"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}
AREA = {"class": "govuk-textarea", "rows": 6}
SELECT = {"class": "govuk-select"}


class ReportForm(FormulaRefusingForm):
    """The reporting page's form, for a business's link or the public page (which also asks where)."""

    signs = ModelMultipleChoiceField(
        label="What did you see?",
        help_text="Select all that apply.",
        queryset=WarningSign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose warning signs from the list.",
            "invalid_pk_value": "Choose warning signs from the list.",
        },
    )
    what_happened = forms.CharField(
        label="What happened?",
        help_text=f"Say what you saw or heard, who was there and anything that would help. Up to "
        f"{WHAT_HAPPENED_MAX:,} characters.",
        max_length=WHAT_HAPPENED_MAX,
        widget=forms.Textarea(attrs={**AREA, "maxlength": str(WHAT_HAPPENED_MAX)}),
        error_messages={"required": "Enter what you saw or heard."},
    )
    happened_at = forms.DateTimeField(
        label="When did it happen?",
        help_text="Your best guess is fine.",
        widget=forms.DateTimeInput(attrs=WHEN),
        error_messages={"required": "Enter when it happened.", "invalid": "Enter a real date and time."},
    )
    where = forms.CharField(
        label="Where did it happen?",
        help_text="The name of the place, the street or the postcode.",
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": "Enter where it happened."},
    )
    contact_name = forms.CharField(
        label="Your name (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label="Phone number (optional)", max_length=40, required=False, widget=forms.TextInput(attrs=PHONE)
    )
    contact_email = forms.EmailField(
        label="Email address (optional)",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )

    def __init__(
        self, *args: Any, signs: QuerySet[WarningSign] | None = None, public: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["signs"]
        if signs is not None and isinstance(field, forms.ModelMultipleChoiceField):
            field.queryset = signs
        if not public:
            del self.fields["where"]

    def clean_happened_at(self) -> Any:
        value = self.cleaned_data["happened_at"]
        if value is not None and value > timezone.now():
            raise forms.ValidationError("The time must be now or in the past.")
        return value

    def clean_contact_phone(self) -> str:
        value = str(self.cleaned_data.get("contact_phone", "")).strip()
        if value and not all(c.isdigit() or c in " +()-" for c in value):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982.")
        return value


class BusinessForm(FormulaRefusingForm):
    name = forms.CharField(label="Name of the business", max_length=200, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label="Kind of business", choices=BusinessKind.choices, widget=forms.Select(attrs=SELECT))
    place = forms.ModelChoiceField(
        label="Where it is",
        queryset=Place.objects.none(),
        help_text="The place as recorded on the platform.",
        widget=forms.Select(attrs=SELECT),
    )
    contact_name = forms.CharField(
        label="Contact name", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    contact_phone = forms.CharField(
        label="Contact phone", max_length=40, required=False, widget=forms.TextInput(attrs=PHONE)
    )
    contact_email = forms.EmailField(label="Contact email", required=False, widget=forms.EmailInput(attrs=TEXT))
    last_visit_on = forms.DateField(
        label="Date of the last visit (optional)", required=False, widget=forms.DateInput(attrs=DAY)
    )

    def __init__(self, *args: Any, places: QuerySet[Place] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        if places is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = places


class VisitForm(FormulaRefusingForm):
    visited_on = forms.DateField(label="Date of the visit", widget=forms.DateInput(attrs=DAY))


class StaffForm(FormulaRefusingForm):
    full_name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs=TEXT))
    job_title = forms.CharField(
        label="Job (optional)", max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class ConcernFromReportForm(FormulaRefusingForm):
    child = forms.UUIDField(
        label="The child",
        error_messages={
            "required": "Choose the child the report is about.",
            "invalid": "Choose the child the report is about.",
        },
    )
    category = forms.ChoiceField(
        label="Kind of concern", choices=ConcernCategory.choices, widget=forms.Select(attrs=SELECT)
    )
    what_happened = forms.CharField(label="What happened, for the concern", widget=forms.Textarea(attrs=AREA))


class CloseReportForm(FormulaRefusingForm):
    reason = forms.ChoiceField(
        label="Why is it closed?", choices=CloseReason.choices, widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={**AREA, "rows": 3}))
