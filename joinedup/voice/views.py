from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.audit.context import current_origin, reset_origin, set_origin
from joinedup.children.selectors import child_find, child_get
from joinedup.throttle.services import allow, allow_all, client_address
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import ChildMessage, SpeakToken

# The child's page: a request larger than this is refused before it is read (a message is at most 1,000
# characters; 8 KiB leaves room for the rest of the form and for characters of several bytes).
SPEAK_MAX_BYTES = 8 * 1024
# Attempts allowed: each link sends at most 10 messages an hour; each address opens the page 60 times an hour and
# sends 20 messages an hour (an address may be a school's or a family's, shared by several children).
SPEAK_TOKEN_LIMIT = (10, timedelta(hours=1))
SPEAK_ADDRESS_LIMIT = (20, timedelta(hours=1))
SPEAK_OPEN_LIMIT = (60, timedelta(hours=1))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# The child's say --------------------------------------------------------------------------------------------------


@login_required
def childs_say(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The child's say now and its earlier versions; those who record about the child record a new version."""
    user = request.user
    child = child_get(user=user, child_id=child_id, reason="Viewed the child's say")
    can_record = policy.can_record_childs_say(user, child)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    versions = selectors.child_say_versions(user=user, child=child)
    latest = versions[0] if versions else None
    form = forms.ChildSayForm(request.POST or None, child=child, latest=latest)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.child_say_record(user=user, child=child, **form.cleaned_data))
    ):
        messages.success(request, f"{child.given_name}'s say is recorded")
        return redirect("children:detail", child_id=child.pk)
    return render(
        request,
        "voice/childs_say.html",
        {"child": child, "versions": versions, "latest": latest, "form": form if can_record else None},
    )


# Speaking out: the staff's side -----------------------------------------------------------------------------------


@login_required
def speak_links(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The child's speaking-out links and messages; a new link is issued here and its address shown once."""
    user = request.user
    child = child_find(user=user, child_id=child_id)
    _require(policy.can_read_child_messages(user, child))
    can_manage = policy.can_manage_speak_links(user, child)
    _require(can_manage or request.method != "POST")
    child = child_get(user=user, child_id=child.pk, reason="Viewed the child's messages and speaking-out links")
    issued = ""
    if request.method == "POST":
        _, raw = services.speak_token_issue(user=user, child=child)
        issued = request.build_absolute_uri(reverse("voice:speak", kwargs={"token": raw}))
    return render(
        request,
        "voice/links.html",
        {
            "child": child,
            "tokens": selectors.speak_tokens_for(user=user, child=child),
            "shown": selectors.messages_for(user=user, child=child, limit=100),
            "can_manage": can_manage,
            "issued": issued,
        },
    )


@login_required
@require_POST
def speak_link_revoke(request: AuthenticatedHttpRequest, child_id: UUID, token_id: UUID) -> HttpResponse:
    user = request.user
    child = child_find(user=user, child_id=child_id)
    _require(policy.can_manage_speak_links(user, child))
    token = get_object_or_404(SpeakToken.objects.select_related("child"), pk=token_id, child=child)
    if token.revoked_at is None:
        services.speak_token_revoke(user=user, token=token)
        messages.success(request, "The link is stopped. It no longer works.")
    return redirect("voice:links", child_id=child.pk)


@login_required
def message(request: AuthenticatedHttpRequest, child_id: UUID, message_id: UUID) -> HttpResponse:
    """One message from the child (the work list's task leads here); marking it read takes the task off the list."""
    user = request.user
    child = child_find(user=user, child_id=child_id)
    _require(policy.can_read_child_messages(user, child))
    found: ChildMessage = selectors.message_get(user=user, child_id=child.pk, message_id=message_id)
    if request.method == "POST":
        if found.read_at is None:
            services.child_message_read(user=user, message=found)
            messages.success(request, "Marked read. The task is off the work list.")
        return redirect("voice:links", child_id=child.pk)
    return render(request, "voice/message.html", {"child": found.child, "message": found})


# Speaking out: the child's page (no account) ----------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """The link is the child's key: not cached, not sent on as a referrer to another site, not indexed. (Not
    "no-referrer": the browser then sends the form's Origin as "null", which the CSRF check refuses.)"""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _speak_page(request: HttpRequest, template: str, context: dict[str, object], status: int = 200) -> HttpResponse:
    return _private(render(request, template, context, status=status))


def _length(request: HttpRequest) -> int:
    text = str(request.META.get("CONTENT_LENGTH") or "0")
    return int(text) if text.isdigit() else SPEAK_MAX_BYTES + 1


@never_cache
def speak(request: HttpRequest, token: str) -> HttpResponse:
    """The child's own page: tell their worker something, ask to be contacted, or say how the support feels. It
    shows nothing from the record, and a link unknown, stopped or malformed gets the same page."""
    address = client_address(request)
    if not allow("speak-open", address, limit=SPEAK_OPEN_LIMIT[0], window=SPEAK_OPEN_LIMIT[1]):
        return _speak_page(request, "voice/speak_slow_down.html", {}, status=429)
    found = selectors.token_live(token)
    if found is None:
        return _speak_page(request, "voice/speak_not_working.html", {}, status=404)
    if request.method == "POST":
        if _length(request) > SPEAK_MAX_BYTES:
            return _speak_page(request, "voice/speak_too_long.html", {}, status=413)
        if not allow_all(
            [
                ("speak-token", found.token_hash, *SPEAK_TOKEN_LIMIT),
                ("speak-address", address, *SPEAK_ADDRESS_LIMIT),
            ]
        ):
            return _speak_page(request, "voice/speak_slow_down.html", {}, status=429)
    form = forms.SpeakForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The audit row keeps neither the link (the path is masked) nor the child's address or device.
        origin = set_origin(replace(current_origin(), path="/speak/[link]/", ip_address=None, user_agent=""))
        try:
            sent = form_save(form, lambda: services.child_message_receive(token=found, **form.cleaned_data))
        finally:
            reset_origin(origin)
        if sent:
            return _private(redirect("voice:speak-sent"))
    return _speak_page(request, "voice/speak.html", {"form": form})


@never_cache
def speak_sent(request: HttpRequest) -> HttpResponse:
    """Thank you: nothing of what was sent, or of whom it was about, is shown back."""
    return _speak_page(request, "voice/speak_sent.html", {})
