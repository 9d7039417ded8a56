"""The worker: it names itself on each job it runs, and on starting fails the jobs of a worker that died."""

import socket
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.jobs.services import children_export_request, jobs_orphaned_fail
from joinedup.jobs.signals import worker_name
from joinedup.jobs.tests.running import queued_tasks_run


@pytest.fixture
def coordinator(db):
    agency = AgencyFactory.create()
    ChildFactory.create(owning_agency=agency)
    return UserFactory.create(agency=agency, roles=[RoleCode.COORDINATOR])


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_the_worker_runs_a_queued_job_and_names_itself_on_it(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = children_export_request(user=coordinator)

    assert queued_tasks_run() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.worker == worker_name()


def _jobs(coordinator) -> dict[str, Job]:  # type: ignore[no-untyped-def]
    host = socket.gethostname()

    def job(worker: str, status: str = JobStatus.RUNNING) -> Job:
        return Job.objects.create(kind=JobKind.CHILDREN_EXPORT, requested_by=coordinator, status=status, worker=worker)

    return {
        "dead": job(f"{host}:{_dead_pid()}"),
        "dead before starting": job(f"{host}:{_dead_pid()}", JobStatus.QUEUED),
        "alive": job(worker_name()),
        "elsewhere": job(f"another-host:{_dead_pid()}"),
        "finished": job(f"{host}:{_dead_pid()}", JobStatus.DONE),
        "never started": job("", JobStatus.QUEUED),
    }


def _statuses(jobs: dict[str, Job]) -> dict[str, str]:
    return {name: Job.objects.get(pk=job.pk).status for name, job in jobs.items()}


EXPECTED = {
    "dead": JobStatus.FAILED,
    "dead before starting": JobStatus.FAILED,
    "alive": JobStatus.RUNNING,
    "elsewhere": JobStatus.RUNNING,
    "finished": JobStatus.DONE,
    "never started": JobStatus.QUEUED,
}


def test_the_jobs_of_a_worker_that_died_on_this_host_are_failed_and_no_others(coordinator):
    jobs = _jobs(coordinator)

    assert jobs_orphaned_fail() == 2

    assert _statuses(jobs) == EXPECTED
    dead = Job.objects.get(pk=jobs["dead"].pk)
    assert "The worker stopped while this was running" in dead.message
    assert dead.finished_at is not None


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the worker closes its connection, ending the test's transaction"
)
def test_starting_the_worker_fails_the_jobs_of_a_worker_that_died(coordinator):
    jobs = _jobs(coordinator)

    call_command("worker", batch=True, no_startup_delay=True, interval=0.1)

    assert _statuses(jobs) == EXPECTED
