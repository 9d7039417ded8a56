"""The demo area has strategy discussions (one proposing a child for MACE with a disruption plan), section 47
outcomes and NRM referrals with decisions, and the figures to show them."""

import pytest

from joinedup.accounts.models import User
from joinedup.demo.generator import demo_area_generate
from joinedup.mace import selectors as mace_selectors
from joinedup.mace.models import Meeting
from joinedup.oversight.figures import BY_KEY, default_filters
from joinedup.strategy.models import NRMReferral, Section47Enquiry, StrategyDiscussion
from joinedup.tasks.models import Task, TaskKind


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_strategy_discussions_section_47_outcomes_and_nrm_decisions(demo):
    assert StrategyDiscussion.objects.count() == 4
    proposed = StrategyDiscussion.objects.get(mace_proposed_at__isnull=False)
    assert proposed.disruption_plan and proposed.disruption_adult is not None
    assert proposed.contact is not None  # it follows a front-door contact routed to it
    assert Task.objects.filter(kind=TaskKind.STRATEGY_ACTION, completed_at__isnull=True).exists()
    assert {e.outcome for e in Section47Enquiry.objects.exclude(outcome="")} == {"icpc", "cin_plan"}
    assert NRMReferral.objects.filter(conclusive_grounds="positive").exists()
    assert NRMReferral.objects.filter(reasonable_grounds="positive", conclusive_grounds="").exists()
    coordinator = User.objects.get(username="coordinator")
    upcoming = Meeting.objects.order_by("-held_at").first()
    assert upcoming is not None
    proposals = mace_selectors.mace_agenda_next(user=coordinator, meeting=upcoming)
    assert proposed.child in [p.child for p in proposals] or upcoming.agenda.filter(child=proposed.child).exists()
    leader = User.objects.get(username="leader")
    for key in ("strategy-discussions", "strategy-section47-started", "strategy-conference-in-time"):
        assert BY_KEY[key].rows(leader, default_filters()).exists(), key
