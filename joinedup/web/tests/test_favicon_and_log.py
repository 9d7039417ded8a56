"""A favicon for every browser, refusals logged as one line, admin headings in plain words (issue 15)."""

import pytest


def test_browsers_asking_for_favicon_ico_get_the_icon(client) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("joinedup/favicon.ico")
    path = finders.find("joinedup/favicon.ico")
    assert path is not None
    with open(path, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_a_refusal_is_logged_on_one_line_and_a_fault_keeps_its_traceback() -> None:
    import io
    import logging
    import sys

    from django.conf import settings
    from django.core.exceptions import PermissionDenied

    from joinedup.web.logging import RefusalsOnOneLine

    logging_config: dict = settings.LOGGING  # type: ignore[type-arg]
    assert "refusals_on_one_line" in logging_config["handlers"]["console"]["filters"]
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RefusalsOnOneLine())
    logger = logging.getLogger("joinedup.tests.refusals")
    logger.addHandler(handler)
    try:
        for error in (PermissionDenied("not yours"), ValueError("a fault")):
            try:
                raise error
            except Exception:
                logger.warning("Forbidden (Permission denied): /children/1/", exc_info=sys.exc_info())
    finally:
        logger.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Forbidden (Permission denied): /children/1/"
    assert lines[1] == "Forbidden (Permission denied): /children/1/"
    assert "Traceback (most recent call last):" in lines[2]  # the fault keeps its traceback
    assert "not yours" not in out.getvalue()


@pytest.mark.django_db
def test_the_administration_index_heads_the_libraries_apps_in_plain_words(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    from joinedup.accounts.models import RoleCode
    from joinedup.accounts.tests.factories import UserFactory

    sign_in(UserFactory.create(roles=[RoleCode.ADMINISTRATOR]))
    page = client.get("/admin/").content.decode()
    assert "Two-factor sign-in devices" in page and "Sign-in attempts and lockouts" in page
    assert ">Otp_Totp<" not in page and ">Axes<" not in page and "OTP_TOTP" not in page
