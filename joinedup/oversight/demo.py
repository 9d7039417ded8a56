"""The demo area's strategic goals: three the partnership might set after *Time to listen*."""

from decimal import Decimal

from joinedup.accounts.models import User

from .services import goal_create

GOALS = [
    (
        "Return interviews offered within 72 hours",
        "interviews-offered-in-time",
        "interviews-due",
        "at_least",
        "85",
        "VCS",
        "Every child who returns is offered an independent return home interview within 72 hours.",
    ),
    (
        "Missing children graded by the police within two hours",
        "missing-graded-late",
        "missing-episodes",
        "at_most",
        "10",
        "POL",
        "Police timeliness needed improvement in most areas inspected.",
    ),
    (
        "Children at high risk seen within 28 days",
        "high-risk-no-recent-contact",
        "",
        "at_most",
        "0",
        "CSC",
        "One trusted professional perseveres with each child at high risk.",
    ),
]


def demo_goals_generate(*, users: dict[str, User]) -> int:
    """Set the demo partnership's goals as its leader; returns how many."""
    from joinedup.agencies.models import Agency

    leader = users["leader"]
    for title, numerator, denominator, direction, target, agency, why in GOALS:
        goal_create(
            user=leader,
            title=title,
            numerator=numerator,
            denominator=denominator,
            direction=direction,
            target=Decimal(target),
            owner_agency=Agency.objects.get(code=agency),
            why=why,
        )
    return len(GOALS)
