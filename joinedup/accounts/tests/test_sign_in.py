"""Sign-in to OWASP ASVS level 2: lockout, no user enumeration, timeouts, two-factor, hashing and headers.

Clocks are frozen with time_machine (tick=False) and moved on explicitly, so each
timeout is tested at the exact minute it starts to apply.
"""

import os
import re
import secrets
import string
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.settings import base as base_settings
from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import PASSWORD, UserFactory
from joinedup.audit.models import AuditEvent, AuditKind

SIGN_IN_URL = reverse("accounts:sign-in")
TWO_FACTOR_URL = reverse("accounts:two-factor")
TWO_FACTOR_SETUP_URL = reverse("accounts:two-factor-setup")
CHILDREN_URL = reverse("children:list")
HOME_URL = reverse("web:home")
WRONG_PASSWORD = "not the password at all"
LOCKED_OUT_HEADING = b"Sign-in locked"
SIGN_IN_ERROR = b"Enter a correct username and password"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _post_sign_in(client: Client, username: str, password: str):
    return client.post(SIGN_IN_URL, {"username": username, "password": password})


def _without_csrf_token(content: bytes) -> bytes:
    # Django masks the CSRF token afresh on every render, so two identical pages differ only there.
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b'name="csrfmiddlewaretoken" value=""', content)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _production_env(**extra: str) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
        "JOINEDUP_OTP_REQUIRED": "false",
        **extra,
    }


# Lockout ------------------------------------------------------------------------------------------------


def test_the_right_password_is_refused_with_the_locked_out_page_after_5_failed_attempts(db, client):
    user = UserFactory.create()
    for _ in range(4):
        response = _post_sign_in(client, user.username, WRONG_PASSWORD)
        assert response.status_code == 200
        assert SIGN_IN_ERROR in response.content
    _post_sign_in(client, user.username, WRONG_PASSWORD)

    response = _post_sign_in(client, user.username, PASSWORD)

    assert response.status_code == 429
    assert LOCKED_OUT_HEADING in response.content
    assert not _signed_in(client)
    assert client.get(CHILDREN_URL).status_code == 302


def test_four_failed_attempts_do_not_lock_the_account(db, client):
    user = UserFactory.create()
    for _ in range(4):
        _post_sign_in(client, user.username, WRONG_PASSWORD)

    response = _post_sign_in(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_lockout_is_per_username_and_leaves_other_accounts_alone(db, client):
    locked, other = UserFactory.create(), UserFactory.create()
    for _ in range(5):
        _post_sign_in(client, locked.username, WRONG_PASSWORD)

    assert _post_sign_in(client, other.username, PASSWORD).status_code == 302


def test_lockout_lifts_30_minutes_after_the_last_failed_attempt(db, client):
    user = UserFactory.create()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            _post_sign_in(client, user.username, WRONG_PASSWORD)

        # Axes counts failures inside the cool-off window, the last one included at exactly 30 minutes.
        clock.move_to(START + timedelta(minutes=30, seconds=1))
        response = _post_sign_in(client, user.username, PASSWORD)

        assert response.status_code == 302
        assert _signed_in(client)


def test_an_attempt_during_the_lockout_is_refused_and_restarts_the_cool_off(db, client):
    user = UserFactory.create()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            _post_sign_in(client, user.username, WRONG_PASSWORD)

        clock.move_to(START + timedelta(minutes=29))
        assert _post_sign_in(client, user.username, PASSWORD).status_code == 429
        clock.move_to(START + timedelta(minutes=31))
        assert _post_sign_in(client, user.username, PASSWORD).status_code == 429
        assert not _signed_in(client)

        clock.move_to(START + timedelta(minutes=31 + 30, seconds=1))
        response = _post_sign_in(client, user.username, PASSWORD)

        assert response.status_code == 302
        assert _signed_in(client)


# No user enumeration -------------------------------------------------------------------------------------


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(db):
    username = "alex.morgan"
    unknown = _post_sign_in(Client(), username, WRONG_PASSWORD)
    # The same username, now an account, with the wrong password: only the account's existence differs.
    UserFactory.create(username=username)
    wrong_password = _post_sign_in(Client(), username, WRONG_PASSWORD)

    assert unknown.status_code == wrong_password.status_code == 200
    assert SIGN_IN_ERROR in unknown.content
    assert _without_csrf_token(unknown.content) == _without_csrf_token(wrong_password.content)


def test_an_unknown_username_gets_the_same_failure_record_as_a_wrong_password(db, client):
    UserFactory.create(username="known.person")
    _post_sign_in(client, "nobody.here", WRONG_PASSWORD)
    _post_sign_in(client, "known.person", WRONG_PASSWORD)

    failures = AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED).order_by("id")
    assert [(event.actor_id, event.payload) for event in failures] == [
        (None, {"username": "nobody.here"}),
        (None, {"username": "known.person"}),
    ]


def test_an_unknown_username_is_locked_out_the_same_way_after_5_attempts(db):
    def attempts(username: str) -> list[tuple[int, bytes]]:
        client = Client()
        return [
            (response.status_code, _without_csrf_token(response.content))
            for response in (_post_sign_in(client, username, WRONG_PASSWORD) for _ in range(6))
        ]

    UserFactory.create(username="sam.known")
    known = attempts("sam.known")
    unknown = attempts("sam.unknown")

    assert [status for status, _ in unknown] == [status for status, _ in known]
    assert unknown[-1][0] == 429
    assert LOCKED_OUT_HEADING in unknown[-1][1]
    # Each page echoes its own username, so compare the locked-out pages, which echo none.
    assert unknown[-1][1] == known[-1][1]


# Idle and absolute timeouts -----------------------------------------------------------------------------


def test_activity_within_15_minutes_keeps_the_session(db, client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        clock.shift(timedelta(minutes=14))
        assert client.get(CHILDREN_URL).status_code == 200
        # The idle clock restarts at each request: 28 minutes after sign-in, 14 after the last request.
        clock.shift(timedelta(minutes=14))
        response = client.get(CHILDREN_URL)

        assert response.status_code == 200
        assert _signed_in(client)


def test_after_15_minutes_idle_a_request_is_sent_to_sign_in_and_the_session_ends(db, client, sign_in):
    user = UserFactory.create()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(user)
        clock.shift(timedelta(minutes=15))
        response = client.get(CHILDREN_URL)

        assert response.status_code == 302
        assert response["Location"] == f"{SIGN_IN_URL}?next={CHILDREN_URL}"
        assert not _signed_in(client)
        landed = client.get(response["Location"])
        assert b"signed out after 15 minutes without activity" in landed.content
        # Coming back at once does not revive the session.
        assert client.get(CHILDREN_URL).status_code == 302

    assert AuditEvent.objects.filter(kind=AuditKind.SESSION_EXPIRED, actor=user).count() == 1


def test_after_15_minutes_idle_an_htmx_request_is_told_to_go_to_sign_in(db, client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        clock.shift(timedelta(minutes=15))
        response = client.get(CHILDREN_URL, headers={"HX-Request": "true"})

        assert response.status_code == 204
        assert response["HX-Redirect"] == SIGN_IN_URL
        assert not _signed_in(client)


def test_passive_requests_do_not_count_as_activity(db, client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        clock.shift(timedelta(minutes=10))
        # A page polling in the background (progress bars) is not the user at the keyboard.
        assert client.get(CHILDREN_URL, headers={"X-Joinedup-Passive": "1"}).status_code == 200
        clock.shift(timedelta(minutes=5))
        response = client.get(CHILDREN_URL)

        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN_URL)
        assert not _signed_in(client)


def test_the_same_requests_without_the_passive_header_keep_the_session(db, client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        clock.shift(timedelta(minutes=10))
        assert client.get(CHILDREN_URL).status_code == 200
        clock.shift(timedelta(minutes=5))
        response = client.get(CHILDREN_URL)

        assert response.status_code == 200
        assert _signed_in(client)


def test_the_session_ends_12_hours_after_sign_in_however_active(db, client, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        sign_in(UserFactory.create())
        for minutes in range(10, 12 * 60, 10):
            clock.move_to(START + timedelta(minutes=minutes))
            assert client.get(CHILDREN_URL).status_code == 200, f"{minutes} minutes after sign-in"
        # The last request was at 11 h 50 min; 10 minutes later is 12 hours after sign-in.
        clock.move_to(START + timedelta(hours=12))
        response = client.get(CHILDREN_URL)

        assert response.status_code == 302
        assert response["Location"] == f"{SIGN_IN_URL}?next={CHILDREN_URL}"
        assert not _signed_in(client)
    expired = AuditEvent.objects.get(kind=AuditKind.SESSION_EXPIRED)
    assert "12 hours" in expired.reason


# Two-factor sign-in --------------------------------------------------------------------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def _wrong_code(device: TOTPDevice) -> str:
    # A code from an hour away is outside any tolerance the device allows.
    return f"{totp(device.bin_key, t0=-3600):06d}"


@override_settings(JOINEDUP_OTP_REQUIRED=True)
@pytest.mark.parametrize("url", [HOME_URL, CHILDREN_URL, reverse("access:break-glass")])
def test_a_password_alone_reaches_only_the_two_factor_step(db, client, sign_in, url):
    sign_in(UserFactory.create())

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR_URL


@override_settings(JOINEDUP_OTP_REQUIRED=True)
def test_a_user_without_an_authenticator_is_taken_to_set_one_up_and_then_reaches_pages(db, client, sign_in):
    user = UserFactory.create()
    sign_in(user)

    landed = client.get(HOME_URL, follow=True)
    assert landed.redirect_chain == [(TWO_FACTOR_URL, 302), (TWO_FACTOR_SETUP_URL, 302)]
    assert landed.status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    enrolled = client.post(TWO_FACTOR_SETUP_URL, {"token": _code(device)})

    assert enrolled.status_code == 302
    assert enrolled["Location"] == HOME_URL
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME_URL).status_code == 200
    assert client.get(CHILDREN_URL).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.TWO_FACTOR_ENROLLED, actor=user).count() == 1


@override_settings(JOINEDUP_OTP_REQUIRED=True)
def test_a_wrong_code_does_not_set_up_the_authenticator(db, client, sign_in):
    user = UserFactory.create()
    sign_in(user)
    client.get(TWO_FACTOR_SETUP_URL)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(TWO_FACTOR_SETUP_URL, {"token": _wrong_code(device)})

    assert response.status_code == 200
    assert b"The code is not right" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(CHILDREN_URL)["Location"] == TWO_FACTOR_URL


@override_settings(JOINEDUP_OTP_REQUIRED=True)
def test_a_user_with_an_authenticator_enters_a_code_at_each_sign_in(db, sign_in):
    user = UserFactory.create()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    with time_machine.travel(START, tick=False) as clock:
        for day in range(2):
            clock.move_to(START + timedelta(days=day))
            client = sign_in(user, Client())
            assert client.get(CHILDREN_URL)["Location"] == TWO_FACTOR_URL
            # A confirmed authenticator is not offered again for set-up.
            assert client.get(TWO_FACTOR_SETUP_URL)["Location"] == TWO_FACTOR_URL

            response = client.post(TWO_FACTOR_URL, {"token": _code(device)})

            assert response.status_code == 302
            assert client.get(CHILDREN_URL).status_code == 200
    assert TOTPDevice.objects.filter(user=user).count() == 1


@override_settings(JOINEDUP_OTP_REQUIRED=True)
def test_a_wrong_code_at_sign_in_is_refused(db, client, sign_in):
    user = UserFactory.create()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    sign_in(user)

    response = client.post(TWO_FACTOR_URL, {"token": _wrong_code(device)})

    assert response.status_code == 200
    assert b"The code is not right" in response.content
    assert client.get(CHILDREN_URL)["Location"] == TWO_FACTOR_URL


@override_settings(JOINEDUP_OTP_REQUIRED=True)
def test_a_code_cannot_be_used_twice(db, sign_in):
    user = UserFactory.create()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    with time_machine.travel(START, tick=False):
        first = sign_in(user, Client())
        code = _code(device)
        assert first.post(TWO_FACTOR_URL, {"token": code}).status_code == 302
        second = sign_in(user, Client())
        response = second.post(TWO_FACTOR_URL, {"token": code})

        assert response.status_code == 200
        assert b"The code is not right" in response.content
        assert second.get(CHILDREN_URL)["Location"] == TWO_FACTOR_URL


def test_production_settings_require_two_factor_whatever_the_environment_says():
    script = "import django; django.setup(); from django.conf import settings; print(settings.JOINEDUP_OTP_REQUIRED)"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_deployment_check_with_production_settings_finds_no_issues():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=_production_env(DJANGO_ALLOWED_HOSTS="joinedup.example"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


# Password hashing and security headers ------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2_outside_the_test_settings(db):
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base_settings.PASSWORD_HASHERS):
        user = User.objects.create_user(username="hashed.person", password=PASSWORD)
        user.refresh_from_db()

        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password(PASSWORD)


def test_a_signed_in_page_carries_the_security_headers(db, client, sign_in):
    sign_in(UserFactory.create(roles=[RoleCode.MANAGER]))

    response = client.get(CHILDREN_URL)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
