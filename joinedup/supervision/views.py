from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.children.selectors import child_get
from joinedup.web.forms import form_save

from . import selectors, services
from .forms import ChallengeForm, EscalateForm, OversightNoteForm, ResolveForm, ResponseForm
from .models import Challenge


@login_required
def oversight(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The child's management oversight notes; a manager of an involved agency records one here."""
    user = request.user
    child = child_get(user=user, child_id=child_id, reason="Viewed management oversight")
    can_record = policy.can_record_oversight(user, child)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    form = OversightNoteForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.oversight_note_record(user=user, child=child, **form.cleaned_data))
    ):
        messages.success(request, "Your management oversight is recorded.")
        return redirect("supervision:oversight", child_id=child.pk)
    return render(
        request,
        "supervision/oversight.html",
        {
            "child": child,
            "notes": selectors.oversight_notes_for(user=user, child=child),
            "form": form if can_record else None,
        },
    )


def _other_agencies(child: Child, agency_id: int | None) -> list[int]:
    """The agencies working with the child now, other than the user's: those the user may challenge."""
    involvements = child.involvements.filter(ended_at__isnull=True)
    if agency_id is not None:
        involvements = involvements.exclude(agency_id=agency_id)
    return list(involvements.values_list("agency_id", flat=True))


@login_required
def challenges(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The challenges between agencies about the child; a practitioner or manager of an involved agency raises one."""
    user = request.user
    child = child_get(user=user, child_id=child_id, reason="Viewed challenges between agencies")
    can_raise = policy.can_raise_challenge(user, child)
    if request.method == "POST" and not can_raise:
        raise PermissionDenied
    agencies = Agency.objects.filter(pk__in=_other_agencies(child, user.agency_id)).order_by("name")
    form = ChallengeForm(request.POST or None, agencies=agencies)
    raised: list[Challenge] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form, lambda: raised.append(services.challenge_raise(user=user, child=child, **form.cleaned_data))
        )
    ):
        messages.success(request, f"Your challenge to {raised[0].to_agency.name} is raised.")
        return redirect("supervision:challenge", challenge_id=raised[0].pk)
    return render(
        request,
        "supervision/challenges.html",
        {
            "child": child,
            "challenges": selectors.challenges_for(user=user, child=child),
            "form": form if can_raise and agencies.exists() else None,
            "can_raise": can_raise,
        },
    )


def _challenge_page(
    request: AuthenticatedHttpRequest,
    challenge: Challenge,
    *,
    respond: Form | None = None,
    escalate: Form | None = None,
    resolve: Form | None = None,
) -> HttpResponse:
    user = request.user
    current = next((step for step in challenge.steps.all() if step.stage == challenge.stage), None)
    can_respond = policy.can_respond_to_challenge(user, challenge) and current is not None and not current.responded_at
    return render(
        request,
        "supervision/challenge.html",
        {
            "challenge": challenge,
            "child": challenge.child,
            "respond": (respond or ResponseForm()) if can_respond else None,
            "escalate": (escalate or EscalateForm()) if policy.can_escalate_challenge(user, challenge) else None,
            "resolve": (resolve or ResolveForm()) if policy.can_resolve_challenge(user, challenge) else None,
        },
    )


@login_required
def challenge(request: AuthenticatedHttpRequest, challenge_id: UUID) -> HttpResponse:
    """One challenge with each stage's question and answer; the forms to answer, escalate or resolve it."""
    return _challenge_page(request, selectors.challenge_get(user=request.user, challenge_id=challenge_id))


def _challenge_act(
    request: AuthenticatedHttpRequest,
    challenge_id: UUID,
    *,
    reason: str,
    allowed: Callable[[User, Challenge], bool],
    form_class: type[Form],
    act: Callable[..., object],
    done: str,
    slot: str,
) -> HttpResponse:
    """Answer, escalate or resolve a challenge: the read audited with why, the policy asked, the service called
    with the form's answers; a refusal re-shows the challenge with the form in its place (``slot``)."""
    challenge = selectors.challenge_get(user=request.user, challenge_id=challenge_id, reason=reason)
    if not allowed(request.user, challenge):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid() and form_save(form, lambda: act(user=request.user, challenge=challenge, **form.cleaned_data)):
        messages.success(request, done)
        return redirect("supervision:challenge", challenge_id=challenge.pk)
    return _challenge_page(request, challenge, **{slot: form})


@login_required
@require_POST
def challenge_respond(request: AuthenticatedHttpRequest, challenge_id: UUID) -> HttpResponse:
    return _challenge_act(
        request,
        challenge_id,
        reason="Answering a challenge",
        allowed=policy.can_respond_to_challenge,
        form_class=ResponseForm,
        act=services.challenge_respond,
        done="Your answer is recorded.",
        slot="respond",
    )


@login_required
@require_POST
def challenge_escalate(request: AuthenticatedHttpRequest, challenge_id: UUID) -> HttpResponse:
    return _challenge_act(
        request,
        challenge_id,
        reason="Escalating a challenge",
        allowed=policy.can_escalate_challenge,
        form_class=EscalateForm,
        act=services.challenge_escalate,
        done="The challenge is escalated.",
        slot="escalate",
    )


@login_required
@require_POST
def challenge_resolve(request: AuthenticatedHttpRequest, challenge_id: UUID) -> HttpResponse:
    return _challenge_act(
        request,
        challenge_id,
        reason="Recording a challenge's resolution",
        allowed=policy.can_resolve_challenge,
        form_class=ResolveForm,
        act=services.challenge_resolve,
        done="The resolution is recorded.",
        slot="resolve",
    )
