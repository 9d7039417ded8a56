from django.urls import path

from . import views

app_name = "caseaudits"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<uuid:round_id>/", views.round_detail, name="round"),
    path("themes/", views.themes, name="themes"),
    path("tools/", views.tools, name="tools"),
    path("tools/<int:tool_id>/", views.tool_detail, name="tool"),
    path("tools/<int:tool_id>/new-version/", views.tool_draft, name="tool-draft"),
    path("themes.csv", views.themes_csv, name="themes-csv"),
    path("<uuid:audit_id>/", views.audit_detail, name="audit"),
    path("<uuid:audit_id>/record/", views.audit_record, name="record"),
    path("<uuid:audit_id>/auditors/", views.audit_auditors, name="auditors"),
    path("<uuid:audit_id>/learning/", views.audit_learning, name="learning"),
    path("<uuid:audit_id>/actions/", views.audit_action, name="action"),
    path("actions/<int:action_id>/done/", views.action_done, name="action-done"),
]
