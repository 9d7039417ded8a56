from django.urls import path

from . import views

app_name = "datapack"
urlpatterns = [
    path("", views.pack_list, name="list"),
    path("request/", views.pack_request, name="request"),
    path("<uuid:pack_id>/", views.pack_detail, name="detail"),
    path("<uuid:pack_id>/download/", views.pack_download, name="download"),
    path("factors/<str:code>/", views.factor_list, name="factor"),
]
