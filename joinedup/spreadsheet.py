"""Text a spreadsheet would run as a formula (CSV injection, OWASP), for every import, form and export.

Imports refuse such a cell (``imports.parsers.formula_check``), forms refuse such an answer
(``web.forms.FormulaRefusingForm``), and every CSV the platform writes neutralises such a cell
(``cell_safe``), so a name such as ``=HYPERLINK(...)`` can never run when a file is opened.
"""

import re

# After the sign only digits, spaces, brackets, dots, commas, slashes, colons, and at least one digit: a number
# or a phone, not a formula. Two patterns, each linear: one pattern with the digit between two runs backtracks
# quadratically, so a long answer of digits ending in a letter held a worker for minutes.
_NUMERIC_CHARACTERS = re.compile(r"[\d\s().,/:-]*")
_DIGIT = re.compile(r"\d")
_HANDLE = re.compile(r"@[\w.]+")


def is_formula_text(value: str, *, allow_handles: bool = False) -> bool:
    """Whether a spreadsheet would run this cell as a formula (CSV injection, OWASP).

    Anything after ``=`` is; ``+SUM(1)``, ``-2+cmd`` and ``@A1`` are; ``-12.5`` and ``+44 7700 900123`` are not.
    Leading spaces, tabs and line breaks are skipped first, as some spreadsheets do.
    With ``allow_handles``, a social media handle such as ``@kay_x`` is accepted.
    """
    stripped = value.strip()
    if len(stripped) < 2 or stripped[0] not in "=+-@":
        return False
    if stripped[0] == "=":
        return True
    if allow_handles and _HANDLE.fullmatch(stripped):
        return False
    rest = stripped[1:]
    return not (_NUMERIC_CHARACTERS.fullmatch(rest) and _DIGIT.search(rest))


def is_formula_answer(value: str) -> bool:
    """Whether a form's answer would run as a formula: as ``is_formula_text`` (handles allowed), except that a
    sign followed by a space, a list written with "- " or "+ " bullets, is text (and neutralised on export)."""
    stripped = value.strip()
    if stripped[:1] in ("+", "-") and stripped[1:2].isspace():
        return False
    return is_formula_text(value, allow_handles=True)


def cell_safe(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula: one starting with ``=``, ``+``, ``-``,
    ``@`` (other than a plain number such as ``-12.5``), a tab or a carriage return gets a leading single
    quote."""
    text = "" if value is None else str(value)
    if text[:1] in ("\t", "\r") or is_formula_text(text):
        return "'" + text
    return text
