from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures/<slug:key>/", views.figure_detail, name="figure"),
    path("figures/<slug:key>.csv", views.figure_csv, name="figure-csv"),
    path("breakdowns/<slug:name>.csv", views.breakdown_csv, name="breakdown-csv"),
    path("what-children-tell-us/", views.children_tell_us, name="children-tell-us"),
    path("goals/", views.goal_list, name="goals"),
    path("goals/new/", views.goal_create, name="goal-create"),
    path("goals/<int:goal_id>/", views.goal_detail, name="goal"),
    path("goals/<int:goal_id>/retire/", views.goal_retire, name="goal-retire"),
]
