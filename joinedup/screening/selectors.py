"""Reads of screenings. The child is fetched by the caller through child_get, which audits the read."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from joinedup.accounts.models import User
from joinedup.children.models import Child

from .models import QuestionSet, ScreeningResponse
from .permissions import can_screen


def question_set_current() -> QuestionSet:
    """The version of the proforma new screenings are asked on."""
    return QuestionSet.objects.prefetch_related("questions").get(is_current=True)


def screenings_of(*, user: User, child: Child) -> QuerySet[ScreeningResponse]:
    """A child's screenings, for those who screen; health answers are shared beyond them only as a concern."""
    if not can_screen(user, child):
        return ScreeningResponse.objects.none()
    return child.screenings.select_related("question_set", "practitioner", "agency", "concern")


def screening_get(*, user: User, child: Child, screening_id: UUID) -> ScreeningResponse:
    """One of a child's screenings for someone who screens, or "not found"."""
    try:
        return screenings_of(user=user, child=child).get(pk=screening_id)
    except ScreeningResponse.DoesNotExist:
        raise Http404("No screening found") from None
