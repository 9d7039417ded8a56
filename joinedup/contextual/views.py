from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.deadlines import london_date
from joinedup.places.models import Place
from joinedup.web.forms import form_save

from . import selectors, services
from .forms import (
    ActionForm,
    AssessmentForm,
    CloseForm,
    GroupWorkForm,
    MemberForm,
    PartnerForm,
    PlaceWorkForm,
    ReviewForm,
)
from .models import ContextAction, ContextWork, WorkStatus


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The work on places and peer groups the user may read, open first."""
    user = request.user
    _require(policy.can_view_context_works(user))
    works = selectors.works_for(user=user)
    return render(
        request,
        "contextual/index.html",
        {
            "open_works": [w for w in works if w.status == WorkStatus.OPEN],
            "closed_works": [w for w in works if w.status == WorkStatus.CLOSED],
            "can_run": policy.can_run_context_work(user),
        },
    )


@login_required
def place_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require(policy.can_run_context_work(user))
    places = Place.objects.order_by("name", "postcode")
    if any(f.name == "merged_into" for f in Place._meta.get_fields()):
        places = places.filter(merged_into__isnull=True)
    form = PlaceWorkForm(request.POST or None, places=places, initial={"place": request.GET.get("place")})
    opened: list[ContextWork] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: opened.append(services.context_work_open(user=user, **form.cleaned_data)))
    ):
        messages.success(request, f"Work on {opened[0].subject_name} is open.")
        return redirect("contextual:work", work_id=opened[0].pk)
    return render(request, "contextual/open.html", {"form": form, "subject": "a place"})


@login_required
def group_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make a peer group and open work on it: from a network on the map (``?network=<id>``, the network view's
    start node) with its children ticked, or choosing children. The form posts back to the same address, so the
    network's id stays in the query."""
    user = request.user
    _require(policy.can_run_context_work(user))
    network = request.GET.get("network", "")[:200]
    from_network = selectors.network_children(user=user, network=network)
    form = GroupWorkForm(
        request.POST or None,
        children=selectors.group_candidates(user=user),
        initial={"children": from_network},
    )
    opened: list[ContextWork] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form,
            lambda: opened.append(
                services.peer_group_work_open(
                    user=user,
                    name=form.cleaned_data["name"],
                    children=list(form.cleaned_data["children"]),
                    why=form.cleaned_data["why"],
                    network=network,
                )
            ),
        )
    ):
        messages.success(request, f"Work on {opened[0].subject_name} is open.")
        return redirect("contextual:work", work_id=opened[0].pk)
    return render(
        request,
        "contextual/open.html",
        {"form": form, "subject": "a peer group", "network": network, "from_network": len(from_network)},
    )


def _subject_page(request: AuthenticatedHttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {**context, "can_run": policy.can_run_context_work(request.user)})


@login_required
def group_detail(request: AuthenticatedHttpRequest, group_id: UUID) -> HttpResponse:
    """The group's children (named where the viewer may see them, counted where not), events over time and the
    work done."""
    user = request.user
    group = selectors.group_get(user=user, group_id=group_id)
    past, past_hidden = selectors.group_members_past(user=user, group=group)
    can_run = policy.can_run_context_work(user)
    return _subject_page(
        request,
        "contextual/group.html",
        {
            "group": group,
            "children": selectors.group_children(user=user, group=group),
            "past": past,
            "past_hidden": past_hidden,
            "timeline": selectors.group_timeline(user=user, group=group),
            "works": list(selectors.works_on_group(group).prefetch_related("actions", "reviews")),
            "member_form": MemberForm(children=selectors.group_candidates(user=user)) if can_run else None,
        },
    )


@login_required
@require_POST
def group_members(request: AuthenticatedHttpRequest, group_id: UUID) -> HttpResponse:
    user = request.user
    group = selectors.group_get(user=user, group_id=group_id)
    _require(policy.can_run_context_work(user))
    form = MemberForm(request.POST, children=selectors.group_candidates(user=user))
    if form.is_valid():
        change = (
            services.peer_group_member_add
            if form.cleaned_data["change"] == "add"
            else services.peer_group_member_remove
        )
        if form_save(form, lambda: change(user=user, group=group, child=form.cleaned_data["child"])):
            messages.success(request, "The group is changed.")
            return redirect("contextual:group", group_id=group.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("contextual:group", group_id=group.pk)


@login_required
def place_detail(request: AuthenticatedHttpRequest, place_id: UUID) -> HttpResponse:
    """The place's children (named where the viewer may see them), events at it over time and the work done."""
    user = request.user
    place = selectors.place_get(user=user, place_id=place_id)
    return _subject_page(
        request,
        "contextual/place.html",
        {
            "place": place,
            "children": selectors.place_children(user=user, place=place),
            "timeline": selectors.place_timeline(user=user, place=place),
            "works": list(selectors.works_on_place(place).prefetch_related("actions", "reviews")),
        },
    )


def _work_page(request: AuthenticatedHttpRequest, work: ContextWork, **forms: Form) -> HttpResponse:
    user = request.user
    can_run = policy.can_run_context_work(user) and work.is_open
    partners = work.partners.all()
    today = london_date(timezone.now())
    assessments = list(work.assessments.select_related("assessed_by"))
    return render(
        request,
        "contextual/work.html",
        {
            "work": work,
            "assessment": assessments[0] if assessments else None,
            "earlier_assessments": assessments[1:],
            "partners": list(partners),
            "actions": list(work.actions.select_related("owner", "owner_partner", "done_by")),
            "reviews": list(work.reviews.select_related("recorded_by")),
            "can_run": can_run,
            "user_id": user.pk,
            "is_coordinator": policy.can_run_context_work(user),
            "partner_form": forms.get("partner") or PartnerForm() if can_run else None,
            "action_form": forms.get("action") or ActionForm(partners=partners) if can_run else None,
            "review_form": forms.get("review") or ReviewForm(initial={"reviewed_on": today}) if can_run else None,
            "close_form": forms.get("close") or CloseForm() if can_run else None,
        },
    )


@login_required
def work_detail(request: AuthenticatedHttpRequest, work_id: UUID) -> HttpResponse:
    return _work_page(request, selectors.work_get(user=request.user, work_id=work_id))


@login_required
def work_assessment(request: AuthenticatedHttpRequest, work_id: UUID) -> HttpResponse:
    """A new version of the assessment of the context, starting from the current one."""
    user = request.user
    work = selectors.work_get(user=user, work_id=work_id, reason="Assessing the context")
    _require(policy.can_run_context_work(user))
    latest = work.assessments.first()
    initial = (
        {
            "who_is_there": latest.who_is_there,
            "when": latest.when,
            "what_makes_it_unsafe": latest.what_makes_it_unsafe,
            "what_makes_it_safe": latest.what_makes_it_safe,
        }
        if latest
        else {}
    )
    form = AssessmentForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.context_assessment_record(user=user, work=work, **form.cleaned_data))
    ):
        messages.success(request, "The assessment is recorded.")
        return redirect("contextual:work", work_id=work.pk)
    return render(request, "contextual/assessment.html", {"work": work, "form": form})


def _work_act(
    request: AuthenticatedHttpRequest,
    work_id: UUID,
    *,
    reason: str,
    form: Callable[[ContextWork], Form],
    act: Callable[[ContextWork, Form], object],
    done: str,
    slot: str,
) -> HttpResponse:
    """Add a partner, an action or a review, or close the work: the read audited with why, the policy asked, the
    service called; a refusal re-shows the work with the form in its place."""
    user = request.user
    work = selectors.work_get(user=user, work_id=work_id, reason=reason)
    _require(policy.can_run_context_work(user))
    bound = form(work)
    if bound.is_valid() and form_save(bound, lambda: act(work, bound)):
        messages.success(request, done)
        return redirect("contextual:work", work_id=work.pk)
    return _work_page(request, work, **{slot: bound})


@login_required
@require_POST
def work_partner(request: AuthenticatedHttpRequest, work_id: UUID) -> HttpResponse:
    user = request.user
    return _work_act(
        request,
        work_id,
        reason="Adding a partner to the plan",
        form=lambda work: PartnerForm(request.POST),
        act=lambda work, f: services.context_partner_add(user=user, work=work, **f.cleaned_data),
        done="The partner is added to the plan.",
        slot="partner",
    )


@login_required
@require_POST
def work_action(request: AuthenticatedHttpRequest, work_id: UUID) -> HttpResponse:
    user = request.user
    return _work_act(
        request,
        work_id,
        reason="Adding an action",
        form=lambda work: ActionForm(request.POST, partners=work.partners.all()),
        act=lambda work, f: services.context_action_record(user=user, work=work, **f.cleaned_data),
        done="The action is added.",
        slot="action",
    )


@login_required
@require_POST
def work_review(request: AuthenticatedHttpRequest, work_id: UUID) -> HttpResponse:
    user = request.user
    return _work_act(
        request,
        work_id,
        reason="Reviewing the work",
        form=lambda work: ReviewForm(request.POST),
        act=lambda work, f: services.context_review_record(user=user, work=work, **f.cleaned_data),
        done="The review is recorded.",
        slot="review",
    )


@login_required
@require_POST
def work_close(request: AuthenticatedHttpRequest, work_id: UUID) -> HttpResponse:
    user = request.user
    return _work_act(
        request,
        work_id,
        reason="Closing the work",
        form=lambda work: CloseForm(request.POST),
        act=lambda work, f: services.context_work_close(user=user, work=work, reason=f.cleaned_data["reason"]),
        done="The work is closed.",
        slot="close",
    )


@login_required
@require_POST
def action_done(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    """The coordinator, or the action's owner, marks it done."""
    user = request.user
    action = ContextAction.objects.filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    work = selectors.work_get(user=user, work_id=action.work_id, reason="Marking an action done")
    _require(services.can_mark_action_done(user, action))
    try:
        services.context_action_done(user=user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contextual:work", work_id=work.pk)
    messages.success(request, "The action is done.")
    return redirect("contextual:work", work_id=work.pk)
