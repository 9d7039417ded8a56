"""The standard case audit tool and the learning themes, kept as data: seeded by migration 0002 and by
``standard_seed`` (tests, the demo), which adds only what is missing."""

from typing import Any

from django.apps import apps as installed_apps

STANDARD_TOOL = "Multi-agency case audit: child exploitation and missing"
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]

# (code, text, guidance) in order.
STANDARD_QUESTIONS: list[tuple[str, str, str]] = [
    (
        "recognition",
        "Was the risk of exploitation recognised early?",
        "Were the signs (going missing, new older friends, unexplained money or phones) seen and acted on, and "
        "was the child seen as a child exposed to risk, not as making choices?",
    ),
    (
        "information_sharing",
        "Was information shared across agencies when it was needed?",
        "Did each agency share what it knew in time, with a lawful basis recorded, and was it read and used?",
    ),
    (
        "risk_assessment",
        "Was the risk assessment consistent and does it hold the child's and family's views?",
        "One assessment, reviewed when things changed, with the child's own words and the family's or carer's "
        "views, and the professional judgement explained.",
    ),
    (
        "return_interviews",
        "Were return home interviews offered within 72 hours of each return?",
        "Offered by someone independent, within 72 hours; what the child said used in the plan.",
    ),
    (
        "trusted_professional",
        "Did the child have one trusted professional?",
        "A consistent worker the child knew and could reach, rather than many professionals each asking again.",
    ),
    (
        "management_oversight",
        "Was there management oversight of the case?",
        "Regular, recorded oversight with decisions and dates, and drift challenged.",
    ),
    (
        "thresholds",
        "Were thresholds and pathways applied well?",
        "Was the child referred on the right pathway at the right level, and stepped up or down when the risk changed?",
    ),
    (
        "disruption",
        "Were adults of concern disrupted?",
        "Were the adults who pose a risk to the child identified and disrupted (notices, orders, licensing, "
        "investigation), not only the child's movements restricted?",
    ),
    (
        "victim_support",
        "Was the child supported as a victim, whether or not a prosecution followed?",
        "Support offered under the Victims' Code and kept up whatever the outcome of an investigation.",
    ),
]

# (code, name, kind, order)
THEMES: list[tuple[str, str, str, int]] = [
    ("information_sharing", "Information sharing", "practice", 1),
    ("assessment_quality", "Assessment quality", "practice", 2),
    ("voice_of_the_child", "Voice of the child", "practice", 3),
    ("management_oversight", "Management oversight", "practice", 4),
    ("missing_return_interviews", "Missing and return interviews", "practice", 5),
    ("thresholds", "Thresholds and pathways", "practice", 6),
    ("domestic_abuse", "Domestic abuse", "other_risk", 1),
    ("mental_health", "Mental health", "other_risk", 2),
    ("substance_misuse", "Substance misuse", "other_risk", 3),
    ("missing_education", "Missing education", "other_risk", 4),
    ("going_missing", "Going missing", "other_risk", 5),
    ("online_harm", "Online harm", "other_risk", 6),
]


def standard_seed(apps: Any = installed_apps) -> None:
    """Add the learning themes and version 1 of the standard tool (in force) where they are missing; ``apps`` is
    the migration's historical registry in the data migration, the installed apps otherwise."""
    theme_model = apps.get_model("caseaudits", "Theme")
    tool_model = apps.get_model("caseaudits", "AuditTool")
    question_model = apps.get_model("caseaudits", "AuditQuestion")
    for code, name, kind, order in THEMES:
        theme_model.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "order": order})
    if tool_model.objects.filter(name=STANDARD_TOOL).exists():
        return
    tool = tool_model.objects.create(name=STANDARD_TOOL, version=1, in_force=True)
    question_model.objects.bulk_create(
        question_model(tool=tool, order=n, code=code, text=text, guidance=guidance, scale=GRADES)
        for n, (code, text, guidance) in enumerate(STANDARD_QUESTIONS, start=1)
    )
