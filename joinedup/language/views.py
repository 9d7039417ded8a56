from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from joinedup.accounts.types import AuthenticatedHttpRequest

from .checks import Finding, language_check

# Longer text is checked up to this length; the check only advises, and never holds up saving.
MAX_CHECKED = 100_000


@login_required
@require_POST
def check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Suggestions for the text being written, shown beside the field. Nothing is stored or logged.

    The text comes as ``text``, or, from a form field, under the field's own name given as ``?field=``.
    """
    text = request.POST.get("text")
    if text is None:
        text = request.POST.get(request.GET.get("field", ""), "")
    findings = language_check(text[:MAX_CHECKED])
    if not findings:
        return HttpResponse("")
    first_of_each: dict[str, Finding] = {}
    for finding in findings:
        first_of_each.setdefault(finding.phrase, finding)
    return render(request, "language/_findings.html", {"findings": list(first_of_each.values())})
