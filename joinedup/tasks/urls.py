from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("tasks/<uuid:task_id>/done/", views.done, name="done"),
    path("tasks/<uuid:task_id>/reassign/", views.reassign, name="reassign"),
]
