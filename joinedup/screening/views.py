from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_find, child_get
from joinedup.web.forms import form_add_service_errors

from . import selectors, services
from .forms import ScreeningForm
from .models import ScreeningResponse
from .permissions import can_screen


def _saved(request: AuthenticatedHttpRequest, child_id: UUID) -> ScreeningResponse | None:
    """The screening just saved, named in the query string after the redirect."""
    saved = request.GET.get("saved")
    if not saved:
        return None
    try:
        screening_id = UUID(saved)
    except ValueError:
        raise Http404("No screening found") from None
    child = child_find(user=request.user, child_id=child_id)
    return selectors.screening_get(user=request.user, child=child, screening_id=screening_id)


@login_required
def screening_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = child_find(user=request.user, child_id=child_id)
    if not can_screen(request.user, child):
        raise PermissionDenied
    child = child_get(user=request.user, child_id=child.pk, reason="Sexual health screening")
    question_set = selectors.question_set_current()
    form = ScreeningForm(request.POST or None, questions=question_set.questions.all())
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_record(
                user=request.user,
                child=child,
                answers=form.answers(),
                screened_at=form.cleaned_data["screened_at"],
                question_set=question_set,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect(f"{reverse('screening:create', kwargs={'child_id': child.pk})}?saved={screening.pk}")
    return render(
        request,
        "screening/create.html",
        {
            "form": form,
            "child": child,
            "question_set": question_set,
            "saved": _saved(request, child.pk),
            "screenings": selectors.screenings_of(user=request.user, child=child)[:10],
        },
    )
