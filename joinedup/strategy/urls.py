from django.urls import path

from . import views

app_name = "strategy"
urlpatterns = [
    path("children/<uuid:child_id>/strategy-discussions/new/", views.create, name="create"),
    path("strategy-discussions/<uuid:discussion_id>/", views.discussion, name="discussion"),
    *(
        path(f"strategy-discussions/<uuid:discussion_id>/{step}/", views.discussion_step, {"step": step}, name=step)
        for step in ("action", "mace", "disruption", "outcome")
    ),
    path("children/<uuid:child_id>/nrm/new/", views.nrm_create, name="nrm-create"),
    path("nrm/<uuid:referral_id>/", views.nrm, name="nrm"),
    *(
        path(f"nrm/<uuid:referral_id>/{stage}/", views.nrm_decision, {"stage": stage}, name=f"nrm-{stage}")
        for stage in ("reasonable", "conclusive")
    ),
]
