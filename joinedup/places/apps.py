from django.apps import AppConfig


class PlacesConfig(AppConfig):
    """Places as records: one row per real place however each agency wrote it, the work done on a place or a
    peer group, the businesses registered at a place, and what the community reports about them."""

    name = "joinedup.places"
    label = "places"
