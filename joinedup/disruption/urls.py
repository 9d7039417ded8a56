from django.urls import path

from . import views

app_name = "disruption"
urlpatterns = [
    path("", views.adult_list, name="adult-list"),
    path("new/", views.adult_create, name="adult-create"),
    path("<uuid:adult_id>/", views.adult_detail, name="adult-detail"),
    path("<uuid:adult_id>/disruption/new/", views.disruption_record, name="record"),
]
