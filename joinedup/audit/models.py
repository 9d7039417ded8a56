from django.conf import settings
from django.db import models


class AuditKind(models.TextChoices):
    """What happened. Reads of a child's information and every write each have a kind.

    For example, a police practitioner opening a child's record writes one
    ``child_viewed`` row naming the practitioner as ``actor`` and the child as
    ``child``; the children list writes one ``child_listed`` row per child shown.
    """

    CHILD_VIEWED = "child_viewed", "Viewed a child's record"
    CHILD_LISTED = "child_listed", "Saw a child in a list or search result"
    CHILD_EXPORTED = "child_exported", "Exported a child's information"
    CHILD_ACCESS_LOG_VIEWED = "child_access_log_viewed", "Viewed who accessed a child's record"
    CHILD_CREATED = "child_created", "Recorded a child"
    CHILD_UPDATED = "child_updated", "Corrected a child's details"
    NOTE_CREATED = "note_created", "Recorded a chronology entry"
    INVOLVEMENT_OPENED = "involvement_opened", "Opened an agency's involvement"
    SHARE_RECORDED = "share_recorded", "Recorded a decision to share"
    BREAK_GLASS_GRANTED = "break_glass_granted", "Emergency (break-glass) access granted"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", "Emergency access reviewed"
    BREAK_GLASS_REFUSED = "break_glass_refused", "Emergency access refused: no single child matched, or too many tries"
    EXPORT_REQUESTED = "export_requested", "Requested an export"
    EXPORT_DOWNLOADED = "export_downloaded", "Downloaded an export"
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SESSION_EXPIRED = "session_expired", "Session ended by timeout"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Set up two-factor sign-in"
    ADMIN_CHANGE = "admin_change", "Administration change"
    MISSING_REPORTED = "missing_reported", "Reported a child missing"
    MISSING_REGRADED = "missing_regraded", "Graded a missing episode's risk again"
    MISSING_FOUND = "missing_found", "Recorded a missing child found"
    MISSING_RETURNED = "missing_returned", "Recorded a child's return"
    INTERVIEW_OFFERED = "interview_offered", "Recorded a return interview offer"
    INTERVIEW_COMPLETED = "interview_completed", "Recorded a return interview"
    INTERVIEW_ACTION_ADDED = "interview_action_added", "Added an action after a return interview"
    INTERVIEW_ACTION_DONE = "interview_action_done", "Marked a return interview's action done"
    PHILOMENA_UPDATED = "philomena_updated", "Updated a Philomena profile"
    IMPORT_RUN = "import_run", "Imported a file"
    REJECTED_ROWS_VIEWED = "rejected_rows_viewed", "Viewed rows kept aside from an import"
    CONCERN_RECORDED = "concern_recorded", "Recorded a concern"
    ASSESSMENT_STARTED = "assessment_started", "Started a risk assessment"
    ASSESSMENT_UPDATED = "assessment_updated", "Updated a risk assessment"
    ASSESSMENT_COMPLETED = "assessment_completed", "Completed a risk assessment"
    SCREENING_RECORDED = "screening_recorded", "Recorded a health screening"
    SCREENING_QUESTIONS_PUBLISHED = "screening_questions_published", "Published a new screening proforma"
    CONTACT_ATTEMPT_RECORDED = "contact_attempt_recorded", "Recorded a contact attempt with a child"
    MACE_MEETING_CREATED = "mace_meeting_created", "Created a MACE meeting"
    MACE_AGENDA_ITEM_ADDED = "mace_agenda_item_added", "Added an item to a MACE agenda"
    MACE_ATTENDANCE_RECORDED = "mace_attendance_recorded", "Recorded attendance at a MACE meeting"
    MACE_DECISION_RECORDED = "mace_decision_recorded", "Recorded a MACE decision"
    MACE_ACTION_ADDED = "mace_action_added", "Added a MACE action"
    MACE_ACTION_DONE = "mace_action_done", "Marked a MACE action done"
    MACE_MINUTES_RECORDED = "mace_minutes_recorded", "Recorded the minutes of a MACE meeting"
    ADULT_OF_CONCERN_RECORDED = "adult_of_concern_recorded", "Recorded an adult of concern"
    ADULT_OF_CONCERN_VIEWED = "adult_of_concern_viewed", "Viewed an adult of concern"
    DISRUPTION_RECORDED = "disruption_recorded", "Recorded disruption of an adult of concern"
    PERSON_RECORD_LISTED = "person_record_listed", "Saw an agency's person record in a list"
    PERSON_RECORD_VIEWED = "person_record_viewed", "Viewed an agency's person record"
    LINKAGE_RUN = "linkage_run", "Ran record linkage"
    LINK_DECIDED = "link_decided", "Decided whether two records are the same person"
    LINK_DECISION_UNDONE = "link_decision_undone", "Undid a record linkage decision"
    LINK_UNDONE = "link_undone", "Took a record out of a linked person"
    CHILDREN_JOINED = "children_joined", "Joined two records of one child"
    CHILDREN_JOIN_UNDONE = "children_join_undone", "Undid the joining of two records of a child"
    INVOLVEMENT_ENDED = "involvement_ended", "Ended an agency's involvement"
    RELATIVE_RECORDED = "relative_recorded", "Recorded a parent, carer or brother or sister"
    RELATIVE_UPDATED = "relative_updated", "Changed a parent, carer or brother or sister's details"
    ADDRESS_RECORDED = "address_recorded", "Recorded an address"
    ADDRESS_UPDATED = "address_updated", "Changed an address"
    ITEM_CORRECTED = "item_corrected", "Corrected an item"
    ITEM_ENTERED_IN_ERROR = "item_entered_in_error", "Marked an item entered in error"
    DOCUMENT_ADDED = "document_added", "Attached a document"
    DOCUMENT_VIEWED = "document_viewed", "Opened a document"
    CONNECTION_REQUESTED = "connection_requested", "Asked to be connected to a child who may be known"
    CONNECTION_DECIDED = "connection_decided", "Answered a connection request"
    EVENT_WAITING = "event_waiting", "An imported event waits for linkage"
    EVENT_APPLIED = "event_applied", "Applied an imported event that was waiting"
    API_CALLED = "api_called", "An agency system called the API"
    API_KEY_REFUSED = "api_key_refused", "The API refused an agency system's credential"
    API_CLIENT_ADDED = "api_client_added", "Gave an agency system an API credential"
    API_CLIENT_REVOKED = "api_client_revoked", "Revoked an agency system's API credential"
    OVERSIGHT_RECORDED = "oversight_recorded", "Recorded management oversight of a case"
    CHALLENGE_RAISED = "challenge_raised", "Raised a challenge to another agency"
    CHALLENGE_RESPONDED = "challenge_responded", "Answered a challenge from another agency"
    CHALLENGE_ESCALATED = "challenge_escalated", "Escalated a challenge to the next stage"
    CHALLENGE_RESOLVED = "challenge_resolved", "Recorded the resolution of a challenge"
    COURSE_CHANGED = "course_changed", "Added or changed a training course"
    TRAINING_REQUIREMENT_CHANGED = "training_requirement_changed", "Changed which training a role needs"
    TRAINEE_RECORDED = "trainee_recorded", "Recorded an elected member or other trainee"
    TRAINING_RECORDED = "training_recorded", "Recorded attendance at training"
    # Case audits (joinedup.caseaudits)
    CASE_AUDIT_TOOL_PUBLISHED = "case_audit_tool_published", "Published a version of the case audit tool"
    CASE_AUDIT_ROUND_OPENED = "case_audit_round_opened", "Opened a round of case audits"
    CASE_AUDIT_SAMPLED = "case_audit_sampled", "Drew the child's case into a case audit sample"
    CASE_AUDITORS_NAMED = "case_auditors_named", "Named the auditors of a case audit"
    CASE_AUDIT_RECORDED = "case_audit_recorded", "Recorded the grades of a case audit"
    CASE_AUDIT_LEARNING_RECORDED = "case_audit_learning_recorded", "Recorded a learning point of a case audit"
    CASE_AUDIT_ACTION_RECORDED = "case_audit_action_recorded", "Recorded an action of a case audit"
    CASE_AUDIT_ACTION_DONE = "case_audit_action_done", "Marked a case audit action done"
    # The inspection data pack (joinedup.datapack) ---
    DATA_PACK_REQUESTED = "data_pack_requested", "Requested an inspection data pack"
    DATA_PACK_DOWNLOADED = "data_pack_downloaded", "Downloaded an inspection data pack"
    # --- end of the inspection data pack
    # Police timeliness and victim care (joinedup.missing attendance, joinedup.victims) -----------------------
    POLICE_ATTENDANCE_RECORDED = "police_attendance_recorded", "Recorded the police's first attendance"
    INVESTIGATION_RECORDED = "investigation_recorded", "Recorded a crime against a child"
    VICTIM_NEEDS_ASSESSED = "victim_needs_assessed", "Recorded a child victim's needs assessment"
    VICTIM_SUPPORT_OFFERED = "victim_support_offered", "Recorded support offered to a child victim"
    VICTIM_CONTACT_RECORDED = "victim_contact_recorded", "Recorded contact kept with a child victim"
    PROSECUTION_SUPPORT_RECORDED = "prosecution_support_recorded", "Recorded whether the child supports a prosecution"
    INVESTIGATION_OUTCOME_RECORDED = "investigation_outcome_recorded", "Recorded an investigation's outcome"
    # ---------------------------------------------------------------------------------------------------------
    # The front door (joinedup.frontdoor) ----------------------------------------------------------------------
    CONTACT_RECORDED = "contact_recorded", "Recorded a contact about a child to the front door"
    INFORMATION_REQUESTED = "information_requested", "Asked a partner agency for information about a child"
    INFORMATION_REQUEST_ANSWERED = "information_request_answered", "Answered the front door's request for information"
    CONTACT_DECIDED = "contact_decided", "Decided a contact at the front door"
    REFERRER_TOLD = "referrer_told", "Recorded that the referrer was told the outcome"
    # --- end of the front door
    # The local problem profile (joinedup.profiles) ---
    PROFILE_REQUESTED = "profile_requested", "Asked for a local problem profile"
    PROFILE_VIEWED = "profile_viewed", "Read a local problem profile"
    PROFILE_DOWNLOADED = "profile_downloaded", "Downloaded a local problem profile"
    # --- end of the local problem profile
    # One work list (joinedup.tasks) ---
    TASK_CHANGED = "task_changed", "Reassigned or completed a task on the work list"
    # --- end of the work list
    # Places as records (joinedup.places) ---
    PLACE_RECORDED = "place_recorded", "Recorded a new place"
    PLACE_MERGED = "place_merged", "Merged two records of the same place"
    PLACE_KEPT_APART = "place_kept_apart", "Decided two places are not the same"
    PLACE_MERGE_UNDONE = "place_merge_undone", "Undid a merge of two places"
    PLACE_VIEWED = "place_viewed", "Read a place's page and the children linked to it"
    # --- end of places
    # Contextual safeguarding: work on places and peer groups (joinedup.contextual) ---
    CONTEXT_WORK_OPENED = "context_work_opened", "Opened contextual safeguarding work on a place or peer group"
    CONTEXT_WORK_VIEWED = "context_work_viewed", "Read contextual safeguarding work on a place or peer group"
    CONTEXT_WORK_CLOSED = "context_work_closed", "Closed contextual safeguarding work"
    CONTEXT_GROUP_CREATED = "context_group_created", "Made a peer group for contextual safeguarding"
    CONTEXT_GROUP_CHANGED = "context_group_changed", "Added a child to or removed a child from a peer group"
    CONTEXT_ASSESSMENT_RECORDED = "context_assessment_recorded", "Recorded an assessment of a place or peer group"
    CONTEXT_PARTNER_ADDED = "context_partner_added", "Added a partner to the plan for a place or peer group"
    CONTEXT_ACTION_RECORDED = "context_action_recorded", "Recorded an action on a place or peer group"
    CONTEXT_ACTION_DONE = "context_action_done", "Marked an action on a place or peer group done"
    CONTEXT_REVIEW_RECORDED = "context_review_recorded", "Recorded a review of work on a place or peer group"
    # --- end of contextual safeguarding

    # The child's plan, closure and step-down (joinedup.plans) ---
    PLAN_STARTED = "plan_started", "Started a child's plan"
    PLAN_CHANGED = "plan_changed", "Added to a child's plan (an outcome, an action, the safety section)"
    PLAN_ACTION_DONE = "plan_action_done", "Marked an action in a child's plan done"
    PLAN_REVIEWED = "plan_reviewed", "Recorded a review of a child's plan"
    PLAN_ENDED = "plan_ended", "Ended a child's plan"
    INVOLVEMENT_CLOSED = "involvement_closed", "Closed an agency's involvement with a reason and an outcome"
    # --- end of plans

    # Children missing education (joinedup.education)
    EDUCATION_RECORDED = "education_recorded", "Recorded a school's information about a child's education"
    CME_CHECK_RECORDED = "cme_check_recorded", "Recorded a check for a child missing education"
    CME_CASE_CLOSED = "cme_case_closed", "Closed a child missing education case with its outcome"
    # --- end of children missing education
    # The child's say and speaking out (joinedup.voice) ---
    CHILD_SAY_RECORDED = "child_say_recorded", "Recorded the child's say"
    CHILD_SAY_OVERRIDDEN = "child_say_overridden", "Allocated a key worker the child said they do not want"
    SPEAK_LINK_ISSUED = "speak_link_issued", "Issued a child's speaking-out link"
    SPEAK_LINK_REVOKED = "speak_link_revoked", "Revoked a child's speaking-out link"
    CHILD_MESSAGE_RECEIVED = "child_message_received", "A child sent a message through their speaking-out link"
    CHILD_MESSAGE_READ = "child_message_read", "Marked a child's message read"
    # --- end of the child's say and speaking out

    # Strategy discussions, section 47 enquiries and NRM referrals (joinedup.strategy) ---
    STRATEGY_DISCUSSION_RECORDED = "strategy_discussion_recorded", "Recorded a strategy discussion"
    STRATEGY_ACTION_ADDED = "strategy_action_added", "Added an action to a strategy discussion"
    STRATEGY_ACTION_DONE = "strategy_action_done", "Marked a strategy discussion's action done"
    STRATEGY_MACE_PROPOSED = "strategy_mace_proposed", "Proposed a child for MACE from a strategy discussion"
    STRATEGY_DISRUPTION_PLANNED = "strategy_disruption_planned", "Recorded a strategy discussion's disruption plan"
    SECTION47_OUTCOME_RECORDED = "section47_outcome_recorded", "Recorded a section 47 enquiry's outcome"
    NRM_REFERRAL_RECORDED = "nrm_referral_recorded", "Recorded a National Referral Mechanism referral"
    NRM_DECISION_RECORDED = "nrm_decision_recorded", "Recorded a National Referral Mechanism decision"
    # --- end of strategy discussions
    # Registered businesses and community reporting (joinedup.community) ---
    BUSINESS_REGISTERED = "business_registered", "Registered a business for community reporting"
    BUSINESS_CHANGED = "business_changed", "Changed a registered business (visit, staff)"
    REPORTING_LINK_ISSUED = "reporting_link_issued", "Issued a business's reporting link"
    REPORTING_LINK_REVOKED = "reporting_link_revoked", "Revoked a business's reporting link"
    COMMUNITY_REPORT_RECEIVED = "community_report_received", "Received a report from the community"
    COMMUNITY_REPORT_VIEWED = "community_report_viewed", "Read a community report"
    COMMUNITY_REPORT_TRIAGED = "community_report_triaged", "Triaged a community report (concern or closed)"
    # --- end of community reporting
    # Awareness campaigns (joinedup.campaigns) ---
    CAMPAIGN_RECORDED = "campaign_recorded", "Recorded an awareness campaign"
    CAMPAIGN_CHANGED = "campaign_changed", "Changed an awareness campaign"
    # --- end of awareness campaigns


class AuditEvent(models.Model):
    """One append-only row of the audit trail: who did what to which child, when, from where, why.

    The database refuses UPDATE and DELETE on this table (triggers on SQLite
    and PostgreSQL, see migration 0002), so a row once written stays as written.
    """

    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40, choices=AuditKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency_code = models.CharField(max_length=12, blank=True)
    # Indexed by audit_child_time (child first), which serves every lookup by child.
    child_id = models.UUIDField(null=True, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=500, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["child_id", "-occurred_at"], name="audit_child_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.kind}"
