"""Keys: made and revoked at the command line, kept only as a hash, scoped to one agency, every use audited."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import PASSWORD, UserFactory
from joinedup.api.models import ApiClient
from joinedup.api.services import api_client_revoke
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.missing.models import MissingEpisode

pytestmark = pytest.mark.django_db


def test_api_client_add_prints_the_key_once_and_keeps_only_its_hash(police):
    out = io.StringIO()

    call_command("api_client_add", "--agency", "POL", "--name", "Police case system", stdout=out)

    key = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get()
    assert key.startswith("jdu_") and len(key) > 40
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(ApiClient.objects.values()))
    assert client.agency == police
    assert client.user.agency == police
    assert client.user.role_codes() == {RoleCode.PRACTITIONER}
    assert not client.user.has_usable_password()
    assert AuditEvent.objects.filter(kind=AuditKind.API_CLIENT_ADDED, object_id=str(client.pk)).exists()


def test_a_system_that_may_import_is_a_manager_of_its_agency(police):
    call_command("api_client_add", "--agency", "POL", "--name", "Feed", "--may-import", stdout=io.StringIO())

    assert ApiClient.objects.get().user.role_codes() == {RoleCode.MANAGER}


def test_api_client_add_refuses_an_unknown_agency_and_a_second_system_of_the_same_name(police):
    with pytest.raises(CommandError, match="No agency"):
        call_command("api_client_add", "--agency", "NOPE", "--name", "X", stdout=io.StringIO())
    call_command("api_client_add", "--agency", "POL", "--name", "X", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already has a system called X"):
        call_command("api_client_add", "--agency", "POL", "--name", "X", stdout=io.StringIO())


def test_a_good_key_is_let_in_and_the_call_audited(call, police_system):
    response = call(police_system, "get", "/api/v1/children")

    assert response.status_code == 200
    called = AuditEvent.objects.get(kind=AuditKind.API_CALLED)
    assert called.actor == police_system.client.user
    assert called.path == "/api/v1/children"
    assert called.payload["method"] == "GET"
    police_system.client.refresh_from_db()
    assert police_system.client.last_used_at is not None


def test_a_revoked_key_is_refused_401_at_once_and_the_refusal_audited(call, police_system):
    child = ChildFactory.create(owning_agency=police_system.client.agency)
    call_command("api_client_revoke", "--agency", "POL", "--name", "Police case system", stdout=io.StringIO())

    response = call(
        police_system,
        "post",
        f"/api/v1/children/{child.pk}/missing-episodes",
        {"started_at": "2025-01-01T10:00:00Z", "rationale": "x", "grade": "low"},
    )

    assert response.status_code == 401
    assert "revoked" in response.json()["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not MissingEpisode.objects.exists()
    refused = AuditEvent.objects.get(kind=AuditKind.API_KEY_REFUSED)
    assert refused.payload["why"] == "revoked"
    assert refused.actor == police_system.client.user
    assert AuditEvent.objects.filter(kind=AuditKind.API_CLIENT_REVOKED).count() == 1


@pytest.mark.parametrize(
    ("authorization", "why"),
    [
        ("Bearer jdu_not-a-key-anyone-was-given", "unknown"),
        ("Basic dXNlcjpwYXNz", "malformed"),
        ("Bearer ", "malformed"),
    ],
)
def test_a_wrong_key_is_refused_401_and_audited(client, police_system, authorization, why):
    response = client.get("/api/v1/children", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["message"]
    refused = AuditEvent.objects.get(kind=AuditKind.API_KEY_REFUSED)
    assert refused.payload["why"] == why
    assert refused.actor is None
    assert not AuditEvent.objects.filter(kind=AuditKind.API_CALLED).exists()


def test_no_key_is_401_as_json(client, police_system):
    response = client.get("/api/v1/children")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["field"] is None


def test_a_signed_in_session_is_not_accepted_by_the_api(client, police):
    user = UserFactory.create(agency=police, roles=[RoleCode.COORDINATOR])
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302

    response = client.get("/api/v1/children")

    assert response.status_code == 401


def test_a_key_whose_account_reaches_beyond_its_agency_is_refused_403(call, police_system):
    """Only the command makes keys, for a practitioner or manager; an account given a cross-agency role later
    (by an administrator) does not take its key with it."""
    from joinedup.accounts.models import Role

    police_system.client.user.roles.add(Role.objects.get_or_create(code=RoleCode.COORDINATOR)[0])

    response = call(police_system, "get", "/api/v1/children")

    assert response.status_code == 403
    assert AuditEvent.objects.get(kind=AuditKind.API_KEY_REFUSED).payload["why"] == "out_of_scope"


def test_revoking_twice_keeps_the_first_revocation(police_system):
    actor = UserFactory.create()
    first = api_client_revoke(actor=actor, client=police_system.client).revoked_at

    again = api_client_revoke(actor=UserFactory.create(), client=police_system.client)

    assert again.revoked_at == first
    assert AuditEvent.objects.filter(kind=AuditKind.API_CLIENT_REVOKED).count() == 1


def test_api_client_revoke_lists_the_systems_without_their_keys(police_system):
    out = io.StringIO()

    call_command("api_client_revoke", stdout=out)

    assert "Police case system" in out.getvalue()
    assert police_system.client.key_prefix in out.getvalue()
    assert police_system.key not in out.getvalue()


def test_a_post_with_the_key_needs_no_csrf_token_and_a_session_alone_gets_nothing(police, police_system):
    """CSRF guards cookies; the API takes no cookie, so it neither needs a token nor acts on a session."""
    import json

    from django.test import Client
    from django.utils import timezone

    from joinedup.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

    child = ChildFactory.create(owning_agency=police)
    browser = Client(enforce_csrf_checks=True)
    staff = UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER])
    browser.force_login(staff)
    session = browser.session
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = timezone.now().isoformat()
    session.save()
    url = f"/api/v1/children/{child.pk}/missing-episodes"
    body = json.dumps({"started_at": "2025-01-01T10:00:00Z", "rationale": "Not home", "grade": "low"})

    by_session = browser.post(url, body, content_type="application/json", headers={"Idempotency-Key": "a"})
    by_key = browser.post(
        url,
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "b", "Authorization": f"Bearer {police_system.key}"},
    )

    assert by_session.status_code == 401
    assert by_key.status_code == 201, by_key.content
    assert MissingEpisode.objects.get().reported_by == police_system.client.user
