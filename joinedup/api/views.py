"""The API's operations (Django Ninja): thin, each through the owning app's selector or service, acting as the
agency system's account, so the pages' policy and audit apply unchanged. See docs/api.md."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import File, Header, NinjaAPI, Query, UploadedFile

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.children.selectors import child_get
from joinedup.concerns.services import concern_record
from joinedup.imports.forms import MAX_UPLOAD_BYTES
from joinedup.imports.services import agency_extract_import_request
from joinedup.jobs.selectors import job_get
from joinedup.missing.models import MissingEpisode
from joinedup.missing.selectors import episode_get, episodes_of
from joinedup.missing.services import missing_episode_found, missing_episode_report, missing_episode_return

from . import errors, selectors, services
from .auth import AgencySystemKey
from .models import ApiClient
from .schemas import (
    ChildDetailOut,
    ChildOut,
    ChildPageOut,
    ConcernIn,
    ConcernOut,
    EpisodeOut,
    ErrorOut,
    FoundIn,
    JobAccepted,
    JobOut,
    MissingReportIn,
    ReturnIn,
    Text,
)

api = NinjaAPI(
    title="joinedup API for agency systems",
    version="1",
    description=(
        "Agency systems report a child missing, record found and returned, submit concerns and extracts, and "
        "read back the children their agency may see. Authenticate with Authorization: Bearer <key>; send an "
        "Idempotency-Key with every POST. See docs/api.md."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    # Swagger UI needs a page of its own; the schema is enough for a system's developers (docs/api.md).
    docs_url=None,
    auth=AgencySystemKey(),
)
errors.install(api)

REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422, 503), ErrorOut)
IdempotencyKey = Annotated[
    str,
    Header(
        alias=errors.IDEMPOTENCY_HEADER,
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A new random value (a UUID) for each new request; the same value when retrying it.",
    ),
]
Answer = tuple[int, dict[str, Any]]
RECORD_ID = Query("", max_length=100, description="Only the child your agency's record id names.")


def _client(request: HttpRequest) -> ApiClient:
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    return client


def _user(request: HttpRequest) -> User:
    return _client(request).user


def _fingerprint(request: HttpRequest) -> str:
    """The request as a retry repeats it: method, path and body (JSON compared by value, files by content)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(json.dumps([name, values]).encode())
        for name, uploads in sorted(request.FILES.lists()):
            for upload in uploads:
                content = hashlib.sha256()
                for chunk in upload.chunks():
                    content.update(chunk)
                upload.seek(0)
                digest.update(json.dumps([name, upload.name, content.hexdigest()]).encode())
        return digest.hexdigest()
    try:
        digest.update(json.dumps(json.loads(request.body), sort_keys=True, separators=(",", ":")).encode())
    except (ValueError, RecursionError):
        digest.update(request.body)
    return digest.hexdigest()


def _query_known(request: HttpRequest, *names: str) -> None:
    """Refuse a query parameter the operation does not take: a misspelt filter would otherwise widen a list."""
    unknown = sorted(set(request.GET) - set(names))
    if unknown:
        raise errors.ApiRefusal(422, f"This operation takes no query parameter {unknown[0]!r}.", unknown[0][:100])


def _post(request: HttpRequest, key: str, run: Callable[[], Answer]) -> HttpResponse:
    _query_known(request)
    (status, body), replayed = services.idempotent_call(
        client=_client(request), key=key, fingerprint=_fingerprint(request), run=run
    )
    response = api.create_response(request, body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _episode_out(episode: MissingEpisode) -> dict[str, Any]:
    gradings = list(episode.gradings.all())
    interview = getattr(episode, "interview", None)
    return EpisodeOut(
        id=episode.pk,
        child_id=episode.child_id,
        kind=episode.kind,
        started_at=episode.started_at,
        found_at=episode.found_at,
        returned_at=episode.returned_at,
        grade=gradings[-1].grade if gradings else None,
        return_interview_due_at=interview.due_at if interview is not None else None,
    ).model_dump(mode="json")


@api.get("/children", response={200: ChildPageOut, **REFUSALS}, url_name="children", summary="Children you may see")
def children_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=1_000_000),
    record_id: Text = RECORD_ID,
) -> dict[str, Any]:
    _query_known(request, "page", "record_id")
    client = _client(request)
    shown = selectors.api_children_page(client=client, page=page, record_id=record_id)
    items = [
        ChildOut(
            id=child.pk,
            given_name=child.given_name,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            date_of_birth_precision=child.date_of_birth_precision,
            sex=child.sex,
            owning_agency=child.owning_agency.code,
            record_ids=shown.record_ids[child.pk],
        )
        for child in shown.page.object_list
    ]
    return {
        "items": items,
        "page": shown.page.number,
        "pages": shown.page.paginator.num_pages,
        "count": shown.page.paginator.count,
        "next_page": shown.page.next_page_number() if shown.page.has_next() else None,
    }


@api.get("/children/{child_id}", response={200: ChildDetailOut, **REFUSALS}, url_name="child", summary="One child")
def child_detail(request: HttpRequest, child_id: UUID) -> dict[str, Any]:
    _query_known(request)
    client = _client(request)
    child = child_get(user=client.user, child_id=child_id, reason="API: the child's record")
    episodes = episodes_of(child=child).select_related("interview").order_by("-started_at")
    return {
        **ChildOut(
            id=child.pk,
            given_name=child.given_name,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            date_of_birth_precision=child.date_of_birth_precision,
            sex=child.sex,
            owning_agency=child.owning_agency.code,
            record_ids=selectors.record_ids_of(agency_id=client.agency_id, child_ids=[child.pk])[child.pk],
        ).model_dump(mode="json"),
        "other_names": child.other_names,
        "missing_episodes": [_episode_out(episode) for episode in episodes],
    }


@api.post(
    "/children/{child_id}/missing-episodes",
    response={201: EpisodeOut, **REFUSALS},
    url_name="missing-report",
    summary="Report a child missing",
)
def missing_report(
    request: HttpRequest, child_id: UUID, payload: MissingReportIn, idempotency_key: IdempotencyKey
) -> HttpResponse:
    user = _user(request)

    def run() -> Answer:
        child = child_get(user=user, child_id=child_id, reason="API: reporting the child missing")
        episode = missing_episode_report(
            user=user,
            child=child,
            kind=payload.kind,
            started_at=payload.started_at,
            rationale=payload.rationale,
            grade=payload.grade or "",
            reported_at=payload.reported_at,
            reported_by_name=payload.reported_by_name,
            last_seen_place=payload.last_seen_place,
            last_seen_with=payload.last_seen_with,
            information_from=payload.information_from,
            returned_at=payload.returned_at,
        )
        return 201, _episode_out(episode)

    return _post(request, idempotency_key, run)


@api.post(
    "/missing-episodes/{episode_id}/found",
    response={200: EpisodeOut, **REFUSALS},
    url_name="missing-found",
    summary="Record that a missing child was found",
)
def missing_found(
    request: HttpRequest, episode_id: UUID, payload: FoundIn, idempotency_key: IdempotencyKey
) -> HttpResponse:
    user = _user(request)

    def run() -> Answer:
        episode = episode_get(user=user, episode_id=episode_id, reason="API: recording the child found")
        episode = missing_episode_found(
            user=user,
            episode=episode,
            found_at=payload.found_at,
            found_place=payload.found_place,
            found_with=payload.found_with,
        )
        return 200, _episode_out(episode)

    return _post(request, idempotency_key, run)


@api.post(
    "/missing-episodes/{episode_id}/return",
    response={200: EpisodeOut, **REFUSALS},
    url_name="missing-return",
    summary="Record a missing child's return (opens the return home interview, due 72 hours later)",
)
def missing_return(
    request: HttpRequest, episode_id: UUID, payload: ReturnIn, idempotency_key: IdempotencyKey
) -> HttpResponse:
    user = _user(request)

    def run() -> Answer:
        episode = episode_get(user=user, episode_id=episode_id, reason="API: recording the child's return")
        missing_episode_return(user=user, episode=episode, returned_at=payload.returned_at)
        return 200, _episode_out(MissingEpisode.objects.select_related("interview").get(pk=episode.pk))

    return _post(request, idempotency_key, run)


@api.post(
    "/children/{child_id}/concerns",
    response={201: ConcernOut, **REFUSALS},
    url_name="concern-submit",
    summary="Submit a concern about a child",
)
def concern_submit(
    request: HttpRequest, child_id: UUID, payload: ConcernIn, idempotency_key: IdempotencyKey
) -> HttpResponse:
    user = _user(request)

    def run() -> Answer:
        child = child_get(user=user, child_id=child_id, reason="API: recording a concern")
        codes = sorted({code.upper() for code in payload.condition_agencies})
        agencies = list(Agency.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {agency.code.upper() for agency in agencies})
        if unknown:
            raise errors.ApiRefusal(422, f"No agency has the code {', '.join(unknown)}.", "condition_agencies")
        concern = concern_record(
            user=user,
            child=child,
            category=payload.category,
            occurred_at=payload.occurred_at,
            what_happened=payload.what_happened,
            from_community=payload.from_community,
            place_name=payload.place_name,
            place_postcode=payload.place_postcode,
            vehicles=payload.vehicles,
            phones=payload.phones,
            online_handles=payload.online_handles,
            source_evaluation=payload.source_evaluation,
            intelligence_assessment=payload.intelligence_assessment,
            handling_code=payload.handling_code,
            handling_conditions=payload.handling_conditions,
            condition_agencies=agencies,
            sanitised_summary=payload.sanitised_summary,
        )
        out = ConcernOut(
            id=concern.pk,
            child_id=concern.child_id,
            category=concern.category,
            occurred_at=concern.occurred_at,
            grading=concern.grading,
        )
        return 201, out.model_dump(mode="json")

    return _post(request, idempotency_key, run)


@api.post(
    "/extracts",
    response={202: JobAccepted, **REFUSALS},
    url_name="extract-submit",
    summary="Submit your agency's extract (people.csv, events.csv, or a zip of them) for the worker to import",
)
def extract_submit(
    request: HttpRequest, idempotency_key: IdempotencyKey, files: File[list[UploadedFile]]
) -> HttpResponse:
    user = _user(request)

    def run() -> Answer:
        contents: dict[str, bytes] = {}
        for upload in files:
            name = Path(upload.name or "").name
            if not name or not name.isprintable():
                raise errors.ApiRefusal(422, "Name each file people.csv, events.csv or a zip.", "files")
            if (upload.size or 0) > MAX_UPLOAD_BYTES:
                raise errors.ApiRefusal(422, f"{name} is larger than 50 MB; split it and send each part.", "files")
            contents[name] = upload.read()
        job = agency_extract_import_request(user=user, files=contents)
        accepted = JobAccepted(
            job_id=job.pk, status=job.status, status_url=reverse("api:job", kwargs={"job_id": job.pk})
        )
        return 202, accepted.model_dump(mode="json")

    return _post(request, idempotency_key, run)


@api.get("/jobs/{job_id}", response={200: JobOut, **REFUSALS}, url_name="job", summary="A submitted extract's progress")
def job_detail(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    _query_known(request)
    job = job_get(user=_user(request), job_id=job_id)
    return JobOut(
        id=job.pk,
        kind=job.kind,
        status=job.status,  # type: ignore[arg-type]
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        percent=job.percent,
        message=job.message,
        requested_at=job.requested_at,
        finished_at=job.finished_at,
    ).model_dump(mode="json")


def api_index(request: HttpRequest) -> JsonResponse:
    """What is at /api/v1/: where the schema is."""
    return JsonResponse({"openapi": reverse("api:openapi-json"), "documentation": "docs/api.md in the repository"})


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Anything else under /api/v1/ answers a JSON 404, never the site's HTML page."""
    return JsonResponse(errors.error_body([(errors.NOT_FOUND, None)]), status=404)
