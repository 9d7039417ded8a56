"""The demo area shows the child's say on six records and one child's messages, one asking for help."""

import pytest

from joinedup.accounts.models import User
from joinedup.demo.generator import demo_area_generate
from joinedup.oversight.figures import BY_KEY, default_filters
from joinedup.tasks.models import Task, TaskKind
from joinedup.voice.models import ChildMessage, ChildSay


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_childrens_say_and_a_message_asking_for_help_on_the_key_workers_list(demo):
    assert ChildSay.objects.values("child").distinct().count() == 6
    assert ChildMessage.objects.count() == 3
    help_asked = ChildMessage.objects.get(wants_contact=True)
    task = Task.objects.get(kind=TaskKind.CHILD_MESSAGE, source_id=str(help_asked.pk))
    assert task.urgent and task.owner == help_asked.child.key_worker
    leader = User.objects.get(username="leader")
    for key in ("voice-messages", "voice-feels", "voice-asked-for-help"):
        assert BY_KEY[key].rows(leader, default_filters()).exists(), key
