from django import forms
from django.db.models import Q

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.web.forms import FormulaRefusingForm, ModelMultipleChoiceField

from .models import AdultOfConcern, ConcernCategory, HandlingCode, IntelligenceAssessment, SourceEvaluation

TEXT = {"class": "govuk-input"}
AREA = {"class": "govuk-textarea", "rows": 3}
SELECT = {"class": "govuk-select"}


def _choice(label: str, choices: list[tuple[str, str]], hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "Not graded"), *choices],
        required=False,
        help_text=hint,
        widget=forms.Select(attrs=SELECT),
    )


class ConcernForm(FormulaRefusingForm):
    category = forms.ChoiceField(choices=ConcernCategory.choices, widget=forms.Select(attrs=SELECT))
    occurred_at = forms.DateTimeField(
        label="When it happened",
        help_text="UK time",
        widget=forms.DateTimeInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}),
    )
    what_happened = forms.CharField(label="What was seen or said", widget=forms.Textarea(attrs=AREA))
    from_community = forms.BooleanField(label="Passed on by the community or a business", required=False)
    place_name = forms.CharField(label="Place", required=False, widget=forms.TextInput(attrs=TEXT))
    place_postcode = forms.CharField(label="Place postcode", required=False, widget=forms.TextInput(attrs=TEXT))
    adults = ModelMultipleChoiceField(
        label="Adults of concern",
        queryset=AdultOfConcern.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs=SELECT),
    )
    vehicles = forms.CharField(
        label="Vehicles (registration marks; separate with ;)", required=False, widget=forms.TextInput(attrs=TEXT)
    )
    phones = forms.CharField(label="Phone numbers", required=False, widget=forms.TextInput(attrs=TEXT))
    online_handles = forms.CharField(label="Online handles", required=False, widget=forms.TextInput(attrs=TEXT))
    source_evaluation = _choice("Source evaluation (3x5x2)", SourceEvaluation.choices, "For intelligence only")
    intelligence_assessment = _choice("Intelligence assessment", IntelligenceAssessment.choices)
    handling_code = _choice("Handling code", HandlingCode.choices)
    handling_conditions = forms.CharField(
        label="Handling conditions (code C)", required=False, widget=forms.Textarea(attrs=AREA)
    )
    condition_agencies = ModelMultipleChoiceField(
        label="Agencies the conditions allow to see it in full",
        queryset=Agency.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs=SELECT),
    )
    sanitised_summary = forms.CharField(
        label="Sanitised wording for wider sharing", required=False, widget=forms.Textarea(attrs=AREA)
    )

    def __init__(self, *args, user: User, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Offer only adults the user already has reason to know: their agency's, or those named in concerns
        # about children they may see (and everyone's, for the coordinator).
        if not policy.sees_all_children(user):
            known = Q(owning_agency_id=user.agency_id) | Q(concerns__child__in=policy.children_visible_to(user))
            self.fields["adults"].queryset = AdultOfConcern.objects.filter(known).distinct()  # type: ignore[attr-defined]
