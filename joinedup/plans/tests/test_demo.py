"""The demo area has children's plans (one exploitation safety plan with places and people to avoid, reviews with
the child's views) and three closed cases, one stepped down to early help."""

import pytest

from joinedup.accounts.models import User
from joinedup.children.selectors import child_page
from joinedup.demo.generator import demo_area_generate
from joinedup.plans.models import Closure, ClosureOutcome, Plan, PlanKind, PlanReview


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_plans_and_closed_cases(demo):
    assert Plan.objects.count() >= 5
    safety = Plan.objects.filter(kind=PlanKind.EXPLOITATION_SAFETY, safety__isnull=False).get()
    assert safety.safety.places.count() == 2 and safety.safety.people_text
    assert PlanReview.objects.exclude(childs_views="").count() >= 5
    assert safety.actions.filter(done_at__isnull=False).exists()
    closures = Closure.objects.all()
    assert closures.filter(outcome=ClosureOutcome.STEP_DOWN, step_down_level__code="early_help").count() == 1
    closed_children = {c.child for c in closures.filter(record_closed=True)}
    assert len(closed_children) == 2
    coordinator = User.objects.get(username="coordinator")
    listed = set(child_page(user=coordinator, page_number=1).paginator.object_list)
    assert not closed_children & listed
