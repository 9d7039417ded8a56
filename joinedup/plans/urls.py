from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("children/<uuid:child_id>/plans/", views.child_plans, name="child"),
    path("children/<uuid:child_id>/plans/new/", views.plan_create, name="create"),
    path(
        "children/<uuid:child_id>/involvements/<int:involvement_id>/close/",
        views.involvement_close,
        name="involvement-close",
    ),
    path("plans/<uuid:plan_id>/", views.plan_detail, name="detail"),
    *(
        path(f"plans/<uuid:plan_id>/{step}/", views.plan_step, {"step": step}, name=step)
        for step in ("outcome", "action", "safety", "review", "end")
    ),
    path("plans/<uuid:plan_id>/actions/<uuid:action_id>/done/", views.action_done, name="action-done"),
]
