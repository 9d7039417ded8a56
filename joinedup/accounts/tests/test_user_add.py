import pytest
from django.core.management import CommandError, call_command

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.tests.factories import AgencyFactory


def test_the_first_administrator_is_added_from_the_command_line(db, monkeypatch):
    monkeypatch.setenv("JOINEDUP_NEW_USER_PASSWORD", "a long enough passphrase 42")
    call_command("user_add", "jo.admin", "--role", "administrator")
    user = User.objects.get(username="jo.admin")
    assert policy.can_administer(user)
    assert user.check_password("a long enough passphrase 42")


def test_a_practitioner_needs_a_known_agency_and_a_strong_password(db, monkeypatch):
    monkeypatch.setenv("JOINEDUP_NEW_USER_PASSWORD", "a long enough passphrase 42")
    with pytest.raises(CommandError, match="Give --agency"):
        call_command("user_add", "pc.one", "--role", "practitioner")
    with pytest.raises(CommandError, match="No agency has the code POL"):
        call_command("user_add", "pc.one", "--role", "practitioner", "--agency", "POL")
    AgencyFactory.create(code="POL")
    monkeypatch.setenv("JOINEDUP_NEW_USER_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("user_add", "pc.one", "--role", "practitioner", "--agency", "POL")
    assert not User.objects.filter(username="pc.one").exists()
