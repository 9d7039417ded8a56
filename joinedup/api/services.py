"""Writes of the API app: agency systems' credentials, their use, and the answers kept for idempotency keys.

Everything a system records about a child goes through the owning app's service, acting as the system's
account, so the same policy check and audit rows apply as on the pages (see ``views``).
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.services import user_create
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from .errors import IDEMPOTENCY_HEADER, ApiRefusal, refusal_answer
from .models import ApiClient, IdempotentRequest

KEY_PREFIX = "jdu_"
# A system's account acts within its agency: as a practitioner, or as a manager where it submits extracts.
CLIENT_ROLES = frozenset({RoleCode.PRACTITIONER, RoleCode.MANAGER})
# last_used_at is written at most this often, so reads do not each cost a write.
LAST_USED_EVERY = timedelta(minutes=1)

UNKNOWN_KEY = "This API key is not known. Check it, or ask the platform's administrator for a new one."
REVOKED_KEY = "This API key has been revoked. Ask the platform's administrator for a new one."
OUT_OF_SCOPE = (
    "This API key's account may act only as a practitioner or manager of its own agency; "
    "ask the platform's administrator to check it."
)
KEY_REUSED = (
    f"This {IDEMPOTENCY_HEADER} was already used for a different request. Use a new key for a new request; "
    "send a retry with exactly the same body."
)


class CredentialRefused(Exception):
    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def _username_for(agency: Agency, name: str) -> str:
    base = f"api.{agency.code.lower()}.{slugify(name)[:60] or 'system'}"
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


def api_client_add(*, actor: User, agency: Agency, name: str, may_import: bool = False) -> tuple[ApiClient, str]:
    """Give an agency's system a key for the API; returns the client and the key, which is shown only now.

    The system gets its own account in the agency, which cannot sign in: a practitioner, or a manager where
    ``may_import`` (importing an agency's extract is for managers and coordinators).
    """
    name = name.strip()
    if not name:
        raise ValueError("Give the system a name, e.g. Police case system.")
    if ApiClient.objects.filter(agency=agency, name=name).exists():
        raise ValueError(f"{agency.code} already has a system called {name}: revoke it, or choose another name.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    role = RoleCode.MANAGER if may_import else RoleCode.PRACTITIONER
    with transaction.atomic():
        user = user_create(
            username=_username_for(agency, name),
            password=None,
            agency=agency,
            roles=[role],
            first_name=name[:150],
            last_name="(API)",
        )
        client = ApiClient.objects.create(
            name=name, agency=agency, user=user, key_prefix=key[:12], key_hash=key_hash(key), created_by=actor
        )
        audit_record(
            actor=actor,
            kind=AuditKind.API_CLIENT_ADDED,
            object_type="api_client",
            object_id=str(client.pk),
            payload={"name": name, "agency": agency.code, "key_prefix": client.key_prefix, "role": role},
        )
    return client, key


def api_client_revoke(*, actor: User, client: ApiClient) -> ApiClient:
    """Stop a key working, at once and for good; its account and everything it recorded stay."""
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is not None:
            return client
        client.revoked_at = timezone.now()
        client.revoked_by = actor
        client.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            kind=AuditKind.API_CLIENT_REVOKED,
            object_type="api_client",
            object_id=str(client.pk),
            payload={"name": client.name, "agency": client.agency.code, "key_prefix": client.key_prefix},
        )
    return client


def _shown(text: str) -> str:
    """What of a refused key the audit trail keeps: its first characters, printable ASCII only."""
    return "".join(c for c in text[:12] if c.isascii() and c.isprintable())


def api_key_refuse(*, why: str, key: str = "", client: ApiClient | None = None) -> None:
    """Audit a credential the API refused: an unknown, malformed or revoked key, or one outside its agency."""
    payload: dict[str, Any] = {"why": why, "key_prefix": client.key_prefix if client else _shown(key)}
    if client is not None:
        payload["client"] = str(client.pk)
    audit_record(
        actor=client.user if client is not None else None,
        kind=AuditKind.API_KEY_REFUSED,
        object_type="api_client" if client is not None else "",
        object_id=str(client.pk) if client is not None else "",
        payload=payload,
    )


def api_client_authenticate(*, key: str, method: str) -> ApiClient:
    """The client a key belongs to, if it may call the API now; each call and each refusal is audited."""
    client = ApiClient.objects.select_related("agency", "user__agency").filter(key_hash=key_hash(key)).first()
    if client is None:
        api_key_refuse(why="unknown", key=key)
        raise CredentialRefused(UNKNOWN_KEY)
    if client.revoked_at is not None:
        api_key_refuse(why="revoked", client=client)
        raise CredentialRefused(REVOKED_KEY)
    user = client.user
    roles = user.role_codes()
    if not user.is_active or user.agency_id != client.agency_id or not roles or not roles <= CLIENT_ROLES:
        api_key_refuse(why="out_of_scope", client=client)
        raise CredentialRefused(OUT_OF_SCOPE, status=403)
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    audit_record(
        actor=user,
        kind=AuditKind.API_CALLED,
        object_type="api_client",
        object_id=str(client.pk),
        payload={"method": method[:10], "key_prefix": client.key_prefix},
    )
    return client


Answer = tuple[int, dict[str, Any]]


def idempotent_call(*, client: ApiClient, key: str, fingerprint: str, run: Callable[[], Answer]) -> tuple[Answer, bool]:
    """Run a POST once per (client, key): the first answer, a refusal included, is kept with the request's
    fingerprint and given again for a retry with the same key and the same request; the same key with another
    request is refused (422). Returns the answer and whether it is a replay.

    The key is claimed in the same transaction as the work, so a retry that arrives while the first is still
    running waits for it and then gets its answer; a fault (a 5xx) keeps nothing, so the retry runs afresh.
    """

    def replay(stored: IdempotentRequest) -> tuple[Answer, bool]:
        if stored.fingerprint != fingerprint:
            raise ApiRefusal(422, KEY_REUSED, IDEMPOTENCY_HEADER)
        return (stored.status_code, stored.body), True

    stored = IdempotentRequest.objects.filter(client=client, key=key).first()
    if stored is not None:
        return replay(stored)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    client=client, key=key, fingerprint=fingerprint, status_code=0
                )
        except IntegrityError:
            record = None
        if record is not None:
            try:
                status, body = run()
            except Exception as error:
                refused = refusal_answer(error)
                if refused is None:
                    raise
                status, body = refused
            record.status_code, record.body = status, body
            record.save(update_fields=["status_code", "body"])
            return (status, body), False
    # Another request with this key was answered while this one waited.
    return replay(IdempotentRequest.objects.get(client=client, key=key))
