from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.children.selectors import child_find, child_get
from joinedup.deadlines import london_date
from joinedup.linkage import search
from joinedup.web.forms import form_save

from . import selectors, services
from .forms import AnswerForm, ContactForm, DecisionForm, FindChildForm, InformationRequestForm, ToldForm
from .models import Contact, InformationRequest


def _partners(user: User) -> QuerySet[Agency]:
    """The agencies the front door may ask: every agency but the user's own."""
    agencies = Agency.objects.order_by("name")
    return agencies.exclude(pk=user.agency_id) if user.agency_id is not None else agencies


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The front door's triage queue: contacts waiting for a decision, and referrers still to be told."""
    _require(policy.is_front_door(request.user))
    waiting, to_tell = selectors.triage_queue(user=request.user)
    return render(request, "frontdoor/queue.html", {"waiting": waiting, "to_tell": to_tell, "now": timezone.now()})


@login_required
def find(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a contact, finding the child first: choose a child already known, ask to be connected to one known
    elsewhere, or record a new child (through the children app) when none of them is this child."""
    user = request.user
    _require(policy.can_record_children(user))
    data = request.POST if request.method == "POST" else (request.GET if request.GET else None)
    form = FindChildForm(data)
    created: list[Child] = []
    candidates, known_elsewhere, searched = [], False, False
    if data is not None and form.is_valid():
        typed = {k: form.cleaned_data[k] for k in ("given_name", "family_name", "date_of_birth", "postcode")}
        if request.method == "POST" and form_save(
            form, lambda: created.append(services.contact_child_new(user=user, **form.cleaned_data))
        ):
            messages.success(request, f"{created[0].full_name} is recorded. Now record the contact.")
            return redirect("frontdoor:contact-create", child_id=created[0].pk)
        searched = True
        candidates = search.candidates_for(user=user, **typed)
        known_elsewhere = bool(search.known_elsewhere(user=user, **typed))
    query = {k: str(v or "") for k, v in form.cleaned_data.items() if k != "none_of_these"} if searched else {}
    return render(
        request,
        "frontdoor/find.html",
        {
            "form": form,
            "searched": searched,
            "candidates": candidates,
            "known_elsewhere": known_elsewhere,
            "connect_query": urlencode(query),
            "query": query,
        },
    )


@login_required
def contact_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """Record a contact about a child; the threshold document in force is shown beside the form."""
    user = request.user
    child = child_find(user=user, child_id=child_id)
    _require(policy.can_record_contact(user, child))
    child = child_get(user=user, child_id=child.pk, reason="Recording a contact to the front door")
    form = ContactForm(request.POST or None)
    made: list[Contact] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: made.append(services.contact_record(user=user, child=child, **form.cleaned_data)))
    ):
        messages.success(request, "The contact is recorded. The front door decides by the end of the next working day.")
        return redirect("frontdoor:contact", contact_id=made[0].pk)
    threshold = selectors.threshold_in_force(london_date(timezone.now()))
    return render(
        request,
        "frontdoor/contact_create.html",
        {
            "child": child,
            "form": form,
            "threshold": threshold,
            "levels": selectors.threshold_levels(threshold) if threshold else [],
        },
    )


def _contact_page(
    request: AuthenticatedHttpRequest,
    contact: Contact,
    *,
    ask: InformationRequestForm | None = None,
    decide: DecisionForm | None = None,
    told: ToldForm | None = None,
) -> HttpResponse:
    user = request.user
    can_decide = policy.can_decide_contact(user, contact)
    agencies = _partners(user)
    levels = selectors.threshold_levels(contact.threshold)
    return render(
        request,
        "frontdoor/contact.html",
        {
            "contact": contact,
            "child": contact.child,
            "requests": selectors.requests_of(contact=contact),
            "levels": levels,
            "can_open_child": policy.can_view_child(user, contact.child),
            "ask": (ask or InformationRequestForm(agencies=agencies)) if can_decide else None,
            "decide": (decide or DecisionForm(levels=levels)) if can_decide else None,
            "told": (told or ToldForm()) if policy.can_tell_referrer(user, contact) else None,
            "now": timezone.now(),
        },
    )


@login_required
def contact(request: AuthenticatedHttpRequest, contact_id: UUID) -> HttpResponse:
    """One contact: what was worried about, consent, the referrer, requests for information and the decision."""
    return _contact_page(request, selectors.contact_get(user=request.user, contact_id=contact_id))


@login_required
@require_POST
def request_create(request: AuthenticatedHttpRequest, contact_id: UUID) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id, reason="Asking for information")
    _require(policy.can_decide_contact(request.user, contact))
    form = InformationRequestForm(request.POST, agencies=_partners(request.user))
    if form.is_valid() and form_save(
        form, lambda: services.information_request_make(user=request.user, contact=contact, **form.cleaned_data)
    ):
        messages.success(request, f"{form.cleaned_data['to_agency'].name} is asked.")
        return redirect("frontdoor:contact", contact_id=contact.pk)
    return _contact_page(request, contact, ask=form)


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, contact_id: UUID) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id, reason="Deciding a contact")
    _require(policy.can_decide_contact(request.user, contact))
    form = DecisionForm(request.POST, levels=selectors.threshold_levels(contact.threshold))
    if form.is_valid() and form_save(
        form, lambda: services.contact_decide(user=request.user, contact=contact, **form.cleaned_data)
    ):
        messages.success(request, "The decision is recorded. Tell the referrer the outcome.")
        return redirect("frontdoor:contact", contact_id=contact.pk)
    return _contact_page(request, contact, decide=form)


@login_required
@require_POST
def told(request: AuthenticatedHttpRequest, contact_id: UUID) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id, reason="Recording the referrer told")
    _require(policy.can_tell_referrer(request.user, contact))
    form = ToldForm(request.POST)
    if form.is_valid() and form_save(
        form, lambda: services.referrer_told_record(user=request.user, contact=contact, **form.cleaned_data)
    ):
        messages.success(request, "Recorded that the referrer was told.")
        return redirect("frontdoor:contact", contact_id=contact.pk)
    return _contact_page(request, contact, told=form)


@login_required
def requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The front door's requests for information to the user's agency."""
    _require(policy.answers_information_requests(request.user))
    waiting, answered = selectors.requests_to_answer(user=request.user)
    return render(
        request,
        "frontdoor/requests.html",
        {"waiting": waiting, "answered": answered, "today": london_date(timezone.now())},
    )


@login_required
def information_request(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    """One request for information; the agency asked answers it here."""
    user = request.user
    reason = "Answering a request for information" if request.method == "POST" else "Viewed a request for information"
    asked: InformationRequest = selectors.information_request_get(user=user, request_id=request_id, reason=reason)
    can_answer = policy.can_answer_information_request(user, asked)
    if request.method == "POST" and not can_answer:
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.information_request_answer(user=user, request=asked, **form.cleaned_data))
    ):
        messages.success(request, "Your answer is with the front door.")
        return redirect("frontdoor:request", request_id=asked.pk)
    return render(
        request,
        "frontdoor/request.html",
        {"asked": asked, "child": asked.child, "form": form if can_answer else None},
    )


@login_required
def thresholds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The threshold document in force, and earlier versions: every professional can read the levels of need."""
    today = london_date(timezone.now())
    threshold = selectors.threshold_in_force(today)
    return render(
        request,
        "frontdoor/thresholds.html",
        {
            "threshold": threshold,
            "levels": selectors.threshold_levels(threshold) if threshold else [],
            "versions": selectors.threshold_versions(),
        },
    )
