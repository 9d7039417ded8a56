from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    path("", views.profile_list, name="list"),
    path("<uuid:profile_id>/", views.profile_detail, name="detail"),
    path("<uuid:profile_id>/profile.pdf", views.profile_download, name="download"),
    path("schedules/", views.schedule_list, name="schedules"),
    path("schedules/<int:schedule_id>/", views.schedule_edit, name="schedule-edit"),
    path("schedules/<int:schedule_id>/stop/", views.schedule_stop, name="schedule-stop"),
]
