"""The child's record shows its strategy discussions, section 47 enquiries and NRM referrals through this tag (one
line on that page), and a front-door contact routed to a strategy discussion offers to hold it (one line there)."""

from typing import Any

from django import template

from joinedup.access import policy
from joinedup.children.models import Child
from joinedup.frontdoor.models import Contact, Route

from .. import selectors

register = template.Library()


@register.inclusion_tag("strategy/_child_section.html", takes_context=True)
def strategy_section(context: template.Context, child: Child) -> dict[str, Any]:
    """On a child's record (already fetched and audited)."""
    user = context["request"].user
    return {
        "child": child,
        "discussions": selectors.discussions_for(user=user, child=child),
        "referrals": selectors.nrm_referrals_for(user=user, child=child),
        "can_hold": policy.can_hold_strategy_discussion(user, child),
        "can_record_nrm": policy.can_record_nrm(user, child),
    }


# The front door's routes that lead to a strategy discussion: section 47, and the exploitation pathway (a strategy
# discussion can propose the child for MACE).
ROUTES_TO_DISCUSSION = (Route.STRATEGY, Route.EXPLOITATION)


@register.inclusion_tag("strategy/_contact_link.html", takes_context=True)
def strategy_contact_link(context: template.Context, contact: Contact) -> dict[str, Any]:
    """On a decided contact routed to a strategy discussion: "Hold the strategy discussion", for those who may."""
    user = context["request"].user
    offer = contact.route in ROUTES_TO_DISCUSSION and policy.can_hold_strategy_discussion(user, contact.child)
    return {"contact": contact, "offer": offer}
