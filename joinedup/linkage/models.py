"""Record linkage: which agency person records are one person, how each link was made, and what people decided.

A run (``LinkRun``) scores pairs of records with the Splink model, links those above the
automatic threshold into a ``Person`` (one ``PersonLink`` per record) and puts the grey zone
in the review queue (``ReviewItem``). The coordinator's ``LinkDecision`` rows are kept for
good: a later run keeps every confirmed match and never joins a pair someone separated.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup import dates
from joinedup.imports.models import PersonRecord


class LinkRun(models.Model):
    """One linkage run over every imported person record, with its thresholds and the model it used.

    ``model`` holds the trained parameters: for each comparison, each level's label, m, u and
    match weight, plus the prior probability that two random records match.
    """

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    records = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    auto_links = models.PositiveIntegerField(default=0)
    review_items = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    auto_threshold = models.FloatField()
    review_threshold = models.FloatField()
    model = models.JSONField(default=dict, blank=True)
    # The process running it ("host:pid", as jobs name their worker): a run whose process has died does not hold
    # linkage up until it is taken to be stale.
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Linkage run {dates.when(self.started_at)}"

    @property
    def incremental(self) -> bool:
        """True for a run that linked only new records, with an earlier full run's model."""
        return "incremental" in (self.model or {})


class Person(models.Model):
    """One person as linkage sees them: the agency records it joins hang off it as ``links``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"Person {self.pk}"


class LinkHow(models.TextChoices):
    SINGLE = "single", "Not linked to another record"
    AUTO = "auto", "Linked automatically"
    DECISION = "decision", "Linked by a person's decision"


class PersonLink(models.Model):
    """Which person one agency record belongs to, and why.

    ``explanation`` is the strongest scored pair that joined the record in, e.g.
    ``{"other_record": 12, "comparisons": {"given_name": {"level": "Nickname", "weight": 4.1}, ...}}``.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")
    person_record = models.OneToOneField(PersonRecord, on_delete=models.CASCADE, related_name="person_link")
    how = models.CharField(max_length=10, choices=LinkHow.choices)
    match_weight = models.FloatField(null=True, blank=True)
    match_probability = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    run = models.ForeignKey(LinkRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["person", "person_record"]

    def __str__(self) -> str:
        return f"{self.person_record} in {self.person}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"


class ReviewItem(models.Model):
    """A pair of records in the grey zone (or with conflicting hard identifiers) waiting for a person.

    ``record_a`` is always the record with the lower primary key, so a pair has one item.
    """

    record_a = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    explanation = models.JSONField(default=dict, blank=True)
    identifier_conflict = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    run = models.ForeignKey(LinkRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-match_probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="review_item_unique_pair"),
            models.CheckConstraint(condition=models.Q(record_a__lt=models.F("record_b")), name="review_item_ordered"),
        ]

    def __str__(self) -> str:
        return f"Review {self.record_a} / {self.record_b}"


class DecisionKind(models.TextChoices):
    MATCH = "match", "Match: the same person"
    NOT_A_MATCH = "not_a_match", "Not a match: different people"
    UNSURE = "unsure", "Unsure"


class LinkDecision(models.Model):
    """A person's decision about a pair of records, kept for good; an undo sets ``undone_at``.

    While not undone, a ``match`` keeps the pair in one person and a ``not_a_match`` keeps
    them apart in every later run; ``unsure`` records the doubt and constrains nothing.
    """

    record_a = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=12, choices=DecisionKind.choices)
    reason = models.TextField()
    review_item = models.ForeignKey(
        ReviewItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(record_a__lt=models.F("record_b")), name="link_decision_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.record_a} / {self.record_b}"


class SearchKey(models.Model):
    """One blocking key of a child's record or an agency's record of a child, for find before you create.

    Keys are short strings built by ``internals.keys.record_keys`` (e.g. ``gf:rebecca:B625``, a given name
    and the sound of a family name); a search looks its own keys up here instead of scanning names. Each row
    names either a child or a person record. Written only through ``search.search_keys_refresh`` and
    ``search.search_keys_rebuild``.
    """

    key = models.CharField(max_length=100)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    person_record = models.ForeignKey(
        PersonRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        # Key first, so a lookup by key reads the ids from the index alone; the id first, for refreshing one record.
        # Each row names a child or a record, never both: each index holds only the rows it serves (partial), so
        # writing a key updates two indexes, not four (most of an import's time at a county's size).
        # On PostgreSQL the key is indexed with the pattern operator class, so a prefix lookup (``LIKE 'fm:B625:%'``)
        # is a range on the index under any collation; SQLite ignores operator classes and compares bytes.
        indexes = [
            models.Index(
                fields=["key", "child"],
                name="search_key_child",
                condition=models.Q(child__isnull=False),
                opclasses=["varchar_pattern_ops", "uuid_ops"],
            ),
            models.Index(
                fields=["key", "person_record"],
                name="search_key_record",
                condition=models.Q(person_record__isnull=False),
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["child"], name="search_key_of_child", condition=models.Q(child__isnull=False)),
            models.Index(
                fields=["person_record"], name="search_key_of_record", condition=models.Q(person_record__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(child__isnull=False, person_record__isnull=True)
                | models.Q(child__isnull=True, person_record__isnull=False),
                name="search_key_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class LinkageLock(models.Model):
    """One row, locked (SELECT ... FOR UPDATE) by a run while it writes its links and by each person's decision,
    so a decision made while a run is scoring is read by that run before it writes, never overwritten by it."""

    name = models.CharField(max_length=20, primary_key=True)

    def __str__(self) -> str:
        return self.name
