"""The demo area's children's say and one child's speaking-out link.

Recorded through the same services as the pages: the say of six children with a key worker (what matters to them,
who they want to work with and who not, how to contact them, their trusted adult, what they want, how many
professionals they can manage), and for the first of them a speaking-out link with three messages, one asking for
help (urgent on the key worker's work list) and one saying how the support feels.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.children.models import Child

from . import services
from .models import Feeling, MessageKind, SpokenHow

SAYS = [
    {
        "what_matters": "My little sister. Being able to stay at my school with my friends.",
        "who_with": "Jo at the youth project. I like that she doesn't make me talk about everything at once.",
        "who_not": "Anyone new. I don't want to go to another police interview.",
        "contact_how": "Text me first. Not at school, after 4pm is best.",
        "trusted_adult": "My nan",
        "wants": "For it to stop and for nobody at school to find out.",
        "professionals_limit": 2,
    },
    {
        "what_matters": "Football on Saturdays and my mum being OK.",
        "who_with": "My key worker and my football coach.",
        "who_not": "",
        "contact_how": "Ring my mum's phone in the evening.",
        "trusted_adult": "My football coach",
        "wants": "To move back home.",
        "professionals_limit": 3,
    },
    {
        "what_matters": "Having my own room and my phone back.",
        "who_with": "Sam from the drugs service. She listens.",
        "who_not": "The social worker I had before, I don't want to see him again.",
        "contact_how": "Message me on my phone; I don't pick up calls from numbers I don't know.",
        "trusted_adult": "My aunt",
        "wants": "To go to college next year.",
        "professionals_limit": 2,
    },
    {
        "what_matters": "Music, and my dog.",
        "who_with": "Whoever, as long as it's the same person each time.",
        "who_not": "",
        "contact_how": "Visits at my foster home on Tuesdays.",
        "trusted_adult": "My foster carer",
        "wants": "To know what is going on with the court case.",
        "professionals_limit": None,
    },
    {
        "what_matters": "Not being treated like I'm in trouble.",
        "who_with": "My teacher, Mr Hale.",
        "who_not": "",
        "contact_how": "At school in the mornings is fine.",
        "trusted_adult": "Mr Hale (teacher)",
        "wants": "To feel safe walking home.",
        "professionals_limit": 4,
    },
    {
        "what_matters": "Seeing my brother, who is in care somewhere else.",
        "who_with": "My key worker.",
        "who_not": "",
        "contact_how": "Not before 11am at weekends.",
        "trusted_adult": "My older cousin",
        "wants": "Contact with my brother every month.",
        "professionals_limit": 3,
    },
]
MESSAGES = [
    {
        "kind": MessageKind.FEELS,
        "text": "Better than before. I like that it's the same person.",
        "feeling": Feeling.GOOD,
    },
    {"kind": MessageKind.TELL, "text": "I've been going to school every day this week."},
    {
        "kind": MessageKind.CONTACT,
        "text": "Someone from before has been messaging me again. Can you ring me?",
        "wants_contact": True,
        "contact_when": "After 4pm",
    },
]


@dataclass
class VoiceSummary:
    says: int = 0
    messages: int = 0
    children: list[Child] = field(default_factory=list)


def demo_voice_generate(*, users: dict[str, User], children: list[Child], rng: random.Random) -> VoiceSummary:
    """The say of six children with a key worker who may record about them, and one child's link and messages."""
    summary = VoiceSummary()
    chosen = [
        child
        for child in children
        if child.key_worker is not None and policy.can_record_about_child(child.key_worker, child)
    ][: len(SAYS)]
    for child, say in zip(chosen, SAYS, strict=False):
        worker = child.key_worker
        assert worker is not None  # noqa: S101 - chosen above
        services.child_say_record(
            user=worker,
            child=child,
            spoken_on=timezone.localdate() - timedelta(days=rng.randint(3, 60)),
            spoken_how=rng.choice([SpokenHow.IN_PERSON, SpokenHow.IN_PERSON, SpokenHow.PHONE, SpokenHow.ADVOCATE]),
            **say,  # type: ignore[arg-type]
        )
        summary.says += 1
        summary.children.append(child)
    if chosen and chosen[0].key_worker is not None:
        child = chosen[0]
        token, _ = services.speak_token_issue(user=child.key_worker, child=child)  # type: ignore[arg-type]
        for message in MESSAGES:
            services.child_message_receive(token=token, **message)  # type: ignore[arg-type]
            summary.messages += 1
    return summary
