from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.models import Child
from joinedup.web.forms import form_save

from . import forms, permissions, selectors, services
from .models import Action, Meeting


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _meeting_to_run(request: AuthenticatedHttpRequest, meeting_id: UUID) -> Meeting:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    _require(permissions.can_run_meetings(request.user))
    return meeting


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_view_meetings(request.user))
    return render(
        request,
        "mace/list.html",
        {"meetings": selectors.meeting_page(user=request.user), "can_run": permissions.can_run_meetings(request.user)},
    )


@login_required
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_run_meetings(request.user))
    form = forms.MeetingForm(request.POST or None, staff=selectors.staff_who_work_with_children())
    if request.method == "POST" and form.is_valid():
        created: dict[str, Meeting] = {}

        def create() -> None:
            created["meeting"] = services.meeting_create(user=request.user, **form.cleaned_data)

        if form_save(form, create):
            return redirect("mace:meeting-detail", meeting_id=created["meeting"].pk)
    return render(request, "mace/form.html", {"form": form, "title": "Arrange a MACE meeting", "meeting": None})


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    shown = selectors.meeting_shown(user=request.user, meeting=meeting)
    proposals = selectors.mace_agenda_next(user=request.user, meeting=meeting)
    return render(
        request,
        "mace/detail.html",
        {
            "meeting": meeting,
            "shown": shown,
            "proposals": proposals,
            "can_run": permissions.can_run_meetings(request.user),
        },
    )


@login_required
def agenda_add(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, meeting_id)
    # A child chosen from the matches of a name comes back as ?child=<record id>.
    form = forms.AgendaItemForm(request.POST or None, initial={"child_reference": request.GET.get("child", "")})
    matches: list[Child] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reference = data.pop("child_reference")
        found = selectors.children_by_reference(user=request.user, reference=reference)
        child = found[0] if len(found) == 1 else None
        if reference and not found:
            form.add_error("child_reference", "No child you may see has that name or id. Check the spelling.")
        elif len(found) > 1:
            matches = found[: selectors.REFERENCE_MATCHES_SHOWN]
            more = "More than " if len(found) > len(matches) else ""
            form.add_error(
                "child_reference",
                f"{more}{len(matches)} children match “{reference}”: choose one below, or add more of the name.",
            )
        elif form_save(form, lambda: services.agenda_item_add(user=request.user, meeting=meeting, child=child, **data)):
            return redirect("mace:meeting-detail", meeting_id=meeting.pk)
    return render(
        request,
        "mace/form.html",
        {"form": form, "title": "Add to the agenda", "meeting": meeting, "matches": matches},
    )


@login_required
@require_POST
def agenda_proposals_add(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, meeting_id)
    chosen = request.POST.getlist("child")
    try:
        child_ids = [UUID(value) for value in chosen] if chosen else None
    except ValueError:
        raise Http404("No child found") from None
    added = services.agenda_proposals_add(user=request.user, meeting=meeting, child_ids=child_ids)
    messages.success(
        request, f"{len(added)} proposed {'child' if len(added) == 1 else 'children'} added to the agenda."
    )
    return redirect("mace:meeting-detail", meeting_id=meeting.pk)


@login_required
def attendance_record(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, meeting_id)
    form = forms.AttendanceForm(request.POST or None, staff=selectors.staff_who_work_with_children())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_save(form, lambda: services.attendance_record(user=request.user, meeting=meeting, **data)):
            return redirect("mace:meeting-detail", meeting_id=meeting.pk)
    return render(request, "mace/form.html", {"form": form, "title": "Record attendance", "meeting": meeting})


@login_required
def decision_record(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, meeting_id)
    agenda = selectors.agenda_for_choice(user=request.user, meeting=meeting, reason="Recording a MACE decision")
    form = forms.DecisionForm(request.POST or None, agenda=agenda)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_save(form, lambda: services.decision_record(user=request.user, **data)):
            return redirect("mace:meeting-detail", meeting_id=meeting.pk)
    return render(request, "mace/form.html", {"form": form, "title": "Record a decision", "meeting": meeting})


@login_required
def action_add(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, meeting_id)
    agenda = selectors.agenda_for_choice(user=request.user, meeting=meeting, reason="Adding a MACE action")
    form = forms.ActionForm(request.POST or None, agenda=agenda, staff=selectors.staff_who_can_own_actions())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_save(form, lambda: services.action_add(user=request.user, meeting=meeting, **data)):
            return redirect("mace:meeting-detail", meeting_id=meeting.pk)
    return render(request, "mace/form.html", {"form": form, "title": "Add an action", "meeting": meeting})


@login_required
def minutes_record(request: AuthenticatedHttpRequest, meeting_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, meeting_id)
    initial = {
        "minutes": meeting.minutes,
        "handling_code": meeting.minutes_handling_code,
        "conditions": meeting.minutes_conditions,
        "condition_agencies": list(meeting.minutes_condition_agencies.all()),
    }
    form = forms.MinutesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_save(form, lambda: services.minutes_record(user=request.user, meeting=meeting, **data)):
            return redirect("mace:meeting-detail", meeting_id=meeting.pk)
    return render(request, "mace/form.html", {"form": form, "title": "Record the minutes", "meeting": meeting})


@login_required
@require_POST
def action_done(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    """From the owner's work list or the meeting page; anyone else is answered "not found"."""
    action = Action.objects.select_related("meeting", "agenda_item").filter(pk=action_id).first()
    if action is None or not services.can_mark_done(request.user, action):
        raise Http404("No action found")
    services.action_done(user=request.user, action=action)
    messages.success(request, "The action is marked done.")
    if (
        request.POST.get("next") == "meeting"
        and selectors.meetings_visible_to(request.user).filter(pk=action.meeting_id).exists()
    ):
        return redirect("mace:meeting-detail", meeting_id=action.meeting_id)
    return redirect("missing:worklist")
