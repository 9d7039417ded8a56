"""Writes: rebuilding the mapping snapshot, by a command, by the worker or at the coordinator's request."""

import json
import time
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.jobs.models import Job, JobKind, JobStatus

from . import permissions
from .internals.build import graph_data_build
from .models import MappingSnapshot

SNAPSHOTS_KEPT = 3


def mapping_snapshot_refresh(*, job: Job | None = None) -> MappingSnapshot:
    """Build the whole graph again from every module and keep it as the current snapshot."""
    started = time.monotonic()
    data = graph_data_build()
    with transaction.atomic():
        snapshot = MappingSnapshot.objects.create(
            graph=data.as_json(),
            node_count=len(data.nodes),
            event_count=len(data.events),
            seconds=round(time.monotonic() - started, 3),
            job=job,
        )
        stale = MappingSnapshot.objects.values_list("pk", flat=True)[SNAPSHOTS_KEPT:]
        MappingSnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot


def mapping_refresh_request(*, user: User) -> Job:
    """Queue a refresh for the worker (see tasks.py); the coordinator watches its progress."""
    from .tasks import mapping_refresh_task

    if not permissions.can_refresh_mapping(user):
        raise PermissionDenied
    with transaction.atomic():
        job = Job.objects.create(kind=JobKind.MAPPING_REFRESH, requested_by=user, progress_total=1)
        transaction.on_commit(lambda: mapping_refresh_task.enqueue(str(job.pk)))
    return job


def mapping_refresh_queue(*, requested_by: User) -> Job:
    """Queue a refresh the platform itself asks for (after new records are linked); no permission to check."""
    from .tasks import mapping_refresh_task

    with transaction.atomic():
        job = Job.objects.create(kind=JobKind.MAPPING_REFRESH, requested_by=requested_by, progress_total=1)
        transaction.on_commit(lambda: mapping_refresh_task.enqueue(str(job.pk)))
    return job


def mapping_refresh_run(*, job_id: UUID | str) -> Job:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, message="Building the mapping")
    try:
        snapshot = mapping_snapshot_refresh(job=job)
    except Exception as error:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=f"The refresh failed: {error}"[:500], finished_at=timezone.now()
        )
        raise
    summary = {"built_at": snapshot.built_at.isoformat(), "nodes": snapshot.node_count, "events": snapshot.event_count}
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        progress_done=1,
        message=f"Mapping refreshed: {snapshot.node_count} nodes, {snapshot.event_count} events",
        finished_at=timezone.now(),
        result_name=f"mapping-{timezone.localtime(snapshot.built_at):%Y%m%d-%H%M}.json",
        result_text=json.dumps(summary),
    )
    job.refresh_from_db()
    return job
