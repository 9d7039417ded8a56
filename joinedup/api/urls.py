from django.urls import path, re_path

from . import views

urlpatterns = [
    # Before Ninja's own root, which answers the site's HTML 404.
    path("", views.api_index, name="api-index"),
    path("", views.api.urls),
    re_path(r"^(?P<rest>.*)$", views.api_not_found, name="api-not-found"),
]
