"""Which records point at a place, found from the models themselves: a concern, an episode's last-seen and found
places, and whatever other apps add later. A merge moves every one of them; need-to-know follows those that name a
child."""

from functools import cache

from django.apps import apps
from django.db import models

# The places app's own bookkeeping about places, which a merge must not move.
NOT_MOVED = {("places", "Place", "merged_into"), ("places", "PlaceMatchCandidate", "place_a")}
NOT_MOVED |= {("places", "PlaceMatchCandidate", "place_b"), ("places", "PlaceMerge", "kept")}
NOT_MOVED |= {("places", "PlaceMerge", "merged")}


def pointer_label(model: type[models.Model], field: str) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field}"


@cache
def place_pointers() -> tuple[tuple[type[models.Model], str], ...]:
    """Every (model, field) that is a foreign key to a place, other than the places app's own bookkeeping."""
    from .models import Place

    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model is Place
                and (model._meta.app_label, model.__name__, field.name) not in NOT_MOVED
            ):
                found.append((model, field.name))
    return tuple(sorted(found, key=lambda pair: pointer_label(*pair)))


def _child_path(model: type[models.Model]) -> str | None:
    names = {field.name for field in model._meta.get_fields()}
    if "child" in names:
        return "child_id"
    if "episode" in names:
        return "episode__child_id"
    return None


@cache
def child_pointers() -> tuple[tuple[type[models.Model], str, str], ...]:
    """The pointers whose record names a child: (model, place field, path to the child's id)."""
    found = []
    for model, field in place_pointers():
        path = _child_path(model)
        if path is not None:
            found.append((model, field, path))
    return tuple(found)


def pointer_manager(model: type[models.Model]) -> models.Manager[models.Model]:
    """The manager that sees every row, entered in error or not (a merge moves those too)."""
    return model._base_manager
