from django import forms
from django.db.models import Q
from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency
from joinedup.sharing.models import LawfulBasis

from .models import ChronologyEntry, NoteCategory, Sex

TEXT = {"class": "govuk-input"}


class ChildForm(forms.Form):
    given_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=TEXT))
    family_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=TEXT))
    other_names = forms.CharField(
        max_length=300,
        required=False,
        help_text="Other names the child is known by; separate with ;",
        widget=forms.TextInput(attrs=TEXT),
    )
    date_of_birth = forms.DateField(
        required=False,
        help_text="For example, 2010-03-27",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )
    sex = forms.ChoiceField(
        choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    postcode = forms.CharField(
        max_length=10, required=False, widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"})
    )
    la_child_id = forms.CharField(
        label="Local authority child id",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    involvement_reason = forms.CharField(
        label="Why your agency is involved", max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def clean_date_of_birth(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        return value


class ChronologyEntryForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label="When it happened",
        help_text="UK time, for example 2026-11-21 16:30",
        widget=forms.DateTimeInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}),
    )
    category = forms.ChoiceField(choices=NoteCategory.choices, widget=forms.Select(attrs={"class": "govuk-select"}))
    summary = forms.CharField(widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 5}))

    def clean_occurred_at(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now():
            raise forms.ValidationError("The time must be now or in the past")
        return value


class ShareForm(forms.Form):
    shared_with_agency = forms.ModelChoiceField(
        label="Share with agency",
        queryset=Agency.objects.all(),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    shared_with_user = forms.ModelChoiceField(
        label="Or share with one person",
        queryset=User.objects.filter(is_active=True).select_related("agency"),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    entry = forms.ModelChoiceField(
        label="What to share",
        queryset=ChronologyEntry.objects.none(),
        required=False,
        empty_label="The whole record",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    lawful_basis = forms.ChoiceField(
        choices=[("", "Choose the lawful basis"), *LawfulBasis.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}), help_text="Why the recipient needs to know"
    )
    approved_by = forms.ModelChoiceField(
        queryset=User.objects.filter(
            is_active=True, roles__code__in=[RoleCode.MANAGER, RoleCode.COORDINATOR]
        ).distinct(),
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, user: User, entries=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if entries is not None:
            self.fields["entry"].queryset = entries  # type: ignore[attr-defined]
        # Approvers: managers of the sharer's own agency, or a coordinator; never the sharer.
        approvers = self.fields["approved_by"].queryset.exclude(pk=user.pk)  # type: ignore[attr-defined]
        self.fields["approved_by"].queryset = approvers.filter(  # type: ignore[attr-defined]
            Q(agency_id=user.agency_id, roles__code=RoleCode.MANAGER) | Q(roles__code=RoleCode.COORDINATOR)
        ).distinct()

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if bool(data.get("shared_with_agency")) == bool(data.get("shared_with_user")):
            raise forms.ValidationError("Choose one agency or one person to share with")
        return data
