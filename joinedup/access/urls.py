from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("", views.break_glass, name="break-glass"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<int:grant_id>/", views.review_decide, name="review-decide"),
]
