"""The demo area has four rounds of case audits, graded, with learning and actions."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.caseaudits.models import AuditAction, AuditRound, CaseAudit, LearningPoint
from joinedup.demo.generator import demo_area_generate
from joinedup.oversight.figures import BY_KEY, default_filters


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_rounds_of_case_audits_with_learning_and_overdue_actions(demo):
    rounds = AuditRound.objects.order_by("opened_at")
    assert rounds.count() == 4
    first = rounds.first()
    assert first is not None and first.opened_at < timezone.now() - dt.timedelta(days=30)
    completed = CaseAudit.objects.filter(completed_at__isnull=False)
    assert completed.count() >= 4
    assert CaseAudit.objects.filter(completed_at__isnull=True).exists()
    assert LearningPoint.objects.filter(themes__kind="other_risk").exists()
    assert AuditAction.objects.filter(done_at__isnull=False).exists()
    # Auditors come from more than one agency.
    assert len({a.agency_id for audit in completed for a in audit.auditors.all()}) >= 2
    leader = User.objects.get(username="leader")
    for key in ("case-audits-completed", "case-audit-actions-overdue"):
        assert BY_KEY[key].rows(leader, default_filters()).exists(), key
