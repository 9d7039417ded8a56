from django.db import models
from django.utils import timezone

from joinedup.jobs.models import Job


class MappingSnapshot(models.Model):
    """The graph of people, places and things as one refresh built it, kept so the views need not rebuild it.

    ``graph`` holds ``nodes`` (by id), ``events`` (each with its evidence and the nodes it joins) and
    ``child_nodes`` (a child's record id to its node); see ``internals.build``. It names children, so it is
    read only through the selectors, which filter it for the viewer.
    """

    built_at = models.DateTimeField(default=timezone.now, db_index=True)
    graph = models.JSONField(default=dict)
    node_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-built_at", "-pk"]
        get_latest_by = "built_at"

    def __str__(self) -> str:
        return f"Mapping snapshot of {self.built_at:%Y-%m-%d %H:%M}: {self.node_count} nodes, {self.event_count} events"
