from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.access.policy import WORK_OWNER_ROLES
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.places.models import Place
from joinedup.web.forms import FormulaRefusingForm, ModelMultipleChoiceField

from .models import Partner, PartnerKind, ReviewDecision

TEXTAREA = {"class": "govuk-textarea", "rows": 3}
INPUT = {"class": "govuk-input"}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}
SELECT = {"class": "govuk-select"}


def _child_label(child: Child) -> str:
    return f"{child.given_name} {child.family_name}"


class PlaceWorkForm(FormulaRefusingForm):
    place = forms.ModelChoiceField(
        label="Place", queryset=Place.objects.none(), empty_label="Choose a place", widget=forms.Select(attrs=SELECT)
    )
    why = forms.CharField(
        label="Why the work is opened",
        help_text="What brought the place to attention: what was seen, reported or found on the map.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args: Any, places: QuerySet[Place] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        if places is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = places


class GroupWorkForm(FormulaRefusingForm):
    name = forms.CharField(
        label="Name of the group",
        max_length=200,
        help_text="A name that does not identify a child, for example: Mill Lane group.",
        widget=forms.TextInput(attrs=INPUT),
    )
    children = ModelMultipleChoiceField(
        label="Children seen together",
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )
    why = forms.CharField(
        label="Why the work is opened",
        help_text="What brought the group to attention: who sees them together, where, and what worries you.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args: Any, children: QuerySet[Child] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        if children is not None and isinstance(field, ModelMultipleChoiceField):
            field.queryset = children
            field.label_from_instance = _child_label  # type: ignore[method-assign,assignment]


class MemberForm(FormulaRefusingForm):
    child = forms.ModelChoiceField(
        label="Child", queryset=Child.objects.none(), empty_label="Choose a child", widget=forms.Select(attrs=SELECT)
    )
    change = forms.ChoiceField(
        label="Change",
        choices=[("add", "Add to the group"), ("remove", "Remove from the group")],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, children: QuerySet[Child] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        if children is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = children
            field.label_from_instance = _child_label  # type: ignore[method-assign,assignment]


class AssessmentForm(FormulaRefusingForm):
    who_is_there = forms.CharField(
        label="Who is there",
        help_text="Children, adults, staff, people who pass through. Name no child here.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    when = forms.CharField(label="When", help_text="Days and times.", widget=forms.Textarea(attrs=TEXTAREA))
    what_makes_it_unsafe = forms.CharField(
        label="What exposes children to risk there", widget=forms.Textarea(attrs=TEXTAREA)
    )
    what_makes_it_safe = forms.CharField(label="What keeps children safe there", widget=forms.Textarea(attrs=TEXTAREA))


class PartnerForm(FormulaRefusingForm):
    name = forms.CharField(
        label="Partner",
        max_length=200,
        help_text="For example: Wealdbridge Council licensing team; the hotel's duty manager.",
        widget=forms.TextInput(attrs=INPUT),
    )
    kind = forms.ChoiceField(label="Kind of partner", choices=PartnerKind.choices, widget=forms.Select(attrs=SELECT))
    contact = forms.CharField(
        label="Contact (optional)", max_length=300, required=False, widget=forms.TextInput(attrs=INPUT)
    )


class ActionForm(FormulaRefusingForm):
    description = forms.CharField(label="What is to be done", widget=forms.Textarea(attrs=TEXTAREA))
    owner = forms.ModelChoiceField(
        label="Owner on the platform",
        required=False,
        queryset=User.objects.none(),
        empty_label="None: a partner owns it",
        widget=forms.Select(attrs=SELECT),
    )
    owner_partner = forms.ModelChoiceField(
        label="Or a partner of the plan",
        required=False,
        queryset=Partner.objects.none(),
        empty_label="None: a person on the platform owns it",
        widget=forms.Select(attrs=SELECT),
    )
    due = forms.DateField(label="Due by", widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args: Any, partners: QuerySet[Partner] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        if isinstance(owner, forms.ModelChoiceField):
            owner.queryset = (
                User.objects.filter(is_active=True, roles__code__in=WORK_OWNER_ROLES)
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
        partner = self.fields["owner_partner"]
        if partners is not None and isinstance(partner, forms.ModelChoiceField):
            partner.queryset = partners


class ReviewForm(FormulaRefusingForm):
    reviewed_on = forms.DateField(label="Date of the review", widget=forms.DateInput(attrs=DATE))
    what_changed = forms.CharField(label="What changed", widget=forms.Textarea(attrs=TEXTAREA))
    decision = forms.ChoiceField(label="Decision", choices=ReviewDecision.choices, widget=forms.Select(attrs=SELECT))
    next_review = forms.DateField(
        label="Next review (unless the work closes)", required=False, widget=forms.DateInput(attrs=DATE)
    )
    closing_reason = forms.CharField(
        label="Why the work can close (if it closes)", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class CloseForm(FormulaRefusingForm):
    reason = forms.CharField(label="Why the work can close", widget=forms.Textarea(attrs=TEXTAREA))
