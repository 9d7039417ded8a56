from django.urls import path

from . import views

app_name = "victims"
urlpatterns = [
    path("children/<uuid:child_id>/victim-care/", views.child_victim_care, name="child"),
    path("victim-care/<uuid:investigation_id>/", views.investigation, name="investigation"),
    *(
        path(f"victim-care/<uuid:investigation_id>/{step}/", views.investigation_step, {"step": step}, name=step)
        for step in ("needs", "support", "contact", "prosecution", "outcome")
    ),
]
