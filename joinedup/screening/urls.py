from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [path("children/<uuid:child_id>/new/", views.screening_create, name="create")]
