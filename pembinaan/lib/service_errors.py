"""Showing a service's ValidationError on the form that collected the input."""

from __future__ import annotations

from django import forms as django_forms
from django.core.exceptions import ValidationError


def apply_to_forms(exc: ValidationError, *forms: django_forms.BaseForm) -> None:
    """Put each error on the field it names, so the page marks it; others go to the first form."""
    if not hasattr(exc, "error_dict"):
        forms[0].add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = next((f for f in forms if field in f.fields), forms[0])
        target.add_error(field if field in target.fields else None, errors)
