"""Writes of the child's say and of speaking out. Each checks permission, writes and audits in one transaction.

A child's message comes through their speaking-out link with no account: ``child_message_receive`` is given the
live token the page found, writes the message, opens the key worker's task (urgent when the child asks for help or
to be contacted) and audits it with the child as the source (no staff actor).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children import services as children_services
from joinedup.children.models import Child, DetailChange
from joinedup.children.selectors import child_id_current
from joinedup.deadlines import child_message_due
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_close_for, task_open
from joinedup.throttle.tokens import token_hash, token_new

from .models import (
    CONTACT_WHEN_MAX,
    MESSAGE_MAX,
    ChildMessage,
    ChildSay,
    Feeling,
    MessageKind,
    SpeakToken,
    SpokenHow,
)

# A child names at most this many professionals they can manage (more is no limit worth keeping).
PROFESSIONALS_LIMIT_MAX = 20
SAY_TEXT_MAX = 2000


# The child's say --------------------------------------------------------------------------------------------------


def child_say_record(
    *,
    user: User,
    child: Child,
    spoken_on: date,
    spoken_how: str,
    what_matters: str = "",
    who_with: str = "",
    who_not: str = "",
    not_with_staff: list[User] | None = None,
    contact_how: str = "",
    trusted_adult: str = "",
    wants: str = "",
    professionals_limit: int | None = None,
) -> ChildSay:
    """Record what the child said, as a new version: the earlier versions stay as they were."""
    if not policy.can_record_childs_say(user, child) or user.agency is None:
        raise PermissionDenied
    texts = {
        "what_matters": what_matters.strip(),
        "who_with": who_with.strip(),
        "who_not": who_not.strip(),
        "contact_how": contact_how.strip(),
        "trusted_adult": trusted_adult.strip(),
        "wants": wants.strip(),
    }
    staff = list(not_with_staff or [])
    errors: dict[str, str] = {}
    for name, text in texts.items():
        if len(text) > (200 if name == "trusted_adult" else SAY_TEXT_MAX):
            errors[name] = "This answer is too long"
    if not any(texts.values()) and not staff and professionals_limit is None:
        errors["what_matters"] = "Enter at least one thing the child said"
    if spoken_on > timezone.localdate():
        errors["spoken_on"] = "The date you spoke with the child must be today or in the past"
    if spoken_how not in SpokenHow.values:
        errors["spoken_how"] = "Choose how you spoke with the child"
    if professionals_limit is not None and not 1 <= professionals_limit <= PROFESSIONALS_LIMIT_MAX:
        errors["professionals_limit"] = f"Enter a number from 1 to {PROFESSIONALS_LIMIT_MAX}"
    if any(not person.is_active for person in staff):
        errors["not_with_staff"] = "Choose members of staff with an account"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the child's row so two people recording at once make versions n and n + 1, not two of n.
        Child.objects.select_for_update().filter(pk=child.pk).first()
        latest = ChildSay.objects.filter(child=child).aggregate(latest=Max("version"))["latest"] or 0
        say = ChildSay.objects.create(
            child=child,
            version=latest + 1,
            spoken_on=spoken_on,
            spoken_how=spoken_how,
            professionals_limit=professionals_limit,
            recorded_by=user,
            owning_agency=user.agency,
            **texts,
        )
        say.not_with_staff.set(staff)
        audit_record(
            actor=user,
            kind=AuditKind.CHILD_SAY_RECORDED,
            child_id=child.pk,
            object_type="child_say",
            object_id=str(say.pk),
            payload={"version": say.version},
        )
    return say


def _named_in(text: str, person: User) -> bool:
    """Whether the person's full name appears in the text, as whole words, whatever the case."""
    name = person.get_full_name().strip()
    if not name or not text:
        return False
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.search(rf"(?<!\w){words}(?!\w)", text, flags=re.IGNORECASE) is not None


@dataclass(frozen=True)
class AllocationCheck:
    """What the child said, checked against the member of staff about to be allocated."""

    say: ChildSay | None
    worker: User | None
    not_wanted: bool  # the child named this person among those they do not want to work with

    @property
    def needs_confirmation(self) -> bool:
        return self.not_wanted


def allocation_check(*, child: Child, worker: User | None) -> AllocationCheck:
    """Is the member of staff being allocated to the child someone the child said they do not want to work with
    (chosen from the staff list, or named in their words)?"""
    from .selectors import child_say_latest_of

    say = child_say_latest_of(child)
    if say is None or worker is None:
        return AllocationCheck(say, worker, False)
    named = any(person.pk == worker.pk for person in say.not_with_staff.all()) or _named_in(say.who_not, worker)
    return AllocationCheck(say, worker, named)


def key_worker_allocate(
    *, user: User, child: Child, changes: Mapping[str, Any], reason: str, confirmed: bool
) -> list[DetailChange]:
    """Allocate (or change) the child's key worker through the record's own service, checked against the child's
    say first: a key worker the child said they do not want is refused unless ``confirmed``, and a confirmed one is
    written to the audit trail with the reason, in the same transaction as the change."""
    check = allocation_check(child=child, worker=changes.get("key_worker"))
    changing = check.worker is not None and check.worker.pk != child.key_worker_id
    if changing and check.not_wanted and not confirmed:
        raise ValidationError(
            {
                "key_worker": f"{child.given_name} said they do not want to work with "
                f"{check.worker.get_full_name() or check.worker.get_username()}. Choose someone else, or confirm "  # type: ignore[union-attr]
                "that you are allocating them anyway and say why in the reason."
            }
        )
    if changing and check.not_wanted and not reason.strip():
        raise ValidationError({"reason": "Say why you are allocating someone the child said they do not want"})
    with transaction.atomic():
        rows = children_services.child_details_change(user=user, child=child, changes=changes, reason=reason)
        if changing and check.not_wanted and rows:
            audit_record(
                actor=user,
                kind=AuditKind.CHILD_SAY_OVERRIDDEN,
                child_id=child.pk,
                object_type="child_say",
                object_id=str(check.say.pk) if check.say else "",
                reason=reason.strip(),
                payload={"key_worker": check.worker.pk},  # type: ignore[union-attr]
            )
    return rows


# Speaking out -----------------------------------------------------------------------------------------------------


def speak_token_issue(*, user: User, child: Child) -> tuple[SpeakToken, str]:
    """Issue the child a speaking-out link. Returns the token row and the token itself, which is shown once and
    kept nowhere: the database holds only its SHA-256."""
    if not policy.can_manage_speak_links(user, child):
        raise PermissionDenied
    raw = token_new()
    with transaction.atomic():
        token = SpeakToken.objects.create(child=child, token_hash=token_hash(raw), issued_by=user)
        audit_record(
            actor=user,
            kind=AuditKind.SPEAK_LINK_ISSUED,
            child_id=child.pk,
            object_type="speak_token",
            object_id=str(token.pk),
        )
    return token, raw


def speak_token_revoke(*, user: User, token: SpeakToken) -> SpeakToken:
    """Stop a speaking-out link working, at once. Messages already sent stay on the record."""
    if not policy.can_manage_speak_links(user, token.child):
        raise PermissionDenied
    if token.revoked_at is not None:
        raise ValidationError("This link has already been stopped")
    with transaction.atomic():
        token.revoked_at, token.revoked_by = timezone.now(), user
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=user,
            kind=AuditKind.SPEAK_LINK_REVOKED,
            child_id=token.child_id,
            object_type="speak_token",
            object_id=str(token.pk),
        )
    return token


def _can_take(person: User | None, child: Child) -> bool:
    return person is not None and policy.can_own_work(person) and policy.can_view_child(person, child)


def message_owner(token: SpeakToken, child: Child) -> tuple[User | None, Agency | None]:
    """Who the child's message goes to: the child's key worker now, else the member of staff who issued the link,
    else (neither can take it) the issuer's agency, whose managers give it to someone."""
    if _can_take(child.key_worker, child):
        return child.key_worker, None
    if _can_take(token.issued_by, child):
        return token.issued_by, None
    return None, token.issued_by.agency or child.owning_agency


TASK_WHAT: dict[str, str] = {
    MessageKind.TELL: "wants to tell you something",
    MessageKind.CONTACT: "asks you to get in touch",
    MessageKind.FEELS: "says how the support feels",
}


def child_message_receive(
    *,
    token: SpeakToken,
    kind: str,
    text: str = "",
    feeling: int | None = None,
    wants_contact: bool = False,
    contact_when: str = "",
) -> ChildMessage:
    """What a child sent through their live link: kept on their record and put on their key worker's work list,
    as urgent when they ask for help or to be contacted."""
    if token.revoked_at is not None:
        raise PermissionDenied
    text, contact_when = text.strip(), contact_when.strip()
    errors: dict[str, str] = {}
    if kind not in MessageKind.values:
        errors["kind"] = "Choose what you want to do"
    if len(text) > MESSAGE_MAX:
        errors["text"] = f"Your message is too long. Use {MESSAGE_MAX} characters or fewer"
    if len(contact_when) > CONTACT_WHEN_MAX:
        errors["contact_when"] = f"Use {CONTACT_WHEN_MAX} characters or fewer"
    if "\x00" in text or "\x00" in contact_when:
        errors["text"] = "Your message has a character we cannot take"
    if feeling is not None and feeling not in Feeling.values:
        errors["feeling"] = "Choose how the support feels"
    if kind == MessageKind.TELL and not text:
        errors["text"] = "Write what you want to tell your worker"
    if kind == MessageKind.FEELS and feeling is None:
        errors["feeling"] = "Choose how the support feels"
    if errors:
        raise ValidationError(errors)
    asked = wants_contact or kind == MessageKind.CONTACT
    with transaction.atomic():
        child = Child.objects.select_related("key_worker").get(pk=child_id_current(token.child_id))
        message = ChildMessage.objects.create(
            child=child,
            token=token,
            kind=kind,
            text=text,
            feeling=feeling,
            wants_contact=asked,
            contact_when=contact_when,
        )
        audit_record(
            actor=None,
            kind=AuditKind.CHILD_MESSAGE_RECEIVED,
            child_id=child.pk,
            object_type="child_message",
            object_id=str(message.pk),
            reason="Sent by the child through their speaking-out link",
            payload={"asked_for_help": asked},
        )
        owner, owner_agency = message_owner(token, child)
        what = "asks you to get in touch" if asked else TASK_WHAT[kind]
        task_open(
            actor=None,
            kind=TaskKind.CHILD_MESSAGE,
            source_id=str(message.pk),
            title=f"Message from {child.given_name}: {what}",
            link=reverse("voice:message", kwargs={"child_id": child.pk, "message_id": message.pk}),
            due_at=child_message_due(message.received_at, asked_for_help=asked),
            child=child,
            owner=owner,
            owner_agency=owner_agency,
            urgent=asked,
            completes_here=True,
        )
    return message


def _mark_read(*, user: User, message: ChildMessage) -> None:
    message.read_at, message.read_by = timezone.now(), user
    message.save(update_fields=["read_at", "read_by"])
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_MESSAGE_READ,
        child_id=message.child_id,
        object_type="child_message",
        object_id=str(message.pk),
    )


def child_message_read(*, user: User, message: ChildMessage) -> ChildMessage:
    """The key worker (or whoever works with the child) has read the message: its task leaves the work list."""
    if not policy.can_read_child_messages(user, message.child):
        raise PermissionDenied
    if message.read_at is not None:
        raise ValidationError("This message is already marked read")
    with transaction.atomic():
        _mark_read(user=user, message=message)
        task_close_for(actor=user, kind=TaskKind.CHILD_MESSAGE, source_id=str(message.pk))
    return message


def message_task_completed(task: Task, user: User) -> None:
    """Marked done on the work list: the message is read (inside the tasks service's transaction)."""
    message = ChildMessage.objects.select_related("child").filter(pk=task.source_id).first()
    if message is None or message.read_at is not None:
        return
    if not policy.can_read_child_messages(user, message.child):
        raise PermissionDenied
    _mark_read(user=user, message=message)
