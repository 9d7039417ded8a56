from django.urls import path

from . import views

app_name = "concerns"
urlpatterns = [path("children/<uuid:child_id>/new/", views.concern_create, name="create")]
