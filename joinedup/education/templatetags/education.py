"""The child's record shows the child's education through this tag, so that page needs one line and no change to
its view."""

from typing import Any

from django import template

from joinedup.access import policy
from joinedup.children.models import Child

from .. import selectors

register = template.Library()


@register.inclusion_tag("education/_child_section.html", takes_context=True)
def education_section(context: template.Context, child: Child) -> dict[str, Any]:
    """On a child's record (already fetched and audited): missing education now, a part-time timetable,
    suspensions, exclusions and elective home education (one query)."""
    user = context["request"].user
    return {
        "child": child,
        "education": selectors.education_for(user=user, child=child),
        "can_record": policy.can_record_education(user, child),
    }
