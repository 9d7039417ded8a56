from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/change/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/materials/", views.campaign_materials, name="materials"),
    path("reach/", views.reach, name="reach"),
]
