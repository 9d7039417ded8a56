from typing import Any

from django.conf import settings
from django.http import HttpRequest

from joinedup.access import policy
from joinedup.disruption import permissions as disruption_permissions
from joinedup.imports import permissions as imports_permissions
from joinedup.linkage import permissions as linkage_permissions
from joinedup.mace import permissions as mace_permissions
from joinedup.mapping import permissions as mapping_permissions
from joinedup.missing.models import Alert


def platform(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "demo_mode": settings.JOINEDUP_DEMO,
        "repeat_missing_days": settings.JOINEDUP_REPEAT_MISSING_DAYS,
        "two_factor_off": not settings.JOINEDUP_OTP_REQUIRED,
        "nav": {
            "children": signed_in and policy.works_with_children(user),
            "break_glass": signed_in and policy.can_request_break_glass(user),
            "review": signed_in and policy.can_review_break_glass(user),
            "admin": signed_in and policy.can_administer(user),
            "imports": signed_in and imports_permissions.can_import(user),
            "mace": signed_in and mace_permissions.can_view_meetings(user),
            "adults": signed_in and disruption_permissions.can_list_adults(user),
            "mapping": signed_in and mapping_permissions.can_use_mapping(user),
            "places": signed_in and policy.can_use_places(user),
            "campaigns": signed_in and policy.can_view_campaigns(user),
            "contextual": signed_in and policy.can_view_context_works(user),
            "linkage": signed_in and linkage_permissions.can_link_records(user),
            "returns": signed_in and imports_permissions.can_export_missing(user),
            "retention": signed_in and policy.can_answer_subject_access(user),
            "oversight": signed_in and policy.can_view_oversight(user),
            "problem_profiles": signed_in and policy.can_read_problem_profiles(user),
            "frontdoor": signed_in and policy.is_front_door(user),
            "missing_education": signed_in and policy.is_cme_officer(user),
            "community": signed_in and policy.can_triage_community_reports(user),
            "information_requests": signed_in
            and policy.answers_information_requests(user)
            and not policy.is_front_door(user),
            "alerts": signed_in and Alert.objects.filter(recipient=user, read_at__isnull=True).count(),
        },
    }
