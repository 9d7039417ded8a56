from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("children/<uuid:child_id>/oversight/", views.oversight, name="oversight"),
    path("children/<uuid:child_id>/challenges/", views.challenges, name="challenges"),
    path("supervision/challenges/<uuid:challenge_id>/", views.challenge, name="challenge"),
    path("supervision/challenges/<uuid:challenge_id>/respond/", views.challenge_respond, name="challenge-respond"),
    path("supervision/challenges/<uuid:challenge_id>/escalate/", views.challenge_escalate, name="challenge-escalate"),
    path("supervision/challenges/<uuid:challenge_id>/resolve/", views.challenge_resolve, name="challenge-resolve"),
]
