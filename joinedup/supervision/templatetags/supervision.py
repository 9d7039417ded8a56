"""The child's record and the work list show management oversight and challenges through these tags, so those
pages need one line each and no change to their views."""

from typing import Any

from django import template

from joinedup.access import policy
from joinedup.children.models import Child

from .. import selectors

register = template.Library()


@register.inclusion_tag("supervision/_child_sections.html", takes_context=True)
def supervision_sections(context: template.Context, child: Child) -> dict[str, Any]:
    """On a child's record (already fetched and audited): the latest oversight notes and the open challenges."""
    user = context["request"].user
    notes = selectors.oversight_notes_for(user=user, child=child)
    challenges = selectors.challenges_for(user=user, child=child)
    return {
        "child": child,
        "notes": notes[:3],
        "more_notes": max(len(notes) - 3, 0),
        "open_challenges": [c for c in challenges if c.is_open],
        "closed_challenges": sum(1 for c in challenges if not c.is_open),
        "can_record_oversight": policy.can_record_oversight(user, child),
        "can_raise_challenge": policy.can_raise_challenge(user, child),
    }


@register.inclusion_tag("supervision/_worklist.html", takes_context=True)
def oversight_worklist(context: template.Context) -> dict[str, Any]:
    """On a team manager's work list: management oversight due within seven days or overdue (audited)."""
    user = context["request"].user
    return {"manager": user.has_role("manager"), "rows": selectors.oversight_due_for_worklist(user=user)}
