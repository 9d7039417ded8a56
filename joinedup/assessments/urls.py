from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("children/<uuid:child_id>/start/", views.assessment_start, name="start"),
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("<uuid:assessment_id>/edit/", views.assessment_edit, name="edit"),
]
