from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("children/<uuid:child_id>/subject-access/", views.subject_access, name="subject-access"),
    path("subject-access/<uuid:export_id>/", views.export_detail, name="export"),
    path("subject-access/<uuid:export_id>/<str:file_format>/", views.export_download, name="export-download"),
    path("retention/", views.retention_review, name="retention"),
]
