from django.urls import path

from . import views

app_name = "mace"
urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("<uuid:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("<uuid:meeting_id>/agenda/new/", views.agenda_add, name="agenda-add"),
    path("<uuid:meeting_id>/agenda/proposed/", views.agenda_proposals_add, name="agenda-proposals-add"),
    path("<uuid:meeting_id>/attendance/new/", views.attendance_record, name="attendance"),
    path("<uuid:meeting_id>/decisions/new/", views.decision_record, name="decision"),
    path("<uuid:meeting_id>/actions/new/", views.action_add, name="action"),
    path("<uuid:meeting_id>/minutes/", views.minutes_record, name="minutes"),
    path("actions/<int:action_id>/done/", views.action_done, name="action-done"),
]
