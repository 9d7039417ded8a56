"""Reading problem profiles: the list a user may see, and one profile, fetched and authorised in one call (a
profile the user may not read is "not found", as one that does not exist)."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User

from .models import ProblemProfile, ProfileVersion


def profiles_for(*, user: User) -> QuerySet[ProblemProfile]:
    """The profiles this user may read, newest first: the sanitised ones for the coordinator and leaders, the
    restricted ones too for those who may see every child."""
    if not policy.can_read_problem_profiles(user):
        raise PermissionDenied
    profiles = ProblemProfile.objects.select_related("job", "generated_by").defer("html", "pdf")
    if not policy.can_read_restricted_problem_profile(user):
        profiles = profiles.exclude(version=ProfileVersion.RESTRICTED)
    return profiles


def profile_get(*, user: User, profile_id: UUID) -> ProblemProfile:
    try:
        return profiles_for(user=user).defer(None).get(pk=profile_id)
    except ProblemProfile.DoesNotExist:
        raise Http404("No problem profile found") from None
