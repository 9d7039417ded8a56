from django.urls import path

from . import views

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.child_create, name="create"),
    path("export/", views.children_export, name="export"),
    path("<uuid:child_id>/", views.child_detail, name="detail"),
    path("<uuid:child_id>/chronology/new/", views.chronology_entry_create, name="entry-create"),
    path("<uuid:child_id>/share/", views.share_create, name="share-create"),
    path("<uuid:child_id>/access-log/", views.access_log, name="access-log"),
]
