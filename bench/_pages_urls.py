"""The product's URLs plus the benchmark's baseline: a bare view that reads one row (``bench/pages.py`` only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def one_row(request: HttpRequest) -> HttpResponse:
    """The baseline: the same middleware (session, signed-in user) and one row read, nothing else."""
    from joinedup.agencies.models import Agency

    name = Agency.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain")


urlpatterns = [*product_urlpatterns, path("bench/one-row/", one_row)]
