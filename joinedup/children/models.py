import uuid
from typing import TypeVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency, Team

from .identifiers import validate_nhs_number, validate_upn


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other"
    UNKNOWN = "U", "Not known"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day known"
    MONTH = "month", "Month and year known"
    YEAR = "year", "Year known"


class LegalStatus(models.TextChoices):
    """SSDA903 legal status codes of a looked-after child."""

    C1 = "C1", "C1: interim care order"
    C2 = "C2", "C2: full care order"
    D1 = "D1", "D1: freeing order granted"
    E1 = "E1", "E1: placement order granted"
    J1 = "J1", "J1: remanded to local authority accommodation or youth detention"
    J2 = "J2", "J2: placed in local authority accommodation under PACE"
    J3 = "J3", "J3: sentenced to a youth rehabilitation order with residence or fostering"
    L1 = "L1", "L1: under police protection and in local authority accommodation"
    L2 = "L2", "L2: emergency protection order"
    L3 = "L3", "L3: under child assessment order and in local authority accommodation"
    V2 = "V2", "V2: single period of accommodation under section 20"
    V3 = "V3", "V3: accommodated under an agreed series of short-term breaks (single placements)"
    V4 = "V4", "V4: accommodated under an agreed series of short-term breaks (multiple placements)"


class Ethnicity(models.TextChoices):
    """The 2021 census ethnic groups for England, with the DfE codes the SSDA903 return uses.

    Imported records may hold other text; ``Child.ethnicity_shown`` shows that as it is.
    """

    ABAN = "ABAN", "Asian or Asian British: Bangladeshi"
    CHNE = "CHNE", "Asian or Asian British: Chinese"
    AIND = "AIND", "Asian or Asian British: Indian"
    APKN = "APKN", "Asian or Asian British: Pakistani"
    AOTH = "AOTH", "Asian or Asian British: any other Asian background"
    BAFR = "BAFR", "Black, Black British, Caribbean or African: African"
    BCRB = "BCRB", "Black, Black British, Caribbean or African: Caribbean"
    BOTH = "BOTH", "Black, Black British, Caribbean or African: any other Black, Black British or Caribbean background"
    MWAS = "MWAS", "Mixed or multiple ethnic groups: White and Asian"
    MWBA = "MWBA", "Mixed or multiple ethnic groups: White and Black African"
    MWBC = "MWBC", "Mixed or multiple ethnic groups: White and Black Caribbean"
    MOTH = "MOTH", "Mixed or multiple ethnic groups: any other Mixed or multiple ethnic background"
    WBRI = "WBRI", "White: English, Welsh, Scottish, Northern Irish or British"
    WIRI = "WIRI", "White: Irish"
    WIRT = "WIRT", "White: Gypsy or Irish Traveller"
    WROM = "WROM", "White: Roma"
    WOTH = "WOTH", "White: any other White background"
    ARAB = "ARAB", "Other ethnic group: Arab"
    OOTH = "OOTH", "Other ethnic group: any other ethnic group"
    REFU = "REFU", "The child or family chose not to say"
    NOBT = "NOBT", "Not yet known"


class PlacementType(models.TextChoices):
    """SSDA903 placement type codes."""

    A3 = "A3", "A3: placed for adoption with parental consent, with a current foster carer"
    A4 = "A4", "A4: placed for adoption with parental consent, not with a current foster carer"
    A5 = "A5", "A5: placed for adoption with a placement order, with a current foster carer"
    A6 = "A6", "A6: placed for adoption with a placement order, not with a current foster carer"
    H5 = "H5", "H5: semi-independent living accommodation not subject to children's homes regulations"
    K1 = "K1", "K1: secure children's home"
    K2 = "K2", "K2: children's home"
    P1 = "P1", "P1: placed with own parent or person with parental responsibility"
    P2 = "P2", "P2: independent living, e.g. a flat or lodgings"
    P3 = "P3", "P3: residential employment"
    R1 = "R1", "R1: residential care home"
    R2 = "R2", "R2: NHS or health trust residential establishment"
    R3 = "R3", "R3: family centre or mother and baby unit"
    R5 = "R5", "R5: young offender institution or prison"
    S1 = "S1", "S1: residential school (not a children's home)"
    T0 = "T0", "T0: temporary placement"
    U1 = "U1", "U1: foster placement with a relative or friend, long term"
    U2 = "U2", "U2: foster placement with a relative or friend who is also an approved adopter"
    U3 = "U3", "U3: foster placement with a relative or friend, not long term"
    U4 = "U4", "U4: foster placement with another carer, long term"
    U5 = "U5", "U5: foster placement with another carer who is also an approved adopter"
    U6 = "U6", "U6: foster placement with another carer, not long term"
    Z1 = "Z1", "Z1: other placement"


class Child(models.Model):
    """The person at the centre of everything: a child known to one or more agencies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=300, blank=True, help_text="Aliases, known-as names; separate with ;")
    date_of_birth = models.DateField(
        null=True, blank=True, help_text="With a partial date, the first day of the month or year known."
    )
    date_of_birth_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=100, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    upn = models.CharField("unique pupil number", max_length=13, blank=True, validators=[validate_upn])
    police_ids = models.CharField(
        "police identifiers", max_length=200, blank=True, help_text="PNC and local police ids; separate with ;"
    )
    looked_after = models.BooleanField("looked after", default=False)
    placement = models.CharField(
        max_length=300, blank=True, help_text="Where a looked-after child lives, and the carer's agency."
    )
    placement_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The carer's agency, which keeps the Philomena profile up to date.",
        # Read from the child, never searched by: no index to keep up on every child written.
        db_index=False,
    )
    postcode = models.CharField(max_length=10, blank=True)
    la_child_id = models.CharField("local authority child id", max_length=20, blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_children",
        help_text="The trusted professional who keeps the relationship with the child.",
    )
    key_worker_chosen_by_child = models.BooleanField(
        "the child chose their key worker", default=False, help_text="The child's own choice of trusted professional."
    )
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices, blank=True)
    placement_type = models.CharField(max_length=2, choices=PlacementType.choices, blank=True)
    placement_started = models.DateField(null=True, blank=True)
    placement_ended = models.DateField(null=True, blank=True)
    joined_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed only where set (Meta): "not joined" is nearly every child, never worth an index
        related_name="+",
        help_text="Set when this record was found to be another child's: its links lead there.",
    )
    # Read from the child, never searched by (users are deactivated, not deleted): no index to keep up.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now)
    record_closed = models.BooleanField(
        default=False,
        editable=False,
        help_text="Every agency's involvement has closed (and there was one): the record has left the active lists "
        "and is read-only. Kept by the children app's services whenever an involvement opens, ends or moves.",
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(
                fields=["joined_into"], name="child_joined_into", condition=models.Q(joined_into__isnull=False)
            ),
            # The hard identifiers an import looks children up by; only children who have one are indexed.
            models.Index(fields=["nhs_number"], name="child_nhs_number", condition=~models.Q(nhs_number="")),
            models.Index(fields=["upn"], name="child_upn", condition=~models.Q(upn="")),
            models.Index(fields=["la_child_id"], name="child_la_child_id", condition=~models.Q(la_child_id="")),
            models.Index(fields=["police_ids"], name="child_police_ids", condition=~models.Q(police_ids="")),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def date_of_birth_shown(self) -> str:
        if self.date_of_birth is None:
            return "Not known"
        formats = {DatePrecision.DAY: "%-d %B %Y", DatePrecision.MONTH: "%B %Y", DatePrecision.YEAR: "%Y"}
        return self.date_of_birth.strftime(formats[DatePrecision(self.date_of_birth_precision)])

    @property
    def ethnicity_shown(self) -> str:
        if self.ethnicity in Ethnicity.values:
            return str(Ethnicity(self.ethnicity).label)
        return self.ethnicity


class Address(models.Model):
    """Where a child has lived, newest first; the one with no end date is current."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10, blank=True)
    lived_from = models.DateField(null=True, blank=True)
    lived_to = models.DateField(null=True, blank=True)
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    restricted = models.BooleanField(
        default=False,
        help_text="A safe address or refuge: seen only by the agency that recorded it and those it shares the "
        "record with, whether or not the child's records are joined.",
    )

    class Meta:
        ordering = ["-lived_from"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return self.address


class Involvement(models.Model):
    """An agency's work with a child. While it is open, that agency's staff may see the child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    service = models.CharField(max_length=200, blank=True, help_text="The agency's service working with the child.")
    reason = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    # Who opened and ended an involvement are read from it, never searched by: no indexes to keep up.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "agency"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_involvement_per_agency",
            ),
        ]
        # Need-to-know's list query: an agency's open involvements, read from the index alone.
        indexes = [
            models.Index(
                fields=["agency", "child"], condition=models.Q(ended_at__isnull=True), name="open_involvement_of_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} with {self.child_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class NoteCategory(models.TextChoices):
    CONTACT = "contact", "Contact with the child"
    INFORMATION = "information", "Information received"
    CONCERN = "concern", "Concern"
    DECISION = "decision", "Decision"
    OTHER = "other", "Other"


_Item = TypeVar("_Item", bound=models.Model)


class NotInErrorManager(models.Manager[_Item]):
    """The default manager of an item an agency may mark "entered in error": such an item leaves every page
    and list, but is kept (``with_entered_in_error`` still reads it, and so does the audit trail)."""

    def get_queryset(self) -> models.QuerySet[_Item]:
        return super().get_queryset().filter(entered_in_error=False)


class ChronologyEntry(models.Model):
    """An item recorded about a child by one agency; it carries its owning agency.

    Other agencies see it only when it, or the whole record, has been shared with them.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="chronology")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    category = models.CharField(max_length=20, choices=NoteCategory.choices)
    summary = models.TextField()
    entered_in_error = models.BooleanField(default=False)

    with_entered_in_error: models.Manager["ChronologyEntry"] = models.Manager()
    objects = NotInErrorManager["ChronologyEntry"]()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "chronology entries"
        default_manager_name = "objects"
        base_manager_name = "with_entered_in_error"

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.occurred_at:%Y-%m-%d}"


class RelativeKind(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Brother or sister"
    OTHER = "other", "Other family or friend"


class Relative(models.Model):
    """A parent, carer or brother or sister of a child, with how to reach them."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relatives")
    kind = models.CharField(max_length=10, choices=RelativeKind.choices)
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=100, blank=True, help_text="For example mother, foster carer, half-brother."
    )
    parental_responsibility = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    sibling = models.ForeignKey(
        Child,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A brother or sister's own record.",
    )
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


# The details of a child's record the "Change" pages keep, in the words the history uses.
DETAIL_LABELS: dict[str, str] = {
    "given_name": "Given name",
    "family_name": "Family name",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "la_child_id": "Local authority child id",
    "police_ids": "Police identifiers",
    "postcode": "Postcode",
    "looked_after": "Looked after",
    "legal_status": "Legal status",
    "placement_type": "Placement type",
    "placement": "Placement",
    "placement_agency": "Carer's agency",
    "placement_started": "Placement started",
    "placement_ended": "Placement ended",
    "key_worker": "Key worker",
    "key_worker_chosen_by_child": "Key worker chosen by the child",
    "address": "Address",
    "relative": "Family",
}


class DetailChange(models.Model):
    """One change to a detail of a child's record: who, when, the old and new value, and why.

    Nothing is lost by editing: the old value is kept here. ``field`` names the detail
    (``given_name``, ``key_worker``, ``address``...); values are shown text.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="detail_changes")
    field = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    settled_disagreement = models.BooleanField(
        default=False, help_text="The change settled a disagreement between agencies' records."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field} changed on {self.changed_at:%Y-%m-%d}"

    @property
    def field_label(self) -> str:
        return DETAIL_LABELS.get(self.field, self.field.replace("_", " ").capitalize())


class JoinSource(models.TextChoices):
    AUTO = "auto", "Record linkage, above the automatic threshold"
    DECISION = "decision", "A person's decision in the review queue"
    CONNECTION = "connection", "The coordinator's answer to a connection request"


class ChildJoin(models.Model):
    """Two children found to be one person: everything recorded under ``joined`` moved under ``child``.

    ``moved`` lists exactly what moved, ``{"app_label.Model": [pk, ...]}``, and ``changed`` the
    fields the join set, ``[{"model": ..., "pk": ..., "field": ..., "old": ..., "new": ...}]``, so an
    undo puts back exactly what the join moved and nothing else. The joined child's row stays, with
    ``joined_into`` set, so old links to it lead to the child it joined.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="joins")
    joined = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, choices=JoinSource.choices)
    reason = models.TextField(blank=True)
    moved = models.JSONField(default=dict, blank=True)
    changed = models.JSONField(default=list, blank=True)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-joined_at", "-pk"]
        indexes = [models.Index(fields=["child", "undone_at"], name="child_join_open")]

    def __str__(self) -> str:
        return f"{self.joined_id} joined into {self.child_id}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class ConnectionStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the coordinator"
    ATTACHED = "attached", "Attached to the known child"
    STANDS = "stands", "Recorded as a new child"


class ConnectionRequest(models.Model):
    """A practitioner's request to be connected to a child who may already be known to the partnership.

    The practitioner never learns which child or agency: ``candidates`` (child ids) is for the
    coordinator alone. No child is created while the request waits; ``details`` holds what the
    practitioner entered, and the coordinator's answer creates or attaches it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    details = models.JSONField(default=dict)
    candidates = models.JSONField(default=list)
    reason = models.TextField()
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ConnectionStatus.choices, default=ConnectionStatus.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Connection request {self.pk}"


class ItemKind(models.TextChoices):
    """Items an agency records about a child and may correct."""

    CHRONOLOGY_ENTRY = "chronology_entry", "Chronology entry"
    CONCERN = "concern", "Concern"
    CONTACT_ATTEMPT = "contact_attempt", "Contact attempt"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    RETURN_INTERVIEW = "return_interview", "Return home interview"


class CorrectionKind(models.TextChoices):
    CORRECTED = "corrected", "Corrected"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class ItemCorrection(models.Model):
    """A correction of an item by the agency that recorded it: the fields as they were (``before``) and as they
    are now (``after``), why, who and when. Nothing is lost: every earlier version is here, oldest first.
    "Entered in error" takes the item off the child's pages; the item itself is kept.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="item_corrections")
    item_kind = models.CharField(max_length=20, choices=ItemKind.choices)
    item_id = models.CharField(max_length=40)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=CorrectionKind.choices)
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    reason = models.TextField()
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["corrected_at", "pk"]
        indexes = [models.Index(fields=["item_kind", "item_id"], name="item_correction_item")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item_kind} {self.item_id}"
