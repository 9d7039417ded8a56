import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import SignInForm, TokenForm

SIGN_IN_ERROR = "Enter a correct username and password"
SETUP_DEVICE = "joinedup_setup_device"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return str(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None:
            services.user_sign_in(request=request, user=user)
            return redirect(_next_url(request))
        services.sign_in_failure_record(username=form.cleaned_data["username"])
        error = SIGN_IN_ERROR
    elif request.method == "POST":
        error = SIGN_IN_ERROR
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "error": error, "next": _next_url(request)},
        status=200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.user_sign_out_record(user=request.user)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def two_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect("accounts:two-factor-setup")
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if services.two_factor_verify(request=request, user=request.user, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        error = "The code is not right. Enter the code your authenticator app shows now"
    return render(request, "accounts/two_factor.html", {"form": form, "error": error})


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect("accounts:two-factor")
    device = TOTPDevice.objects.filter(pk=request.session.get(SETUP_DEVICE), user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
        request.session[SETUP_DEVICE] = device.pk
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if services.two_factor_enrol(
            request=request,
            user=request.user,
            device=device,
            token=form.cleaned_data["token"],
        ):
            request.session.pop(SETUP_DEVICE, None)
            return redirect(settings.LOGIN_REDIRECT_URL)
        error = "The code is not right. Enter the code your authenticator app shows now"
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "error": error, "qr": _qr_data_uri(device.config_url), "secret": secret},
    )
