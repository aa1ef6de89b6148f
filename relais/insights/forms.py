"""Forms of the insights pages: the brand's keyword lists of the feedback themes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackKeywordsForm(forms.Form):
    """One box per theme: its keywords, one per line (commas work too)."""

    def __init__(self, *args: Any, themes: Sequence[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes = themes
        for theme in themes:
            self.fields[theme["theme"]] = forms.CharField(
                label=theme["label"],
                initial="\n".join(theme["keywords"]),
                widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
                help_text=_("One word or phrase per line; end a word with * to match what starts with it."),
            )

    def rows(self) -> list[dict[str, Any]]:
        """Each theme with its bound field, for the template."""
        return [{**theme, "field": self[theme["theme"]]} for theme in self.themes]
