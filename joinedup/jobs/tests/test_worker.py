"""The worker: it names itself on each job it runs, and on starting fails the jobs of a worker that died."""

import socket
import subprocess

import pytest
from django.core.management import call_command

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.jobs.services import children_export_request
from joinedup.jobs.signals import worker_name


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

    call_command("worker", batch=True, no_startup_delay=True, interval=0.1)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.worker == worker_name()


def test_a_starting_worker_fails_the_jobs_of_a_worker_that_died_on_this_host_and_no_other(coordinator):
    host = socket.gethostname()

    def job(worker: str, status: str = JobStatus.RUNNING) -> Job:
        return Job.objects.create(kind=JobKind.CHILDREN_EXPORT, requested_by=coordinator, status=status, worker=worker)

    dead = job(f"{host}:{_dead_pid()}")
    dead_before_starting = job(f"{host}:{_dead_pid()}", JobStatus.QUEUED)
    alive = job(worker_name())
    elsewhere = job(f"another-host:{_dead_pid()}")
    finished = job(f"{host}:{_dead_pid()}", JobStatus.DONE)
    never_started = job("", JobStatus.QUEUED)

    call_command("worker", batch=True, no_startup_delay=True, interval=0.1)

    def status(j: Job) -> str:
        j.refresh_from_db()
        return j.status

    assert [status(j) for j in (dead, dead_before_starting)] == [JobStatus.FAILED, JobStatus.FAILED]
    assert "The worker stopped while this was running" in Job.objects.get(pk=dead.pk).message
    assert Job.objects.get(pk=dead.pk).finished_at is not None
    assert [status(j) for j in (alive, elsewhere, finished, never_started)] == [
        JobStatus.RUNNING,
        JobStatus.RUNNING,
        JobStatus.DONE,
        JobStatus.QUEUED,
    ]
