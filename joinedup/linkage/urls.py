from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("review/", views.review_list, name="review-list"),
    path("review/<int:item_id>/", views.review_item, name="review-item"),
    path("people/", views.person_list, name="people"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("candidates/", views.candidates, name="candidates"),
    path("links/<int:link_id>/undo/", views.link_undo, name="link-undo"),
    path("review/<int:item_id>/separate/", views.review_item_separate, name="review-item-separate"),
    path("joins/<int:join_id>/undo/", views.join_undo, name="join-undo"),
    path("connect/", views.connect, name="connect"),
    path("connections/", views.connection_list, name="connections"),
    path("connections/<uuid:request_id>/", views.connection_detail, name="connection"),
]
