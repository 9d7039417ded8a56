"""The child's say, speaking-out links and messages, straight into the database (bypassing the services' checks)."""

import secrets

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.children.models import Child
from joinedup.throttle.tokens import token_hash
from joinedup.voice.models import ChildMessage, ChildSay, MessageKind, SpeakToken, SpokenHow


def child_say_make(*, child: Child, recorded_by: User | None = None, **fields: object) -> ChildSay:
    recorder = recorded_by or UserFactory.create(agency=child.owning_agency)
    latest = ChildSay.objects.filter(child=child).order_by("-version").first()
    values: dict[str, object] = {
        "what_matters": "Being listened to, and my little brother",
        "who_with": "Jo from the youth project",
        "contact_how": "Text first, not at school",
        "trusted_adult": "My aunt",
        "wants": "To stay at my school",
        "spoken_on": timezone.localdate(),
        "spoken_how": SpokenHow.IN_PERSON,
    }
    values.update(fields)
    return ChildSay.objects.create(
        child=child,
        version=(latest.version + 1) if latest else 1,
        recorded_by=recorder,
        owning_agency=recorder.agency or child.owning_agency,
        **values,  # type: ignore[arg-type]
    )


def speak_token_make(*, child: Child, issued_by: User | None = None) -> tuple[SpeakToken, str]:
    raw = secrets.token_urlsafe(32)
    token = SpeakToken.objects.create(
        child=child,
        token_hash=token_hash(raw),
        issued_by=issued_by or UserFactory.create(agency=child.owning_agency),
    )
    return token, raw


def child_message_make(*, child: Child, issued_by: User | None = None, **fields: object) -> ChildMessage:
    token, _ = speak_token_make(child=child, issued_by=issued_by)
    values: dict[str, object] = {"kind": MessageKind.TELL, "text": "Things are better at home this week"}
    values.update(fields)
    return ChildMessage.objects.create(child=child, token=token, **values)  # type: ignore[arg-type]
