"""Form helpers every app's lists share."""

from __future__ import annotations

from django import forms


def list_filters(form: forms.Form) -> dict:
    """The valid filters of a list's filter form; a bad value drops that filter only, not the rest."""
    if not form.is_bound:
        return {}
    form.is_valid()  # cleaned_data keeps the fields that did validate
    return form.cleaned_data
