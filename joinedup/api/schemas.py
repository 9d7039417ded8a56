"""What the API takes and gives, as pydantic schemas (the OpenAPI schema is generated from them).

Text is refused when a spreadsheet would run it as a formula (as every page's form refuses it), or when it holds
a NUL or a lone surrogate (no database keeps those); times must carry their offset (``Z`` or ``+01:00``) and lie
between 1900 and 2100.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, StringConstraints

from joinedup.spreadsheet import is_formula_answer
from joinedup.web.forms import FORMULA_REFUSED


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    if is_formula_answer(value):
        raise ValueError(FORMULA_REFUSED)
    return value


def _when(value: datetime) -> datetime:
    if not 1900 <= value.year <= 2100:
        raise ValueError("Give a time between 1900 and 2100.")
    return value


Text = Annotated[str, AfterValidator(_text)]
When = Annotated[AwareDatetime, AfterValidator(_when)]
AgencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,12}$")]


class In(Schema):
    """A request body: unknown fields are refused, so a misspelt field is not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    message: str
    field: str | None


class ErrorOut(Schema):
    message: str = Field(description="What was refused and what to do, for a person to read.")
    field: str | None = Field(description="The field or header at fault; null when it is the request as a whole.")
    errors: list[Error] = Field(description="Every refusal, the first repeated in message and field.")


class MissingReportIn(In):
    kind: Literal["M", "A"] = Field("M", description="M: missing; A: away from placement without authorisation.")
    started_at: When = Field(description="When the child was last seen or went missing.")
    rationale: Text = Field(
        min_length=1,
        max_length=5000,
        description="The police: the reasons for the risk grade. Any other agency: your reasons for concern.",
    )
    grade: Literal["no_apparent_risk", "low", "medium", "high"] | None = Field(
        None, description="The police risk grade; only the police give one (another agency's report is medium)."
    )
    reported_at: When | None = None
    reported_by_name: Text = Field("", max_length=200, description="Who reported it, e.g. the carer.")
    last_seen_place: Text = Field("", max_length=300)
    last_seen_with: Text = Field("", max_length=300)
    information_from: Text = Field("", max_length=300, description="Who supplied the information, and when.")
    returned_at: When | None = Field(None, description="For an episode already over: when the child returned.")


class FoundIn(In):
    found_at: When
    found_place: Text = Field("", max_length=300)
    found_with: Text = Field("", max_length=300)


class ReturnIn(In):
    returned_at: When


class EpisodeOut(Schema):
    id: UUID
    child_id: UUID
    kind: str
    started_at: datetime
    found_at: datetime | None
    returned_at: datetime | None
    grade: str | None = Field(description="The current risk grade.")
    return_interview_due_at: datetime | None = None


class ConcernIn(In):
    category: Literal["11A", "24A", "10A", "12A", "13A"] = Field(
        description="11A sexual exploitation, 24A criminal exploitation, 10A going missing, 12A trafficking, 13A gangs."
    )
    occurred_at: When
    what_happened: Text = Field(min_length=1, max_length=10000, description="What was seen or said.")
    from_community: bool = False
    place_name: Text = Field("", max_length=200)
    place_postcode: str = Field("", pattern=r"^[A-Za-z0-9 ]{0,10}$")
    vehicles: Text = Field("", max_length=200)
    phones: Text = Field("", max_length=200)
    online_handles: Text = Field("", max_length=200)
    source_evaluation: Literal["", "1", "2", "3"] = ""
    intelligence_assessment: Literal["", "A", "B", "C", "D", "E"] = ""
    handling_code: Literal["", "P", "C"] = ""
    handling_conditions: Text = Field("", max_length=5000)
    condition_agencies: list[AgencyCode] = Field(
        default_factory=list, max_length=20, description="With code C: the agencies' codes the conditions name."
    )
    sanitised_summary: Text = Field("", max_length=5000)


class ConcernOut(Schema):
    id: UUID
    child_id: UUID
    category: str
    occurred_at: datetime
    grading: str


class ChildOut(Schema):
    id: UUID
    given_name: str
    family_name: str
    date_of_birth: date | None
    date_of_birth_precision: str
    sex: str
    owning_agency: str = Field(description="The code of the agency that first recorded the child.")
    record_ids: list[str] = Field(description="Your agency's own record ids for the child, from its extracts.")


class ChildDetailOut(ChildOut):
    other_names: str
    missing_episodes: list[EpisodeOut]


class ChildPageOut(Schema):
    items: list[ChildOut]
    page: int
    pages: int
    count: int
    next_page: int | None


class JobOut(Schema):
    id: UUID
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress_done: int
    progress_total: int
    percent: int
    message: str
    requested_at: datetime
    finished_at: datetime | None


class JobAccepted(Schema):
    job_id: UUID
    status: str
    status_url: str = Field(description="Poll this for the import's progress and outcome.")
