"""The child's say on the child's record and wherever work with the child is planned, through these tags: a page
that has fetched (and audited) the child needs one line and no change to its view."""

from typing import Any

from django import template

from joinedup.access import policy
from joinedup.children.models import Child

from .. import selectors

register = template.Library()


@register.inclusion_tag("voice/_child_section.html", takes_context=True)
def child_say_section(context: template.Context, child: Child) -> dict[str, Any]:
    """On a child's record: the child's say now, and a count of their messages for those who may read them."""
    user = context["request"].user
    return {
        "child": child,
        "say": selectors.child_say_latest(user=user, child=child),
        "can_record": policy.can_record_childs_say(user, child),
        "shown": selectors.messages_for(user=user, child=child),
    }


@register.inclusion_tag("voice/_summary.html", takes_context=True)
def child_say_summary(context: template.Context, child: Child) -> dict[str, Any]:
    """Where work with the child is planned (plans, strategy discussions, MACE): what the child said, in short."""
    user = context["request"].user
    return {"child": child, "say": selectors.child_say_latest(user=user, child=child)}
