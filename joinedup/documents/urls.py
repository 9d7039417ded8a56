from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("children/<uuid:child_id>/documents/", views.document_list, name="list"),
    path("documents/<uuid:document_id>/", views.document_download, name="download"),
]
