"""The form of the personal token page."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from api.choices import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What uses it, e.g. “DAM nightly sync”.")
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ)
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a token that lasts until revoked.",
    )

    def clean_expires_on(self):  # type: ignore[no-untyped-def]
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on and expires_on <= timezone.localdate():
            raise forms.ValidationError("Pick a day after today.")
        return expires_on
