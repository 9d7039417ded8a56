from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from joinedup.accounts.models import User

from .models import Job


def jobs_for(*, user: User) -> QuerySet[Job]:
    return Job.objects.filter(requested_by=user)


def job_get(*, user: User, job_id: UUID) -> Job:
    """A job is seen only by whoever asked for it."""
    try:
        return jobs_for(user=user).get(pk=job_id)
    except Job.DoesNotExist:
        raise Http404("No job found") from None
