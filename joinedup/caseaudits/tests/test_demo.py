"""The demo area has a year of case audit rounds, graded, with learning and actions."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.caseaudits import selectors
from joinedup.caseaudits.models import AuditAction, AuditRound, CaseAudit, LearningPoint
from joinedup.demo.generator import demo_area_generate
from joinedup.oversight.figures import BY_KEY, default_filters


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_rounds_of_case_audits_with_learning_and_overdue_actions(demo):
    rounds = AuditRound.objects.order_by("opened_at")
    assert rounds.count() == 5
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


def test_the_demo_rounds_span_the_last_year_and_every_one_but_the_latest_drew_and_completed_cases(demo):
    now = timezone.now()
    rounds = list(AuditRound.objects.order_by("opened_at"))
    assert rounds[0].opened_at < now - dt.timedelta(days=300)
    assert rounds[-1].opened_at > now - dt.timedelta(days=14)
    # Each quarter of the last year has a round opened in it.
    quarters = {(now - r.opened_at).days // 92 for r in rounds}
    assert quarters >= {0, 1, 2, 3}
    for audit_round in rounds[:-1]:
        assert audit_round.audits.filter(completed_at__isnull=False).exists(), audit_round.theme
    # The themes report over its default period (the last twelve months) counts the audits of the whole year.
    leader = User.objects.get(username="leader")
    filters = default_filters()
    report = selectors.themes_report(user=leader, start=filters.start, end=filters.end)
    assert report.audits == CaseAudit.objects.filter(completed_at__isnull=False).count()
    oldest = CaseAudit.objects.filter(completed_at__isnull=False).order_by("completed_at").first()
    assert oldest is not None and oldest.completed_at is not None
    assert oldest.completed_at < now - dt.timedelta(days=300)
