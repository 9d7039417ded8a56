from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("courses/new/", views.course_create, name="course-create"),
    path("courses/<int:course_id>/", views.course_edit, name="course-edit"),
    path("requirements/<int:requirement_id>/remove/", views.requirement_remove, name="requirement-remove"),
    path("trainees/", views.trainee_list, name="trainees"),
    path("attendance/", views.attendance_record, name="attendance"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/list/", views.coverage_list, name="coverage-list"),
    path("coverage.csv", views.coverage_csv, name="coverage-csv"),
]
