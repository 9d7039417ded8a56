"""The child's record shows the child's plans and whether the record is closed through this tag, so that page needs
one line and no change to its view."""

from importlib import import_module
from typing import Any

from django import template

from joinedup.access import policy
from joinedup.children.models import Child

from .. import selectors

register = template.Library()


def voice_summary_available() -> bool:
    """Whether the child's voice app offers ``{% child_say_summary child %}`` (shown only where it does)."""
    try:
        library = import_module("joinedup.voice.templatetags.voice")
    except ImportError:
        return False
    return "child_say_summary" in getattr(library, "register", template.Library()).tags


@register.inclusion_tag("plans/_child_section.html", takes_context=True)
def child_plans_section(context: template.Context, child: Child) -> dict[str, Any]:
    """On a child's record (already fetched and audited): the child's plans, and the closures; a fixed number
    of queries."""
    user = context["request"].user
    closed = policy.record_is_closed(child)
    return {
        "request": context["request"],
        "child": child,
        "plans": selectors.plans_for(user=user, child=child),
        "can_record": policy.can_record_plan(user, child),
        "closed": closed,
        "open_involvements": []
        if closed
        else [
            involvement
            for involvement in child.involvements.filter(ended_at__isnull=True).select_related("agency")
            if policy.can_end_involvement(user, child, involvement.agency_id)
        ],
    }
