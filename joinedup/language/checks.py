"""The appropriate-language check: finds victim-blaming phrases in a practitioner's free text.

Given its phrases, ``language_check`` is a pure function; without them it reads
the partnership's active list from the database, so an edit in the
administration pages applies to the very next check.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from .selectors import phrase_guidance_active


class Guidance(Protocol):
    """What the check needs of a phrase: a PhraseGuidance row, or a Phrase made in code."""

    @property
    def phrase(self) -> str: ...
    @property
    def is_regex(self) -> bool: ...
    @property
    def suggestion(self) -> str: ...
    @property
    def why(self) -> str: ...


@dataclass(frozen=True)
class Phrase:
    phrase: str
    suggestion: str
    why: str = ""
    is_regex: bool = False


@dataclass(frozen=True)
class Finding:
    """A phrase found in the text: ``text[start:end] == matched``."""

    phrase: str
    start: int
    end: int
    matched: str
    suggestion: str
    why: str


# Words may be split by any run of spaces or line breaks; a hyphen may also be written as a space;
# an apostrophe may be straight or curly.
_GAP = r"\s+"
_HYPHEN = r"(?:\s*[-\u2010\u2011]\s*|\s+)"
_APOSTROPHE = "['\u2019]"


def _plain_pattern(phrase: str) -> str:
    def word(w: str) -> str:
        parts = re.split(r"[-\u2010\u2011]", w)
        return _HYPHEN.join(re.escape(p.replace("\u2019", "'")).replace("'", _APOSTROPHE) for p in parts)

    return _GAP.join(word(w) for w in phrase.split())


@lru_cache(maxsize=2048)
def _compiled(phrase: str, is_regex: bool) -> re.Pattern[str] | None:
    body = phrase.strip() if is_regex else _plain_pattern(phrase)
    if not body:
        return None
    try:
        # Whole words only: no letter, digit or underscore may touch either end of the match.
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    except re.error:
        # The admin refuses an invalid pattern; one that slipped in otherwise must not stop anyone writing.
        return None


def language_check(text: str, phrases: Iterable[Guidance] | None = None) -> list[Finding]:
    """Every victim-blaming phrase in ``text``, in order of where it starts.

    A finding that lies wholly inside a longer one is left out, so a phrase is
    reported once under its most specific guidance.
    """
    guidance: Iterable[Guidance] = phrase_guidance_active() if phrases is None else phrases
    found: list[Finding] = []
    for item in guidance:
        pattern = _compiled(item.phrase, item.is_regex)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            found.append(
                Finding(
                    phrase=item.phrase,
                    start=match.start(),
                    end=match.end(),
                    matched=match.group(0),
                    suggestion=item.suggestion,
                    why=item.why,
                )
            )
    found.sort(key=lambda f: (f.start, -f.end, f.phrase))
    kept: list[Finding] = []
    for finding in found:
        if any(k.start <= finding.start and finding.end <= k.end for k in kept):
            continue
        kept.append(finding)
    return kept
