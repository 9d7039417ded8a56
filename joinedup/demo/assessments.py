"""The demo area's concerns and risk assessments: graded intelligence, and an assessment at every band."""

import random
from datetime import timedelta

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.assessments.services import risk_assessment_complete, risk_assessment_start, risk_assessment_update
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern, ConcernCategory
from joinedup.concerns.services import concern_record

VIEWS = {
    "childs_views": "I like it when my key worker comes to football. I don't want to go to that flat again.",
    "family_views": "Her carer is worried about the older men who wait outside school and give her lifts.",
    "day_to_day": "Goes to school three days a week, plays football on Saturdays, stays in her room most evenings.",
    "wider_needs": "Spends time at the retail park and the bus station; older peers contact her online.",
}
# Indicator codes per band: none, low, medium and high by the seeded model's thresholds.
BANDS = [[], ["S1"], ["S1", "M1", "M2"], ["S1", "S2", "M1", "V1"]]


def demo_assessments_generate(*, users: dict[str, User], children: list[Child], rng: random.Random) -> int:
    """Concerns with 3x5x2 gradings, and one completed assessment at each band; returns how many assessments."""
    now = timezone.now()
    police = users["practitioner-police"]
    adult = AdultOfConcern.objects.create(
        name="Adult known as 'Dee'",
        other_names="Dee; D-Man",
        owning_agency=police.agency,  # type: ignore[misc]
        description="Adult in his twenties seen with several children near the retail park.",
    )
    for child in children[:4]:
        concern_record(
            user=police,
            child=child,
            category=ConcernCategory.CSE,
            occurred_at=now - timedelta(days=rng.randint(2, 20)),
            what_happened=f"{child.given_name} was seen getting into a silver car driven by the adult known as Dee.",
            place_name="Retail park car park",
            place_postcode="WB2 4TR",
            adults=[adult],
            vehicles="WB12 XYZ",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="C",
            handling_conditions="Share only with children's social care and the coordinator's agency.",
            condition_agencies=list(Agency.objects.filter(code="CSC")),
            sanitised_summary=f"Police hold information that {child.given_name} is exposed to risk from an adult.",
        )
    count = 0
    for band_codes, child in zip(BANDS, children[:4], strict=False):
        assessor = users["practitioner-social-care"]
        assessment = risk_assessment_start(user=assessor, child=child)
        risk_assessment_update(
            user=assessor,
            assessment=assessment,
            evidence_by_code=dict.fromkeys(band_codes, "Seen in the last month; recorded by police and school"),
            **VIEWS,
        )
        risk_assessment_complete(user=assessor, assessment=assessment)
        count += 1
    return count
