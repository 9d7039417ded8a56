"""Codes a page shows are in plain words (issue 15: "private_address", "family_and_home" on the pages)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from joinedup.linkage.views import COMPARISON_NAMES
from joinedup.linkage.views import _weights as linkage_weights
from joinedup.web.templatetags.plain import plain


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("private_address", "Private address"),
        ("licensed_premises", "Licensed premises (pub, bar, club)"),
        ("handle", "Online handle"),
        ("hotel", "Hotel"),
        ("", ""),
        (None, ""),
        ("Station Hotel", "Station Hotel"),  # not a code: left as written
    ],
)
def test_plain_gives_a_code_in_words(code: object, words: str) -> None:
    assert plain(code) == words


def test_a_template_shows_the_place_type_in_words() -> None:
    html = Template("{% load plain %}{{ kind|plain }}").render(Context({"kind": "transport_hub"}))
    assert html == "Transport hub (station, bus station)"


def test_every_comparison_the_linkage_model_explains_has_a_name_in_words() -> None:
    from joinedup.linkage.internals import model

    source = Path(model.__file__).read_text()  # the model's own comparison names
    names = set(re.findall(r'output_column_name="(\w+)"', source))
    assert names, "the model names its comparisons"
    assert names <= set(COMPARISON_NAMES), names - set(COMPARISON_NAMES)
    weights = linkage_weights({"comparisons": {"family_and_home": {"level": "exact", "weight": 2.0}}})
    assert weights[0]["name"] == "Family name and home (address, postcode)"
