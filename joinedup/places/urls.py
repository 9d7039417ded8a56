from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.place_list, name="list"),
    path("review/", views.review_list, name="review-list"),
    path("review/<int:candidate_id>/", views.review_pair, name="review-pair"),
    path("review/<int:candidate_id>/merge/", views.review_merge, name="review-merge"),
    path("review/<int:candidate_id>/keep-apart/", views.review_keep_apart, name="review-keep-apart"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge-undo"),
    path("<uuid:place_id>/", views.place_detail, name="detail"),
]
