from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_many

from . import selectors, services
from .forms import DataPackForm

PAGE_SIZE = 50


def _list_page(request: AuthenticatedHttpRequest, form: DataPackForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "datapack/list.html",
        {
            "form": form,
            "packs": selectors.data_packs_for(user=request.user),
            "factors": selectors.CIN_FACTORS,
            "kept_days": selectors.DATA_PACK_FILE_DAYS,
        },
        status=status,
    )


@login_required
def pack_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_use_data_pack(request.user):
        raise PermissionDenied
    return _list_page(request, DataPackForm())


@login_required
@require_POST
def pack_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_use_data_pack(request.user):
        raise PermissionDenied
    form = DataPackForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    pack = services.data_pack_request(user=request.user, as_at=form.cleaned_data["as_at"])
    return redirect("datapack:detail", pack_id=pack.pk)


@login_required
def pack_detail(request: AuthenticatedHttpRequest, pack_id: UUID) -> HttpResponse:
    pack = selectors.data_pack_get(user=request.user, pack_id=pack_id)
    return render(
        request,
        "datapack/detail.html",
        {
            "pack": pack,
            "job": pack.job,
            "factors": [(factor, pack.factor_counts.get(factor.code)) for factor in selectors.CIN_FACTORS],
            "kept_until": selectors.file_kept_until(pack),
        },
    )


@login_required
def pack_download(request: AuthenticatedHttpRequest, pack_id: UUID) -> HttpResponse:
    pack = selectors.data_pack_get(user=request.user, pack_id=pack_id)
    try:
        data = services.data_pack_download(user=request.user, pack=pack)
    except services.DataPackOutdated:
        messages.error(request, "That data pack holds a child you may no longer see. Ask for it again.")
        return redirect("datapack:list")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{pack.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def factor_list(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    if not policy.can_use_data_pack(request.user):
        raise PermissionDenied
    factor = selectors.FACTORS_BY_CODE.get(code)
    if factor is None:
        raise Http404("No such assessment factor")
    form = DataPackForm(request.GET)
    if not form.is_valid():
        return render(request, "datapack/factor.html", {"factor": factor, "form": form}, status=400)
    as_at = form.cleaned_data["as_at"]
    children = selectors.factor_children(user=request.user, code=code, as_at=as_at)
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page", 1))
    audit_record_many(
        actor=request.user,
        kind=AuditKind.CHILD_LISTED,
        rows=[
            (child.pk, "child", str(child.pk), f"Inspection data pack: CIN factor {code}", None)
            for child in page.object_list
        ],
    )
    return render(
        request,
        "datapack/factor.html",
        {
            "factor": factor,
            "form": form,
            "as_at": as_at,
            "period": selectors.period_for(as_at),
            "page": page,
            "query": f"as_at={as_at.isoformat()}",
        },
    )
