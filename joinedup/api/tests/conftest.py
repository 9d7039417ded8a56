"""An agency system with its key, and a way to call the API as it does."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.api.models import ApiClient
from joinedup.api.services import api_client_add


@dataclass
class System:
    client: ApiClient
    key: str


def system_for(agency: Agency, name: str = "Case system", *, may_import: bool = False) -> System:
    operator = UserFactory.create(username=f"operator-{uuid.uuid4().hex[:8]}", agency=agency)
    client, key = api_client_add(actor=operator, agency=agency, name=name, may_import=may_import)
    return System(client=client, key=key)


@pytest.fixture
def police(db) -> Agency:
    return AgencyFactory.create(code="POL", name="Police", kind=AgencyKind.POLICE)


@pytest.fixture
def social_care(db) -> Agency:
    return AgencyFactory.create(code="CSC", name="Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)


@pytest.fixture
def police_system(police) -> System:
    return system_for(police, "Police case system")


@pytest.fixture
def csc_system(social_care) -> System:
    return system_for(social_care, "Social care case system")


Call = Callable[..., Any]


@pytest.fixture
def call(client: Client) -> Call:
    """``call(system, "post", url, body, key=...)``: JSON with the system's key and an Idempotency-Key
    (a new one unless given; ``key=None`` sends none). ``files`` sends multipart instead."""

    def _call(
        system: System | None,
        method: str,
        url: str,
        body: dict[str, Any] | None = None,
        *,
        key: str | None = "",
        files: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        sent = dict(headers or {})
        if system is not None:
            sent["Authorization"] = f"Bearer {system.key}"
        if method == "post" and key is not None:
            sent["Idempotency-Key"] = key or str(uuid.uuid4())
        if files is not None:
            return client.post(url, files, content_type=MULTIPART_CONTENT, headers=sent)
        if method == "post":
            return client.post(url, json.dumps(body or {}), content_type="application/json", headers=sent)
        return getattr(client, method)(url, body or {}, headers=sent)

    return _call
