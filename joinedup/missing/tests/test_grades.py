"""The episode's summary of its gradings (grade now, police grade now, first police grading) follows every grading
the services write, and equals what the gradings themselves say."""

import random
from datetime import timedelta

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.missing.grades import episode_grades_refresh
from joinedup.missing.models import MissingEpisode, RiskGrade, RiskGrading
from joinedup.missing.tests.factories import MissingEpisodeFactory


def stored(episode: MissingEpisode) -> tuple[str, str, object]:
    row = MissingEpisode.objects.get(pk=episode.pk)
    return row.grade_now, row.police_grade, row.police_first_graded_at


def test_the_summary_equals_what_the_gradings_say_for_any_order_of_gradings(db):
    rng = random.Random(7)
    police = UserFactory.create(agency__kind="police")
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    other = UserFactory.create()
    episodes = [MissingEpisodeFactory.create() for _ in range(12)]
    for episode in episodes:
        for _ in range(rng.randrange(4)):
            RiskGrading.objects.create(  # straight in, then summarised as a whole
                episode=episode,
                grade=rng.choice(RiskGrade.values),
                rationale="Bench",
                graded_by=rng.choice([police, coordinator, other]),
                graded_at=episode.started_at + timedelta(minutes=rng.randrange(3) * 30),
            )
    assert episode_grades_refresh(e.pk for e in episodes) == len(episodes)

    by_police = {police.pk, coordinator.pk}
    for episode in episodes:
        gradings = sorted(episode.gradings.all(), key=lambda g: (g.graded_at, g.pk))
        police_gradings = [g for g in gradings if g.graded_by_id in by_police]
        assert stored(episode) == (
            gradings[-1].grade if gradings else "",
            police_gradings[-1].grade if police_gradings else "",
            police_gradings[0].graded_at if police_gradings else None,
        )
