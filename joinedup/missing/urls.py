from django.urls import path

from . import views

app_name = "missing"
urlpatterns = [
    path("children/<uuid:child_id>/report/", views.episode_report, name="report"),
    path("children/<uuid:child_id>/philomena/", views.philomena_profile, name="philomena"),
    path("children/<uuid:child_id>/philomena/photo/", views.philomena_photo, name="philomena-photo"),
    path("episodes/<uuid:episode_id>/", views.episode_detail, name="episode"),
    path("episodes/<uuid:episode_id>/regrade/", views.episode_step, {"step": "regrade"}, name="regrade"),
    path("episodes/<uuid:episode_id>/attended/", views.episode_step, {"step": "attended"}, name="attended"),
    path("episodes/<uuid:episode_id>/found/", views.episode_step, {"step": "found"}, name="found"),
    path("episodes/<uuid:episode_id>/return/", views.episode_step, {"step": "return"}, name="return"),
    path("episodes/<uuid:episode_id>/interview/offer/", views.episode_step, {"step": "offer"}, name="offer"),
    path("episodes/<uuid:episode_id>/interview/", views.episode_step, {"step": "interview"}, name="interview"),
    path("episodes/<uuid:episode_id>/interview/action/", views.episode_step, {"step": "action"}, name="action"),
    path("episodes/<uuid:episode_id>/share-philomena/", views.philomena_share, name="philomena-share"),
    path("work-list/", views.worklist, name="worklist"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/badge/", views.alerts_badge, name="alerts-badge"),
    path("alerts/<int:alert_id>/", views.alert_open, name="alert-open"),
]
