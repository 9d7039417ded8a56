from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [path("children/<uuid:child_id>/new/", views.contact_attempt_create, name="create")]
