"""Phrases that blame children for their own exploitation, each with a child-centred alternative.

The list is data, not code: a partnership edits it in the administration pages.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models


class PhraseGuidance(models.Model):
    """One phrase to look for in free text, why it harms, and what to write instead.

    A plain phrase matches as whole words, ignoring case and the spacing or line
    breaks between its words: "putting herself at risk" finds "Putting  herself
    at\\nrisk" but not "putting herself at riskier". With ``is_regex`` the phrase
    is a Python regular expression, matched case-insensitively and as whole words
    too; use it for variants, for example ``puts\\s+(?:herself|himself)\\s+at\\s+risk``.
    """

    phrase = models.CharField(
        "phrase or pattern",
        max_length=200,
        unique=True,
        help_text="Words to look for, matched as whole words whatever their case; "
        "or a regular expression when 'Regular expression' is ticked.",
    )
    is_regex = models.BooleanField("regular expression", default=False)
    why = models.TextField("why it is harmful")
    suggestion = models.TextField("suggested alternative")
    active = models.BooleanField(default=True, help_text="Untick to stop checking for this phrase without losing it.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = "phrase guidance"
        verbose_name_plural = "phrase guidance"

    def __str__(self) -> str:
        return self.phrase

    def clean(self) -> None:
        if self.is_regex:
            try:
                re.compile(self.phrase)
            except re.error as error:
                raise ValidationError({"phrase": f"This is not a valid regular expression: {error}"}) from error
