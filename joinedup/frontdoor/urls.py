from django.urls import path

from . import views

app_name = "frontdoor"
urlpatterns = [
    path("front-door/", views.queue, name="queue"),
    path("front-door/contacts/new/", views.find, name="find"),
    path("front-door/contacts/<uuid:contact_id>/", views.contact, name="contact"),
    path("front-door/contacts/<uuid:contact_id>/requests/", views.request_create, name="request-create"),
    path("front-door/contacts/<uuid:contact_id>/decide/", views.decide, name="decide"),
    path("front-door/contacts/<uuid:contact_id>/told/", views.told, name="told"),
    path("front-door/requests/", views.requests, name="requests"),
    path("front-door/requests/<uuid:request_id>/", views.information_request, name="request"),
    path("front-door/thresholds/", views.thresholds, name="thresholds"),
    path("children/<uuid:child_id>/front-door/contact/", views.contact_create, name="contact-create"),
]
