from django.urls import path

from . import views

app_name = "contextual"
urlpatterns = [
    path("", views.index, name="index"),
    path("places/new/", views.place_open, name="place-open"),
    path("places/<uuid:place_id>/", views.place_detail, name="place"),
    path("groups/new/", views.group_open, name="group-open"),
    path("groups/<uuid:group_id>/", views.group_detail, name="group"),
    path("groups/<uuid:group_id>/members/", views.group_members, name="group-members"),
    path("<uuid:work_id>/", views.work_detail, name="work"),
    path("<uuid:work_id>/assessment/", views.work_assessment, name="assessment"),
    path("<uuid:work_id>/partners/", views.work_partner, name="partner"),
    path("<uuid:work_id>/actions/", views.work_action, name="action"),
    path("<uuid:work_id>/reviews/", views.work_review, name="review"),
    path("<uuid:work_id>/close/", views.work_close, name="close"),
    path("actions/<int:action_id>/done/", views.action_done, name="action-done"),
]
