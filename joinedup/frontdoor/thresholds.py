"""The local threshold document as data: a fictional area's document, and how a version is recorded.

A version is never changed once contacts are decided against it: a new version is new rows (``threshold_add``),
in force from its date. The seed is used by the data migration, the tests and the demo.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max


@dataclass(frozen=True)
class LevelText:
    code: str
    name: str
    descriptor: str
    indicators: tuple[str, ...]


WEALDBRIDGE_NAME = "Wealdbridge continuum of need"
WEALDBRIDGE_IN_FORCE_FROM = date(2024, 4, 1)
WEALDBRIDGE_LEVELS = (
    LevelText(
        "universal",
        "Universal",
        "The child's needs are met by their family and the services every child uses: school, their GP, health "
        "visiting, youth clubs.",
        (
            "Developing as expected, in school and attending regularly",
            "Parents or carers keep the child safe and meet their needs",
            "No worries about the child's safety beyond the ordinary",
        ),
    ),
    LevelText(
        "early_help",
        "Early help",
        "The child or family has needs that one or more agencies can meet together with the family's agreement, "
        "through an early help assessment and a lead practitioner.",
        (
            "Attendance at school falling, or a part-time timetable",
            "Parents or carers struggling with routines, boundaries or money",
            "The child going missing once, returning quickly, with a known reason",
            "Early signs of friendships with older people the family does not know",
        ),
    ),
    LevelText(
        "targeted",
        "Targeted: child in need (section 17)",
        "The child's health or development is likely to be significantly impaired without services from "
        "children's social care; an assessment under section 17 of the Children Act 1989.",
        (
            "Repeated missing episodes, or missing overnight",
            "Unexplained money, phones, clothes or travel",
            "Excluded from school, or missing education",
            "Parents or carers unable to keep the child safe outside the home",
            "A disabled child whose needs the family cannot meet without support",
        ),
    ),
    LevelText(
        "specialist",
        "Specialist: child protection (section 47)",
        "There is reasonable cause to suspect the child is suffering, or is likely to suffer, significant harm: a "
        "strategy discussion decides whether to make enquiries under section 47.",
        (
            "A child who is being sexually or criminally exploited, or trafficked",
            "Physical injury or sexual abuse disclosed or suspected",
            "Found with adults of concern, or in places known for exploitation",
            "Carrying weapons or drugs for others (county lines)",
            "Serious self-harm or a threat to the child's life",
        ),
    ),
)


def threshold_add(
    *,
    name: str,
    in_force_from: date,
    levels: tuple[LevelText, ...],
    models: tuple[Any, Any, Any] | None = None,
) -> Any:
    """Record a new version of a threshold document (the next version number for its name), with its levels and
    indicators. ``models``: the document, level and indicator classes, for a data migration's historical models."""
    if models is None:
        from .models import ThresholdDocument, ThresholdIndicator, ThresholdLevel

        models = (ThresholdDocument, ThresholdLevel, ThresholdIndicator)
    document_model, level_model, indicator_model = models
    with transaction.atomic():
        latest = document_model.objects.filter(name=name).aggregate(latest=Max("version"))["latest"] or 0
        document = document_model.objects.create(name=name, version=latest + 1, in_force_from=in_force_from)
        for order, text in enumerate(levels, start=1):
            level = level_model.objects.create(
                document=document, order=order, code=text.code, name=text.name, descriptor=text.descriptor
            )
            indicator_model.objects.bulk_create(
                indicator_model(level=level, order=n, text=indicator)
                for n, indicator in enumerate(text.indicators, start=1)
            )
    return document


def threshold_seed(models: tuple[Any, Any, Any] | None = None) -> Any:
    """The fictional borough of Wealdbridge's document, version 1, unless one is already held."""
    if models is None:
        from .models import ThresholdDocument, ThresholdIndicator, ThresholdLevel

        models = (ThresholdDocument, ThresholdLevel, ThresholdIndicator)
    held = models[0].objects.filter(name=WEALDBRIDGE_NAME).order_by("version").first()
    if held is not None:
        return held
    return threshold_add(
        name=WEALDBRIDGE_NAME, in_force_from=WEALDBRIDGE_IN_FORCE_FROM, levels=WEALDBRIDGE_LEVELS, models=models
    )
