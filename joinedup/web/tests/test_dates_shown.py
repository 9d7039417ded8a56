"""Dates and times on the pages read in the GOV.UK style, in UK time (issue 15): "24 October 2026 at 10:30pm",
"25 October 2026", "by the end of 25 October 2026"; never "24 Oct 2026 21:30" or a time in UTC. The clocks go
back at 01:00 UTC on 25 October 2026, so the times below fall on both sides of the change. A guard keeps the
sweep done: a template may use Django's ``date`` filter only with a machine format."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from joinedup import dates
from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.mace.tests.factories import ActionFactory, AgendaItemFactory, MeetingFactory
from joinedup.missing.services import missing_episode_return
from joinedup.missing.tests.factories import MissingEpisodeFactory

UTC = dt.UTC
# Summer time (BST, UTC+1): 21:30 UTC is 10:30pm in London, on the Saturday before the clocks go back.
WENT_MISSING = dt.datetime(2026, 10, 24, 21, 30, tzinfo=UTC)
# Winter time (GMT): after 01:00 UTC on 25 October, UTC and London agree.
RETURNED = dt.datetime(2026, 10, 25, 9, 15, tzinfo=UTC)
# A MACE meeting in summer time: 13:00 UTC is 2pm in London.
MEETING = dt.datetime(2026, 10, 23, 13, 0, tzinfo=UTC)
# A chronology entry at midday in winter.
NOTED = dt.datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
NOW = dt.datetime(2026, 10, 26, 15, 0, tzinfo=UTC)


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def shown(db, sign_in):
    """A child who went missing in summer time and returned in winter time, a MACE meeting about them with an
    action due on the day the clocks change, and the key worker who owns the return interview and the action."""
    with time_machine.travel(NOW, tick=False):
        child = ChildFactory.create(given_name="Jordan", family_name="Ashdown")
        key_worker = UserFactory.create(agency=child.owning_agency)
        child.key_worker = key_worker
        child.save()
        ChronologyEntryFactory.create(child=child, occurred_at=NOTED, recorded_by=key_worker)
        episode = MissingEpisodeFactory.create(child=child, started_at=WENT_MISSING, reported_by=key_worker)
        missing_episode_return(user=key_worker, episode=episode, returned_at=RETURNED, interview_owner=key_worker)
        coordinator = UserFactory.create(agency=child.owning_agency, roles=[RoleCode.COORDINATOR])
        meeting = MeetingFactory.create(chair=coordinator, held_at=MEETING)
        item = AgendaItemFactory.create(meeting=meeting, child=child, place_name="", place_postcode="")
        ActionFactory.create(meeting=meeting, agenda_item=item, owner=key_worker, due_on=dt.date(2026, 10, 25))
    return {
        "child": child,
        "episode": episode,
        "key_worker": key_worker,
        "coordinator": coordinator,
        "meeting": meeting,
    }


def test_the_child_record_shows_times_in_uk_time_in_the_govuk_style(shown, sign_in) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _text(sign_in(shown["key_worker"]).get(reverse("children:detail", args=[shown["child"].pk])))
    assert "24 October 2026 at 10:30pm" in page  # went missing, summer time
    assert "26 October 2026 at midday" in page  # the chronology entry, winter time
    assert "5 April 2011" in page  # born
    assert "9:30pm" not in page and "24 Oct 2026" not in page and "21:30" not in page


def test_the_missing_episode_shows_each_side_of_the_clock_change_in_uk_time(shown, sign_in) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _text(sign_in(shown["key_worker"]).get(reverse("missing:episode", args=[shown["episode"].pk])))
    assert "24 October 2026 at 10:30pm" in page  # last seen and reported (BST)
    assert "25 October 2026 at 9:15am" in page  # returned (GMT)
    # Due 72 real hours after the return: 28 October at 9:15am, a Wednesday in winter time.
    assert "28 October 2026 at 9:15am" in page
    assert "21:30" not in page and "09:15" not in page


def test_the_mace_meeting_shows_its_time_and_its_actions_date(shown, sign_in) -> None:
    with time_machine.travel(NOW, tick=False):
        client = sign_in(shown["coordinator"])
        page = _text(client.get(reverse("mace:meeting-detail", kwargs={"meeting_id": shown["meeting"].pk})))
        listed = _text(client.get(reverse("mace:meeting-list")))
    assert "MACE meeting 23 October 2026 at 2pm" in page  # the title, from the meeting itself
    assert "25 October 2026" in page  # the action's date
    assert "23 October 2026 at 2pm" in listed
    assert "13:00" not in page and "14:00" not in page and "Oct 2026" not in page


def test_the_work_list_shows_a_deadline_as_the_end_of_its_day(shown, sign_in) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _text(sign_in(shown["key_worker"]).get(reverse("missing:worklist")))
    # The action due on the 25-hour day the clocks go back ends at midnight UK time, read as that day's end.
    assert "by the end of 25 October 2026" in page
    assert "26 October 2026 at midnight" not in page
    assert "28 October 2026 at 9:15am" in page  # the return interview, due at a time


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (dt.date(2026, 12, 5), "Saturday 5 December 2026"),
        (dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "Sunday 25 October 2026"),  # already Sunday in London
    ],
)
def test_a_date_with_its_weekday(value: object, words: str) -> None:
    assert dates.weekday_day(value) == words
    assert Template("{% load plain %}{{ v|weekday_day }}").render(Context({"v": value})) == words


def test_a_time_with_its_weekday_seconds_and_alone() -> None:
    moment = dt.datetime(2026, 7, 4, 13, 30, 15, tzinfo=UTC)  # 2:30pm in London
    assert dates.weekday_when(moment) == "Saturday 4 July 2026 at 2:30pm"
    assert dates.when(moment, seconds=True) == "4 July 2026 at 2:30:15pm"
    assert dates.when(moment.replace(second=0), seconds=True) == "4 July 2026 at 2:30:00pm"
    assert dates.clock(moment) == "2:30pm"
    assert dates.clock(dt.datetime(2026, 12, 5, 0, 0, tzinfo=UTC)) == "midnight"
    html = Template("{% load plain %}{{ m|when_seconds }}; {{ m|clock }}").render(Context({"m": moment}))
    assert html == "4 July 2026 at 2:30:15pm; 2:30pm"


def test_a_date_deadline_reads_as_the_end_of_that_day() -> None:
    assert dates.due(dt.date(2026, 8, 11)) == "by the end of 11 August 2026"
    assert dates.due(None) == ""


# The guard: the sweep stays done ------------------------------------------------------------------------------

# Formats a machine reads (a link's or a form field's value, an ISO time in an attribute) or a weekday alone.
MACHINE_FORMATS = {"Y-m-d", "c", "U", "l", r"Y-m-d\TH:i"}
DATE_FILTER = re.compile(r"\|\s*(date|time)\b(?:\s*:\s*(\"[^\"]*\"|'[^']*'))?")
ROOT = Path(settings.BASE_DIR)


def _templates() -> list[Path]:
    return sorted(
        p for folder in ("templates", "joinedup") for p in (ROOT / folder).rglob("*") if p.suffix in {".html", ".txt"}
    )


def test_the_guard_finds_a_date_format_for_people() -> None:
    found = [m.group(2) for m in DATE_FILTER.finditer("{{ a|date:\"j M Y\" }}{{ b|date }}{{ c|date:'Y-m-d' }}")]
    assert found == ['"j M Y"', None, "'Y-m-d'"]
    assert not DATE_FILTER.search("{{ started|timesince }}{{ due|day }}")


def test_no_template_formats_a_date_for_people_with_djangos_date_filter() -> None:
    """Use ``when``, ``day``, ``due``, ``weekday_day``, ``weekday_when`` or ``clock`` (``{% load plain %}``)."""
    templates = _templates()
    assert len(templates) > 100, "the guard looks where the templates are"
    wrong = []
    for path in templates:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            for match in DATE_FILTER.finditer(line):
                fmt = match.group(2)
                if match.group(1) == "time" or fmt is None or fmt[1:-1] not in MACHINE_FORMATS:
                    wrong.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert wrong == []


# Python that writes a date for a person: an abbreviated month or a zero-padded day is never the GOV.UK style.
PEOPLE_FORMATS = re.compile(r"%b|%d %B|%I:%M|%p\b")


def test_no_python_formats_a_date_for_people_in_another_style() -> None:
    wrong = []
    for path in sorted((ROOT / "joinedup").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PEOPLE_FORMATS.search(line):
                wrong.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert wrong == []
