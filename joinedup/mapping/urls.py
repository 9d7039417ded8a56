from django.urls import path

from . import views

app_name = "mapping"
urlpatterns = [
    path("network/", views.network, name="network"),
    path("network/neighbours/", views.neighbours, name="neighbours"),
    path("evidence/", views.evidence, name="evidence"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("hotspots/list/", views.hotspot_list, name="hotspot-list"),
    path("networks/", views.period_networks, name="period-networks"),
    path("children/<uuid:child_id>/panel/", views.child_panel, name="child-panel"),
    path("refresh/", views.refresh, name="refresh"),
]
