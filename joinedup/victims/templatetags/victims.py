"""The child's record shows the child's victim care through this tag, so that page needs one line and no change
to its view."""

from typing import Any

from django import template

from joinedup.access import policy
from joinedup.children.models import Child

from .. import selectors

register = template.Library()


@register.inclusion_tag("victims/_child_section.html", takes_context=True)
def victim_care_section(context: template.Context, child: Child) -> dict[str, Any]:
    """On a child's record (already fetched and audited): the crimes against the child and their outcome."""
    user = context["request"].user
    return {
        "child": child,
        "investigations": selectors.investigations_for(user=user, child=child),
        "can_record": policy.can_record_victim_care(user, child),
    }
