from typing import Any

from django import forms

from joinedup.agencies.models import Agency
from joinedup.concerns.models import AdultOfConcern
from joinedup.mace.selectors import staff_who_can_own_actions, staff_who_work_with_children
from joinedup.web.forms import FormulaRefusingForm

from .models import FIRST_RESPONDER_KINDS, EnquiryOutcome, ExploitationType, GroundsDecision, StrategyDecision

WHEN = {"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}
DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
TEXT = {"class": "govuk-input"}
AREA = {"class": "govuk-textarea", "rows": 4}
SELECT = {"class": "govuk-select"}


def _choice(label: str, choices: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.Select(attrs=SELECT), **kwargs)


def _day(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DAY), **kwargs)


class DiscussionForm(FormulaRefusingForm):
    held_at = forms.DateTimeField(
        label="When the discussion was held", help_text="UK time.", widget=forms.DateTimeInput(attrs=WHEN)
    )
    chaired_by = forms.ModelChoiceField(
        label="Chaired by", queryset=staff_who_work_with_children(), widget=forms.Select(attrs=SELECT)
    )
    why = forms.CharField(
        label="Why the discussion was held",
        help_text="The reasonable cause to suspect the child is suffering, or is likely to suffer, significant harm. "
        "Describe what adults did to the child, not what the child 'chose'.",
        widget=forms.Textarea(attrs=AREA),
    )
    decision = _choice(
        "Decision",
        [("", "Choose the decision"), *StrategyDecision.choices],
        help_text="A section 47 enquiry is decided only with children's social care and police taking part.",
    )
    reasons = forms.CharField(label="Reasons for the decision", widget=forms.Textarea(attrs=AREA))


class ParticipantForm(FormulaRefusingForm):
    """One person who took part; a row left as it was offered is not recorded."""

    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.order_by("name"), widget=forms.Select(attrs=SELECT)
    )
    person_name = forms.CharField(
        label="Name", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT), help_text="Or choose them."
    )
    user = forms.ModelChoiceField(
        label="Their account, if they have one",
        queryset=staff_who_work_with_children(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    role = forms.CharField(label="Role", max_length=200, widget=forms.TextInput(attrs=TEXT))
    information_shared = forms.CharField(
        label="Information the agency shared", required=False, widget=forms.Textarea(attrs=AREA)
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not (data.get("person_name") or "").strip()
            and data.get("user") is None
            and "person_name" not in self.errors
        ):
            self.add_error("person_name", "Enter the name of the person who took part, or choose their account.")
        return data


class ParticipantRows(forms.BaseFormSet):
    """Every row is optional: a row offered for an expected agency and left as it was is not recorded (as initial
    rows, Django would require them)."""

    def initial_form_count(self) -> int:
        return super().initial_form_count() if self.is_bound else 0


# A row for each expected agency (children's social care, police, health, education) and two more.
ParticipantFormSet = forms.formset_factory(
    ParticipantForm, formset=ParticipantRows, extra=6, max_num=30, absolute_max=30
)


class ActionForm(FormulaRefusingForm):
    description = forms.CharField(label="What is to be done", widget=forms.Textarea(attrs=AREA))
    owner = forms.ModelChoiceField(
        label="Who does it", queryset=staff_who_can_own_actions(), widget=forms.Select(attrs=SELECT)
    )
    due_on = _day("Due by")


class MaceProposalForm(FormulaRefusingForm):
    reason = forms.CharField(
        label="Why the child is proposed for MACE",
        help_text="What the discussion found about exploitation: places, adults of concern, other children.",
        widget=forms.Textarea(attrs=AREA),
    )


class DisruptionPlanForm(FormulaRefusingForm):
    plan = forms.CharField(
        label="Disruption plan",
        help_text="What each agency will do to disrupt the adults who exploit the child, and by when.",
        widget=forms.Textarea(attrs=AREA),
    )
    adult = forms.ModelChoiceField(
        label="Adult of concern it is against (optional)",
        queryset=AdultOfConcern.objects.order_by("name"),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )


class OutcomeForm(FormulaRefusingForm):
    outcome = _choice("Outcome of the enquiry", [("", "Choose the outcome"), *EnquiryOutcome.choices])
    outcome_on = _day("Date of the outcome")
    conference_on = _day(
        "Date of the initial child protection conference", required=False, help_text="For a conference."
    )


class NRMReferralForm(FormulaRefusingForm):
    first_responder = forms.ModelChoiceField(
        label="First responder organisation",
        queryset=Agency.objects.filter(kind__in=list(FIRST_RESPONDER_KINDS)).order_by("name"),
        help_text="The local authority, police or a designated charity. No consent is needed for a child.",
        widget=forms.Select(attrs=SELECT),
    )
    referred_on = _day("Date referred")
    exploitation_type = _choice(
        "Kind of exploitation", [("", "Choose the kind of exploitation"), *ExploitationType.choices]
    )


class NRMDecisionForm(FormulaRefusingForm):
    decision = _choice("Decision", [("", "Choose positive or negative"), *GroundsDecision.choices])
    decided_on = _day("Date of the decision")
