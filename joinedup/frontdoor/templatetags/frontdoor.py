"""The child's record shows its contacts to the front door through this tag: one line on that page."""

from typing import Any

from django import template

from joinedup.access import policy
from joinedup.children.models import Child

from .. import selectors

register = template.Library()


@register.inclusion_tag("frontdoor/_child_section.html", takes_context=True)
def frontdoor_section(context: template.Context, child: Child) -> dict[str, Any]:
    """On a child's record (already fetched and audited): the contacts about the child and "Record a contact"."""
    user = context["request"].user
    return {
        "child": child,
        "contacts": selectors.contacts_for(user=user, child=child),
        "can_record": policy.can_record_contact(user, child),
    }
