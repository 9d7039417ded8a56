from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.assessments.selectors import assessments_of
from joinedup.concerns.selectors import concerns_for
from joinedup.contacts.selectors import contact_summary
from joinedup.jobs.services import children_export_request
from joinedup.missing import selectors as missing_selectors
from joinedup.screening.permissions import can_screen
from joinedup.sharing.selectors import shares_of
from joinedup.sharing.services import share_decision_record
from joinedup.voice import services as voice_services

from . import details, selectors, services
from .forms import (
    AddressForm,
    ChildForm,
    ChronologyCorrectionForm,
    ChronologyEntryForm,
    ConcernCorrectionForm,
    ContactCorrectionForm,
    CorrectionForm,
    DateOfBirthForm,
    DetailsForm,
    EndForm,
    EpisodeCorrectionForm,
    IdentifiersForm,
    InterviewCorrectionForm,
    InvolvementEndForm,
    InvolvementOpenForm,
    KeyWorkerForm,
    LookedAfterForm,
    NamesForm,
    RelativeForm,
    SettleForm,
    SexEthnicityForm,
    ShareForm,
    errors_onto,
)
from .models import Child, ItemKind

# Session key: the purpose a partnership leader gave for opening each child's record (child id -> purpose).
PURPOSES_SESSION_KEY = "record_purposes"


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) < 10_000 else 1


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def child_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.works_with_children(request.user))
    query = request.GET.get("q", "")
    include_closed = request.GET.get("closed") == "1"
    page = selectors.child_page(
        user=request.user, query=query, page_number=request.GET.get("page", 1), include_closed=include_closed
    )
    template = "children/_results.html" if request.htmx else "children/list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "include_closed": include_closed,
            "can_create": policy.can_record_children(request.user),
        },
    )


@login_required
def child_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_record_children(request.user))
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = services.child_create(user=request.user, **form.cleaned_data)
        return redirect("children:detail", child_id=child.pk)
    return render(request, "children/create.html", {"form": form})


def _purpose_given(request: AuthenticatedHttpRequest, child_id: UUID) -> str | None:
    """Why a partnership leader opens this child's record: asked once a session for each child, and kept."""
    purposes: dict[str, str] = request.session.get(PURPOSES_SESSION_KEY, {})
    chosen = request.GET.get("purpose", "")
    if chosen in policy.LEADER_PURPOSES:
        purposes[str(child_id)] = chosen
        request.session[PURPOSES_SESSION_KEY] = purposes
    return purposes.get(str(child_id))


@login_required
def child_detail(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    reason = "Viewed the child's record"
    if policy.must_give_purpose(user):
        purpose = _purpose_given(request, child_id)
        if purpose is None:
            # Nothing of the child is shown until the purpose is given; a hidden id answers "not found" alike.
            selectors.child_find(user=user, child_id=child_id)
            return render(
                request,
                "children/purpose.html",
                {"purposes": policy.LEADER_PURPOSES.items(), "error": "purpose" in request.GET},
            )
        reason = f"Viewed the child's record for {policy.LEADER_PURPOSES[purpose].lower()}"
    child = selectors.child_get(user=user, child_id=child_id, reason=reason)
    if child.pk != child_id:
        # This record was joined into another child's: the old link leads to the one record.
        return redirect("children:detail", child_id=child.pk)
    can_change = policy.can_change_child_details(user, child)
    coordinator = user.has_role(RoleCode.COORDINATOR)
    missing_now = missing_selectors.episodes_of(child=child).filter(returned_at__isnull=True).first()
    return render(
        request,
        "children/detail.html",
        {
            "child": child,
            "details": details.detail_rows(child),
            "history": details.detail_history(child),
            "addresses": selectors.addresses_for(user=user, child=child),
            "relatives": child.relatives.select_related("sibling").order_by("ended_at", "kind", "name"),
            "can_change": can_change,
            # Opening an involvement: the coordinator for any agency, others for their own when it is not open.
            "can_open_involvement": user.agency_id is not None
            and policy.can_open_involvement(user, child, user.agency_id)
            and (coordinator or not policy.agency_is_involved(user, child)),
            "endable_agencies": [
                inv.agency_id
                for inv in child.involvements.filter(ended_at__isnull=True)
                if policy.can_end_involvement(user, child, inv.agency_id)
            ],
            "involvements": details.involvement_history(child),
            "chronology": selectors.timeline_page(
                user=user,
                child=child,
                page=_page_number(request.GET.get("chronology", "1")),
                others_newest=lambda n: missing_selectors.timeline_items(child=child, limit=n),
            ),
            "can_record": policy.can_record_about_child(user, child),
            "can_share": policy.can_share_child(user, child),
            "can_see_access_log": policy.can_view_access_log(user, child),
            "can_answer_subject_access": policy.can_answer_subject_access(user),
            "episodes": missing_selectors.episodes_of(child=child).select_related("interview"),
            "repeat_missing": missing_selectors.repeat_missing(child=child),
            "assessments": list(assessments_of(child=child)[:1]),
            "concerns": concerns_for(user=user, child=child),
            "contacts": contact_summary(user=user, child=child),
            "can_screen": can_screen(user, child),
            "missing_now": missing_now,
            "missing_now_grading": missing_now.current_grading if missing_now else None,
            "joins": selectors.joins_of(child=child),
            "shares": list(shares_of(child=child)),
            "can_join": policy.can_join_children(user),
            "agency_records": child.person_records.select_related("agency").order_by("agency__code", "record_id"),
        },
    )


@login_required
def chronology_entry_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = selectors.child_find(user=request.user, child_id=child_id)
    _require(policy.can_record_about_child(request.user, child))
    selectors.child_get(user=request.user, child_id=child.pk, reason="Adding to the chronology")
    form = ChronologyEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.chronology_entry_record(user=request.user, child=child, **form.cleaned_data)
        return redirect("children:detail", child_id=child.pk)
    return render(request, "children/entry_create.html", {"form": form, "child": child})


def _child_to_change(user: User, child_id: UUID, reason: str) -> Child:
    """The child whose record this user may keep, its read audited; "not found" or "forbidden" otherwise."""
    child = selectors.child_find(user=user, child_id=child_id)
    _require(policy.can_change_child_details(user, child))
    return selectors.child_get(user=user, child_id=child.pk, reason=reason)


DETAIL_GROUPS: dict[str, tuple[type[DetailsForm], str]] = {
    "names": (NamesForm, "Names"),
    "date-of-birth": (DateOfBirthForm, "Date of birth"),
    "sex-ethnicity": (SexEthnicityForm, "Sex and ethnicity"),
    "identifiers": (IdentifiersForm, "Identifiers"),
    "looked-after": (LookedAfterForm, "Looked-after status and placement"),
    "key-worker": (KeyWorkerForm, "Key worker"),
}


@login_required
def details_change(request: AuthenticatedHttpRequest, child_id: UUID, group: str) -> HttpResponse:
    form_class, title = DETAIL_GROUPS[group]
    user = request.user
    child = _child_to_change(user, child_id, f"Changing the child's details: {title.lower()}")
    form = form_class(request.POST or None, child=child)
    # A key worker is checked against the child's say (joinedup.voice): its page shows what the child said.
    allocation = voice_services.allocation_check(child=child, worker=None) if group == "key-worker" else None
    if request.method == "POST" and form.is_valid():
        try:
            if allocation is not None:
                allocation = voice_services.allocation_check(child=child, worker=form.cleaned_data["key_worker"])
                changed = voice_services.key_worker_allocate(
                    user=user,
                    child=child,
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                    confirmed=request.POST.get("against_childs_say") == "confirmed",
                )
            else:
                changed = services.child_details_change(
                    user=user, child=child, changes=form.changes(), reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            errors_onto(form, error, form.service_fields)
        else:
            messages.success(request, f"{title} changed" if changed else f"{title}: nothing changed")
            return redirect("children:detail", child_id=child.pk)
    return render(
        request, "children/change.html", {"form": form, "child": child, "title": title, "allocation": allocation}
    )


@login_required
def disagreement_settle(request: AuthenticatedHttpRequest, child_id: UUID, field: str) -> HttpResponse:
    if field not in details.SETTLEABLE:
        raise Http404("No such detail")
    user = request.user
    label = details.LABELS[field]
    child = _child_to_change(user, child_id, f"Settling which {label.lower()} is right")
    form = SettleForm(request.POST or None, options=details.detail_options(child, field))
    if request.method == "POST" and form.is_valid():
        try:
            services.disagreement_settle(
                user=user,
                child=child,
                field=field,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(request, f"{label} settled")
            return redirect("children:detail", child_id=child.pk)
    title = f"Which {label.lower()} is right?"
    return render(request, "children/change.html", {"form": form, "child": child, "title": title})


@login_required
def address_add(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = _child_to_change(user, child_id, "Recording an address")
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_record(user=user, child=child, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    return render(request, "children/change.html", {"form": form, "child": child, "title": "Add an address"})


@login_required
def address_change(request: AuthenticatedHttpRequest, child_id: UUID, address_id: int) -> HttpResponse:
    user = request.user
    child = _child_to_change(user, child_id, "Changing an address")
    address = next((a for a in selectors.addresses_for(user=user, child=child) if a.pk == address_id), None)
    if address is None:
        raise Http404("No address found")
    _require(not address.restricted or address.recorded_by_agency_id == user.agency_id)
    form = AddressForm(request.POST or None, address=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(user=user, address=address, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    return render(request, "children/change.html", {"form": form, "child": child, "title": "Change an address"})


@login_required
def relative_add(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = _child_to_change(user, child_id, "Recording a parent, carer or brother or sister")
    form = RelativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relative_record(user=user, child=child, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    title = "Add a parent, carer, brother or sister"
    return render(request, "children/change.html", {"form": form, "child": child, "title": title})


@login_required
def relative_change(request: AuthenticatedHttpRequest, child_id: UUID, relative_id: int) -> HttpResponse:
    user = request.user
    child = _child_to_change(user, child_id, "Changing a parent, carer or brother or sister's details")
    relative = get_object_or_404(child.relatives, pk=relative_id, ended_at__isnull=True)
    form = RelativeForm(request.POST or None, relative=relative)
    if request.method == "POST" and form.is_valid():
        try:
            services.relative_update(
                user=user, relative=relative, changes=form.changes(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors_onto(form, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    title = f"Change {relative.name}'s details"
    return render(request, "children/change.html", {"form": form, "child": child, "title": title})


@login_required
def relative_end(request: AuthenticatedHttpRequest, child_id: UUID, relative_id: int) -> HttpResponse:
    user = request.user
    child = _child_to_change(user, child_id, "Ending a parent, carer or brother or sister's entry")
    relative = get_object_or_404(child.relatives, pk=relative_id, ended_at__isnull=True)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relative_end(user=user, relative=relative, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            errors_onto(form, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    title = f"{relative.name} is no longer part of {child.given_name}'s life"
    return render(request, "children/change.html", {"form": form, "child": child, "title": title, "submit": "Confirm"})


@login_required
def involvement_open(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = selectors.child_find(user=user, child_id=child_id)
    _require(user.agency_id is not None and policy.can_open_involvement(user, child, user.agency_id))
    child = selectors.child_get(user=user, child_id=child.pk, reason="Opening an agency's involvement")
    form = InvolvementOpenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.involvement_open(
                user=user,
                child=child,
                agency=data["agency"],
                team=data["team"],
                service=data["service"],
                reason=data["reason"],
            )
        except ValidationError as error:
            errors_onto(form, error)
        except PermissionDenied:
            form.add_error("agency", "You may open only your own agency's involvement")
        else:
            return redirect("children:detail", child_id=child.pk)
    already = not user.has_role(RoleCode.COORDINATOR) and policy.agency_is_involved(user, child)
    return render(
        request,
        "children/change.html",
        {
            "form": form,
            "child": child,
            "title": "Open an involvement",
            "already": "Your agency is already involved with this child." if already else "",
            "submit": "Open the involvement",
        },
    )


@login_required
def involvement_end(request: AuthenticatedHttpRequest, child_id: UUID, involvement_id: int) -> HttpResponse:
    user = request.user
    child = selectors.child_find(user=user, child_id=child_id)
    involvement = get_object_or_404(
        child.involvements.select_related("agency"), pk=involvement_id, ended_at__isnull=True
    )
    _require(policy.can_end_involvement(user, child, involvement.agency_id))
    child = selectors.child_get(user=user, child_id=child.pk, reason="Ending an agency's involvement")
    involvement.child = child
    form = InvolvementEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_end(user=user, involvement=involvement, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            if policy.can_view_child(user, child):
                return redirect("children:detail", child_id=child.pk)
            messages.success(
                request,
                f"{involvement.agency.name}'s involvement has ended, so the record is no longer open to you.",
            )
            return redirect("children:list")
    title = f"End {involvement.agency.name}'s involvement"
    ends_sight = involvement.agency_id == user.agency_id
    return render(
        request,
        "children/change.html",
        {
            "form": form,
            "child": child,
            "title": title,
            "warning": "Your agency will no longer see this child's record, unless it is shared with you."
            if ends_sight
            else "",
            "submit": "End the involvement",
        },
    )


@login_required
def share_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = selectors.child_find(user=user, child_id=child_id)
    _require(policy.can_share_child(user, child))
    selectors.child_get(user=user, child_id=child.pk, reason="Recording a decision to share")
    form = ShareForm(request.POST or None, user=user, entries=selectors.chronology_for(user=user, child=child))
    if request.method == "POST" and form.is_valid():
        try:
            share_decision_record(user=user, child=child, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    return render(request, "children/share_create.html", {"form": form, "child": child})


@login_required
def access_log(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child, events = selectors.access_log_for(user=request.user, child_id=child_id)
    page = Paginator(events.order_by("-occurred_at", "-pk"), ACCESS_LOG_PAGE).get_page(request.GET.get("page", 1))
    return render(request, "children/access_log.html", {"child": child, "events": page.object_list, "page": page})


# Rows of "who viewed" a page.
ACCESS_LOG_PAGE = 100


@login_required
@require_POST
def children_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    job = children_export_request(user=request.user)
    return redirect("jobs:detail", job_id=job.pk)


# --- Corrections of items an agency recorded -----------------------------------------------------------

_CORRECTION_FORMS = {
    ItemKind.CHRONOLOGY_ENTRY: ChronologyCorrectionForm,
    ItemKind.CONCERN: ConcernCorrectionForm,
    ItemKind.CONTACT_ATTEMPT: ContactCorrectionForm,
    ItemKind.MISSING_EPISODE: EpisodeCorrectionForm,
    ItemKind.RETURN_INTERVIEW: InterviewCorrectionForm,
}


def _correct(user: User, shown: selectors.ItemShown, form: CorrectionForm) -> None:
    from joinedup.concerns.services import concern_correct, concern_mark_in_error
    from joinedup.contacts.services import contact_attempt_correct, contact_attempt_mark_in_error
    from joinedup.missing.services import missing_episode_correct, return_interview_correct

    reason = form.cleaned_data["reason"]
    in_error = form.cleaned_data.get("entered_in_error", False)
    if shown.kind == ItemKind.MISSING_EPISODE:
        missing_episode_correct(user=user, episode=shown.item, changes=form.changes(), reason=reason)
        return
    if shown.kind == ItemKind.RETURN_INTERVIEW:
        return_interview_correct(user=user, interview=shown.item, changes=form.changes(), reason=reason)
        return
    if shown.kind == ItemKind.CHRONOLOGY_ENTRY:
        if in_error:
            services.chronology_entry_mark_in_error(user=user, entry=shown.item, reason=reason)
        else:
            services.chronology_entry_correct(user=user, entry=shown.item, changes=form.changes(), reason=reason)
    elif shown.kind == ItemKind.CONCERN:
        if in_error:
            concern_mark_in_error(user=user, concern=shown.item, reason=reason)
        else:
            concern_correct(user=user, concern=shown.item, changes=form.changes(), reason=reason)
    elif in_error:
        contact_attempt_mark_in_error(user=user, attempt=shown.item, reason=reason)
    else:
        contact_attempt_correct(user=user, attempt=shown.item, changes=form.changes(), reason=reason)


@login_required
def item_history(request: AuthenticatedHttpRequest, child_id: UUID, item_kind: str, item_id: str) -> HttpResponse:
    """An item as it stands and its earlier versions, for those who may see the item."""
    child, shown = selectors.item_get(
        user=request.user, child_id=child_id, kind=item_kind, item_id=item_id, reason="Viewing an item's history"
    )
    return render(
        request,
        "children/item_history.html",
        {
            "child": child,
            "shown": shown,
            "corrections": selectors.item_corrections(shown=shown),
            "can_correct": policy.can_correct_item(request.user, child, shown.owning_agency_id),
        },
    )


@login_required
def item_correct(request: AuthenticatedHttpRequest, child_id: UUID, item_kind: str, item_id: str) -> HttpResponse:
    """The owning agency corrects an item it recorded, or marks it entered in error, with a reason."""
    child, shown = selectors.item_get(
        user=request.user, child_id=child_id, kind=item_kind, item_id=item_id, reason="Correcting an item"
    )
    _require(policy.can_correct_item(request.user, child, shown.owning_agency_id))
    form_class = _CORRECTION_FORMS[ItemKind(item_kind)]
    initial = {name: getattr(shown.item, name) for name in form_class.editable}
    form = form_class(request.POST or None, initial=initial, user=request.user, item=shown.item)
    if request.method == "POST" and form.is_valid():
        try:
            _correct(request.user, shown, form)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            done = "marked entered in error" if form.cleaned_data.get("entered_in_error") else "corrected"
            messages.success(request, f"The {shown.label.lower()} is {done}; the earlier version is kept.")
            return redirect("children:detail", child_id=child.pk)
    return render(
        request,
        "children/change.html",
        {"child": child, "form": form, "title": f"Correct the {shown.label.lower()}"},
    )
