"""Linkage and the mapping refresh themselves when an agency extract comes in."""

import pytest
from django_tasks_db.models import DBTaskResult

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.imports.services import agency_extract_import
from joinedup.jobs.models import Job, JobKind
from joinedup.linkage.models import LinkRun
from joinedup.linkage.services import linkage_run_after_import

pytestmark = pytest.mark.django_db

PEOPLE = (
    "record_id,agency,person_type,given_name,family_name,date_of_birth\n"
    "P1,POL,child,Becky,Brackenbury,2011-04-05\n"
    "P2,POL,child,Rebecca,Brackenbury,2011-04-05\n"
)


@pytest.fixture
def coordinator():
    AgencyFactory.create(code="POL")
    return UserFactory.create(agency=AgencyFactory.create(code="CSC"), roles=[RoleCode.COORDINATOR])


def test_an_import_queues_linkage_once_committed_and_linkage_queues_the_mapping(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agency_extract_import(user=coordinator, path_or_files={"police/people.csv": PEOPLE.encode()})
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("linkage_after_import_task")
    assert queued.args_kwargs["args"] == [coordinator.pk]

    with django_capture_on_commit_callbacks(execute=True):
        run = linkage_run_after_import(user_id=coordinator.pk)
    assert LinkRun.objects.filter(pk=run.pk).exists()
    job = Job.objects.get(kind=JobKind.MAPPING_REFRESH)
    assert job.requested_by == coordinator
    refresh = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert refresh.task_path.endswith("mapping_refresh_task")
    assert refresh.args_kwargs["args"] == [str(job.pk)]


def test_an_import_that_changes_nothing_or_asks_for_no_refresh_queues_nothing(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agency_extract_import(user=coordinator, path_or_files={"police/people.csv": PEOPLE.encode()}, refresh=False)
        agency_extract_import(user=coordinator, path_or_files={"police/people.csv": PEOPLE.encode()})
    assert not DBTaskResult.objects.exists()
