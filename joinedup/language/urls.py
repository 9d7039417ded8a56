from django.urls import path

from . import views

app_name = "language"
urlpatterns = [path("check/", views.check, name="check")]
