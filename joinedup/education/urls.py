from django.urls import path

from . import views

app_name = "education"
urlpatterns = [
    path("children/<uuid:child_id>/education/", views.child_education, name="child"),
    path("education/missing/", views.queue, name="queue"),
    path("education/cases/<uuid:record_id>/", views.case, name="case"),
    *(
        path(f"education/cases/<uuid:record_id>/{step}/", views.case_step, {"step": step}, name=step)
        for step in ("check", "close")
    ),
]
