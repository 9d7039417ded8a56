"""Reads of the child's say and of the child's messages: only about children the user may see.

The child's say and the list of messages are shown through a child fetched (and audited) by ``child_get``; one
message's page is fetched, authorised and audited here in one call (``message_get``). ``token_live`` finds a
speaking-out link by its token for the child's own page, which shows nothing of the record.
"""

from dataclasses import dataclass
from uuid import UUID

from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.throttle.tokens import token_hash

from .models import ChildMessage, ChildSay, SpeakToken

# The token issued is 43 characters of URL-safe base64; anything else is no token at all.
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def child_say_latest_of(child: Child) -> ChildSay | None:
    """The child's say now (the latest version), with the staff they do not want; no permission check: for the
    services' allocation check and the many-professionals warning, which show only what follows from it."""
    return (
        ChildSay.objects.filter(child=child)
        .select_related("recorded_by", "owning_agency")
        .prefetch_related("not_with_staff")
        .order_by("-version")
        .first()
    )


def child_say_latest(*, user: User, child: Child) -> ChildSay | None:
    if not policy.can_view_childs_say(user, child):
        return None
    return child_say_latest_of(child)


def child_say_versions(*, user: User, child: Child) -> list[ChildSay]:
    """Every version of the child's say, the latest first."""
    if not policy.can_view_childs_say(user, child):
        return []
    return list(
        ChildSay.objects.filter(child=child)
        .select_related("recorded_by", "owning_agency")
        .prefetch_related("not_with_staff")
        .order_by("-version")
    )


def professionals_limit_of(child: Child) -> int | None:
    """How many professionals the child said they can manage, in their say now (None: not said)."""
    return (
        ChildSay.objects.filter(child=child).order_by("-version").values_list("professionals_limit", flat=True).first()
    )


@dataclass(frozen=True)
class MessagesShown:
    messages: list[ChildMessage]
    unread: int


def messages_for(*, user: User, child: Child, limit: int = 20) -> MessagesShown | None:
    """The child's messages, newest first (None: the user may not read them)."""
    if not policy.can_read_child_messages(user, child):
        return None
    messages = ChildMessage.objects.filter(child=child).select_related("read_by")
    return MessagesShown(list(messages[:limit]), messages.filter(read_at__isnull=True).count())


def message_get(*, user: User, child_id: UUID, message_id: UUID) -> ChildMessage:
    """One of a child's messages, if the user may read the child's messages ("not found" otherwise); audited."""
    message = (
        ChildMessage.objects.filter(
            child__in=policy.children_visible_to(user).values("pk"), child_id=child_id, pk=message_id
        )
        .select_related("child", "read_by", "token__issued_by")
        .first()
    )
    if message is None or not policy.can_read_child_messages(user, message.child):
        raise Http404("No message found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=message.child_id,
        object_type="child_message",
        object_id=str(message.pk),
        reason="Read a message the child sent through their speaking-out link",
    )
    return message


def speak_tokens_for(*, user: User, child: Child) -> list[SpeakToken]:
    if not policy.can_read_child_messages(user, child):
        return []
    return list(SpeakToken.objects.filter(child=child).select_related("issued_by", "revoked_by"))


def token_live(raw: str) -> SpeakToken | None:
    """The live speaking-out link with this token (None for one revoked, unknown or not a token at all)."""
    if not 20 <= len(raw) <= 100 or not set(raw) <= TOKEN_CHARS:
        return None
    return SpeakToken.objects.filter(token_hash=token_hash(raw), revoked_at__isnull=True).first()
