"""Scoring a risk assessment: pure functions over the catalogue's data."""

from collections.abc import Iterable, Mapping

from .models import Band

BAND_ORDER = [Band.NONE, Band.LOW, Band.MEDIUM, Band.HIGH]


def score(weights: Iterable[int]) -> int:
    """The total of the chosen indicators' weights (every weight is positive, so more never scores less)."""
    return sum(weights)


def band_for(total: int, thresholds: Mapping[str, int]) -> Band:
    """The highest band whose lowest score the total reaches."""
    reached = [band for band in BAND_ORDER if total >= thresholds.get(band, float("inf"))]  # type: ignore[operator]
    if not reached:
        raise ValueError("The catalogue's thresholds do not cover a score of {total}")
    return reached[-1]


def band_rank(band: str) -> int:
    return BAND_ORDER.index(Band(band))
