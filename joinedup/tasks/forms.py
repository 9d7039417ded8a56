from typing import Any, cast

from django import forms

from joinedup.accounts.models import User
from joinedup.agencies.models import Team
from joinedup.web.forms import FormulaRefusingForm


def _person(user: User) -> str:
    return str(user.get_full_name() or user.username)


class ReassignForm(FormulaRefusingForm):
    """Only the people who can do the work and may see the child, and the teams that may hold it."""

    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Give it to a person",
        help_text="People who do the work and may see the child's record.",
    )
    owner_team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label="Or to a team",
        help_text="Everyone in the team sees it on their work list until one of them takes it.",
    )

    def __init__(self, *args: Any, people: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = cast(forms.ModelChoiceField, self.fields["owner"])
        team_field = cast(forms.ModelChoiceField, self.fields["owner_team"])
        owner_field.queryset = people
        owner_field.label_from_instance = _person  # type: ignore[method-assign, assignment]
        team_field.queryset = teams

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner") and not data.get("owner_team"):
            raise forms.ValidationError("Choose a person or a team.")
        return data
