"""What a subject access export marks for redaction, decided here and nowhere else.

A mark is advice to the reviewer, never a removal: every value is in the export as it is held, and the person
answering the request decides what to withhold. A field is marked when it holds details of someone other than
the child:

- ``third_party``: the field is listed in ``THIRD_PARTY_FIELDS`` for its section: names of adults, relatives and
  people the child was with, professionals other than the child (who recorded, graded, owns...), other people's
  phone numbers, e-mail addresses and addresses, and another child's record (a brother or sister);
  a change to the child's details that is about another person (``THIRD_PARTY_DETAIL_CHANGES``) is marked too;
- ``restricted``: a safe address or refuge the recording agency restricted (its disclosure may put someone at
  risk, the child included).

Free text (a chronology entry's summary, what the child said) is not marked: it may name anyone, and the
reviewer reads it. The child's own details (names, date of birth, identifiers, their own addresses) are never
marked.
"""

from typing import Any

THIRD_PARTY = "third_party"
RESTRICTED = "restricted"
MARK_LABELS = {THIRD_PARTY: "third party", RESTRICTED: "restricted address"}

# Section key -> the fields (as the export names them) that hold a third party's details.
THIRD_PARTY_FIELDS: dict[str, frozenset[str]] = {
    "child": frozenset({"key_worker", "created_by"}),
    "addresses": frozenset(),
    "relatives": frozenset({"name", "phone", "email", "address", "sibling"}),
    "detail_changes": frozenset({"changed_by"}),
    "involvements": frozenset({"opened_by", "ended_by"}),
    "chronology": frozenset({"recorded_by"}),
    "missing_episodes": frozenset({"reported_by", "reported_by_name", "last_seen_with", "found_with"}),
    "risk_gradings": frozenset({"information_from", "graded_by"}),
    "return_interviews": frozenset({"owner", "offered_by", "who_they_were_with"}),
    "interview_actions": frozenset({"owner"}),
    "philomena": frozenset({"associates", "addresses_and_places", "updated_by"}),
    "concerns": frozenset({"recorded_by", "adults", "vehicles", "phones", "online_handles"}),
    "risk_assessments": frozenset({"assessor", "family_views"}),
    "assessment_indicators": frozenset(),
    "screenings": frozenset({"practitioner"}),
    "contact_attempts": frozenset({"practitioner"}),
    "mace_agenda": frozenset({"added_by"}),
    "mace_decisions": frozenset({"recorded_by"}),
    "mace_actions": frozenset({"owner", "done_by", "created_by"}),
    "disruption": frozenset({"adult", "recorded_by"}),
    "documents": frozenset({"uploaded_by"}),
    "shares": frozenset({"shared_with_user", "decided_by", "approved_by"}),
    "person_records": frozenset(),
    "alerts": frozenset({"recipient"}),
    "emergency_access": frozenset({"user", "reviewer", "reviewed_by"}),
    "connection_requests": frozenset({"requested_by", "decided_by"}),
    "oversight_notes": frozenset({"manager"}),
    "challenges": frozenset({"raised_by", "resolved_by", "steps"}),
    "case_audits": frozenset({"auditors", "completed_by"}),
    "frontdoor_contacts": frozenset(
        {"recorded_by", "referrer_name", "referrer_role", "referrer_contact", "decided_by", "referrer_told_by"}
    ),
    "frontdoor_information_requests": frozenset({"asked_by", "answered_by"}),
    "police_attendances": frozenset({"attended_by", "recorded_by"}),
    "crime_investigations": frozenset({"recorded_by"}),
    "victim_needs_assessments": frozenset({"assessed_by"}),
    "victim_support_offers": frozenset({"offered_by"}),
    "victim_contacts": frozenset({"contacted_by"}),
    # The child's say and speaking out (joinedup.voice): the trusted adult and the staff named are third parties.
    "childs_say": frozenset({"not_with_staff", "trusted_adult", "recorded_by"}),
    "child_messages": frozenset({"read_by"}),
    # Children missing education (joinedup.education).
    "education_records": frozenset({"recorded_by", "closed_by"}),
    "cme_checks": frozenset({"checked_by"}),
    # The child's plans and closures (joinedup.plans).
    "plans": frozenset({"lead_professional", "created_by"}),
    "plan_outcomes": frozenset({"recorded_by"}),
    "plan_actions": frozenset({"owner", "done_by", "recorded_by"}),
    "peer_groups": frozenset({"added_by", "removed_by"}),
    "plan_safety": frozenset({"adults", "people_text", "safe_adults", "updated_by"}),
    "plan_reviews": frozenset({"recorded_by"}),
    "closures": frozenset({"recorded_by"}),
    # Strategy discussions and NRM referrals (joinedup.strategy): the professionals and adults named.
    "strategy_discussions": frozenset(
        {
            "chaired_by",
            "recorded_by",
            "participants",
            "actions",
            "mace_proposed_by",
            "disruption_adult",
            "disruption_recorded_by",
        }
    ),
    "section47_enquiries": frozenset({"outcome_recorded_by"}),
    "nrm_referrals": frozenset({"recorded_by"}),
    "joins": frozenset({"joined_by", "undone_by"}),
    "audit": frozenset({"actor_username"}),
}

# Changes to the child's details (DetailChange.field) whose old and new values are another person's details.
THIRD_PARTY_DETAIL_CHANGES = frozenset({"key_worker", "relative"})
# An address marked restricted by its agency: these fields are marked ``restricted``.
RESTRICTED_ADDRESS_FIELDS = frozenset({"address", "postcode"})


def field_mark(section: str, field: str, item: Any = None) -> str:
    """The mark for one field of one item ("" for none); ``item`` is the model row, where the rule needs it."""
    if field in THIRD_PARTY_FIELDS.get(section, frozenset()):
        return THIRD_PARTY
    if section == "detail_changes" and field in {"old_value", "new_value"}:
        return THIRD_PARTY if getattr(item, "field", "") in THIRD_PARTY_DETAIL_CHANGES else ""
    if section == "addresses" and field in RESTRICTED_ADDRESS_FIELDS and getattr(item, "restricted", False):
        return RESTRICTED
    return ""
