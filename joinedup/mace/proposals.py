"""Children proposed for a MACE meeting's agenda by other parts of the platform.

Besides the children the MACE selectors propose themselves (a medium or high latest risk assessment, repeat
missing), another app may propose a child: a strategy discussion does (``joinedup.strategy``). It registers a
source in its ``AppConfig.ready``: the rows of its open proposals (each with a ``child``), and the reason shown.
The agenda's proposals read every source in the same one query (``selectors.agenda_proposals``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class ProposalSource:
    key: str  # a short name (letters and underscores): the annotation ``proposed_<key>`` on each proposed child
    rows: Callable[[], QuerySet[Any]]  # the open proposals, each with a ``child`` foreign key
    reason: str


_SOURCES: dict[str, ProposalSource] = {}


def register(source: ProposalSource) -> None:
    _SOURCES[source.key] = source


def sources() -> tuple[ProposalSource, ...]:
    return tuple(_SOURCES.values())
