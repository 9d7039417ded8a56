from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern
from joinedup.frontdoor.models import ThresholdLevel
from joinedup.frontdoor.selectors import threshold_in_force, threshold_levels
from joinedup.places.models import Place
from joinedup.web.forms import FormulaRefusingForm, ModelMultipleChoiceField

from .models import ClosureOutcome, ClosureReason, PlanKind

DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
TEXT = {"class": "govuk-input"}
NUMBER = {"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
AREA = {"class": "govuk-textarea", "rows": 4}
SELECT = {"class": "govuk-select"}


def _day(label: str, hint: str = "") -> forms.DateField:
    return forms.DateField(label=label, help_text=hint, widget=forms.DateInput(attrs=DAY))


def _area(label: str, hint: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, help_text=hint, required=required, widget=forms.Textarea(attrs=AREA))


def work_owners_for(child: Child) -> QuerySet[User]:
    """Who may be given an action in the child's plan: those who do the work in an agency involved with the child
    (the service checks each against the policy)."""
    agencies = child.involvements.filter(ended_at__isnull=True).values("agency_id")
    return (
        User.objects.filter(is_active=True, roles__code__in=policy.WORK_OWNER_ROLES, agency_id__in=agencies)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _owners_onto(form: forms.BaseForm, name: str, child: Child) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
    field.queryset = work_owners_for(child)


class PlanForm(FormulaRefusingForm):
    kind = forms.ChoiceField(label="Kind of plan", choices=PlanKind.choices, widget=forms.Select(attrs=SELECT))
    lead_professional = forms.ModelChoiceField(
        label="Lead professional", queryset=User.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    started_on = _day("Started on", "For a child protection plan, the day of the initial child protection conference.")
    review_every_weeks = forms.IntegerField(
        label="Review every this many weeks (optional)",
        help_text="Only when reviews are to be more often than usual for this kind of plan.",
        required=False,
        min_value=1,
        max_value=52,
        widget=forms.NumberInput(attrs=NUMBER),
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _owners_onto(self, "lead_professional", child)


class OutcomeForm(FormulaRefusingForm):
    wording = _area("The outcome wanted", "In the child's words where possible.")
    written_by = forms.CharField(
        label="Who wrote or said it",
        help_text="For example: the child, their mother, the school nurse.",
        max_length=120,
        widget=forms.TextInput(attrs=TEXT),
    )


class ActionForm(FormulaRefusingForm):
    description = _area("What is to be done")
    owner = forms.ModelChoiceField(label="Who does it", queryset=User.objects.none(), widget=forms.Select(attrs=SELECT))
    due_on = _day("Due by")

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _owners_onto(self, "owner", child)


class SafetyForm(FormulaRefusingForm):
    places = ModelMultipleChoiceField(
        label="Places to avoid", queryset=Place.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    places_text = _area("Other places to avoid", required=False)
    adults = ModelMultipleChoiceField(
        label="Adults of concern to avoid",
        queryset=AdultOfConcern.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people_text = _area("Other people to avoid", required=False)
    safe_adults = _area("Safe adults", "The adults the child trusts and can go to, as the child names them.")
    how_to_get_help = _area("How to get help", "Who to call, what to say, a code word, where to go.")

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = self.fields["places"]
        adults = self.fields["adults"]
        assert isinstance(places, forms.ModelMultipleChoiceField)  # noqa: S101
        assert isinstance(adults, forms.ModelMultipleChoiceField)  # noqa: S101
        # The places and adults already linked to the child's concerns; others are written as text.
        places.queryset = Place.objects.order_by("name")
        adults.queryset = AdultOfConcern.objects.filter(concerns__child=child).distinct().order_by("name")


class ReviewForm(FormulaRefusingForm):
    held_on = _day("Held on")
    childs_views = _area("The child's views", "In the child's words where possible.")
    what_changed = _area("What changed", "Outcomes met, actions added or ended, the plan's next steps.", False)


class EndForm(FormulaRefusingForm):
    ended_on = _day("Ended on")
    reason = _area("Why the plan is ending")


class CloseForm(FormulaRefusingForm):
    reason = forms.ChoiceField(
        label="Why it is closing", choices=ClosureReason.choices, widget=forms.Select(attrs=SELECT)
    )
    outcome = forms.ChoiceField(label="Outcome", choices=ClosureOutcome.choices, widget=forms.Select(attrs=SELECT))
    step_down_level = forms.ModelChoiceField(
        label="Level of need stepped down to",
        queryset=ThresholdLevel.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    step_down_agency = forms.ModelChoiceField(
        label="Agency taking over (optional)",
        help_text="Its involvement opens, so the child stays open to it. Only the coordinator opens another "
        "agency's involvement.",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    step_down_service = forms.CharField(
        label="Service taking over (optional)", required=False, max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    closed_on = _day("Closed on")
    note = _area("Note", "Required when the reason is another reason.", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = self.fields["step_down_level"]
        agency = self.fields["step_down_agency"]
        assert isinstance(level, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(agency, forms.ModelChoiceField)  # noqa: S101
        # The levels of the threshold document in force today (the front door's continuum of need).
        document = threshold_in_force(timezone.localdate())
        level.queryset = threshold_levels(document) if document else ThresholdLevel.objects.none()
        agency.queryset = Agency.objects.order_by("name")
