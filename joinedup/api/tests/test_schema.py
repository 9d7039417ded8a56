"""Schemathesis against the schema the app serves: every operation, with valid and with invalid input, called
in process through the WSGI application: no 5xx, every invalid input answered 4xx, every answer as the schema
says (status, content type, body).

Every other Schemathesis check runs; not "positive data acceptance", which expects every request the schema
allows to be accepted: the services refuse (422, naming the field) what no schema can say, such as a time in
the future, a second open episode, or an Idempotency-Key sent again with another body.

JOINEDUP_API_FUZZ_EXAMPLES sets the examples per operation and mode (20 by default).

Schemathesis's own pytest integration (``from_fixture``) does not run under pytest 9, so each operation is
driven through its Hypothesis strategy (``APIOperation.as_strategy``), Schemathesis's documented way in for
tests of one's own.
"""

import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from joinedup.children.tests.factories import ChildFactory
from joinedup.jobs.models import Job, JobKind
from joinedup.missing.tests.factories import MissingEpisodeFactory, RiskGradingFactory

from .conftest import system_for

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")
# A plausible order: missing 3 hours ago (the known episode 6), reported, found and back within the hour.
RECENT_HOURS_AGO = {"started_at": 3, "reported_at": 2, "found_at": 1, "returned_at": 0.5, "occurred_at": 24}
EXAMPLES = int(os.environ.get("JOINEDUP_API_FUZZ_EXAMPLES", "20"))
OPERATIONS = [
    ("GET", "/api/v1/children"),
    ("GET", "/api/v1/children/{child_id}"),
    ("POST", "/api/v1/children/{child_id}/concerns"),
    ("POST", "/api/v1/children/{child_id}/missing-episodes"),
    ("POST", "/api/v1/extracts"),
    ("GET", "/api/v1/jobs/{job_id}"),
    ("POST", "/api/v1/missing-episodes/{episode_id}/found"),
    ("POST", "/api/v1/missing-episodes/{episode_id}/return"),
]


@dataclass
class Fuzzing:
    schema: Any
    key: str
    # Ids the system may use (a child, an episode, a job of its own) and ones it may not (another agency's).
    ids: dict[str, list[str]]


@pytest.fixture
def fuzzing(db, police, social_care, settings, tmp_path) -> Iterator[Fuzzing]:
    settings.IMPORT_SPOOL_DIR = str(tmp_path)
    system = system_for(police, "Police case system", may_import=True)
    seen = ChildFactory.create(owning_agency=police)
    hidden = ChildFactory.create(owning_agency=social_care)
    episode = MissingEpisodeFactory.create(child=ChildFactory.create(owning_agency=police))
    RiskGradingFactory.create(episode=episode)
    hidden_episode = MissingEpisodeFactory.create(child=hidden)
    job = Job.objects.create(kind=JobKind.EXTRACT_IMPORT, requested_by=system.client.user)
    ids = {
        "child_id": [str(seen.pk), str(episode.child_id), str(hidden.pk)],
        "episode_id": [str(episode.pk), str(hidden_episode.pk)],
        "job_id": [str(job.pk)],
    }
    # Django's handler closes the database connection around each request; the test's transaction needs it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        yield Fuzzing(schema=schema, key=system.key, ids=ids)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _leaves_out_the_key(case: Any) -> bool:
    data = case.meta.phase.data if case.meta is not None else None
    return any(
        mutation.parameter_location == ParameterLocation.HEADER
        and "Authorization" in (mutation.parameter, mutation.original_value)
        for mutation in getattr(data, "mutations", ()) or ()
    )


def test_the_schema_is_served_and_names_every_operation(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    served = sorted((method.upper(), path) for path, methods in paths.items() for method in methods)
    assert served == sorted(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_answers_every_input_without_a_server_error(
    fuzzing: Fuzzing, method: str, path: str, mode: GenerationMode
) -> None:
    operation = fuzzing.schema[path][method]
    known = st.fixed_dictionaries({name: st.sampled_from(choices) for name, choices in fuzzing.ids.items()})

    @given(case=operation.as_strategy(generation_mode=mode), known=known, use_known=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    def check(case: Any, known: dict[str, str], use_known: bool) -> None:
        # Half the cases name ids that exist and a new Idempotency-Key (generated keys repeat, and a key sent
        # again with another body is refused), so the operations do their work as well as refuse. A value
        # generated to be invalid is left as it is.
        if use_known:
            for name in case.path_parameters or {}:
                if name in known and _is_uuid(case.path_parameters[name]):
                    case.path_parameters[name] = known[name]
            if case.headers and IDEMPOTENCY_KEY.fullmatch(str(case.headers.get("Idempotency-Key", ""))):
                case.headers["Idempotency-Key"] = str(uuid.uuid4())
            # Valid times in the schema's sense are mostly centuries away; the services take the recent past.
            if mode == GenerationMode.POSITIVE and isinstance(case.body, dict):
                for name, hours in RECENT_HOURS_AGO.items():
                    if case.body.get(name) is not None:
                        case.body[name] = (timezone.now() - dt.timedelta(hours=hours)).isoformat()
        # The system's key, unless the case is one that leaves the key out on purpose.
        headers = {} if _leaves_out_the_key(case) else {"Authorization": f"Bearer {fuzzing.key}"}
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    check()
