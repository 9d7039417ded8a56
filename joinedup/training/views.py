from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.deadlines import london_date
from joinedup.web.downloads import csv_download
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import Course, Trainee, TrainingRequirement


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _today() -> date:
    return london_date(timezone.now())


@login_required
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every signed-in member of staff may see the courses and who needs them."""
    return render(
        request,
        "training/courses.html",
        {
            "courses": selectors.courses_all(),
            "can_manage": policy.can_manage_training(request.user),
            "can_record": policy.can_record_training(request.user),
            "can_view_coverage": policy.can_view_training_coverage(request.user),
        },
    )


@login_required
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_manage_training(request.user))
    form = forms.CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made: dict[str, Course] = {}

        def create() -> None:
            made["course"] = services.course_create(user=request.user, **form.cleaned_data)

        if form_save(form, create):
            return redirect("training:course-edit", course_id=made["course"].pk)
    return render(request, "training/form.html", {"form": form, "title": "Add a course"})


@login_required
def course_edit(request: AuthenticatedHttpRequest, course_id: int) -> HttpResponse:
    """Change a course, say who needs it, and see its history."""
    _require(policy.can_manage_training(request.user))
    course = get_object_or_404(Course, pk=course_id)
    initial = {
        "name": course.name,
        "topic": course.topic,
        "validity_months": course.validity_months,
        "description": course.description,
        "is_active": course.is_active,
    }
    form = forms.CourseChangeForm(request.POST if "name" in request.POST else None, initial=initial)
    requirement_form = forms.RequirementForm(request.POST if "audience" in request.POST else None)
    if request.method == "POST":
        if form.is_bound and form.is_valid():
            if form_save(form, lambda: services.course_change(user=request.user, course=course, **form.cleaned_data)):
                messages.success(request, "Course changed.")
                return redirect("training:course-edit", course_id=course.pk)
        elif requirement_form.is_bound and requirement_form.is_valid():
            data = requirement_form.cleaned_data
            if form_save(
                requirement_form,
                lambda: services.training_requirement_add(
                    user=request.user, course=course, audience=data["audience"], agency_kind=data["agency_kind"] or ""
                ),
            ):
                messages.success(request, "Requirement added.")
                return redirect("training:course-edit", course_id=course.pk)
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "form": form,
            "requirement_form": requirement_form,
            "requirements": course.requirements.all(),
            "versions": course.versions.select_related("changed_by"),
        },
    )


@login_required
@require_POST
def requirement_remove(request: AuthenticatedHttpRequest, requirement_id: int) -> HttpResponse:
    _require(policy.can_manage_training(request.user))
    requirement = get_object_or_404(TrainingRequirement, pk=requirement_id)
    services.training_requirement_remove(user=request.user, requirement=requirement)
    messages.success(request, "Requirement removed.")
    return redirect("training:course-edit", course_id=requirement.course_id)


@login_required
def trainee_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Elected members and others the partnership trains who have no account: the coordinator keeps the list."""
    _require(policy.can_manage_training(request.user))
    form = forms.TraineeForm(request.POST or None)
    saved = request.method == "POST" and form.is_valid()
    if saved and form_save(form, lambda: services.trainee_create(user=request.user, **form.cleaned_data)):
        messages.success(request, "Trainee added.")
        return redirect("training:trainees")
    return render(request, "training/trainees.html", {"form": form, "trainees": Trainee.objects.all()})


@login_required
def attendance_record(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_record_training(request.user))
    form = forms.AttendanceForm(
        request.POST or None,
        staff=selectors.staff_recordable_by(request.user),
        trainees=selectors.trainees_recordable_by(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_save(
            form,
            lambda: services.attendance_record(
                user=request.user,
                course=data["course"],
                attended_on=data["attended_on"],
                today=_today(),
                staff=data.get("staff"),
                trainee=data.get("trainee"),
            ),
        ):
            messages.success(request, "Attendance recorded.")
            return redirect("training:attendance")
    return render(
        request,
        "training/attendance.html",
        {"form": form, "recent": selectors.attendance_recent(user=request.user)},
    )


def _coverage(request: AuthenticatedHttpRequest) -> tuple[list[selectors.Entry], Agency | None]:
    _require(policy.can_view_training_coverage(request.user))
    agency = None
    if policy.training_coverage_agency(request.user) is None and request.GET.get("agency", "").isdigit():
        agency = Agency.objects.filter(pk=int(request.GET["agency"])).first()
    entries = selectors.coverage_entries(
        user=request.user, today=_today(), agency_id=agency.pk if agency is not None else None
    )
    return entries, agency


@login_required
def coverage(request: AuthenticatedHttpRequest) -> HttpResponse:
    entries, agency = _coverage(request)
    return render(
        request,
        "training/coverage.html",
        {
            "summary": selectors.coverage_summary(entries),
            "agency": agency,
            "agencies": Agency.objects.all() if policy.training_coverage_agency(request.user) is None else [],
            "today": _today(),
        },
    )


@login_required
def coverage_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people behind one count: ?group=<agency id>-<role> or elected, &course=<id> (none: every required
    course), &status=in_date|expired|never."""
    entries, agency = _coverage(request)
    status = request.GET.get("status", "")
    if status not in selectors.STATUS_LABELS:
        raise Http404
    course_param = request.GET.get("course", "")
    course = get_object_or_404(Course, pk=int(course_param)) if course_param.isdigit() else None
    group_key = request.GET.get("group", "")
    rows = selectors.coverage_list(entries, group_key=group_key, course_id=course.pk if course else None, status=status)
    group = next((e.group for e in entries if e.group.key == group_key), None)
    if group is None:
        raise Http404
    return render(
        request,
        "training/coverage_list.html",
        {
            "rows": rows,
            "group": group,
            "course": course,
            "status": status,
            "status_label": selectors.STATUS_LABELS[status],
            "agency": agency,
        },
    )


@login_required
def coverage_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every person and required course the viewer may see, with its status: names of staff and elected members,
    no child. The download is recorded in the audit trail."""
    entries, agency = _coverage(request)
    rows = [
        [
            e.group.label,
            e.person.name,
            e.person.where,
            e.course.name,
            selectors.STATUS_LABELS[e.status],
            e.attended_on.isoformat() if e.attended_on else "",
            e.expires_on.isoformat() if e.expires_on else "",
        ]
        for e in entries
    ]
    audit_record(
        actor=request.user,
        kind=AuditKind.EXPORT_DOWNLOADED,
        object_type="training_coverage",
        reason="Training coverage download",
        payload={"rows": len(entries), "agency": agency.pk if agency else None},
    )
    header = ["Group", "Person", "Agency, team or body", "Course", "Status", "Last done", "Expires on"]
    return csv_download(f"training-coverage-{_today().isoformat()}", header, rows)
