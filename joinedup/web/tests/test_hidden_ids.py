"""An item that exists but is hidden from the user answers exactly as one that does not exist: the same 404 by
the same path (the same queries, so the same time), for a missing episode and a risk assessment alike."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments.models import Catalogue, RiskAssessment
from joinedup.children.tests.factories import ChildFactory
from joinedup.missing.tests.factories import MissingEpisodeFactory


def _shape(sql: str) -> str:
    """A query with its values taken out: hex ids, quoted strings and numbers."""
    return re.sub(r"'[^']*'|\b[0-9a-f]{32}\b|\b\d+\b|\"s\d+_x\d+\"", "?", sql)


@pytest.mark.parametrize("kind", ["episode", "assessment"])
def test_a_hidden_item_and_an_absent_one_answer_alike_by_the_same_queries(db, sign_in, kind):
    owner, stranger_agency = AgencyFactory.create(code="OWN"), AgencyFactory.create(code="OTH")
    child = ChildFactory.create(owning_agency=owner)
    if kind == "episode":
        hidden = MissingEpisodeFactory.create(child=child).pk
        url = "/missing/episodes/{}/"
    else:
        hidden = RiskAssessment.objects.create(
            child=child,
            catalogue=Catalogue.objects.get(is_current=True),
            owning_agency=owner,
            assessor=child.created_by,
        ).pk
        url = "/assessments/{}/"
    client = sign_in(UserFactory.create(agency=stranger_agency))
    client.get("/")  # the session is read and refreshed before the two requests compared

    answers = []
    for item in (hidden, uuid.uuid4()):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url.format(item))
        answers.append((response.status_code, [_shape(q["sql"]) for q in queries.captured_queries]))

    assert answers[0][0] == answers[1][0] == 404
    assert answers[0][1] == answers[1][1]
