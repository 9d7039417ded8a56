from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    # The reporting pages, used without signing in.
    path("report/", views.report_public, name="report-public"),
    path("report/thanks/", views.report_thanks, name="report-thanks"),
    path("report/<str:token>/", views.report, name="report"),
    # The coordinator's pages.
    path("community/reports/", views.queue, name="queue"),
    path("community/reports/<uuid:report_id>/", views.report_detail, name="report-detail"),
    path("community/reports/<uuid:report_id>/concern/", views.report_concern, name="report-concern"),
    path("community/reports/<uuid:report_id>/close/", views.report_close, name="report-close"),
    path("community/businesses/", views.businesses, name="businesses"),
    path("community/businesses/new/", views.business_create, name="business-create"),
    path("community/businesses/<uuid:business_id>/", views.business, name="business"),
    path("community/businesses/<uuid:business_id>/visit/", views.business_visit, name="business-visit"),
    path("community/businesses/<uuid:business_id>/staff/", views.business_staff, name="business-staff"),
    path("community/businesses/<uuid:business_id>/link/", views.business_token, name="business-link"),
    path("community/businesses/<uuid:business_id>/revoke/", views.business_revoke, name="business-revoke"),
]
