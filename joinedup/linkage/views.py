from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.audit.models import AuditKind
from joinedup.children.connections import connection_decide, connection_request

from . import forms, search, selectors, services
from .models import DecisionKind, PersonLink, ReviewStatus
from .permissions import can_link_records

# The fields shown side by side, in the extract's words.
FIELDS = [
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("other_names", "Other names"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("postcode", "Postcode"),
    ("address", "Address"),
    ("phones", "Phones"),
    ("email", "Email"),
    ("nhs_number", "NHS number"),
    ("upn", "UPN"),
    ("pnc_id", "Police national computer id"),
]
COMPARISON_NAMES = {
    "given_name": "Given name",
    "family_name": "Family name",
    "family_and_home": "Family name and home (address, postcode)",
    "aliases": "Other names and aliases",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
    "phones": "Phones",
    "email": "Email",
    "sex": "Sex",
    "person_type": "Person type",
    "agency": "Agency",
    "identifiers": "NHS number, UPN, police id",
}


def _weights(explanation: dict) -> list[dict]:
    comparisons = explanation.get("comparisons", {})
    return [{"name": COMPARISON_NAMES.get(name, name), **value} for name, value in comparisons.items()]


# Rows a page of the review queue and of the connection requests shows.
REVIEW_PAGE = 50
PEOPLE_PAGE = 50
CONNECTIONS_PAGE = 50


@login_required
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue(user=request.user), REVIEW_PAGE).get_page(request.GET.get("page", 1))
    items = list(page.object_list)
    # The records on this page only, one statement however many.
    selectors.records_audit(
        user=request.user,
        kind=AuditKind.PERSON_RECORD_LISTED,
        records=[r for item in items for r in (item.record_a, item.record_b)],
        reason="Record linkage review queue",
    )
    return render(request, "linkage/review_list.html", {"items": items, "page": page, "last_run": selectors.last_run()})


@login_required
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Linked people: each person linkage made of two or more agencies' records, with a way to their page (where
    a link is undone)."""
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.people_linked(user=request.user, query=query), PEOPLE_PAGE).get_page(
        request.GET.get("page", 1)
    )
    people = list(page.object_list)
    selectors.records_audit(
        user=request.user,
        kind=AuditKind.PERSON_RECORD_LISTED,
        records=[link.person_record for person in people for link in person.links.all()],
        reason=f"Linked people: {query}" if query else "Linked people",
    )
    return render(request, "linkage/people.html", {"people": people, "page": page, "query": query})


@login_required
def review_item(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = selectors.review_item_get(user=request.user, item_id=item_id)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_item_decide(user=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The decision is recorded.")
            return redirect("linkage:review-list")
    rows = [(label, item.record_a.data.get(key, ""), item.record_b.data.get(key, "")) for key, label in FIELDS]
    return render(
        request,
        "linkage/review_item.html",
        {
            "item": item,
            "rows": rows,
            "weights": _weights(item.explanation),
            "form": form,
            "decisions": selectors.item_decisions(item=item),
            "is_open": item.status == ReviewStatus.OPEN,
            "join": selectors.item_join(item=item),
        },
    )


@login_required
def person_detail(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    person, links = selectors.person_get(user=request.user, person_id=person_id)
    records = [link.person_record for link in links]
    shown = [
        {
            "link": link,
            "weights": _weights(link.explanation),
            "values": [link.person_record.data.get(k, "") for k, _ in FIELDS],
        }
        for link in links
    ]
    return render(
        request,
        "linkage/person.html",
        {
            "person": person,
            "links": shown,
            "fields": [label for _, label in FIELDS],
            "decisions": selectors.person_decisions(records=records),
        },
    )


@login_required
def link_undo(request: AuthenticatedHttpRequest, link_id: int) -> HttpResponse:
    link: PersonLink = selectors.person_link_get(user=request.user, link_id=link_id)
    form = forms.UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_id = link.person_id
        try:
            services.person_link_undo(user=request.user, link=link, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The record is taken out of the person; later runs keep it apart.")
            return redirect("linkage:person", person_id=person_id)
    selectors.records_audit(
        user=request.user, kind=AuditKind.PERSON_RECORD_VIEWED, records=[link.person_record], reason="Undoing a link"
    )
    return render(request, "linkage/link_undo.html", {"link": link, "form": form})


@login_required
def review_item_separate(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Undo on the pair's page: the two records are not the same child after all, so the join is undone and no
    later run joins them again."""
    item = selectors.review_item_get(user=request.user, item_id=item_id)
    if selectors.item_join(item=item) is None:
        # Offered only on a pair joined as one child (the pair's page): an old link or a typed address lands back.
        messages.info(request, "These records are not joined as one child: there is nothing to separate.")
        return redirect("linkage:review-item", item_id=item.pk)
    form = forms.UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_item_decide(
                user=request.user, item=item, decision=DecisionKind.NOT_A_MATCH, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The records are separated; later runs keep them apart.")
            return redirect("linkage:review-item", item_id=item.pk)
    return render(
        request,
        "linkage/separate.html",
        {
            "form": form,
            "what": f"{item.record_a} and {item.record_b}",
            "back": reverse("linkage:review-item", args=[item.pk]),
        },
    )


@login_required
def join_undo(request: AuthenticatedHttpRequest, join_id: int) -> HttpResponse:
    """Undo on the child's page: split what the join moved back to the record it came from."""
    join = selectors.join_get(user=request.user, join_id=join_id)
    form = forms.UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_join_separate(user=request.user, join=join, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The records are separated again; later runs keep them apart.")
            return redirect("children:detail", child_id=join.child_id)
    return render(
        request,
        "linkage/separate.html",
        {
            "form": form,
            "what": f"{join.joined.full_name}'s record, joined into {join.child.full_name}'s",
            "back": reverse("children:detail", args=[join.child_id]),
        },
    )


@login_required
def candidates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find before you create: the fragment of likely matches under the form for a new child."""
    if not policy.can_record_children(request.user):
        raise PermissionDenied
    found = search.candidates_for(
        user=request.user,
        given_name=request.GET.get("given_name", "")[:100],
        family_name=request.GET.get("family_name", "")[:100],
        date_of_birth=request.GET.get("date_of_birth", "")[:10],
        postcode=request.GET.get("postcode", "")[:10],
    )
    typed = {
        "given_name": request.GET.get("given_name", "")[:100],
        "family_name": request.GET.get("family_name", "")[:100],
        "date_of_birth": request.GET.get("date_of_birth", "")[:10],
        "postcode": request.GET.get("postcode", "")[:10],
    }
    # The same answer whether one agency or five know the child, and nothing about which.
    known = bool(search.known_elsewhere(user=request.user, **typed))
    return render(
        request,
        "linkage/_candidates.html",
        {"candidates": found, "known_elsewhere": known, "connect_query": urlencode(typed)},
    )


@login_required
def connect(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask to be connected to a child who may already be known to the partnership (no child is created)."""
    if not policy.can_record_children(request.user):
        raise PermissionDenied
    form = forms.ConnectForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        candidates = search.known_elsewhere(
            user=request.user,
            given_name=values["given_name"],
            family_name=values["family_name"],
            date_of_birth=values["date_of_birth"],
            postcode=values["postcode"],
        )
        try:
            made = connection_request(
                user=request.user,
                details=values,
                candidates=candidates,
                reason=values["reason"],
                involvement_reason=values["involvement_reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your request is with the coordinator, who connects you or tells you to go on.")
            return redirect("linkage:connection", request_id=made.pk)
    return render(request, "linkage/connect.html", {"form": form})


@login_required
def connection_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    waiting = selectors.connections_waiting(user=request.user).order_by("requested_at", "pk")
    page = Paginator(waiting, CONNECTIONS_PAGE).get_page(request.GET.get("page", 1))
    return render(request, "linkage/connection_list.html", {"waiting": list(page.object_list), "page": page})


@login_required
def connection_detail(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    connection, children = selectors.connection_get(user=request.user, request_id=request_id)
    is_coordinator = can_link_records(request.user)
    form = forms.ConnectionDecisionForm(request.POST or None, children=children) if is_coordinator else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            answer = form.cleaned_data["answer"]
            attach_to = next((c for c in children if str(c.pk) == answer), None)
            try:
                connection_decide(
                    user=request.user, request=connection, attach_to=attach_to, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "The request is answered and the practitioner can see the child.")
                return redirect("linkage:connections")
    return render(
        request,
        "linkage/connection_detail.html",
        {"connection": connection, "children": children, "form": form, "is_coordinator": is_coordinator},
    )
