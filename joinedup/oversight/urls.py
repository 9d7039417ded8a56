from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/<slug:key>/", views.figure_detail, name="figure"),
    path("figures/<slug:key>.csv", views.figure_csv, name="figure-csv"),
    path("breakdowns/<slug:name>.csv", views.breakdown_csv, name="breakdown-csv"),
    path("what-children-tell-us/", views.children_tell_us, name="children-tell-us"),
]
