"""Work open before the one work list existed becomes tasks: return interviews not yet recorded or declined,
their open actions, open MACE actions, unanswered requests for information and open case audit actions."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.urls import reverse

LONDON = ZoneInfo("Europe/London")


def _day_ends(day):  # the same rule as deadlines.london_day_ends, frozen here
    following = day + timedelta(days=1)
    return datetime.combine(following, time(0), tzinfo=LONDON).astimezone(ZoneInfo("UTC"))


def forwards(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    Team = apps.get_model("agencies", "Team")
    team = Team.objects.filter(return_interviews=True).order_by("pk").first()
    made = []
    for interview in (
        apps.get_model("missing", "ReturnInterview")
        .objects.filter(completed_at__isnull=True)
        .exclude(response="declined")
        .select_related("episode", "owner")
    ):
        made.append(
            Task(
                kind="return_interview",
                source_id=str(interview.pk),
                title="Return home interview",
                link=reverse("missing:episode", args=[interview.episode_id]),
                child_id=interview.episode.child_id,
                owner_id=interview.owner_id,
                owner_team=team,
                agency_id=interview.owner.agency_id,
                due_at=interview.due_at,
            )
        )
    for action in (
        apps.get_model("missing", "InterviewAction")
        .objects.filter(done_at__isnull=True)
        .select_related("interview__episode", "owner")
    ):
        made.append(
            Task(
                kind="interview_action",
                source_id=str(action.pk),
                title=action.description,
                link=reverse("missing:episode", args=[action.interview.episode_id]),
                child_id=action.interview.episode.child_id,
                owner_id=action.owner_id,
                agency_id=action.owner.agency_id,
                due_at=_day_ends(action.due_on) if action.due_on else None,
                completes_here=True,
            )
        )
    for action in (
        apps.get_model("mace", "Action").objects.filter(done_at__isnull=True).select_related("agenda_item", "owner")
    ):
        made.append(
            Task(
                kind="mace_action",
                source_id=str(action.pk),
                title=action.description[:300],
                link=reverse("mace:meeting-detail", args=[action.meeting_id]),
                child_id=action.agenda_item.child_id if action.agenda_item_id else None,
                owner_id=action.owner_id,
                agency_id=action.owner.agency_id,
                due_at=_day_ends(action.due_on),
                completes_here=True,
            )
        )
    for request in apps.get_model("frontdoor", "InformationRequest").objects.filter(answered_at__isnull=True):
        made.append(
            Task(
                kind="information_request",
                source_id=str(request.pk),
                title=f"The front door asks: {request.question}"[:300],
                link=reverse("frontdoor:request", args=[request.pk]),
                child_id=request.child_id,
                agency_id=request.to_agency_id,
                due_at=request.respond_by_at,
            )
        )
    for action in (
        apps.get_model("caseaudits", "AuditAction").objects.filter(done_at__isnull=True).select_related("audit")
    ):
        made.append(
            Task(
                kind="audit_action",
                source_id=str(action.pk),
                title=f"Case audit action: {action.what}"[:300],
                link=reverse("caseaudits:audit", args=[action.audit_id]),
                child_id=action.audit.child_id,
                agency_id=action.owner_agency_id,
                due_at=_day_ends(action.due),
            )
        )
    Task.objects.bulk_create(made, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("agencies", "0002_team_return_interviews"),
        ("missing", "0003_police_attendance"),
        ("mace", "0001_initial"),
        ("frontdoor", "0002_wealdbridge_thresholds"),
        ("caseaudits", "0002_standard_tool"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
