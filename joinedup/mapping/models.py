"""The mapping as one refresh stored it: a header row per refresh (a generation), its nodes and events in
indexed tables, and its analyses for the standard periods, so a page reads rows instead of rebuilding the graph.

A generation's rows are written while it is incomplete and no page reads them; the refresh then marks it
complete in one transaction, which makes it the current one, and deletes the older generations' rows. Nodes
and events carry ids made from their generation (``id_base``), so their rows need no generation column to be
joined, and the rows of one generation are one range of ids. The tables name children, so they are read only
through the selectors, which filter them for the viewer (see selectors.py).
"""

from django.db import models
from django.utils import timezone

from joinedup import dates
from joinedup.children.models import Child
from joinedup.jobs.models import Job, JobStatus

# Ids of a generation's nodes and events: generation pk * ID_SPAN + position (0, 1, 2...).
ID_SPAN = 10**10


class ResultKind(models.TextChoices):
    HOTSPOT = "hotspot", "Hotspot"
    NETWORK = "network", "Network"
    ADULT = "adult", "Adult of concern"


class MappingSnapshot(models.Model):
    """One refresh of the mapping: when it ran, the day its standard periods end on (``as_of``), its size, and
    whether all its rows are written (``complete``); the newest complete one is the current mapping."""

    built_at = models.DateTimeField(default=timezone.now, db_index=True)
    as_of = models.DateField(default=timezone.localdate)
    complete = models.BooleanField(default=False)
    node_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-built_at", "-pk"]
        get_latest_by = "built_at"

    def __str__(self) -> str:
        return f"Mapping snapshot of {dates.when(self.built_at)}: {self.node_count} nodes, {self.event_count} events"

    @property
    def id_base(self) -> int:
        return self.pk * ID_SPAN


class MappingNode(models.Model):
    """A person, place, vehicle, phone or handle. ``key`` is the node's id in the analyses (``place:...``),
    ``data`` the whole node as the build made it (members, child and adult ids, a place's attributes);
    ``search`` is its label and agency record ids, lower case without spaces, for the network view's search."""

    id = models.BigIntegerField(primary_key=True)
    snapshot = models.ForeignKey(
        MappingSnapshot, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    key = models.TextField()
    kind = models.CharField(max_length=20)
    label = models.TextField()
    search = models.TextField()
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "key"], name="mapping_node_key_unique")]

    def __str__(self) -> str:
        return self.key


class MappingNodeChild(models.Model):
    """A child's record a node stands for (indexed both ways), so need-to-know filtering is a lookup.
    ``primary``: the node the child's record is drawn as (the build's ``child_nodes``)."""

    snapshot = models.ForeignKey(
        MappingSnapshot, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    node = models.ForeignKey(MappingNode, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    primary = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "child"], name="mapping_nodechild_child")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.child_id}"


class MappingEvent(models.Model):
    """Something that happened and joins nodes, with its evidence; ``extra`` holds whatever else the build
    keeps on an event."""

    id = models.BigIntegerField(primary_key=True)
    snapshot = models.ForeignKey(
        MappingSnapshot, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    source = models.CharField(max_length=40)
    agency = models.CharField(max_length=40)
    record = models.TextField()
    type = models.CharField(max_length=60)
    date = models.DateField(null=True)
    extra = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "date"], name="mapping_event_date")]

    def __str__(self) -> str:
        return f"{self.source} {self.record}"


class MappingEventNode(models.Model):
    """A node an event joins, indexed by node (the events of a node) and by event (the nodes of an event)."""

    event = models.ForeignKey(
        MappingEvent, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    node = models.ForeignKey(
        MappingNode, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["node", "event"], name="mapping_eventnode_node"),
            models.Index(fields=["event", "node"], name="mapping_eventnode_event"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.node_id}"


class MappingResult(models.Model):
    """One row of an analysis for one standard period (``period``: ``since/until``): a hotspot, a network or an
    adult of concern, in the analysis's order (``rank``). ``data`` is the analysis's dict as it returned it;
    ``summary`` what a list page shows of a network, whose
    dict can hold thousands of nodes."""

    snapshot = models.ForeignKey(
        MappingSnapshot, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ResultKind.choices)
    period = models.CharField(max_length=21)
    rank = models.PositiveIntegerField()
    node = models.TextField(blank=True)
    summary = models.JSONField(default=dict)
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["snapshot", "kind", "period", "rank"], name="mapping_result_rank")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} #{self.rank}"


class MappingPeriodNetworks(models.Model):
    """The networks of one period no refresh stored, worked out by the worker when a page first asks for them
    (see services.period_networks_request): one row per generation and period, so a period is worked out once
    for each mapping. Its networks are ``MappingResult`` rows of the same generation and period, like a latest
    period's; the pages read them once ``complete``. ``job`` carries the progress a page shows. A refresh
    deletes a generation's rows, these with them, so a period worked out on an older mapping is never shown."""

    snapshot = models.ForeignKey(
        MappingSnapshot, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    period = models.CharField(max_length=21)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    complete = models.BooleanField(default=False)
    networks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "period"], name="mapping_period_networks_unique"),
        ]

    def __str__(self) -> str:
        return f"Networks of {self.period} ({'stored' if self.complete else 'being worked out'})"

    @property
    def failed(self) -> bool:
        """Not stored, and no job working on it: its job failed (or was deleted)."""
        return not self.complete and (self.job is None or self.job.status == JobStatus.FAILED)
