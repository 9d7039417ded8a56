from collections.abc import Iterable
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_children
from joinedup.web.downloads import csv_download
from joinedup.web.forms import form_save

from . import figures, services
from .charts import bar_chart, line_chart
from .forms import FiltersForm, GoalForm, RetireForm
from .models import Goal

PAGE_SIZE = 50


def _filters(request: AuthenticatedHttpRequest) -> tuple[FiltersForm, figures.Filters]:
    if not policy.can_view_oversight(request.user):
        raise PermissionDenied
    form = FiltersForm(request.GET, user=request.user)
    if form.is_valid():
        return form, form.filters()
    fixed = figures.scope_agency(request.user)
    return form, figures.Filters(**{**figures.default_filters().__dict__, "agency": fixed})


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    user = request.user
    sections = figures.figure_counts(user=user, filters=filters)
    # The grade chart and the goals are the figures just counted: no query of their own.
    counts = figures.counts_of(sections)
    months = figures.month_breakdown(user=user, filters=filters)
    grades = figures.grade_breakdown(user=user, filters=filters, counts=counts)
    return render(
        request,
        "oversight/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "query": urlencode(filters.query()),
            "sections": sections,
            "can_use_data_pack": policy.can_use_data_pack(user),
            "goals": [
                (goal, figures.goal_reading(goal, user=user, filters=filters, counts=counts))
                for goal in figures.goals_in_force()
            ],
            "months": months,
            "grades": grades,
            "months_chart": mark_safe(  # noqa: S308 - SVG drawn by vl-convert from counts and our own labels
                bar_chart(
                    rows=months,
                    x_title="Month the episode started",
                    y_title="Missing episodes",
                    description="Missing episodes by month",
                )
            )
            if months
            else "",
            "grades_chart": mark_safe(  # noqa: S308 - as above
                bar_chart(
                    rows=grades,
                    x_title="Police grade",
                    y_title="Missing episodes",
                    description="Missing episodes by police grade",
                )
            )
            if any(n for _, n in grades)
            else "",
        },
    )


def _child_ids(figure: figures.Figure, rows: Iterable[object]) -> list[UUID]:
    """The children a figure's rows are about, to audit; a figure whose rows are not about a child (training)
    names none."""
    return [child.pk for child in map(figure.child_of, rows) if child is not None]


def _figure(key: str) -> figures.Figure:
    figure = figures.BY_KEY.get(key)
    if figure is None:
        raise Http404
    return figure


@login_required
def figure_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    figure = _figure(key)
    form, filters = _filters(request)
    rows = figures.rows_for(user=request.user, figure=figure, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page", 1))
    audit_record_children(
        actor=request.user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=_child_ids(figure, page.object_list),
        reason=f"Oversight: {figure.label}",
    )
    return render(
        request,
        "oversight/figure.html",
        {
            "figure": figure,
            "form": form,
            "filters": filters,
            "query": urlencode(filters.query()),
            "page": page,
            "summary": figure.summary(rows) if figure.summary else "",
            "rows": [
                (getattr(figure.child_of(row), "pk", None), [column.value(row) for column in figure.columns])
                for row in page.object_list
            ],
        },
    )


@login_required
def figure_csv(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """Every row behind a figure, as the page lists them; each child in it audited, in one statement."""
    figure = _figure(key)
    _, filters = _filters(request)
    rows = list(figures.rows_for(user=request.user, figure=figure, filters=filters))
    audit_record_children(
        actor=request.user,
        kind=AuditKind.CHILD_EXPORTED,
        child_ids=_child_ids(figure, rows),
        reason=f"Oversight download: {figure.label}",
    )
    return csv_download(
        f"{figure.key}-{filters.start}-{filters.end}",
        [column.heading for column in figure.columns],
        [[column.value(row) for column in figure.columns] for row in rows],
    )


@login_required
def breakdown_csv(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """A chart's table as CSV: counts only, no child named."""
    _, filters = _filters(request)
    if name == "month":
        rows = figures.month_breakdown(user=request.user, filters=filters)
        header = ["Month", "Missing episodes"]
    elif name == "grade":
        rows = figures.grade_breakdown(user=request.user, filters=filters)
        header = ["Police grade", "Missing episodes"]
    else:
        raise Http404
    return csv_download(
        f"missing-episodes-by-{name}-{filters.start}-{filters.end}", header, [list(row) for row in rows]
    )


@login_required
def children_tell_us(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What children tell us: the push and pull factors of return interviews and the indicators assessments
    found, counted over the period. No child is named, so nothing here is a read of a child's record."""
    form, filters = _filters(request)
    interviews, factors = figures.factors_told(user=request.user, filters=filters)
    named = [(label, n) for label, n in factors if n]
    return render(
        request,
        "oversight/children_tell_us.html",
        {
            "form": form,
            "filters": filters,
            "query": urlencode(filters.query()),
            "interviews": interviews,
            "factors": factors,
            "indicators": figures.indicators_seen(user=request.user, filters=filters),
            "factors_chart": mark_safe(  # noqa: S308 - SVG drawn by vl-convert from counts and our own labels
                bar_chart(
                    rows=[(label.split(": ", 1)[-1], n) for label, n in named],
                    x_title="What the child said",
                    y_title="Return interviews",
                    description="Push and pull factors children named in return interviews",
                )
            )
            if named
            else "",
        },
    )


def _goal(goal_id: int) -> Goal:
    return get_object_or_404(Goal, pk=goal_id)


@login_required
def goal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    goals = list(figures.goals_in_force())
    # The figures the goals are measured by, counted together (a figure two goals share is counted once).
    keys = {key for goal in goals for key in (goal.numerator, goal.denominator) if key in figures.BY_KEY}
    counts = figures.count_figures([figures.BY_KEY[key] for key in sorted(keys)], user=request.user, filters=filters)
    return render(
        request,
        "oversight/goals.html",
        {
            "form": form,
            "filters": filters,
            "query": urlencode(filters.query()),
            "readings": [
                (goal, figures.goal_reading(goal, user=request.user, filters=filters, counts=counts)) for goal in goals
            ],
            "can_set": policy.can_set_goals(request.user),
        },
    )


@login_required
def goal_detail(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    if not policy.can_view_oversight(request.user):
        raise PermissionDenied
    goal = _goal(goal_id)
    trend = figures.goal_trend(goal, user=request.user)
    shown = [(reading.label, reading.value) for reading in trend if reading.value is not None]
    return render(
        request,
        "oversight/goal.html",
        {
            "goal": goal,
            "trend": trend,
            "numerator": figures.BY_KEY.get(goal.numerator),
            "denominator": figures.BY_KEY.get(goal.denominator),
            "can_set": policy.can_set_goals(request.user),
            "chart": mark_safe(  # noqa: S308 - SVG drawn by vl-convert from counts and our own labels
                line_chart(
                    rows=[(label, float(value)) for label, value in shown],
                    target=float(goal.target),
                    x_title="Month",
                    y_title="Per cent" if goal.is_percentage else "Count",
                    description=f"{goal.title}, month by month, against its target",
                )
            )
            if shown
            else "",
            "retire_form": RetireForm(),
        },
    )


@login_required
def goal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_set_goals(request.user):
        raise PermissionDenied
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Goal] = []
        if form_save(form, lambda: created.append(services.goal_create(user=request.user, **form.cleaned_data))):
            return redirect("oversight:goal", goal_id=created[0].pk)
    return render(request, "oversight/goal_create.html", {"form": form})


@login_required
@require_POST
def goal_retire(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    if not policy.can_set_goals(request.user):
        raise PermissionDenied
    goal = _goal(goal_id)
    form = RetireForm(request.POST)
    if form.is_valid() and form_save(
        form, lambda: services.goal_retire(user=request.user, goal=goal, reason=form.cleaned_data["reason"])
    ):
        return redirect("oversight:goals")
    return render(request, "oversight/goal.html", {"goal": goal, "trend": [], "retire_form": form, "can_set": True})
