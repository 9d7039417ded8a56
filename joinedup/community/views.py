"""The reporting pages (no sign-in) and the coordinator's pages: businesses and the triage queue.

The reporting pages are rate-limited per link and per address (the public page more tightly), refuse a body too
large to be a report before reading it, answer an unknown or revoked link with the same plain page, and after a
report show a thank-you page that holds nothing of it.
"""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.throttle.services import allow_all, client_address
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import Business, CommunityReport, ReportStatus

# A report is a few kilobytes at most (2,000 characters of text, some ticks and contact details).
MAX_BODY_BYTES = 16 * 1024
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# (scope, limit, window): a business's link and the address it is used from; the public page tighter.
TOKEN_LIMIT = (20, DAY)
TOKEN_ADDRESS_LIMIT = (10, HOUR)
PUBLIC_ADDRESS_LIMIT = (3, HOUR)
PUBLIC_LIMIT = (200, DAY)
# Tries of a link that is not in use, per address: looking for links is stopped early.
UNKNOWN_LINK_LIMIT = (20, HOUR)


def _refusal(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, f"community/{template}", status=status)


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def _report_page(request: HttpRequest, business: Business | None, limits: list[tuple[str, str, int, timedelta]]):
    if request.method == "POST":
        if _too_large(request):
            return _refusal(request, "too_large.html", 413)
        if not allow_all(limits):
            return _refusal(request, "too_many.html", 429)
    public = business is None
    form = forms.ReportForm(request.POST or None, signs=selectors.warning_signs_for(business), public=public)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submitted = services.Submitted(
            signs=list(data["signs"]),
            what_happened=data["what_happened"],
            happened_at=data["happened_at"],
            where=data.get("where", ""),
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
        )
        if form_save(form, lambda: services.community_report_receive(business=business, submitted=submitted)):
            return redirect("community:report-thanks")
    return render(request, "community/report.html", {"form": form, "business": business, "public": public})


@never_cache
def report(request: HttpRequest, token: str) -> HttpResponse:
    """A business's reporting page, reached by its link: no sign-in."""
    business = selectors.business_for_token(token)
    address = client_address(request)
    if business is None:
        allow_all([("community-unknown-link", address, *UNKNOWN_LINK_LIMIT)])
        return _refusal(request, "not_found.html", 404)
    return _report_page(
        request,
        business,
        [
            ("community-link", token, *TOKEN_LIMIT),
            ("community-link-address", address, *TOKEN_ADDRESS_LIMIT),
        ],
    )


@never_cache
def report_public(request: HttpRequest) -> HttpResponse:
    """The public reporting page, for anyone: tighter limits, and it asks where it happened."""
    return _report_page(
        request,
        None,
        [
            ("community-public", "all", *PUBLIC_LIMIT),
            ("community-public-address", client_address(request), *PUBLIC_ADDRESS_LIMIT),
        ],
    )


@never_cache
def report_thanks(request: HttpRequest) -> HttpResponse:
    """Shown after any report: it says nothing about the report, or any other."""
    return render(request, "community/thanks.html")


# --- The coordinator's pages -------------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The triage queue: each report waiting, oldest first, with its business, place, signs and time waiting."""
    user = request.user
    waiting = selectors.reports_waiting(user)
    return render(
        request,
        "community/queue.html",
        {"waiting": waiting, "triaged": selectors.reports_triaged(user), "now": timezone.now()},
    )


def _report_context(request: AuthenticatedHttpRequest, found: CommunityReport, **extra: Any) -> dict[str, Any]:
    query = request.GET.get("child", "")[:100]
    concern_form = extra.pop("concern_form", None) or forms.ConcernFromReportForm(
        initial={"what_happened": found.what_happened}
    )
    return {
        "report": found,
        "open": found.status == ReportStatus.OPEN,
        "query": query,
        "children": selectors.children_for_concern(request.user, query) if query else [],
        "concern_form": concern_form,
        "close_form": extra.pop("close_form", None) or forms.CloseReportForm(),
        "now": timezone.now(),
        **extra,
    }


@login_required
def report_detail(request: AuthenticatedHttpRequest, report_id: UUID) -> HttpResponse:
    """One report: turn it into a concern about a child (found by name), or close it with a reason."""
    found = selectors.report_get(request.user, report_id)
    return render(request, "community/report_detail.html", _report_context(request, found))


@login_required
@require_POST
def report_concern(request: AuthenticatedHttpRequest, report_id: UUID) -> HttpResponse:
    user = request.user
    found = selectors.report_get(user, report_id)
    form = forms.ConcernFromReportForm(request.POST)
    if form.is_valid():
        child = selectors.child_for_concern(user, form.cleaned_data["child"])
        if child is None:
            form.add_error("child", "Choose the child the report is about from the search results.")
        elif form_save(
            form,
            lambda: services.community_report_to_concern(
                user=user,
                report=found,
                child=child,
                category=form.cleaned_data["category"],
                what_happened=form.cleaned_data["what_happened"],
            ),
        ):
            messages.success(request, "The report is now a concern about the child, at the business's place.")
            return redirect("community:report-detail", report_id=found.pk)
    return render(request, "community/report_detail.html", _report_context(request, found, concern_form=form))


@login_required
@require_POST
def report_close(request: AuthenticatedHttpRequest, report_id: UUID) -> HttpResponse:
    user = request.user
    found = selectors.report_get(user, report_id)
    form = forms.CloseReportForm(request.POST)
    if form.is_valid() and form_save(
        form,
        lambda: services.community_report_close(
            user=user, report=found, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        ),
    ):
        messages.success(request, "The report is closed.")
        return redirect("community:queue")
    return render(request, "community/report_detail.html", _report_context(request, found, close_form=form))


@login_required
def businesses(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "community/businesses.html", {"businesses": selectors.businesses_for(request.user)})


@login_required
def business_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require(policy.can_manage_businesses(user))
    form = forms.BusinessForm(request.POST or None, places=selectors.business_places())
    made: list[Business] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: made.append(services.business_register(user=user, **form.cleaned_data)))
    ):
        messages.success(request, "The business is registered. Issue its reporting link below.")
        return redirect("community:business", business_id=made[0].pk)
    return render(request, "community/business_create.html", {"form": form})


def _business_page(request: AuthenticatedHttpRequest, business: Business, **extra: Any) -> HttpResponse:
    return render(
        request,
        "community/business.html",
        {
            "business": business,
            "staff": selectors.business_staff_training(business, today=timezone.localdate()),
            "visit_form": extra.pop("visit_form", None) or forms.VisitForm(),
            "staff_form": extra.pop("staff_form", None) or forms.StaffForm(),
            "waiting": business.reports.filter(status=ReportStatus.OPEN).count(),
            **extra,
        },
    )


@login_required
def business(request: AuthenticatedHttpRequest, business_id: UUID) -> HttpResponse:
    """A business: its contact, the staff trained and when, the last visit, and its reporting link."""
    return _business_page(request, selectors.business_get(request.user, business_id))


@login_required
@require_POST
def business_visit(request: AuthenticatedHttpRequest, business_id: UUID) -> HttpResponse:
    user = request.user
    found = selectors.business_get(user, business_id)
    form = forms.VisitForm(request.POST)
    if form.is_valid() and form_save(
        form, lambda: services.business_visit_record(user=user, business=found, **form.cleaned_data)
    ):
        messages.success(request, "The visit is recorded.")
        return redirect("community:business", business_id=found.pk)
    return _business_page(request, found, visit_form=form)


@login_required
@require_POST
def business_staff(request: AuthenticatedHttpRequest, business_id: UUID) -> HttpResponse:
    user = request.user
    found = selectors.business_get(user, business_id)
    form = forms.StaffForm(request.POST)
    if form.is_valid() and form_save(
        form, lambda: services.business_staff_add(user=user, business=found, **form.cleaned_data)
    ):
        messages.success(request, "The member of staff is added. Record their training on the training pages.")
        return redirect("community:business", business_id=found.pk)
    return _business_page(request, found, staff_form=form)


@login_required
@require_POST
def business_token(request: AuthenticatedHttpRequest, business_id: UUID) -> HttpResponse:
    """Issue (or issue again) the reporting link: shown on this page once, never again."""
    user = request.user
    found = selectors.business_get(user, business_id)
    token = services.reporting_token_issue(user=user, business=found)
    link = request.build_absolute_uri(f"/report/{token}/")
    return _business_page(request, found, new_link=link)


@login_required
@require_POST
def business_revoke(request: AuthenticatedHttpRequest, business_id: UUID) -> HttpResponse:
    user = request.user
    found = selectors.business_get(user, business_id)
    if found.reporting_open:
        services.reporting_token_revoke(user=user, business=found)
        messages.success(request, "The reporting link is revoked: it no longer works.")
    return redirect("community:business", business_id=found.pk)
