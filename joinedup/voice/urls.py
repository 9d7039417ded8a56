from django.urls import path

from . import views

app_name = "voice"
urlpatterns = [
    path("children/<uuid:child_id>/childs-say/", views.childs_say, name="say"),
    path("children/<uuid:child_id>/speaking-out/", views.speak_links, name="links"),
    path("children/<uuid:child_id>/speaking-out/<uuid:token_id>/stop/", views.speak_link_revoke, name="link-revoke"),
    path("children/<uuid:child_id>/messages/<uuid:message_id>/", views.message, name="message"),
    path("speak/sent/", views.speak_sent, name="speak-sent"),
    path("speak/<str:token>/", views.speak, name="speak"),
]
