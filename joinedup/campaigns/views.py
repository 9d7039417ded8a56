from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.mapping.api import PERIOD_LENGTHS, PERIODS_BACK, map_settings, period_asked
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import Campaign, CampaignMaterial

LIST_SHOWN = 200
# The hotspot period the reach page opens on: a quarter, as awareness work is planned a term ahead.
REACH_DEFAULT_DAYS = 91


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_view_campaigns(request.user))
    campaigns = selectors.campaigns_visible(request.user)
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": campaigns[:LIST_SHOWN],
            "count": campaigns.count(),
            "shown": LIST_SHOWN,
            "can_manage": policy.can_manage_campaigns(request.user),
        },
    )


@login_required
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_manage_campaigns(request.user))
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made: dict[str, Campaign] = {}

        def create() -> None:
            made["campaign"] = services.campaign_record(user=request.user, **form.cleaned_data)

        if form_save(form, create):
            return redirect("campaigns:detail", campaign_id=made["campaign"].pk)
    return render(request, "campaigns/form.html", {"form": form, "title": "Record a campaign"})


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    _require(policy.can_view_campaigns(request.user))
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    return render(
        request,
        "campaigns/detail.html",
        {"campaign": campaign, "can_manage": policy.can_manage_campaigns(request.user)},
    )


@login_required
def campaign_edit(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    _require(policy.can_manage_campaigns(request.user))
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    initial = {name: getattr(campaign, name) for name in forms.CampaignForm.base_fields}
    form = forms.CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def change() -> None:
            services.campaign_change(user=request.user, campaign=campaign, **form.cleaned_data)

        if form_save(form, change):
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(
        request, "campaigns/form.html", {"form": form, "title": f"Change {campaign.title}", "campaign": campaign}
    )


@login_required
def campaign_materials(request: AuthenticatedHttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's list of materials: add one (a leaflet, a poster, a film, a lesson plan), or take one off
    (``remove``: its id)."""
    _require(policy.can_manage_campaigns(request.user))
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    if request.method == "POST" and "remove" in request.POST:
        try:
            material = campaign.material_items.get(pk=int(request.POST["remove"]))
        except (CampaignMaterial.DoesNotExist, ValueError) as error:
            raise Http404("No such material") from error
        services.campaign_material_remove(user=request.user, material=material)
        return redirect("campaigns:materials", campaign_id=campaign.pk)
    form = forms.MaterialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def add() -> None:
            data = form.cleaned_data
            services.campaign_material_add(
                user=request.user, campaign=campaign, **{**data, "co_produced": data["co_produced"] == "yes"}
            )

        if form_save(form, add):
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/materials.html",
        {"form": form, "campaign": campaign, "materials": list(campaign.material_items.all()), "submit": "Add"},
    )


@login_required
def reach(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Campaign reach beside the hotspots, per area: where risk is high and awareness low."""
    _require(policy.can_view_campaigns(request.user))
    query = request.GET.copy()
    if "days" not in query and "since" not in query:
        query["days"] = str(REACH_DEFAULT_DAYS)
    period, days, back = period_asked(query)
    result = selectors.reach_beside_risk(user=request.user, period=period)
    return render(
        request,
        "campaigns/reach.html",
        {
            "result": result,
            "days": days,
            "back": back,
            "lengths": PERIOD_LENGTHS,
            "periods_back": PERIODS_BACK,
            "area_layer": selectors.area_points(result),
            "campaign_layer": selectors.campaign_points(result.campaigns),
            "high_risk_places": selectors.HIGH_RISK_PLACES,
            "low_reach": selectors.LOW_REACH,
            **map_settings(),
        },
    )
